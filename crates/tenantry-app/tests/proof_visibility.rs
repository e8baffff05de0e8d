//! Only the authorization module makes proofs. The compiler already refuses a struct literal
//! of `Authorized` outside its module (private fields; see the `compile_fail` examples in
//! `src/authz.rs`); this test guards the other door: no production code implements the
//! store's `Proof` trait for a type of its own, and none builds `Authorized` by hand.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_the_authorization_module_implements_or_builds_a_proof() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let authz = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/authz.rs");
    let mut files = Vec::new();
    for krate in std::fs::read_dir(&crates).unwrap() {
        let src = krate.unwrap().path().join("src");
        if src.is_dir() {
            sources(&src, &mut files);
        }
    }
    assert!(files.len() > 50, "the scan found the sources");
    let mut offenders = Vec::new();
    for file in files {
        if file.canonicalize().unwrap() == authz.canonicalize().unwrap() {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let implements = text.lines().any(|line| {
            let line = line.trim_start();
            line.starts_with("impl") && line.contains("Proof for")
        });
        let builds = text.contains("Authorized {");
        if implements || builds {
            offenders.push(file.display().to_string());
        }
    }
    assert!(
        offenders.is_empty(),
        "proofs made outside authz.rs: {offenders:?}"
    );
}
