//! The subcommands.

use std::sync::Arc;

use anyhow::Context;
use serde_json::json;
use tenantry_app::BootstrapRequest;
use tenantry_app::dns::DnsSettings;
use tenantry_app::mail::{MailSettings, MailTransport};
use tenantry_core::values::{Email, Username};
use tokio::net::TcpListener;

use crate::cli::{BootstrapArgs, ServeArgs, StorageArgs};
use crate::config::open_app;

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    // Installed first, so every counter from the start reports to it.
    let metrics = match args.metrics_listen {
        Some(address) => Some((
            crate::metrics::install()?,
            crate::metrics::bind(address).await?,
        )),
        None => None,
    };
    let mut dns = DnsSettings::new(&args.nameservers, &args.hostmaster)
        .map_err(|why| anyhow::anyhow!("--nameservers / --hostmaster: {why}"))?;
    dns.journal_depth = args.dns_journal_depth;
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", args.listen));
    let mail = MailSettings {
        from: args.mail_from.clone(),
        public_url: public_url.trim_end_matches('/').to_owned(),
    };
    let app = Arc::new(
        open_app(&args.storage)
            .await?
            .with_dns_settings(dns)
            .with_mail_settings(mail)
            .with_sign_up_policy(args.signup),
    );
    let db = app.db().clone();
    let name_server = match args.dns_listen {
        Some(address) => Some(
            tenantry_dns::NameServer::start(app.clone(), address)
                .await
                .with_context(|| format!("answering DNS on {address}"))?,
        ),
        None => None,
    };
    tokio::spawn(housekeeping(app.clone()));
    tokio::spawn(domain_lifecycle(app.clone()));
    let transport = match &args.smtp_url {
        Some(url) => MailTransport::smtp(url).map_err(|why| anyhow::anyhow!(why))?,
        None => {
            let dir = args.storage.data_dir.join("mail");
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("creating the mail directory {}", dir.display()))?;
            tracing::info!(dir = %dir.display(), "no --smtp-url: mail is written as .eml files");
            MailTransport::files(dir)
        }
    };
    tokio::spawn(app.mail_sender(transport).run());
    let limits = tenantry_http::RateLimitSettings {
        limit: args.rate_limit,
        period_seconds: args.rate_limit_period,
    };
    let metrics_app = app.clone();
    let router = tenantry_http::router_with(app, limits);
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    tracing::info!(address = %listener.local_addr()?, "tenantry serving");
    // One signal stops both listeners; each finishes the requests it has.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    });
    let https = match args.tls_listen {
        Some(address) => {
            let config = crate::tls::config(&args.storage.data_dir).await?;
            let handle = axum_server::Handle::new();
            let mut watch = stopped.clone();
            let stopper = handle.clone();
            tokio::spawn(async move {
                let _ = watch.wait_for(|stop| *stop).await;
                stopper.graceful_shutdown(Some(std::time::Duration::from_secs(30)));
            });
            let service = tenantry_http::over_tls(router.clone())
                .into_make_service_with_connect_info::<std::net::SocketAddr>();
            tracing::info!(%address, "tenantry serving https");
            Some(tokio::spawn(
                axum_server::bind_rustls(address, config)
                    .handle(handle)
                    .serve(service),
            ))
        }
        None => None,
    };
    let metrics = metrics.map(|(handle, listener)| {
        tokio::spawn(crate::metrics::serve(
            listener,
            metrics_app,
            handle,
            stopped.clone(),
        ))
    });
    let mut watch = stopped.clone();
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = watch.wait_for(|stop| *stop).await;
    })
    .await?;
    if let Some(https) = https {
        https.await?.context("serving https")?;
    }
    if let Some(metrics) = metrics {
        metrics.await??;
    }
    if let Some(name_server) = name_server {
        name_server.stop().await;
    }
    db.close().await;
    tracing::info!("tenantry stopped");
    Ok(())
}

/// Expired access tokens cannot authenticate, expired idempotency keys are never replayed
/// and expired invite tokens set no password; removing them only keeps their tables small.
/// The domain lifecycle scheduler: a pass at start-up (settling what a crash left in
/// flight) and every 30 seconds; among processes sharing a database, the lease holder runs it.
async fn domain_lifecycle(app: Arc<tenantry_app::App>) {
    let holder = format!("{}-{}", std::process::id(), uuid::Uuid::now_v7());
    let mut every = tokio::time::interval(std::time::Duration::from_secs(30));
    loop {
        every.tick().await;
        match app.domains_lifecycle_tick(&holder).await {
            Ok(Some(report)) if report != Default::default() => {
                tracing::info!(?report, "domain lifecycle pass");
            }
            Ok(_) => {}
            Err(err) => tracing::warn!(%err, "domain lifecycle pass failed"),
        }
    }
}

async fn housekeeping(app: Arc<tenantry_app::App>) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        match app.token_cleanup().await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "expired access tokens removed"),
            Err(err) => tracing::warn!(%err, "could not remove expired access tokens"),
        }
        match app.idempotency_purge().await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "expired idempotency keys removed"),
            Err(err) => tracing::warn!(%err, "could not remove expired idempotency keys"),
        }
        match app.session_token_cleanup().await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "expired session tokens removed"),
            Err(err) => tracing::warn!(%err, "could not remove expired session tokens"),
        }
        match app.invite_tokens_purge().await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "expired invite tokens removed"),
            Err(err) => tracing::warn!(%err, "could not remove expired invite tokens"),
        }
        match app.user_links_purge().await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "expired mailed links removed"),
            Err(err) => tracing::warn!(%err, "could not remove expired mailed links"),
        }
        match app.dnssec_renew_signatures().await {
            Ok(0) => {}
            Ok(renewed) => tracing::info!(renewed, "signed zones renewed for their secondaries"),
            Err(err) => tracing::warn!(%err, "could not renew the signed zones' signatures"),
        }
        match app.operator_sessions_purge().await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "ended operator console sessions removed"),
            Err(err) => tracing::warn!(%err, "could not remove ended operator console sessions"),
        }
    }
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("installing the SIGTERM handler");
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

pub async fn migrate(args: StorageArgs) -> anyhow::Result<()> {
    let app = open_app(&args).await?;
    app.db().close().await;
    eprintln!("database is up to date");
    Ok(())
}

pub async fn bootstrap(args: BootstrapArgs) -> anyhow::Result<()> {
    let username =
        Username::parse(&args.username).map_err(|e| anyhow::anyhow!("--username: {e}"))?;
    let email = Email::parse(&args.email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    // Made before the bootstrap, which happens once: its secrets must have somewhere to go.
    let file = match &args.out {
        Some(path) => Some((path, crate::config::create_new_private(path)?)),
        None => None,
    };
    let app = open_app(&args.storage).await?;
    let request = BootstrapRequest {
        organization_name: args.org_name,
        username,
        email,
    };
    let result = app.bootstrap(request).await;
    app.db().close().await;
    let made = match result {
        Ok(made) => made,
        Err(why) => {
            if let Some((path, _)) = &file {
                let _ = std::fs::remove_file(path);
            }
            anyhow::bail!("bootstrap refused: {why}");
        }
    };
    // The only time these secrets are shown: they are stored as digests or sealed.
    let out = if args.json {
        let out = json!({
            "organization_id": made.organization_id,
            "org_id": made.org_id,
            "user_id": made.user_id,
            "api_key": made.api_key,
            "client_id": made.client_id,
            "client_secret": made.client_secret,
            "operator_api_key": made.operator_api_key,
            "operator_totp_secret": made.operator_totp_secret,
        });
        format!("{out}\n")
    } else {
        [
            ("organization_id", made.organization_id.to_string()),
            ("org_id", made.org_id.to_string()),
            ("user_id", made.user_id.to_string()),
            ("api_key", made.api_key),
            ("client_id", made.client_id.to_string()),
            ("client_secret", made.client_secret),
            ("operator_api_key", made.operator_api_key),
            ("operator_totp_secret", made.operator_totp_secret),
        ]
        .iter()
        .map(|(name, value)| format!("{name:<20} {value}\n"))
        .chain(["\nThese secrets are shown only now. Store them safely.\n".to_owned()])
        .collect()
    };
    match file {
        Some((path, mut file)) => {
            use std::io::Write;
            file.write_all(out.as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("the bootstrap is done; writing {}", path.display()))?;
        }
        None => print!("{out}"),
    }
    Ok(())
}
