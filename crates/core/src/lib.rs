//! Core types for delar: exact money, periods and rounds, account groups, the organisation,
//! volume series and budget lines. Pure: no I/O.

pub mod accounts;
pub mod budget;
pub mod money;
pub mod org;
pub mod period;
pub mod placement;
pub mod volume;
pub mod words;

pub use accounts::{AccountGroup, AccountMapping, GroupKind, UNGROUPED};
pub use budget::{BudgetLine, BudgetPeriod, Periodisation};
pub use money::{Amount, Unit};
pub use org::{OrgError, OrgKind, OrgNode, OrgTree, Organisation};
pub use period::{Date, FinancialYear, PeriodRange, Round, RoundKind, YearMonth};
pub use placement::Placement;
pub use volume::{VolumeBudgetValue, VolumeKind, VolumeSeries, VolumeValue};
