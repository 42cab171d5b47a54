//! Errors of the store, with Swedish messages.

use crate::types::RowError;
use delar_sie::Finding;
use std::fmt;
use std::path::{Path, PathBuf};

/// Everything that can go wrong in the store; `Display` gives a Swedish message for the user.
#[derive(Debug)]
pub enum StoreError {
    /// The database file does not exist.
    NotFound(PathBuf),
    /// `create` was asked for a file that already exists.
    Exists(PathBuf),
    /// The file exists but is not a delar database.
    NotDelar(PathBuf),
    /// The database was written by a newer version of delar.
    TooNew {
        /// Schema version in the database.
        found: i64,
        /// Highest version this program knows.
        known: i64,
    },
    /// Reading a file failed.
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The SIE file has errors; nothing was imported.
    Invalid {
        /// File name as given to the import.
        file: String,
        /// Number of errors (all of them, also those not kept).
        errors: u64,
        /// The kept findings (errors first).
        findings: Vec<Finding>,
    },
    /// Rows of a template file do not fit the database (unknown series, accounts outside the
    /// account groups, ansvar outside the organisation); nothing was imported.
    Rows {
        /// File name as given to the import.
        file: String,
        /// The problems, in row order (at most 100).
        errors: Vec<RowError>,
        /// Problems found beyond those listed.
        more: u64,
    },
    /// The account mapping cannot be applied.
    Mapping(String),
    /// The requested financial year is not in the store.
    NoSuchYear(i32),
    /// The requested volume series is not in the store.
    NoSuchSeries(String),
    /// The requested object is not in the store.
    NoSuchObject {
        /// Dimension.
        dim: u32,
        /// Object code.
        code: String,
    },
    /// The database holds a value it should not (a damaged or hand-edited file).
    Corrupt(String),
    /// A forecast round cannot be changed as asked (locked, missing, comment required); the
    /// text is the Swedish message.
    Forecast(String),
    /// A change based on a version that is no longer the stored one (someone else changed it
    /// in between); the text names who changed it, when, and the value now stored. Nothing was
    /// written.
    Conflict(String),
    /// A change refused by a rule of the store (an account that exists already, a grant for
    /// an unknown account); the text is the Swedish message with what to do. Nothing was
    /// written.
    Refused(String),
    /// An error from the database engine.
    Db(crate::db::Error),
    /// A copy between databases could not be made (nothing was copied); Swedish text.
    Copy(String),
    /// A PostgreSQL server could not be used.
    Connect {
        /// The connection string, without its password.
        target: String,
        /// Why, in Swedish, with what to do.
        reason: String,
    },
}

impl StoreError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> StoreError {
        StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// How many error findings `Display` lists before summarising the rest.
const SHOWN_FINDINGS: usize = 20;

/// How many follow-ons `Display` lists under their cause.
const SHOWN_FOLLOW_ONS: usize = 3;

/// The errors of a file that was not imported: the causes first, each with a few of its
/// follow-on errors under it and a count of the rest, then the other errors.
fn write_invalid(
    f: &mut fmt::Formatter<'_>,
    file: &str,
    errors: u64,
    findings: &[Finding],
) -> fmt::Result {
    use delar_sie::finding::count;
    use delar_sie::Severity;
    let mut by_cause: std::collections::HashMap<delar_sie::Cause, Vec<&Finding>> =
        std::collections::HashMap::new();
    for x in findings.iter().filter(|x| x.severity == Severity::Error) {
        if let Some(c) = x.cause {
            by_cause.entry(c).or_default().push(x);
        }
    }
    let no_follow_ons: Vec<&Finding> = Vec::new();
    let follow_ons = |c: &Finding| by_cause.get(&c.as_cause()).unwrap_or(&no_follow_ons);
    let causes: Vec<&Finding> = findings
        .iter()
        .filter(|x| x.cause.is_none())
        .filter(|x| x.severity == Severity::Error || !follow_ons(x).is_empty())
        .collect();
    let n_follow: u64 = by_cause.values().map(|v| v.len() as u64).sum();
    if n_follow > 0 {
        write!(
            f,
            "{file} har {} fel, varav {} följdfel; ingenting importerades",
            count(errors),
            count(n_follow)
        )?;
    } else {
        write!(
            f,
            "{file} har {} fel; ingenting importerades",
            count(errors)
        )?;
    }
    let mut shown = 0u64;
    for c in causes.iter().take(SHOWN_FINDINGS) {
        write!(f, "\n  {}", c.render(file))?;
        if c.severity == Severity::Error {
            shown += 1;
        }
        let fo = follow_ons(c);
        for x in fo.iter().take(SHOWN_FOLLOW_ONS) {
            write!(f, "\n    följdfel: {}", x.render(file))?;
        }
        shown += fo.len() as u64;
        if fo.len() > SHOWN_FOLLOW_ONS {
            write!(
                f,
                "\n    … och {} följdfel till av samma orsak",
                count((fo.len() - SHOWN_FOLLOW_ONS) as u64)
            )?;
        }
    }
    if errors > shown {
        write!(f, "\n  … och {} fel till", count(errors - shown))?;
    }
    Ok(())
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::NotFound(p) => write!(
                f,
                "databasen {} finns inte (skapa den först, till exempel med \"delar init\")",
                p.display()
            ),
            StoreError::Exists(p) => {
                write!(
                    f,
                    "filen {} finns redan; välj ett annat namn eller öppna den",
                    p.display()
                )
            }
            StoreError::NotDelar(p) => write!(f, "filen {} är inte en delar-databas", p.display()),
            StoreError::TooNew { found, known } => write!(
                f,
                "databasen har schemaversion {found} men programmet känner bara till version \
                 {known}; uppdatera delar"
            ),
            StoreError::Io { path, source } => {
                write!(f, "kunde inte läsa {}: {source}", path.display())
            }
            StoreError::Invalid {
                file,
                errors,
                findings,
            } => write_invalid(f, file, *errors, findings),
            StoreError::Rows { file, errors, more } => {
                let n = errors.len() as u64 + more;
                write!(f, "{file} har {n} fel; ingenting importerades")?;
                for e in errors {
                    write!(f, "\n  {}", e.render(file))?;
                }
                if *more > 0 {
                    write!(f, "\n  … och {more} fel till")?;
                }
                Ok(())
            }
            StoreError::NoSuchSeries(s) => write!(
                f,
                "volymserien \"{s}\" finns inte i databasen (importera den med \"delar import \
                 volymserier\")"
            ),
            StoreError::Mapping(m) => write!(f, "kontogrupperna kan inte användas: {m}"),
            StoreError::NoSuchYear(y) => write!(f, "räkenskapsåret {y} finns inte i databasen"),
            StoreError::NoSuchObject { dim, code } => {
                write!(
                    f,
                    "objektet \"{code}\" i dimension {dim} finns inte i databasen"
                )
            }
            StoreError::Corrupt(m) => write!(f, "databasen innehåller ett felaktigt värde: {m}"),
            StoreError::Forecast(m) => f.write_str(m),
            StoreError::Conflict(m) | StoreError::Refused(m) => f.write_str(m),
            StoreError::Db(e) if e.is_busy() => write!(
                f,
                "databasen är upptagen: ett annat kommando skriver (till exempel en import) och \
                 blev inte klart inom 10 minuter; inget ändrades, kör kommandot igen när det \
                 andra är klart ({e})"
            ),
            StoreError::Db(e) if e.is_connection_lost() => write!(
                f,
                "{e}; inget av kommandot sparades (transaktionen rullades tillbaka), kör det \
                 igen när servern svarar"
            ),
            StoreError::Db(e) => write!(f, "databasfel: {e}"),
            StoreError::Copy(m) => write!(f, "kopieringen gick inte: {m}"),
            StoreError::Connect { target, reason } => {
                write!(f, "kan inte använda databasen {target}: {reason}")
            }
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Io { source, .. } => Some(source),
            StoreError::Db(e) => Some(e),
            _ => None,
        }
    }
}

impl From<crate::db::Error> for StoreError {
    fn from(e: crate::db::Error) -> StoreError {
        StoreError::Db(e)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::Db(e.into())
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> StoreError {
        StoreError::Db(e.into())
    }
}
