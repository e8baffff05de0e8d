//! `tenantry recover …`: what to do when the bootstrap output is lost. Each command opens the
//! database as `serve` does (a server may be running on it) and prints what it made once.

use anyhow::Context;
use tenantry_app::person_organizations::OrganizationRef;
use tenantry_core::values::Username;

use crate::cli::RecoverCommand;
use crate::config::open_app;

pub async fn recover(what: RecoverCommand) -> anyhow::Result<()> {
    match what {
        RecoverCommand::Operator { username, storage } => {
            let username =
                Username::parse(&username).map_err(|e| anyhow::anyhow!("--username: {e}"))?;
            let app = open_app(&storage).await?;
            let made = app.recover_operator(username).await;
            app.db().close().await;
            let made = made.context("no operator was made")?;
            print_secrets(&[
                ("operator_id", made.operator.id.to_string()),
                ("operator_username", made.operator.username),
                ("operator_api_key", made.key),
                ("operator_totp_secret", made.totp_secret),
            ]);
        }
        RecoverCommand::Credential {
            organization,
            name,
            storage,
        } => {
            let app = open_app(&storage).await?;
            let reference = OrganizationRef::parse(&organization);
            let made = app.recover_credential(&reference, name).await;
            app.db().close().await;
            let made = made.context("no credential was issued")?;
            print_secrets(&[
                ("organization_id", made.organization_id.to_string()),
                ("api_key_id", made.credential_id.to_string()),
                ("api_key", made.api_key),
                ("client_id", made.organization_id.to_string()),
                ("client_secret", made.client_secret),
            ]);
        }
        RecoverCommand::Organizations { storage } => {
            let app = open_app(&storage).await?;
            let listed = app.recover_organizations().await;
            app.db().close().await;
            for org in listed? {
                let parent = org.parent_id.map(|p| p.to_string());
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    org.id,
                    org.org_id,
                    org.slug,
                    parent.as_deref().unwrap_or("-"),
                    org.profile.name
                );
            }
        }
    }
    Ok(())
}

/// The only time these secrets are shown: they are stored as digests or sealed.
fn print_secrets(fields: &[(&str, String)]) {
    for (name, value) in fields {
        println!("{name:<22} {value}");
    }
    println!("\nThese secrets are shown only now. Store them safely.");
}
