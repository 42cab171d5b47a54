//! The follow-up registers of an interim report (PRIMER §7–8): goals and their texts and
//! classifications, indicators with values, commitments and strategic assignments,
//! efficiency measures, investments, staff, events of significance, state grants,
//! population and cost comparisons.
//!
//! [`model`] holds the plain data types (pure, no I/O), [`validate`] the integrity checks
//! with Swedish findings, and [`templates`] the CSV/XLSX import templates (read with
//! `delar_tabular::Table`, written as semicolon CSV).

pub mod assess;
pub mod kpi;
pub mod model;
pub mod sources;
pub mod templates;
pub mod validate;

pub use model::*;
pub use templates::{parse, parse_into, write_all, write_csv, Template, REGISTERS};
pub use validate::{validate, Finding, Severity};
