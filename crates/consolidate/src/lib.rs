//! Consolidation of a welfare organisation's results (issue 7), pure and without I/O:
//!
//! - [`engine`]: results along the versioned organisation tree, with internal purchases and
//!   sales eliminated at the lowest common ancestor of the two sides, as visible rows;
//! - [`purchase`]: compensation models (ersättningsmodell) and the purchaser's forecast of
//!   what it pays (volume × price), checked against the provider's internal revenue;
//! - [`intraprenad`]: the equity ledger of intraprenader with carry-forward rules;
//! - [`restate`]: last year's figures restated to this year's structure, or marked as not
//!   comparable, with the footnote;
//! - [`special`]: special effects (structural / other) summed to every level, results with
//!   and without them, and the generated proposal for decision;
//! - [`templates`]: the import templates `ersattningsmodell.csv` and `intraprenader.csv`.
//!
//! See docs/CONSOLIDATION.md for the rules.

pub mod engine;
pub mod intraprenad;
pub mod purchase;
pub mod restate;
pub mod series;
pub mod special;
pub mod templates;

pub use engine::{
    consolidate, Consolidation, ConsolidationError, Elimination, Figures, InputRow, InternalRule,
    NodeResult, Side, DIFFERENCE_KEY,
};
pub use series::Series;
