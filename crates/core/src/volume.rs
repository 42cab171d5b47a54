//! Volume series (volymserier) and their monthly values: the quantities forecasts multiply by
//! unit prices (placed persons per day × cost per day, performed home-care hours × hourly
//! rate).
//!
//! Values are `f64`: they are counts, averages and prices per unit, not bookkeeping amounts.

use crate::period::YearMonth;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a series measures (`typ` in the template).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum VolumeKind {
    /// Average stock during the month (bestånd), e.g. placed persons per day.
    Stock,
    /// Count during the month (flöde), e.g. performed home-care hours.
    Flow,
    /// Price in kronor per unit during the month (pris), e.g. cost per care day.
    Price,
}

impl VolumeKind {
    /// Every kind.
    pub const ALL: [VolumeKind; 3] = [VolumeKind::Stock, VolumeKind::Flow, VolumeKind::Price];

    /// The Swedish name as written in the template: `bestånd`, `flöde`, `pris`.
    pub const fn label(self) -> &'static str {
        match self {
            VolumeKind::Stock => "bestånd",
            VolumeKind::Flow => "flöde",
            VolumeKind::Price => "pris",
        }
    }

    /// An ASCII code for storage: `bestand`, `flode`, `pris`.
    pub const fn code(self) -> &'static str {
        match self {
            VolumeKind::Stock => "bestand",
            VolumeKind::Flow => "flode",
            VolumeKind::Price => "pris",
        }
    }

    /// Parse the Swedish name or the storage code, ignoring case.
    pub fn parse(s: &str) -> Option<VolumeKind> {
        let t = s.trim().to_lowercase();
        VolumeKind::ALL
            .into_iter()
            .find(|k| k.label() == t || k.code() == t)
    }
}

impl fmt::Display for VolumeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One volume series (a row of `volymserier.csv`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VolumeSeries {
    /// Identifier, e.g. `plac_barn_hvb_personer`.
    pub code: String,
    /// Name shown in reports, e.g. `Placerade barn och unga, HVB (personer per dygn)`.
    pub name: String,
    /// Unit of measure (måttenhet), e.g. `personer`, `timmar`, `kr/dygn`.
    pub unit: String,
    /// Stock, flow or price.
    pub kind: VolumeKind,
    /// The organisation code (ansvar) the series belongs to.
    pub responsible: String,
    /// Grouping text for reports (kategori), when given.
    pub category: Option<String>,
    /// For a stock or flow series, the price series that goes with it (volume × price = cost).
    pub price_series: Option<String>,
}

/// One monthly value of a series (a row of `volymer.csv`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VolumeValue {
    /// The series' code.
    pub series: String,
    /// The month.
    pub month: YearMonth,
    /// The value (never negative).
    pub value: f64,
    /// Free comment (kommentar), when given.
    pub comment: Option<String>,
}

/// One budgeted monthly value of a series (a row of `volymbudget.csv`): the budgeted volume
/// of a volume series (persons per day, hours) or the budgeted price of a price series.
/// Versions replace: the budget in force at a date is, per series and month, the value of the
/// latest version decided on or before it (a version without a date is the original budget).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VolumeBudgetValue {
    /// The budget decision, e.g. `Budget 2025` or `Tilläggsbudget 1`.
    pub version: String,
    /// The decision date; `None` for the original budget (in force from the start).
    pub decided: Option<crate::Date>,
    /// The series' code.
    pub series: String,
    /// The month.
    pub month: YearMonth,
    /// The budgeted value (never negative).
    pub value: f64,
    /// Free comment (kommentar), when given.
    pub comment: Option<String>,
}
