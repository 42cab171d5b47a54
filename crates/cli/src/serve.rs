//! `delar serve`: the web application (`delar_web`) on an address, over a database.

use anyhow::{anyhow, Result};
use clap::Args;
use std::process::ExitCode;

/// The arguments of `delar serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
    #[arg(long, default_value_t = crate::db::default_db())]
    db: String,
    /// Adress och port att lyssna på.
    #[arg(long, default_value = "127.0.0.1:8080")]
    adress: String,
    /// Servern nås via HTTPS (en proxy framför): sessionskakan får Secure.
    #[arg(long)]
    bakom_https: bool,
    /// Inloggning med kommunens konton (OpenID Connect): inställningsfilen (se docs/WEB.md).
    #[arg(long, value_name = "FIL")]
    oidc: Option<std::path::PathBuf>,
}

/// Run the server until it is stopped (Ctrl-C).
pub fn run(args: ServeArgs) -> Result<ExitCode> {
    // Open once here so that a missing or foreign database (or a server that does not answer)
    // is reported before listening.
    let store = crate::db::open(&args.db)?;
    let oidc = match &args.oidc {
        Some(path) => {
            let c = delar_web::oidc::OidcConfig::load(path).map_err(|e| anyhow!("{e}"))?;
            // A mapped node must exist, or its members would silently get nothing.
            for g in &c.group_roles {
                delar_app::users::check_node(&store, &g.node).map_err(|e| {
                    anyhow!("{}, grupproll för gruppen {}: {e}", path.display(), g.group)
                })?;
            }
            println!(
                "Inloggning med {} via {} (klient {}).",
                c.name, c.issuer, c.client_id
            );
            Some(c)
        }
        None => None,
    };
    drop(store);
    let config = delar_web::Config {
        db: args.db.clone(),
        secure_cookies: args.bakom_https,
        oidc,
    };
    println!(
        "delar lyssnar på http://{} (databas {}); avsluta med Ctrl-C.",
        args.adress,
        crate::db::shown(&args.db)
    );
    delar_web::serve(config, &args.adress).map_err(|e| anyhow!("{e}"))?;
    Ok(ExitCode::SUCCESS)
}
