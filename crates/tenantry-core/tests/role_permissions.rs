//! The whole built-in role × permission table, checked against a snapshot in the repository,
//! so any change to who may do what shows up in review.
//! Regenerate with `TENANTRY_UPDATE_SNAPSHOTS=1 cargo test -p tenantry-core`.

use std::fmt::Write;

use tenantry_core::{BuiltinRole, Permission};

fn table() -> String {
    let mut out = format!("{:<30}", "permission");
    for role in BuiltinRole::ALL {
        write!(out, " {:<15}", role.label()).unwrap();
    }
    let mut out = out.trim_end().to_owned();
    out.push('\n');
    for permission in Permission::all() {
        let mut line = format!("{:<30}", permission.to_string());
        for role in BuiltinRole::ALL {
            let mark = if role.permissions().contains(&permission) {
                "x"
            } else {
                "."
            };
            write!(line, " {mark:<15}").unwrap();
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn built_in_roles_grant_exactly_the_snapshot() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/snapshots/role_permissions.txt"
    );
    let actual = table();
    if std::env::var("TENANTRY_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::write(path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "the role × permission table changed; review it and regenerate the snapshot:\n{actual}"
    );
}
