//! Budget lines from the budget template: monthly amounts per account and object, grouped in
//! versions (budget decisions) that add up.
//!
//! The budget in force at a date is the SIE file's #PBUDGET (when any) plus every version
//! decided on or before that date: a supplementary budget (tilläggsbudget) holds only the
//! changes.

use crate::money::Amount;
use crate::period::{Date, YearMonth};
use serde::{Deserialize, Serialize};

/// One monthly budget line (a row of `budget.csv`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetLine {
    /// The budget decision, e.g. `Budget 2025` or `Tilläggsbudget 1`.
    pub version: String,
    /// The decision date; the same on every line of a version.
    pub decided: Date,
    /// The month.
    pub month: YearMonth,
    /// Account number (digits), e.g. `4610`.
    pub account: String,
    /// Organisation code (ansvar object, dimension 1).
    pub responsible: String,
    /// SCB activity code (verksamhet object, dimension 2), when given.
    pub activity: Option<String>,
    /// Amount in the ledger's sign: costs positive, revenues negative.
    pub amount: Amount,
    /// Free comment (kommentar), when given.
    pub comment: Option<String>,
}

/// True when a version decided on `decided` is in force at `as_of`.
pub fn in_force(decided: Date, as_of: Date) -> bool {
    decided <= as_of
}
