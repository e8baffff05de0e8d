//! The optional HTTPS listener: a self-signed certificate made on first start and kept in
//! `<data-dir>/tls/` (the key readable by the owner only), served with rustls.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use axum_server::tls_rustls::RustlsConfig;

const CERT_FILE: &str = "cert.pem";
const KEY_FILE: &str = "key.pem";

/// Names the certificate covers: local clients reach the server by these.
fn subject_names() -> Vec<String> {
    ["localhost", "127.0.0.1", "::1"]
        .into_iter()
        .map(str::to_owned)
        .collect()
}

fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

/// The TLS configuration from `<data_dir>/tls/`, after making a self-signed certificate there
/// if there is none.
pub async fn config(data_dir: &Path) -> anyhow::Result<RustlsConfig> {
    // Only the ring provider is built; rustls needs it chosen once per process.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = data_dir.join("tls");
    let (cert, key) = (dir.join(CERT_FILE), dir.join(KEY_FILE));
    if !cert.exists() {
        fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let made = rcgen::generate_simple_self_signed(subject_names())
            .context("making a self-signed certificate")?;
        write_private(&key, &made.signing_key.serialize_pem())?;
        fs::write(&cert, made.cert.pem()).with_context(|| format!("writing {}", cert.display()))?;
        tracing::info!(path = %cert.display(), "self-signed certificate created");
    }
    RustlsConfig::from_pem_file(&cert, &key)
        .await
        .context("loading the TLS certificate")
}
