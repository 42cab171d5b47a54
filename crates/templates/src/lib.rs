//! delar's import templates: the organisation, volume series, monthly volumes and budget.
//!
//! Each module reads its template from a [`Table`] (CSV or XLSX, see `delar-tabular`) into the
//! core types, collecting every row error (up to [`MAX_ERRORS`]) with file, row and column in
//! Swedish, and writes the same template back (`write_csv`), so a generator produces exactly
//! what the importer reads. `parse` returns one item per table row, in the table's order, so
//! `table.rows[i].line` is the file row of item `i` (see [`lines`]).
//!
//! The column layouts are documented in docs/IMPORT.md.

pub mod budget;
pub mod organisation;
pub mod volume_budget;
pub mod volume_series;
pub mod volumes;

pub use delar_tabular::{Table, TableError};

use delar_core::{Amount, Date, YearMonth};
use delar_tabular::{Cells, Col};
use std::borrow::Cow;

/// How many row errors a parse reports before it stops listing them.
pub const MAX_ERRORS: usize = 100;

/// The file row of each data row of `table`, in order (item `i` of a parse came from row
/// `lines(table)[i]`).
pub fn lines(table: &Table) -> Vec<usize> {
    table.rows.iter().map(|r| r.line).collect()
}

/// Collects errors up to [`MAX_ERRORS`], counting the rest.
pub(crate) struct Errors {
    file: String,
    list: Vec<TableError>,
    more: usize,
}

impl Errors {
    pub(crate) fn new(table: &Table) -> Errors {
        Errors {
            file: table.file.clone(),
            list: Vec::new(),
            more: 0,
        }
    }

    pub(crate) fn push(&mut self, e: TableError) {
        if self.list.len() < MAX_ERRORS {
            self.list.push(e);
        } else {
            self.more += 1;
        }
    }

    /// Keep the value when a step succeeded, record the error otherwise.
    pub(crate) fn take<T>(&mut self, r: Result<T, TableError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(e);
                None
            }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub(crate) fn finish<T>(mut self, ok: T) -> Result<T, Vec<TableError>> {
        if self.list.is_empty() {
            return Ok(ok);
        }
        self.list.sort_by_key(|e| e.line);
        if self.more > 0 {
            self.list.push(TableError::file(
                &self.file,
                format!(
                    "… och {} fel till. Rätta felen ovan och importera filen igen.",
                    self.more
                ),
            ));
        }
        Err(self.list)
    }
}

/// A month cell: `ÅÅÅÅ-MM`, or the first day of the month as a date (`2025-01-01`), which is
/// what Excel turns a typed `2025-01` into.
pub(crate) fn month(c: &Cells<'_>, col: &Col) -> Result<YearMonth, TableError> {
    c.month(col).or_else(|e| match Date::parse(c.text(col)) {
        Ok(d) if d.day() == 1 => Ok(d.year_month()),
        _ => Err(e),
    })
}

/// A CSV cell: quoted (with doubled quotes) when it holds `;`, `"` or a line break.
pub(crate) fn cell(s: &str) -> Cow<'_, str> {
    if s.contains([';', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(s)
    }
}

/// Write a template: the header row, then one line per row, `;`-separated, `\n` line ends.
pub(crate) fn write_table(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut out = header.join(";");
    out.push('\n');
    for r in rows {
        let cells: Vec<Cow<'_, str>> = r.iter().map(|c| cell(c)).collect();
        out.push_str(&cells.join(";"));
        out.push('\n');
    }
    out
}

/// A number as the templates write it: decimal comma, no thousands separator, `-` for minus,
/// as many decimals as needed to read back the same value (`1234,5`, `0,125`, `-3`).
pub fn format_number(v: f64) -> String {
    format!("{v}").replace('.', ",")
}

/// An amount in kronor as the templates write it: decimal comma, öre only when there are any,
/// `-` for minus (`-1234,50`, `600`).
pub fn format_amount(a: Amount) -> String {
    a.to_sie().replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_amounts_read_back() {
        for v in [0.0, 1234.5, 0.125, 3.0, 1e-7, 12345678.9] {
            let s = format_number(v);
            assert!(!s.contains('.') && !s.contains('e'), "{s}");
            assert_eq!(delar_tabular::parse_number(&s), Ok(v));
        }
        for ore in [0, 1, -1, 123_456, -123_450, 60_000] {
            let a = Amount::from_ore(ore);
            assert_eq!(Amount::parse_swedish(&format_amount(a)), Ok(a));
        }
        assert_eq!(format_amount(Amount::from_ore(-123_450)), "-1234,50");
        assert_eq!(cell("a;b"), "\"a;b\"");
        assert_eq!(cell("sa \"x\""), "\"sa \"\"x\"\"\"");
        assert_eq!(cell("plain, text"), "plain, text");
    }
}
