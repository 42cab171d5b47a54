//! Core types for delar: exact money, periods and rounds, account groups. Pure: no I/O.

pub mod accounts;
pub mod money;
pub mod period;

pub use accounts::{AccountGroup, AccountMapping, GroupKind};
pub use money::{Amount, Unit};
pub use period::{Date, FinancialYear, PeriodRange, Round, RoundKind, YearMonth};
