//! The report model that every renderer (PDF, DOCX, XLSX, HTML) shares, and what runs on it
//! before anything is written: integrity checks R1–R14 (PRIMER §9) and SVG charts.
//!
//! A [`Report`] is pure data: numbered sections holding narrative, tables, charts and notes.
//! Every number in it is a [`Cell`] or a bound [`Inline::Number`] that carries its exact
//! value, the text every renderer prints (formatted once, here, so the four formats cannot
//! disagree) and where it came from ([`Source`]).

pub mod check;
pub mod fixture;
pub mod layout;
pub mod model;
pub mod svg;
pub mod text;

pub use model::*;
