//! The KPI interchange file that municipalities export for Stratsys: one row per value with
//! date, unit code, measure code, measure-column code and value, tab- or semicolon-separated,
//! with or without a header row. A mapping (`kpi-mappning.csv`, [`KpiMapping`]) says which
//! indicator, kind of value and sex each measure code (and column code, and unit code) is;
//! without one, the measure code is an indicator's code or source id and the column code
//! names the kind and sex (`utfall`, `mål`, `prognos`, `hittills`, `utfall kvinnor` …).
//!
//! [`parse_kpi`] turns the file into indicator values (all errors at once, each with file,
//! row and column); the store merges them into the stored values (docs/IMPORT.md).

use crate::model::*;
use crate::templates::{RowReader, Template};
use delar_core::{Date, YearMonth};
use delar_tabular::{is_no_data, parse_number, Col, Table, TableError};
use std::collections::BTreeMap;

/// Which part of a K/M/T value a KPI row carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sex {
    /// Kvinnor.
    Women,
    /// Män.
    Men,
    /// Totalt.
    Total,
}

impl Sex {
    fn parse(s: &str) -> Option<Sex> {
        match norm(s).as_str() {
            "k" | "kvinnor" | "kvinna" | "flickor" => Some(Sex::Women),
            "m" | "man" | "pojkar" => Some(Sex::Men),
            "t" | "totalt" | "total" | "alla" | "samtliga" => Some(Sex::Total),
            _ => None,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Sex::Women => "kvinnor",
            Sex::Men => "män",
            Sex::Total => "totalt",
        }
    }
}

/// One row of `kpi-mappning.csv`: a measure code (optionally narrowed by column and unit
/// code) and the indicator value it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KpiMapping {
    /// Measure code (`måttkod`).
    pub measure: String,
    /// Measure-column code; `None` = any column.
    pub column: Option<String>,
    /// Unit code; `None` = any unit.
    pub unit: Option<String>,
    /// The indicator.
    pub indicator: String,
    /// Kind of value; `None` = from the column code, else `utfall`.
    pub kind: Option<ValueKindWord>,
    /// Sex; `None` = from the column code, else totalt.
    pub sex: Option<Sex>,
}

impl Template for KpiMapping {
    const NAME: &'static str = "kpi-mappning";
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("mått", true),
        ("kolumn", false),
        ("enhet", false),
        ("indikator", true),
        ("typ", false),
        ("kön", false),
    ];
    fn read(r: &mut RowReader<'_>) -> Self {
        let sex = r.text("kön").and_then(|s| {
            let v = Sex::parse(&s);
            if v.is_none() {
                r.error(
                    "kön",
                    format!("\"{s}\" är inget kön. Skriv kvinnor, män eller totalt."),
                );
            }
            v
        });
        KpiMapping {
            measure: r.required("mått"),
            column: r.text("kolumn"),
            unit: r.text("enhet"),
            indicator: r.required("indikator"),
            kind: r.opt_word::<ValueKindWord>("typ"),
            sex,
        }
    }
    fn write(&self) -> Vec<String> {
        vec![
            self.measure.clone(),
            self.column.clone().unwrap_or_default(),
            self.unit.clone().unwrap_or_default(),
            self.indicator.clone(),
            self.kind.map(|k| k.label().to_string()).unwrap_or_default(),
            self.sex.map(|s| s.label().to_string()).unwrap_or_default(),
        ]
    }
}

/// What a KPI file gave.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KpiImport {
    /// The indicator values (one per indicator, year and kind; K/M/T assembled).
    pub values: Vec<IndicatorValue>,
    /// Rows read.
    pub rows: usize,
    /// Measure codes without a mapping, with the number of rows skipped.
    pub skipped: BTreeMap<String, usize>,
}

/// The column names used for a file without a header row (and accepted in a header).
pub const KPI_COLUMNS: [&str; 5] = ["datum", "enhet", "mått", "kolumn", "värde"];

const ALIASES: [&[&str]; 5] = [
    &["datum", "date", "period"],
    &["enhet", "enhetskod", "unit", "organisation"],
    &["matt", "mattkod", "measure", "kpi", "nyckeltal"],
    &["kolumn", "mattkolumn", "mattkolumnkod", "column"],
    &["varde", "value", "utfall"],
];

/// Read a KPI file's bytes as a table: with a header row when the first line has one (the
/// column names above or their English equivalents), else the five columns in order.
pub fn read_kpi_table(bytes: &[u8], file: &str) -> Result<Table, TableError> {
    let start = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(bytes)
        .iter()
        .position(|b| !matches!(b, b'\n' | b'\r' | b' '))
        .unwrap_or(0);
    let body = &bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)[start..];
    let first: Vec<u8> = body
        .iter()
        .take_while(|b| !matches!(b, b'\n' | b'\r'))
        .copied()
        .collect();
    let first = String::from_utf8_lossy(&first);
    let sep = if first.contains('\t') { '\t' } else { ';' };
    let first_field = first
        .split(sep)
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches('"');
    // A header names columns; a data row starts with a date.
    let headerless = first_field.starts_with(|c: char| c.is_ascii_digit());
    if !headerless {
        return Table::from_csv(bytes, file);
    }
    // Give the file a header of plain ASCII names (so the encoding detection is not
    // disturbed) and take the added line back off the row numbers.
    let blank_lines = bytes[..bytes.len() - body.len()]
        .iter()
        .filter(|b| **b == b'\n')
        .count();
    let mut with_header = ["datum", "enhet", "matt", "kolumn", "varde"]
        .join(&sep.to_string())
        .into_bytes();
    with_header.push(b'\n');
    with_header.extend_from_slice(body);
    let mut t = Table::from_csv(&with_header, file).map_err(|mut e| {
        if e.line > 1 {
            e.line += blank_lines;
            e.line -= 1;
        }
        e
    })?;
    for r in &mut t.rows {
        r.line = r.line + blank_lines - 1;
    }
    t.headers = KPI_COLUMNS.iter().map(|c| c.to_string()).collect();
    Ok(t)
}

/// A KPI date: `ÅÅÅÅ-MM-DD`, `ÅÅÅÅMMDD`, `ÅÅÅÅ-MM`, `ÅÅÅÅMM` or a year `ÅÅÅÅ` (= December).
fn parse_date(s: &str) -> Option<YearMonth> {
    let s = s.trim();
    if let Ok(d) = Date::parse(s) {
        return Some(d.year_month());
    }
    if let Ok(m) = YearMonth::parse(s) {
        return Some(m);
    }
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = s.parse().ok()?;
        return (1900..=2200)
            .contains(&y)
            .then(|| YearMonth::new(y, 12).ok())
            .flatten();
    }
    None
}

/// The kind and sex a column code names (`utfall`, `Mål`, `prognos kvinnor`, `UTFALL_K`).
fn column_words(code: &str) -> (Option<ValueKindWord>, Option<Sex>) {
    let n = norm(code);
    if let Some(k) = ValueKindWord::from_label(&n) {
        return (Some(k), None);
    }
    let words: Vec<&str> = n.split([' ', '-', '.']).collect();
    let mut kind = None;
    let mut sex = None;
    for (i, _) in words.iter().enumerate() {
        // The longest prefix that is a kind word; the rest a sex.
        let head = words[..=i].join(" ");
        if let Some(k) = ValueKindWord::from_label(&head) {
            kind = Some(k);
            let tail = words[i + 1..].join(" ");
            sex = Sex::parse(&tail);
        }
    }
    if kind.is_none() {
        sex = Sex::parse(&n);
    }
    (kind, sex)
}

/// Find the mapping for a row: the most specific one (column and unit given beat any).
fn find<'a>(
    mapping: &'a [KpiMapping],
    measure: &str,
    column: &str,
    unit: &str,
) -> Option<&'a KpiMapping> {
    let eq = |a: &Option<String>, b: &str| a.as_deref().is_none_or(|a| norm(a) == norm(b));
    mapping
        .iter()
        .filter(|m| norm(&m.measure) == norm(measure) && eq(&m.column, column) && eq(&m.unit, unit))
        .max_by_key(|m| (m.column.is_some() as u8) * 2 + m.unit.is_some() as u8)
}

type Key = (String, i32, ValueKind);

/// Turn a KPI table into indicator values. `mapping`: the rows of `kpi-mappning.csv`, or
/// `None` to map by indicator code or source id. `indicators`: the indicators known (the
/// mapped indicator must be one of them). Rows whose measure code has no mapping are
/// skipped and counted; every other problem is an error with file, row and column.
pub fn parse_kpi(
    table: &Table,
    mapping: Option<&[KpiMapping]>,
    indicators: &[Indicator],
) -> Result<KpiImport, Vec<TableError>> {
    let mut errors = Vec::new();
    let mut cols: Vec<Col> = Vec::new();
    for (name, aliases) in KPI_COLUMNS.iter().zip(ALIASES) {
        let c = aliases
            .iter()
            .find_map(|a| table.optional_column(a))
            .or_else(|| table.optional_column(name));
        match c {
            Some(c) => cols.push(c),
            None => {
                errors.push(TableError::file(
                    &table.file,
                    format!(
                        "kolumnen \"{name}\" saknas. En KPI-fil har kolumnerna {} (med eller \
                         utan rubrikrad, i den ordningen).",
                        KPI_COLUMNS.join(", ")
                    ),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let by_code: BTreeMap<String, &Indicator> = indicators
        .iter()
        .flat_map(|i| {
            let mut v = vec![(norm(&i.code), i)];
            if let Some(s) = &i.source_id {
                v.push((norm(s), i));
            }
            v
        })
        .collect();
    let mut out = KpiImport::default();
    // (indicator, year, kind) → parts with the row they came from.
    let mut parts: BTreeMap<Key, BTreeMap<Sex, (Figure, usize)>> = BTreeMap::new();
    for cells in table.iter() {
        out.rows += 1;
        let [c_date, c_unit, c_measure, c_column, c_value] = [0, 1, 2, 3, 4].map(|i| &cols[i]);
        let date_text = cells.text(c_date);
        let unit = cells.text(c_unit);
        let measure = cells.text(c_measure);
        let column = cells.text(c_column);
        let value_text = cells.text(c_value);
        if measure.is_empty() {
            errors.push(cells.error(Some(c_measure), "måttkod saknas. Fyll i cellen."));
            continue;
        }
        // Mapping.
        let (indicator, kind_word, sex) = match mapping {
            Some(m) => match find(m, measure, column, unit) {
                Some(m) => {
                    let (k, s) = column_words(column);
                    (
                        m.indicator.clone(),
                        m.kind.or(k).unwrap_or(ValueKindWord::Outcome),
                        m.sex.or(s).unwrap_or(Sex::Total),
                    )
                }
                None => {
                    *out.skipped.entry(measure.to_string()).or_default() += 1;
                    continue;
                }
            },
            None => match by_code.get(&norm(measure)) {
                Some(i) => {
                    let (k, s) = column_words(column);
                    if k.is_none() && s.is_none() && !column.is_empty() {
                        errors.push(cells.error(
                            Some(c_column),
                            format!(
                                "kolumnkoden \"{column}\" säger inte vilket slags värde det är. \
                                 Använd utfall, hittills, prognos eller mål (och kvinnor/män), \
                                 eller ange en mappningsfil (--mappning)."
                            ),
                        ));
                        continue;
                    }
                    (
                        i.code.clone(),
                        k.unwrap_or(ValueKindWord::Outcome),
                        s.unwrap_or(Sex::Total),
                    )
                }
                None => {
                    *out.skipped.entry(measure.to_string()).or_default() += 1;
                    continue;
                }
            },
        };
        let Some(ind) = indicators.iter().find(|i| i.code == indicator) else {
            errors.push(cells.error(
                Some(c_measure),
                format!(
                    "måttkoden \"{measure}\" mappas till indikatorn \"{indicator}\", som inte \
                     finns. Importera indikatorer.csv först eller rätta mappningen."
                ),
            ));
            continue;
        };
        let Some(month) = parse_date(date_text) else {
            errors.push(cells.error(
                Some(c_date),
                format!("\"{date_text}\" är inget datum. Skriv ÅÅÅÅ-MM-DD, ÅÅÅÅ-MM eller ÅÅÅÅ."),
            ));
            continue;
        };
        // An outcome dated before December is the value to date of that month.
        let kind = match kind_word {
            ValueKindWord::Outcome if month.month() == 12 => ValueKind::Outcome,
            ValueKindWord::Outcome | ValueKindWord::ToDate => ValueKind::ToDate(month),
            ValueKindWord::Forecast => ValueKind::Forecast,
            ValueKindWord::Target => ValueKind::Target,
        };
        let figure = if value_text.is_empty() || is_no_data(value_text) {
            Figure::NoData
        } else if let Ok(v) = parse_number(value_text) {
            Figure::Number(Kmt::total(v))
        } else if let Some(w) = Trend::from_label(value_text) {
            if !matches!(kind, ValueKind::Forecast | ValueKind::Target) || sex != Sex::Total {
                errors.push(cells.error(
                    Some(c_value),
                    format!(
                        "\"{value_text}\" är ett riktningsord; det går bara som prognos eller \
                         mål för totalt. Ange ett tal eller i.u."
                    ),
                ));
                continue;
            }
            Figure::Word(w)
        } else {
            errors.push(cells.error(
                Some(c_value),
                format!(
                    "\"{value_text}\" är inget tal. Skriv talet med decimalkomma (63,5), i.u. \
                     när uppgift saknas, eller ett riktningsord (Ökar, Minskar) för prognos och \
                     mål."
                ),
            ));
            continue;
        };
        if sex != Sex::Total && !ind.by_sex {
            errors.push(cells.error(
                Some(c_column),
                format!(
                    "indikatorn {} redovisas inte per kön, men raden är ett värde för {}. Rätta \
                     mappningen eller sätt \"per kön\" = ja i indikatorer.csv.",
                    ind.code,
                    sex.label()
                ),
            ));
            continue;
        }
        let key = (ind.code.clone(), month.year(), kind);
        let slot = parts.entry(key).or_default();
        if let Some((_, line)) = slot.get(&sex) {
            errors.push(cells.error(
                Some(c_value),
                format!(
                    "indikatorn {} har redan ett värde ({}) för {} {} på rad {line}. Ta bort \
                     den ena raden.",
                    ind.code,
                    sex.label(),
                    kind_word.label(),
                    month
                ),
            ));
            continue;
        }
        slot.insert(sex, (figure, cells.line()));
    }
    if out.skipped.len() == out.rows && out.rows > 0 && errors.is_empty() {
        errors.push(TableError::file(
            &table.file,
            format!(
                "ingen rad kunde kopplas till en indikator (måttkoder: {}). Ange en \
                 mappningsfil med --mappning eller använd indikatorernas koder.",
                out.skipped
                    .keys()
                    .take(5)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(errors);
    }
    for ((indicator, year, kind), p) in parts {
        let num = |s: Sex| match p.get(&s).map(|x| x.0) {
            Some(Figure::Number(k)) => k.total,
            _ => None,
        };
        let figure = match p.get(&Sex::Total).map(|x| x.0) {
            Some(Figure::Word(w)) => Figure::Word(w),
            Some(Figure::NoData) if num(Sex::Women).is_none() && num(Sex::Men).is_none() => {
                Figure::NoData
            }
            _ => Figure::Number(Kmt {
                women: num(Sex::Women),
                men: num(Sex::Men),
                total: num(Sex::Total),
            }),
        };
        out.values.push(IndicatorValue {
            indicator,
            year,
            kind,
            figure,
            comment: Some("KPI-fil".into()),
        });
    }
    Ok(out)
}

/// Merge imported values into stored ones: every stored value of an (indicator, year) the
/// import touches stays unless the import has a value of the same kind (and month).
pub fn merge_values(stored: &[IndicatorValue], imported: &[IndicatorValue]) -> Vec<IndicatorValue> {
    let touched: Vec<(&str, i32)> = imported
        .iter()
        .map(|v| (v.indicator.as_str(), v.year))
        .collect();
    let mut out: Vec<IndicatorValue> = stored
        .iter()
        .filter(|s| touched.contains(&(s.indicator.as_str(), s.year)))
        .filter(|s| {
            !imported
                .iter()
                .any(|v| v.indicator == s.indicator && v.year == s.year && v.kind == s.kind)
        })
        .cloned()
        .collect();
    out.extend(imported.iter().cloned());
    out
}

/// Normalised for matching (lowercase, å/ä→a, ö→o, `_` as a space).
fn norm(s: &str) -> String {
    crate::model::norm(s)
}

#[cfg(test)]
mod tests;
