//! Turning storage options into an open, migrated database and the master key.

use std::fs;
use std::io::Write;
use std::sync::Arc;

use anyhow::{Context, bail};
use tenantry_app::{App, Db, DbOptions, SecretBox, SystemClock};

use crate::cli::StorageArgs;

/// The database URL the options name: `--database-url`, or the embedded file in the data
/// directory.
pub fn database_url(args: &StorageArgs) -> String {
    match &args.database_url {
        Some(url) => url.clone(),
        None => format!("sqlite://{}", args.data_dir.join("tenantry.db").display()),
    }
}

/// The embedded database's file, when the database is SQLite.
pub fn sqlite_file(args: &StorageArgs) -> Option<std::path::PathBuf> {
    let url = database_url(args);
    let path = url.strip_prefix("sqlite://")?;
    Some(path.split('?').next().unwrap_or(path).into())
}

pub async fn open_app(args: &StorageArgs) -> anyhow::Result<App> {
    fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("creating data directory {}", args.data_dir.display()))?;
    let url = database_url(args);
    let options = DbOptions {
        max_connections: args.max_connections,
        ..Default::default()
    };
    let db = Db::connect(&url, &options)
        .await
        .context("opening the database")?;
    db.migrate().await.context("migrating the database")?;
    let key = master_key(args)?;
    Ok(App::new(db, Arc::new(SystemClock), SecretBox::new(&key)))
}

fn parse_key(hex_text: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = hex::decode(hex_text.trim()).context("the master key is not hex")?;
    match <[u8; 32]>::try_from(bytes) {
        Ok(key) => Ok(key),
        Err(_) => bail!("the master key must be 32 bytes (64 hex characters)"),
    }
}

/// The key from the option, or from `<data-dir>/master.key`, created (mode 0600) if missing.
fn master_key(args: &StorageArgs) -> anyhow::Result<[u8; 32]> {
    if let Some(text) = &args.master_key {
        return parse_key(text);
    }
    let path = args.data_dir.join("master.key");
    if let Ok(text) = fs::read_to_string(&path) {
        return parse_key(&text);
    }
    let key = SecretBox::generate_key();
    write_new_private(&path, hex::encode(key).as_bytes())?;
    Ok(key)
}

/// Creates `path`, a file that must not exist yet, readable by its owner only.
pub fn create_new_private(path: &std::path::Path) -> anyhow::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .with_context(|| format!("creating {} (it must not exist yet)", path.display()))
}

/// Writes `content` to `path`, a file that must not exist yet, readable by its owner only.
pub fn write_new_private(path: &std::path::Path, content: &[u8]) -> anyhow::Result<()> {
    let mut file = create_new_private(path)?;
    file.write_all(content)?;
    file.sync_all()?;
    Ok(())
}
