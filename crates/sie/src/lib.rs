//! SIE 1–4 reader, validator and writer (SIE 4B, the Swedish standard for accounting data).
//!
//! The reader streams: it yields one [`Record`] at a time (a voucher with all its lines is one
//! record), so memory does not grow with the number of vouchers. It detects the character
//! encoding from the content, never panics on malformed input, and reports every problem as a
//! [`Finding`] with a line number and a Swedish message. The [`Validator`] checks what only
//! the whole file can tell (balances against transactions, checksums, duplicate numbers).

pub mod encoding;
mod fast;
pub mod finding;
pub mod intern;
pub mod model;
mod psaldo;
pub mod reader;
mod sniff;
pub mod token;
pub mod validate;
pub mod writer;

pub use encoding::Encoding;
pub use finding::{Cause, Finding, Findings, Severity};
pub use model::*;
pub use reader::{ReadOptions, SieReader};
pub use validate::{check, Checked, SieStream, Summary, Validator, YearTotals};
pub use writer::SieWriter;
