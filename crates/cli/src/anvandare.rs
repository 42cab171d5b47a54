//! `delar anvandare lagg-till|lista|ta-bort|behorighet|losenord`: the people who use the web
//! application (`delar serve`), over `delar_app::users`. The password is read from a prompt
//! without echo (asked twice), or as one line from standard input with
//! `--losenord-fran-stdin` (for scripts).

use anyhow::{anyhow, bail, Result};
use clap::Subcommand;
use delar_app::auth::Role;
use delar_app::users as app;
use delar_store::prelude::*;
use std::io::BufRead;
use std::process::ExitCode;

/// The subcommands of `delar anvandare`.
#[derive(Subcommand)]
pub enum AnvandareCmd {
    /// Lägg till en användare med en roll på en nod (gäller noden och allt under den).
    #[command(name = "lagg-till")]
    LaggTill {
        /// Användarnamnet (a–z, siffror, - _ .), till exempel enhetschef-sn41.
        namn: String,
        /// Rollen: enhetschef, ekonom, administrator eller lasare.
        #[arg(long)]
        roll: String,
        /// Organisationsnoden rollen gäller, till exempel SN41.
        #[arg(long)]
        nod: String,
        /// Läs lösenordet som en rad från standard in i stället för att fråga.
        #[arg(long)]
        losenord_fran_stdin: bool,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Lista användarna och deras behörigheter.
    Lista {
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Ta bort en användare (dess behörigheter och sessioner; historiken finns kvar).
    #[command(name = "ta-bort")]
    TaBort {
        /// Användarnamnet.
        namn: String,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Ge en användare ytterligare en roll på en nod (eller ta bort den med --ta-bort).
    Behorighet {
        /// Användarnamnet.
        namn: String,
        /// Rollen: enhetschef, ekonom, administrator eller lasare.
        #[arg(long)]
        roll: String,
        /// Organisationsnoden.
        #[arg(long)]
        nod: String,
        /// Ta bort behörigheten i stället för att ge den.
        #[arg(long)]
        ta_bort: bool,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Sätt ett nytt lösenord (avslutar användarens sessioner och häver en spärr).
    Losenord {
        /// Användarnamnet.
        namn: String,
        /// Läs lösenordet som en rad från standard in i stället för att fråga.
        #[arg(long)]
        losenord_fran_stdin: bool,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
}

/// The password: one line from standard in, or asked twice without echo.
fn password(from_stdin: bool, name: &str) -> Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| anyhow!("kunde inte läsa lösenordet från standard in: {e}"))?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password(format!("Lösenord för {name}: ")).map_err(|e| {
        anyhow!(
            "kunde inte fråga efter lösenordet ({e}); ange det med --losenord-fran-stdin i \
             stället"
        )
    })?;
    let again = rpassword::prompt_password("Samma lösenord igen: ")
        .map_err(|e| anyhow!("kunde inte fråga efter lösenordet: {e}"))?;
    if first != again {
        bail!("lösenorden är olika; ingen ändring gjordes, försök igen");
    }
    Ok(first)
}

fn who() -> String {
    delar_app::forecast::default_user()
}

/// Run a `delar anvandare` subcommand.
pub fn run(cmd: AnvandareCmd) -> Result<ExitCode> {
    match cmd {
        AnvandareCmd::LaggTill {
            namn,
            roll,
            nod,
            losenord_fran_stdin,
            db,
        } => {
            let role = Role::parse_or_err(&roll)?;
            let mut store = crate::db::open(&db)?;
            app::check_name(&namn)?;
            app::check_node(&store, &nod)?;
            let pw = password(losenord_fran_stdin, &namn)?;
            app::add_user(&mut store, &namn, &pw, role, &nod, &who())?;
            println!(
                "Lade till {namn} som {} på {nod} (gäller {nod} och allt under).",
                role.label()
            );
        }
        AnvandareCmd::Lista { db } => {
            let store = crate::db::open(&db)?;
            let users = app::list_users(&store)?;
            if users.is_empty() {
                println!(
                    "Inga användare ännu; lägg till en med \"delar anvandare lagg-till NAMN \
                     --roll ROLL --nod NOD\"."
                );
            }
            let now = now();
            let external: Vec<String> = store
                .external_identities()?
                .into_iter()
                .map(|i| i.user)
                .collect();
            for u in users {
                let grants: Vec<String> = u
                    .grants
                    .iter()
                    .map(|(r, n)| format!("{} på {n}", r.label()))
                    .collect();
                let locked = match u.locked_until {
                    Some(t) if t > now => "  (spärrad efter misslyckade inloggningar)",
                    _ => "",
                };
                let via = if external.contains(&u.name) {
                    "  (loggar in med kommunens konto)"
                } else {
                    ""
                };
                println!(
                    "{:<24} {}{locked}{via}",
                    u.name,
                    if grants.is_empty() {
                        "ingen behörighet".to_string()
                    } else {
                        grants.join(", ")
                    }
                );
            }
        }
        AnvandareCmd::TaBort { namn, db } => {
            let mut store = crate::db::open(&db)?;
            app::remove_user(&mut store, &namn)?;
            println!("Tog bort {namn}.");
        }
        AnvandareCmd::Behorighet {
            namn,
            roll,
            nod,
            ta_bort,
            db,
        } => {
            let role = Role::parse_or_err(&roll)?;
            let mut store = crate::db::open(&db)?;
            if ta_bort {
                app::revoke(&mut store, &namn, role, &nod)?;
                println!("{namn} är inte längre {} på {nod}.", role.label());
            } else if app::grant(&mut store, &namn, role, &nod, &who())? {
                println!("{namn} är nu {} på {nod}.", role.label());
            } else {
                println!("{namn} var redan {} på {nod}; ingen ändring.", role.label());
            }
        }
        AnvandareCmd::Losenord {
            namn,
            losenord_fran_stdin,
            db,
        } => {
            let mut store = crate::db::open(&db)?;
            let pw = password(losenord_fran_stdin, &namn)?;
            app::set_password(&mut store, &namn, &pw)?;
            println!("Nytt lösenord för {namn}; dess sessioner är avslutade.");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
