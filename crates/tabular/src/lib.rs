//! Reading delar's import templates: a table with a header row, from CSV (separator `;`, `,` or
//! tab, detected from the header; UTF-8 with or without BOM, or Windows-1252 as Excel writes
//! it) or from an Excel workbook (`.xlsx`, first sheet or a named one).
//!
//! Every cell keeps its file, row number and column name, so importers can say exactly where
//! a problem is, in Swedish: `volymer.csv, rad 12, kolumn "värde": "12,3x" är inget tal …`.
//! Column names are matched without regard to case, surrounding spaces, or the Swedish letters
//! (`varde` matches `Värde`), because templates are edited by hand.

mod number;

pub use number::parse_number;

use delar_core::{Amount, Date, YearMonth};
use std::fmt;
use std::io::Read;
use std::path::Path;

/// A problem in a template file: where it is and what to do about it, in Swedish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableError {
    /// File name as given to the reader.
    pub file: String,
    /// Row number in the file (1 = header row); 0 when the problem is the whole file.
    pub line: usize,
    /// Column name, when the problem is one cell.
    pub column: Option<String>,
    /// What is wrong and what to do, in Swedish.
    pub message: String,
}

impl TableError {
    /// An error about the whole file.
    pub fn file(file: &str, message: impl Into<String>) -> TableError {
        TableError {
            file: file.to_string(),
            line: 0,
            column: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ", rad {}", self.line)?;
        }
        if let Some(c) = &self.column {
            write!(f, ", kolumn \"{c}\"")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for TableError {}

/// A table read from a template: header and data rows (blank rows dropped).
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// File name used in messages.
    pub file: String,
    /// Column names as written in the header row (trimmed).
    pub headers: Vec<String>,
    /// Data rows in file order.
    pub rows: Vec<Row>,
}

/// One data row: its row number in the file and its cells (as text, trimmed).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Row number in the file (the header is row 1 in a sheet; in CSV the physical line where
    /// the record starts).
    pub line: usize,
    /// Cell texts, one per header column (missing trailing cells are empty).
    pub cells: Vec<String>,
}

/// Normalise a column name for matching: lowercase, trimmed, å/ä→a, ö→o, é→e, spaces and
/// hyphens as underscores.
pub fn normalise_name(s: &str) -> String {
    s.trim()
        .chars()
        .flat_map(|c| c.to_lowercase())
        .map(|c| match c {
            'å' | 'ä' | 'á' | 'à' => 'a',
            'ö' | 'ó' | 'ò' => 'o',
            'é' | 'è' => 'e',
            ' ' | '-' | '\u{a0}' => '_',
            c => c,
        })
        .collect()
}

impl Table {
    /// Read a template from disk: `.xlsx`/`.xlsm` as a workbook (first sheet), anything else
    /// as CSV.
    pub fn read_path(path: &Path) -> Result<Table, TableError> {
        let name = path.display().to_string();
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let bytes = std::fs::read(path).map_err(|e| {
            TableError::file(
                &name,
                format!("filen kunde inte läsas ({e}). Kontrollera sökvägen."),
            )
        })?;
        if ext == "xlsx" || ext == "xlsm" {
            Table::from_xlsx(&bytes, &name, None)
        } else if ext == "xls" || ext == "ods" {
            Err(TableError::file(
                &name,
                "formatet stöds inte. Spara filen som .xlsx eller .csv (semikolonseparerad).",
            ))
        } else {
            Table::from_csv(&bytes, &name)
        }
    }

    /// Read CSV from any reader.
    pub fn from_csv_reader(mut input: impl Read, file: &str) -> Result<Table, TableError> {
        let mut bytes = Vec::new();
        input
            .read_to_end(&mut bytes)
            .map_err(|e| TableError::file(file, format!("filen kunde inte läsas ({e}).")))?;
        Table::from_csv(&bytes, file)
    }

    /// Read CSV from bytes: encoding and separator are detected.
    pub fn from_csv(bytes: &[u8], file: &str) -> Result<Table, TableError> {
        let text = decode(bytes);
        let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        if first_line.is_empty() {
            return Err(TableError::file(
                file,
                "filen är tom. Den ska börja med en rubrikrad med kolumnnamnen.",
            ));
        }
        let delimiter = [b';', b'\t', b',']
            .into_iter()
            .max_by_key(|d| first_line.bytes().filter(|b| b == d).count())
            .unwrap_or(b';');
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut headers: Option<Vec<String>> = None;
        let mut rows = Vec::new();
        let (mut counted, mut line_count) = (0usize, 0usize);
        for rec in reader.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                TableError {
                    file: file.to_string(),
                    line,
                    column: None,
                    message: format!(
                        "raden kunde inte läsas som CSV ({e}). Kontrollera citattecknen."
                    ),
                }
            })?;
            // The csv crate does not count blank lines; count newlines up to the record.
            let mut byte = rec.position().map(|p| p.byte() as usize).unwrap_or(0);
            while matches!(text.as_bytes().get(byte), Some(b'\n' | b'\r')) {
                byte += 1;
            }
            line_count += count_line_breaks(&text.as_bytes()[counted..byte.min(text.len())]);
            counted = byte.min(text.len());
            let line = line_count + 1;
            let cells: Vec<String> = rec.iter().map(|c| c.trim().to_string()).collect();
            if cells.iter().all(|c| c.is_empty()) {
                continue;
            }
            match &headers {
                None => headers = Some(cells),
                Some(h) => rows.push(Row::new(line, cells, h.len(), file)?),
            }
        }
        let headers = headers.unwrap_or_default();
        Table::checked(file, headers, rows)
    }

    /// Read an Excel workbook from bytes: `sheet` by name, or the first sheet.
    pub fn from_xlsx(bytes: &[u8], file: &str, sheet: Option<&str>) -> Result<Table, TableError> {
        use calamine::{Reader, Xlsx};
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| {
            TableError::file(
                file,
                format!("filen är ingen läsbar Excel-arbetsbok ({e}). Spara den som .xlsx."),
            )
        })?;
        let names = book.sheet_names();
        let name = match sheet {
            Some(s) => names
                .iter()
                .find(|n| normalise_name(n) == normalise_name(s))
                .cloned()
                .ok_or_else(|| {
                    TableError::file(
                        file,
                        format!(
                            "bladet \"{s}\" finns inte (arbetsboken har: {}).",
                            names.join(", ")
                        ),
                    )
                })?,
            None => names
                .first()
                .cloned()
                .ok_or_else(|| TableError::file(file, "arbetsboken har inga blad."))?,
        };
        let range = book.worksheet_range(&name).map_err(|e| {
            TableError::file(file, format!("bladet \"{name}\" kunde inte läsas ({e})."))
        })?;
        let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
        let first_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
        let mut headers: Option<Vec<String>> = None;
        let mut rows = Vec::new();
        for (i, r) in range.rows().enumerate() {
            let line = first_row + i + 1;
            let mut cells: Vec<String> = vec![String::new(); first_col];
            cells.extend(r.iter().map(cell_text));
            if cells.iter().all(|c| c.is_empty()) {
                continue;
            }
            match &headers {
                None => headers = Some(cells),
                Some(h) => {
                    while cells.len() > h.len() && cells.last().is_some_and(|c| c.is_empty()) {
                        cells.pop();
                    }
                    rows.push(Row::new(line, cells, h.len(), file)?)
                }
            }
        }
        let mut headers = headers.unwrap_or_default();
        while headers.last().is_some_and(|h| h.is_empty()) {
            headers.pop();
        }
        Table::checked(file, headers, rows)
    }

    fn checked(file: &str, headers: Vec<String>, rows: Vec<Row>) -> Result<Table, TableError> {
        if headers.is_empty() {
            return Err(TableError::file(
                file,
                "filen är tom. Den ska börja med en rubrikrad med kolumnnamnen.",
            ));
        }
        let mut seen: Vec<String> = Vec::new();
        for h in &headers {
            let n = normalise_name(h);
            if n.is_empty() {
                continue;
            }
            if seen.contains(&n) {
                return Err(TableError {
                    file: file.to_string(),
                    line: 1,
                    column: Some(h.clone()),
                    message: "kolumnen förekommer två gånger i rubrikraden. Ta bort den ena."
                        .into(),
                });
            }
            seen.push(n);
        }
        Ok(Table {
            file: file.to_string(),
            headers,
            rows,
        })
    }

    /// Index of a required column; the error lists the columns the file has.
    pub fn column(&self, name: &str) -> Result<Col, TableError> {
        self.optional_column(name).ok_or_else(|| {
            TableError::file(
                &self.file,
                format!(
                    "kolumnen \"{name}\" saknas i rubrikraden (filen har: {}). Lägg till den \
                     eller använd mallen i docs/IMPORT.md.",
                    self.headers.join(", ")
                ),
            )
        })
    }

    /// Index of an optional column.
    pub fn optional_column(&self, name: &str) -> Option<Col> {
        let n = normalise_name(name);
        self.headers
            .iter()
            .position(|h| normalise_name(h) == n)
            .map(|index| Col {
                index,
                name: self.headers[index].clone(),
            })
    }

    /// A reader for one row's cells, with the table's file name for messages.
    pub fn cells<'a>(&'a self, row: &'a Row) -> Cells<'a> {
        Cells { table: self, row }
    }

    /// Iterate over rows as [`Cells`].
    pub fn iter(&self) -> impl Iterator<Item = Cells<'_>> {
        self.rows.iter().map(move |r| self.cells(r))
    }
}

impl Row {
    fn new(
        line: usize,
        mut cells: Vec<String>,
        width: usize,
        file: &str,
    ) -> Result<Row, TableError> {
        if cells.len() > width {
            if cells[width..].iter().all(|c| c.is_empty()) {
                cells.truncate(width);
            } else {
                return Err(TableError {
                    file: file.to_string(),
                    line,
                    column: None,
                    message: format!(
                        "raden har {} fält men rubrikraden bara {width}. Kontrollera \
                         avgränsare och citattecken.",
                        cells.len()
                    ),
                });
            }
        }
        cells.resize(width, String::new());
        Ok(Row { line, cells })
    }
}

/// A column: index and name as written in the header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Col {
    /// Index in the row.
    pub index: usize,
    /// Name as written in the file's header.
    pub name: String,
}

/// Typed access to one row's cells, producing [`TableError`]s that point at the cell.
#[derive(Clone, Copy, Debug)]
pub struct Cells<'a> {
    table: &'a Table,
    row: &'a Row,
}

impl<'a> Cells<'a> {
    /// Row number in the file.
    pub fn line(&self) -> usize {
        self.row.line
    }

    /// An error pointing at this row (and `col`, when given).
    pub fn error(&self, col: Option<&Col>, message: impl Into<String>) -> TableError {
        TableError {
            file: self.table.file.clone(),
            line: self.row.line,
            column: col.map(|c| c.name.clone()),
            message: message.into(),
        }
    }

    /// The cell's text (trimmed; empty when missing).
    pub fn text(&self, col: &Col) -> &'a str {
        self.row
            .cells
            .get(col.index)
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The cell's text, `None` when empty; `col` may itself be absent.
    pub fn opt_text(&self, col: Option<&Col>) -> Option<&'a str> {
        col.map(|c| self.text(c)).filter(|t| !t.is_empty())
    }

    /// A cell that must not be empty.
    pub fn required(&self, col: &Col) -> Result<&'a str, TableError> {
        let t = self.text(col);
        if t.is_empty() {
            Err(self.error(Some(col), "värde saknas. Fyll i cellen."))
        } else {
            Ok(t)
        }
    }

    /// A number (Swedish or plain notation: `1 234,5`, `1234.5`, `−3`).
    pub fn number(&self, col: &Col) -> Result<f64, TableError> {
        let t = self.required(col)?;
        parse_number(t).map_err(|m| self.error(Some(col), m))
    }

    /// An optional number; empty cells and the usual "no data" markers (`i.u.`, `-`, `–`)
    /// give `None`.
    pub fn opt_number(&self, col: Option<&Col>) -> Result<Option<f64>, TableError> {
        match self.opt_text(col) {
            None => Ok(None),
            Some(t) if is_no_data(t) => Ok(None),
            Some(t) => parse_number(t).map(Some).map_err(|m| self.error(col, m)),
        }
    }

    /// A whole number.
    pub fn integer(&self, col: &Col) -> Result<i64, TableError> {
        let v = self.number(col)?;
        if v.fract() != 0.0 || v.abs() > 9.0e15 {
            return Err(self.error(
                Some(col),
                format!("\"{}\" ska vara ett heltal.", self.text(col)),
            ));
        }
        Ok(v as i64)
    }

    /// An amount in kronor (Swedish notation), exact to the öre.
    pub fn amount(&self, col: &Col) -> Result<Amount, TableError> {
        let t = self.required(col)?;
        Amount::parse_swedish(t).map_err(|e| {
            self.error(
                Some(col),
                format!("{e}. Skriv beloppet i kronor, till exempel −1 234,50."),
            )
        })
    }

    /// A date `ÅÅÅÅ-MM-DD` (or `ÅÅÅÅMMDD`).
    pub fn date(&self, col: &Col) -> Result<Date, TableError> {
        let t = self.required(col)?;
        Date::parse(t)
            .map_err(|e| self.error(Some(col), format!("{e}. Skriv datumet som ÅÅÅÅ-MM-DD.")))
    }

    /// An optional date.
    pub fn opt_date(&self, col: Option<&Col>) -> Result<Option<Date>, TableError> {
        match (col, self.opt_text(col)) {
            (Some(c), Some(_)) => self.date(c).map(Some),
            _ => Ok(None),
        }
    }

    /// A month `ÅÅÅÅ-MM` (or `ÅÅÅÅMM`).
    pub fn month(&self, col: &Col) -> Result<YearMonth, TableError> {
        let t = self.required(col)?;
        YearMonth::parse(t)
            .map_err(|e| self.error(Some(col), format!("{e}. Skriv månaden som ÅÅÅÅ-MM.")))
    }

    /// A value that must be one of `allowed` (compared like column names); returns the
    /// allowed spelling.
    pub fn one_of(&self, col: &Col, allowed: &[&'static str]) -> Result<&'static str, TableError> {
        let t = self.required(col)?;
        let n = normalise_name(t);
        allowed
            .iter()
            .find(|a| normalise_name(a) == n)
            .copied()
            .ok_or_else(|| {
                self.error(
                    Some(col),
                    format!(
                        "\"{t}\" är inte tillåtet. Välj ett av: {}.",
                        allowed.join(", ")
                    ),
                )
            })
    }
}

/// True for the markers reports use for "no data": `i.u.`, `iu`, `-`, `–`, `—`, `..`.
pub fn is_no_data(t: &str) -> bool {
    matches!(
        normalise_name(t).as_str(),
        "i.u." | "iu" | "i.u" | "_" | "–" | "—" | ".." | "saknas"
    )
}

/// Line breaks in `b`: `\n`, `\r\n` and a lone `\r` count one each.
fn count_line_breaks(b: &[u8]) -> usize {
    b.iter()
        .enumerate()
        .filter(|&(i, &c)| c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')))
        .count()
}

/// Decode a CSV file's bytes: UTF-8 (BOM stripped) when valid, otherwise Windows-1252.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    }
}

/// One Windows-1252 byte as a char (0x80–0x9F per the code page, the rest as Latin-1).
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    if (0x80..0xA0).contains(&b) {
        HIGH[(b - 0x80) as usize]
    } else {
        b as char
    }
}

/// A cell of a workbook as text: numbers without a trailing `.0`, dates as `ÅÅÅÅ-MM-DD`.
fn cell_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                format!("{f}")
            }
        }
        Data::Bool(b) => if *b { "ja" } else { "nej" }.to_string(),
        Data::DateTime(dt) => {
            // Serial days since 1899-12-30 (the 1900 date system).
            let serial = dt.as_f64().floor() as i64;
            let base = Date::new(1899, 12, 30).expect("valid date");
            match base.add_days(serial) {
                Ok(d) => d.to_string(),
                Err(_) => format!("{}", dt.as_f64()),
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.chars().take(10).collect(),
        Data::Error(e) => format!("#{e:?}"),
    }
}
