//! The PostgreSQL backend: connecting (with Swedish messages that name the connection string
//! without its password) and the mirrored schema ([`schema`]). The store itself is
//! [`crate::SqlStore`] on a PostgreSQL [`crate::db::Connection`].

pub mod schema;

use crate::{SqlStore, StoreError};
use std::time::Duration;

/// How long connecting may take before the server is reported unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a write waits for another writer's transaction (as SQLite's busy timeout).
const LOCK_TIMEOUT: &str = "600s";

/// True for a connection string that names a PostgreSQL server.
pub fn is_url(db: &str) -> bool {
    let lower = db.trim_start().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// A connection string with any password replaced by `***` (URL userinfo, `?password=` or a
/// `password=` key), for messages.
pub fn redact(url: &str) -> String {
    let mut s = url.to_string();
    if let Some(scheme_end) = s.find("://") {
        let rest_start = scheme_end + 3;
        let auth_end = s[rest_start..]
            .find(['/', '?'])
            .map(|i| rest_start + i)
            .unwrap_or(s.len());
        if let Some(at) = s[rest_start..auth_end].rfind('@').map(|i| rest_start + i) {
            if let Some(colon) = s[rest_start..at].find(':').map(|i| rest_start + i) {
                s.replace_range(colon + 1..at, "***");
            }
        }
    }
    // password=… in a query string or key-value form.
    let lower = s.to_ascii_lowercase();
    if let Some(p) = lower.find("password=") {
        let start = p + "password=".len();
        let end = s[start..]
            .find(['&', ' '])
            .map(|i| start + i)
            .unwrap_or(s.len());
        s.replace_range(start..end, "***");
    }
    s
}

/// Connect to a PostgreSQL database and migrate it; an empty database becomes a delar
/// database, one with other tables and no delar schema is refused.
pub fn connect(url: &str) -> Result<SqlStore, StoreError> {
    let shown = redact(url);
    let fail = |reason: String| StoreError::Connect {
        target: shown.clone(),
        reason,
    };
    let mut config: postgres::Config = url.parse().map_err(|e| {
        fail(format!(
            "anslutningssträngen kan inte tolkas ({e}); skriv den som \
             postgres://användare@värd:port/databas"
        ))
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name("delar");
    }
    let mut client = config
        .connect(postgres::NoTls)
        .map_err(|e| fail(connect_reason(&e)))?;
    client
        .batch_execute(&format!(
            "SET lock_timeout = '{LOCK_TIMEOUT}'; SET client_min_messages = warning"
        ))
        .map_err(|e| fail(connect_reason(&e)))?;
    // A database that has tables but no delar schema is someone else's.
    let foreign: i64 = client
        .query_one(
            "SELECT COUNT(*) FROM information_schema.tables
             WHERE table_schema = current_schema()
               AND NOT EXISTS (SELECT 1 FROM information_schema.tables
                               WHERE table_schema = current_schema()
                                 AND table_name = 'schema_migrations')",
            &[],
        )
        .map_err(|e| fail(connect_reason(&e)))?
        .get(0);
    if foreign > 0 {
        return Err(fail(
            "databasen har redan tabeller men är inte en delar-databas; ange en tom databas \
             (skapa den med createdb) eller en som delar har skapat"
                .into(),
        ));
    }
    SqlStore::on_connection(client.into())
}

/// Why connecting failed, in Swedish with what to do.
fn connect_reason(e: &postgres::Error) -> String {
    use postgres::error::SqlState;
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        return if *code == SqlState::INVALID_CATALOG_NAME {
            format!(
                "databasen finns inte ({}); skapa den (createdb) eller rätta namnet",
                db.message()
            )
        } else if *code == SqlState::INVALID_PASSWORD
            || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
        {
            format!(
                "användaren eller lösenordet godtogs inte ({}); kontrollera användarnamn och \
                 lösenord (eller PGPASSWORD och ~/.pgpass)",
                db.message()
            )
        } else if *code == SqlState::INSUFFICIENT_PRIVILEGE {
            format!(
                "användaren saknar behörighet ({}); be databasens ägare om rättigheter",
                db.message()
            )
        } else {
            format!(
                "servern svarade med ett fel: {} ({})",
                db.message(),
                code.code()
            )
        };
    }
    let text = e.to_string();
    let source = std::error::Error::source(e)
        .map(|s| s.to_string())
        .unwrap_or_default();
    let io = std::error::Error::source(e).and_then(|s| s.downcast_ref::<std::io::Error>());
    if let Some(io) = io {
        return match io.kind() {
            std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::UnexpectedEof
            | std::io::ErrorKind::BrokenPipe => format!(
                "servern svarar inte som en PostgreSQL-server (den stängde anslutningen: {io}); \
                 kontrollera att värd och port är PostgreSQL-serverns"
            ),
            std::io::ErrorKind::ConnectionRefused => format!(
                "servern tar inte emot anslutningar ({io}); kontrollera värd och port och att \
                 PostgreSQL körs"
            ),
            std::io::ErrorKind::TimedOut => format!(
                "servern svarade inte inom {} sekunder; kontrollera värd och port",
                CONNECT_TIMEOUT.as_secs()
            ),
            std::io::ErrorKind::NotFound => {
                format!("värden eller socketen finns inte ({io}); kontrollera värdnamnet")
            }
            _ => format!("kunde inte ansluta ({io}); kontrollera värd och port"),
        };
    }
    if text.contains("timeout") || source.contains("timeout") {
        return format!(
            "servern svarade inte inom {} sekunder; kontrollera värd och port",
            CONNECT_TIMEOUT.as_secs()
        );
    }
    if text.contains("unexpected message")
        || text.contains("protocol")
        || source.contains("unexpected")
        || text.contains("connection closed")
    {
        return format!(
            "servern svarar inte som en PostgreSQL-server ({text}); kontrollera att porten är \
             PostgreSQL:s"
        );
    }
    if text.contains("lookup") || text.contains("resolve") || source.contains("lookup") {
        return format!("värdnamnet kan inte slås upp ({text}); kontrollera värdnamnet");
    }
    format!("kunde inte ansluta ({text}); kontrollera värd, port och databas")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact("postgres://anna:hemligt@db.example:5432/delar"),
            "postgres://anna:***@db.example:5432/delar"
        );
        assert_eq!(
            redact("postgresql://anna@db/delar?password=x&sslmode=disable"),
            "postgresql://anna@db/delar?password=***&sslmode=disable"
        );
        assert_eq!(
            redact("postgres://anna@db/delar"),
            "postgres://anna@db/delar"
        );
        assert_eq!(
            redact("postgres://a:b:c@h/d"),
            "postgres://a:***@h/d",
            "everything after the first colon of the user info is the password"
        );
    }

    #[test]
    fn urls_are_told_from_paths() {
        assert!(is_url("postgres://u@h/d"));
        assert!(is_url("PostgreSQL://u@h/d"));
        assert!(!is_url("delar.db"));
        assert!(!is_url("/tmp/postgres/delar.db"));
    }
}
