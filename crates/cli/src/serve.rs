//! `delar serve`: the web application (`delar_web`) on an address, over a database.

use crate::DEFAULT_DB;
use anyhow::{anyhow, Result};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// The arguments of `delar serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Databasfil.
    #[arg(long, default_value = DEFAULT_DB)]
    db: PathBuf,
    /// Adress och port att lyssna på.
    #[arg(long, default_value = "127.0.0.1:8080")]
    adress: String,
    /// Servern nås via HTTPS (en proxy framför): sessionskakan får Secure.
    #[arg(long)]
    bakom_https: bool,
}

/// Run the server until it is stopped (Ctrl-C).
pub fn run(args: ServeArgs) -> Result<ExitCode> {
    // Open once here so that a missing or foreign file is reported before listening.
    delar_store::SqliteStore::open(&args.db)?;
    let config = delar_web::Config {
        db: args.db.clone(),
        secure_cookies: args.bakom_https,
    };
    println!(
        "delar lyssnar på http://{} (databas {}); avsluta med Ctrl-C.",
        args.adress,
        args.db.display()
    );
    delar_web::serve(config, &args.adress).map_err(|e| anyhow!("{e}"))?;
    Ok(ExitCode::SUCCESS)
}
