//! `tenantry backup` and `tenantry restore`: the embedded database and the master key, copied
//! out while the server runs and put back before it starts.

use std::fs;
use std::path::Path;

use anyhow::{Context, bail};

use crate::cli::{BackupArgs, RestoreArgs};
use crate::config::{create_new_private, open_app, sqlite_file, write_new_private};

const DATABASE: &str = "tenantry.db";
const MASTER_KEY: &str = "master.key";

const POSTGRES_BACKUP: &str = "PostgreSQL is backed up with its own tools: `pg_dump --format=custom` \
    while it serves, `pg_restore` into an empty database (see README); keep the master key with it";

/// Makes `dir`, which must not exist, readable by its owner only.
fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .with_context(|| format!("creating {} (it must not exist yet)", dir.display()))
}

pub async fn backup(args: BackupArgs) -> anyhow::Result<()> {
    let Some(file) = sqlite_file(&args.storage) else {
        bail!(POSTGRES_BACKUP);
    };
    // Opening a database that is not there would make an empty one, and back that up.
    if !file.is_file() {
        bail!("{} does not exist: nothing to back up", file.display());
    }
    let app = open_app(&args.storage).await?;
    create_private_dir(&args.to)?;
    let copy = args.to.join(DATABASE);
    let path = copy
        .to_str()
        .context("the backup directory's path is not UTF-8")?;
    let copied = app.db().copy_into(path).await;
    app.db().close().await;
    copied.context("copying the database")?;
    // TOTP seeds and other sealed secrets are unreadable without the key they were sealed with.
    let key = args.storage.data_dir.join(MASTER_KEY);
    match (&args.storage.master_key, fs::read(&key)) {
        (None, Ok(text)) => write_new_private(&args.to.join(MASTER_KEY), &text)?,
        _ => eprintln!(
            "the master key is not in the data directory: keep it with the backup yourself"
        ),
    }
    eprintln!("backed up to {}", args.to.display());
    Ok(())
}

pub async fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    let Some(target) = sqlite_file(&args.storage) else {
        bail!(POSTGRES_BACKUP);
    };
    let source = args.from.join(DATABASE);
    if !source.is_file() {
        bail!(
            "{} is not a backup: it has no {DATABASE}",
            args.from.display()
        );
    }
    if target.exists() {
        bail!(
            "{} exists: restore into a data directory without a database (move it away first)",
            target.display()
        );
    }
    fs::create_dir_all(&args.storage.data_dir)?;
    let key = args.from.join(MASTER_KEY);
    let here = args.storage.data_dir.join(MASTER_KEY);
    // Without the key the sealed secrets were sealed with, opening would make a new one and
    // leave them unreadable.
    if !key.is_file() && args.storage.master_key.is_none() && !here.is_file() {
        bail!(
            "{} has no master key: give the one the backup was made with (--master-key)",
            args.from.display()
        );
    }
    if key.is_file() && args.storage.master_key.is_none() {
        match fs::read(&here) {
            Ok(existing) if existing != fs::read(&key)? => bail!(
                "{} holds another master key than the backup's",
                here.display()
            ),
            Ok(_) => {}
            Err(_) => write_new_private(&here, &fs::read(&key)?)?,
        }
    }
    let mut file = create_new_private(&target)?;
    std::io::copy(&mut fs::File::open(&source)?, &mut file)?;
    file.sync_all()?;
    // Opening migrates it to this version and proves it is a database this server reads.
    let app = open_app(&args.storage).await?;
    app.db()
        .ping()
        .await
        .context("reading the restored database")?;
    app.db().close().await;
    eprintln!("restored {} from {}", target.display(), args.from.display());
    Ok(())
}
