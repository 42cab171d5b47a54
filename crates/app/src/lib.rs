//! The application layer: every use case of delar as a plain function over a store handle
//! (`&dyn Backend` / `&mut dyn Backend`), returning typed results and typed Swedish errors.
//! The front ends (the command line, the web application) parse their input, call these
//! functions and present what they return; they decide nothing a use case decides.
//!
//! - [`imports`]: the templates and follow-up registers read, checked and stored.
//! - [`forecast`]: a forecast round computed from the store (every line, every method, the
//!   backtest and the recommendation), saved; the backtest report; the accuracy history; the
//!   bridge between rounds.
//! - [`review`]: reviewing flagged lines in bulk before a round is locked.
//! - [`report`]: the report's inputs gathered from the store, the report and its appendices
//!   built and checked (R1–R14 on the model, R16 against the ledger: [`reconcile`]), rendered.
//! - [`programme`], [`consolidation`]: the programme area consolidated, internal trade
//!   eliminated.
//! - [`texts`]: a person's edits of the drafted analysis and proposal, per round.
//! - [`goals`]: the goal assessment and decisions on goal statuses.
//! - [`auth`], [`users`]: who may do what on which node (the one question [`auth::authorize`]),
//!   passwords, sessions, accounts and grants.
//! - [`workflow`]: a round's forecast per node submitted, recalled, returned and approved; the
//!   lines saved from the forecast sheet under those rules; the start page's status.

pub mod admin;
pub mod auth;
pub mod consolidation;
pub mod external;
pub mod forecast;
pub mod goal_round;
pub mod goals;
pub mod imports;
pub mod overview;
pub mod programme;
pub mod reconcile;
pub mod references;
pub mod report;
pub mod review;
pub mod sheet_xlsx;
pub mod texts;
pub mod users;
pub mod workflow;
#[doc(hidden)]
pub mod workflow_check;

use delar_store::StoreError;
use std::fmt;

/// What a use case can fail with. Every message is Swedish and says what to do.
#[derive(Debug)]
pub enum AppError {
    /// The store refused or failed (its own Swedish message).
    Store(StoreError),
    /// Something asked for does not exist (a round, a node, a line, a text key).
    NotFound(String),
    /// The input or the data cannot be used as it is: what is wrong and what to do.
    Invalid(String),
    /// The report's integrity checks found errors; nothing was written.
    Check(Vec<delar_report::check::Finding>),
    /// Reading or writing a file failed.
    Io(String),
    /// The person may not do this here (what and what to do).
    Forbidden(String),
    /// Not logged in: a wrong name or password, or a locked account.
    Unauthorized(String),
}

impl AppError {
    /// An [`AppError::Invalid`] from anything printable (another crate's Swedish error).
    pub fn from_display(e: impl fmt::Display) -> AppError {
        AppError::Invalid(e.to_string())
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Store(e) => write!(f, "{e}"),
            AppError::NotFound(m)
            | AppError::Invalid(m)
            | AppError::Io(m)
            | AppError::Forbidden(m)
            | AppError::Unauthorized(m) => f.write_str(m),
            AppError::Check(_) => f.write_str(
                "rapporten skrivs inte eftersom integritetskontrollerna hittade fel (se ovan); \
                 rätta underlaget eller skriv ett utkast med --draft",
            ),
        }
    }
}

impl std::error::Error for AppError {}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::Store(e)
    }
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        AppError::Invalid(format!("JSON: {e}"))
    }
}

impl From<delar_store::FollowupError> for AppError {
    fn from(e: delar_store::FollowupError) -> Self {
        AppError::Invalid(e.to_string())
    }
}

impl From<delar_store::GoalOverrideError> for AppError {
    fn from(e: delar_store::GoalOverrideError) -> Self {
        match e {
            delar_store::GoalOverrideError::Store(e) => AppError::Store(e),
            e => AppError::Invalid(e.to_string()),
        }
    }
}

/// The result of a use case.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Return an [`AppError::Invalid`] with a formatted Swedish message.
#[macro_export]
macro_rules! fail {
    ($($t:tt)*) => {
        return Err($crate::AppError::Invalid(format!($($t)*)))
    };
}

/// An [`AppError::Invalid`] with a formatted Swedish message.
#[macro_export]
macro_rules! app_err {
    ($($t:tt)*) => {
        $crate::AppError::Invalid(format!($($t)*))
    };
}

/// Add what was being done to an error (file reads and writes, an appendix being built).
pub trait Context<T> {
    /// On error, an [`AppError::Io`] (for I/O errors) or the error with `what` in front.
    fn with_context<F: FnOnce() -> String>(self, what: F) -> Result<T>;
}

impl<T, E: fmt::Display> Context<T> for std::result::Result<T, E> {
    fn with_context<F: FnOnce() -> String>(self, what: F) -> Result<T> {
        self.map_err(|e| AppError::Io(format!("{}: {e}", what())))
    }
}
