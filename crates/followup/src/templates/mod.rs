//! Import templates for the registers: one CSV/XLSX table per register, Swedish column names
//! (matched without regard to case or å/ä/ö), read with [`delar_tabular::Table`].
//!
//! Every template implements [`Template`]; [`parse`] reads a whole table and collects every
//! row's errors (each with file, row and column), [`write_csv`] writes rows back as
//! semicolon-separated UTF-8 with a header row. `parse(write_csv(rows)) == rows` for every
//! register (tested by property tests).

mod registers;

use crate::model::Word;
use delar_core::{Amount, Date, YearMonth};
use delar_tabular::{is_no_data, parse_number, Cells, Col, Table, TableError};

/// A register's template: its name, columns, and how one row reads and writes.
pub trait Template: Sized {
    /// Register name, also the file stem (`indikatorer` → `indikatorer.csv`) and the CLI
    /// subcommand.
    const NAME: &'static str;
    /// Columns in file order: name as written in the header, and whether it is required in
    /// the header.
    const COLUMNS: &'static [(&'static str, bool)];
    /// Read one row; errors are recorded in the reader.
    fn read(r: &mut RowReader<'_>) -> Self;
    /// The row's cells, one per column of [`Template::COLUMNS`].
    fn write(&self) -> Vec<String>;
}

/// The file name a template is written to (`NAME.csv`).
pub fn file_name<T: Template>() -> String {
    format!("{}.csv", T::NAME)
}

/// Read every row of a table as `T`; all errors of all rows (and missing required columns)
/// are returned together.
pub fn parse<T: Template>(table: &Table) -> Result<Vec<T>, Vec<TableError>> {
    let mut errors = Vec::new();
    let mut cols = Vec::with_capacity(T::COLUMNS.len());
    for (name, required) in T::COLUMNS {
        let c = table.optional_column(name);
        if c.is_none() && *required {
            if let Err(e) = table.column(name) {
                errors.push(e);
            }
        }
        cols.push(c);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut out = Vec::with_capacity(table.rows.len());
    for cells in table.iter() {
        let mut r = RowReader {
            cells,
            cols: &cols,
            names: T::COLUMNS,
            errors: Vec::new(),
        };
        let v = T::read(&mut r);
        if r.errors.is_empty() {
            out.push(v);
        } else {
            errors.append(&mut r.errors);
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Write rows as semicolon-separated CSV (UTF-8, header row, `\n` line ends).
pub fn write_csv<T: Template>(rows: &[T]) -> String {
    let mut s = String::new();
    let header: Vec<String> = T::COLUMNS.iter().map(|(n, _)| n.to_string()).collect();
    push_record(&mut s, &header);
    for r in rows {
        push_record(&mut s, &r.write());
    }
    s
}

fn push_record(s: &mut String, cells: &[String]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            s.push(';');
        }
        if c.contains([';', '"', '\n', '\r', '\t']) {
            s.push('"');
            s.push_str(&c.replace('"', "\"\""));
            s.push('"');
        } else {
            s.push_str(c);
        }
    }
    s.push('\n');
}

/// A number as the templates write it: shortest exact form, decimal comma.
pub fn fmt_number(v: f64) -> String {
    format!("{v}").replace('.', ",")
}

/// An optional number; `None` is written empty.
pub fn fmt_opt_number(v: Option<f64>) -> String {
    v.map(fmt_number).unwrap_or_default()
}

/// An amount as the templates write it: kronor, decimal comma, `-` sign, no separators.
pub fn fmt_amount(a: Amount) -> String {
    a.to_sie().replace('.', ",")
}

/// An optional amount.
pub fn fmt_opt_amount(a: Option<Amount>) -> String {
    a.map(fmt_amount).unwrap_or_default()
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn yes_no(b: bool) -> String {
    if b { "ja" } else { "nej" }.to_string()
}

/// Reads the cells of one row by column name, recording every error instead of stopping at
/// the first.
pub struct RowReader<'a> {
    cells: Cells<'a>,
    cols: &'a [Option<Col>],
    names: &'static [(&'static str, bool)],
    errors: Vec<TableError>,
}

impl<'a> RowReader<'a> {
    fn col(&self, name: &str) -> Option<&'a Col> {
        let i = self
            .names
            .iter()
            .position(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("column {name} is not declared"));
        self.cols[i].as_ref()
    }

    /// Record an error on a column of this row.
    pub fn error(&mut self, name: &str, message: impl Into<String>) {
        let e = self.cells.error(self.col(name), message);
        self.errors.push(e);
    }

    fn take<T: Default>(&mut self, r: Result<T, TableError>) -> T {
        match r {
            Ok(v) => v,
            Err(e) => {
                self.errors.push(e);
                T::default()
            }
        }
    }

    /// Optional text (`None` when the column is absent or the cell empty).
    pub fn text(&mut self, name: &str) -> Option<String> {
        self.cells.opt_text(self.col(name)).map(str::to_string)
    }

    /// Required text.
    pub fn required(&mut self, name: &str) -> String {
        match self.col(name) {
            Some(c) => {
                let r = self.cells.required(c).map(str::to_string);
                self.take(r)
            }
            None => {
                self.error(name, format!("kolumnen \"{name}\" saknas."));
                String::new()
            }
        }
    }

    /// A required year (1900–2200).
    pub fn year(&mut self, name: &str) -> i32 {
        let Some(c) = self.col(name) else {
            self.error(name, "år saknas.");
            return 0;
        };
        let before = self.errors.len();
        let r = self.cells.integer(c);
        let v = self.take(r);
        if self.errors.len() == before && !(1900..=2200).contains(&v) {
            self.error(
                name,
                format!("{v} är inget rimligt år. Skriv året med fyra siffror."),
            );
        }
        v as i32
    }

    /// A required month `ÅÅÅÅ-MM`.
    pub fn month(&mut self, name: &str) -> YearMonth {
        let fallback = YearMonth::new(2000, 1).expect("valid month");
        let Some(c) = self.col(name) else {
            self.error(name, "månad saknas.");
            return fallback;
        };
        match self.cells.month(c) {
            Ok(m) => m,
            Err(e) => {
                self.errors.push(e);
                fallback
            }
        }
    }

    /// An optional month.
    pub fn opt_month(&mut self, name: &str) -> Option<YearMonth> {
        self.text(name)?;
        Some(self.month(name))
    }

    /// A required date `ÅÅÅÅ-MM-DD`.
    pub fn date(&mut self, name: &str) -> Date {
        let fallback = Date::new(2000, 1, 1).expect("valid date");
        let Some(c) = self.col(name) else {
            self.error(name, "datum saknas.");
            return fallback;
        };
        match self.cells.date(c) {
            Ok(d) => d,
            Err(e) => {
                self.errors.push(e);
                fallback
            }
        }
    }

    /// A required number.
    pub fn number(&mut self, name: &str) -> f64 {
        let before = self.errors.len();
        match self.opt_number(name) {
            Some(v) => v,
            None => {
                if self.errors.len() == before {
                    if self.text(name).is_none() {
                        self.error(name, "värde saknas. Fyll i cellen.");
                    } else {
                        self.error(name, "ett tal krävs här, inte i.u.");
                    }
                }
                0.0
            }
        }
    }

    /// An optional number (empty and `i.u.` give `None`).
    pub fn opt_number(&mut self, name: &str) -> Option<f64> {
        let r = self.cells.opt_number(self.col(name));
        self.take(r)
    }

    /// An optional whole number within `lo..=hi`.
    pub fn opt_int(&mut self, name: &str, lo: i64, hi: i64) -> Option<i64> {
        let v = self.opt_number(name)?;
        if v.fract() != 0.0 || v < lo as f64 || v > hi as f64 {
            self.error(
                name,
                format!(
                    "\"{}\" ska vara ett heltal från {lo} till {hi}.",
                    fmt_number(v)
                ),
            );
            return None;
        }
        Some(v as i64)
    }

    /// A required whole number.
    pub fn int(&mut self, name: &str) -> i64 {
        let Some(c) = self.col(name) else {
            self.error(name, "värde saknas.");
            return 0;
        };
        let r = self.cells.integer(c);
        self.take(r)
    }

    /// An optional count of persons or decisions: a whole number ≥ 0 (empty and `i.u.` give
    /// `None`).
    pub fn opt_count(&mut self, name: &str) -> Option<i64> {
        let before = self.errors.len();
        let v = self.opt_number(name)?;
        if self.errors.len() != before {
            return None;
        }
        if v.fract() != 0.0 || !(0.0..=1e15).contains(&v) {
            self.error(
                name,
                format!(
                    "\"{}\" är inget antal. Skriv ett heltal som är noll eller större.",
                    fmt_number(v)
                ),
            );
            return None;
        }
        Some(v as i64)
    }

    /// A required count (see [`RowReader::opt_count`]); `None` after recording an error.
    pub fn count(&mut self, name: &str) -> Option<i64> {
        let before = self.errors.len();
        let v = self.opt_count(name);
        if v.is_none() && self.errors.len() == before {
            if self.text(name).is_none() {
                self.error(
                    name,
                    "värde saknas. Fyll i antalet (0 om det inte finns några).",
                );
            } else {
                self.error(name, "ett antal krävs här, inte i.u.");
            }
        }
        v
    }

    /// A required amount in kronor.
    pub fn amount(&mut self, name: &str) -> Amount {
        let Some(c) = self.col(name) else {
            self.error(name, "belopp saknas.");
            return Amount::ZERO;
        };
        let r = self.cells.amount(c);
        self.take(r)
    }

    /// An optional amount (empty and `i.u.` give `None`).
    pub fn opt_amount(&mut self, name: &str) -> Option<Amount> {
        let t = self.text(name)?;
        if is_no_data(&t) {
            return None;
        }
        Some(self.amount(name))
    }

    /// A required word of a scale.
    pub fn word<W: Word>(&mut self, name: &str) -> Option<W> {
        let t = self.required(name);
        if t.is_empty() {
            return None;
        }
        self.parse_word(name, &t)
    }

    /// An optional word of a scale.
    pub fn opt_word<W: Word>(&mut self, name: &str) -> Option<W> {
        let t = self.text(name)?;
        self.parse_word(name, &t)
    }

    /// A word of a scale from a text already read (an error on the column when unknown).
    pub fn parse_word<W: Word>(&mut self, name: &str, t: &str) -> Option<W> {
        let w = W::from_label(t);
        if w.is_none() {
            self.error(
                name,
                format!(
                    "\"{t}\" är inte tillåtet. Välj ett av: {}.",
                    W::labels().join(", ")
                ),
            );
        }
        w
    }

    /// A yes/no cell: `ja`/`nej`, `x`/empty/`-`, `1`/`0`; empty is no.
    pub fn flag(&mut self, name: &str) -> bool {
        let Some(t) = self.text(name) else {
            return false;
        };
        match crate::model::norm(&t).as_str() {
            "ja" | "x" | "1" | "j" | "sant" => true,
            "nej" | "-" | "0" | "n" | "falskt" | "–" => false,
            _ => {
                self.error(name, format!("\"{t}\" ska vara ja eller nej (eller X)."));
                false
            }
        }
    }

    /// A number or a no-data marker: `Ok(Some)` for a number, `Ok(None)` for empty,
    /// `Err(text)` for text that is not a number (the caller decides what words mean).
    pub fn number_or_text(&mut self, name: &str) -> Result<Option<f64>, String> {
        match self.text(name) {
            None => Ok(None),
            Some(t) => match parse_number(&t) {
                Ok(v) => Ok(Some(v)),
                Err(_) => Err(t),
            },
        }
    }
}

pub use registers::*;

#[cfg(test)]
mod tests;
