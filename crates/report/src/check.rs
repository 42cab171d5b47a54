//! Integrity checks R1–R14 (PRIMER §9) that run on a [`Report`] before anything is written.
//!
//! [`check`] returns [`Finding`]s in reading order (tables first, then text, then the
//! cross-report comparisons): each names its rule, says where in the report the problem is in
//! Swedish (`Tabell 3 (Driftredovisning per nämnd), rad Socialnämnden, kolumn Avvikelse`) and
//! what is wrong with both numbers and what to do. Errors stop publication; warnings are
//! printed. docs/REPORTS.md ("Integritetskontroller (R1–R14)") describes every rule.

use crate::model::*;
use delar_core::money::{MINUS, NBSP};
use delar_core::{Amount, Unit};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The report must not be published like this.
    Error,
    /// Worth a look; may be acceptable (rounding).
    Warning,
}

impl Severity {
    /// The Swedish word (`fel`, `varning`).
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "fel",
            Severity::Warning => "varning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One broken rule at one place in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule (`R1` … `R14`).
    pub rule: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// Where, in Swedish: table, row and column, or section and paragraph.
    pub location: String,
    /// What is wrong (with both numbers) and what to do, in Swedish.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}  {}: {}",
            self.rule, self.severity, self.location, self.message
        )
    }
}

/// Whether any finding is an error.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

/// The findings one per line (`R2 fel  Tabell 3 …: …`) and a count line (`2 fel, 1 varning`).
pub fn render_findings(findings: &[Finding]) -> String {
    let mut s = String::new();
    for f in findings {
        s.push_str(&f.to_string());
        s.push('\n');
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    s.push_str(&format!(
        "{errors} fel, {warnings} {}\n",
        if warnings == 1 {
            "varning"
        } else {
            "varningar"
        }
    ));
    s
}

/// Run every check on the report.
pub fn check(report: &Report) -> Vec<Finding> {
    let mut out = Vec::new();
    let cutoff = Cutoff {
        year: report.meta.round.year,
        month: report.meta.round.cutoff,
    };
    for t in report.tables() {
        check_cell_texts(t, &mut out);
        check_identities(t, &mut out);
        check_footing(t, &mut out);
        check_includes(t, &mut out);
        check_sign_note(t, &mut out);
        check_table_labels(t, cutoff, &mut out);
    }
    check_headings(report, cutoff, &mut out);
    let paragraphs = paragraphs(report);
    for (loc, p) in &paragraphs {
        check_paragraph(report, loc, p, cutoff, &mut out);
    }
    check_facts(report, &paragraphs, &mut out);
    check_goals(report, &mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// Locations and formatting

const RULES: [&str; 14] = [
    "R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "R13", "R14",
];

/// The static rule name for an identity's `rule` field, or `default` if it names no rule.
fn rule_name(rule: &str, default: &'static str) -> &'static str {
    RULES
        .iter()
        .find(|r| r.eq_ignore_ascii_case(rule.trim()))
        .copied()
        .unwrap_or(default)
}

fn table_loc(t: &Table) -> String {
    if t.number > 0 {
        format!("Tabell {} ({})", t.number, t.caption)
    } else {
        format!("Tabell «{}» ({})", t.id, t.caption)
    }
}

fn row_label(row: &Row) -> String {
    match row.cells.first() {
        Some(c) if !c.text.trim().is_empty() => c.text.trim().to_string(),
        _ => row.key.clone(),
    }
}

fn col_label(c: &Column) -> String {
    if c.label.trim().is_empty() {
        c.key.clone()
    } else {
        c.label.trim().to_string()
    }
}

fn row_loc(t: &Table, row: &Row) -> String {
    format!("{}, rad {}", table_loc(t), row_label(row))
}

fn cell_loc(t: &Table, row: &Row, col: &Column) -> String {
    format!("{}, kolumn {}", row_loc(t, row), col_label(col))
}

fn section_loc(s: &Section) -> String {
    if s.number.is_empty() {
        format!("Avsnitt {}", s.title)
    } else {
        format!("Avsnitt {} {}", s.number, s.title)
    }
}

/// A value as shown in a format, with the unit for money (`4 437,7 mnkr`).
fn show(v: &Value, f: &Format) -> String {
    let text = f.render(v);
    match (v, f) {
        (Value::Amount(_), Format::Amount { unit, .. }) => format!("{text} {}", unit.label()),
        (Value::Amount(_), _) => format!("{text} kr"),
        (Value::Empty, _) => "tom".to_string(),
        _ => text,
    }
}

/// An exact amount in kronor with öre (`1 234,56 kr`).
fn kr(ore: i128) -> String {
    let clamped = ore.clamp(i64::MIN as i128 + 1, i64::MAX as i128) as i64;
    format!("{} kr", Amount::from_ore(clamped).format(Unit::Kr, 2))
}

fn render_expr(terms: &[(i64, String)], label: impl Fn(&str) -> String) -> String {
    let mut s = String::new();
    for (i, (c, key)) in terms.iter().enumerate() {
        let name = label(key);
        let abs = c.unsigned_abs();
        let factor = if abs == 1 {
            name
        } else {
            format!("{abs} × {name}")
        };
        if i == 0 {
            if *c < 0 {
                s.push(MINUS);
            }
        } else {
            s.push_str(if *c < 0 { " − " } else { " + " });
        }
        s.push_str(&factor);
    }
    s
}

/// Normalise a printed figure for comparison: ordinary spaces, no leading minus sign.
fn unsigned_text(s: &str) -> String {
    let t: String = s
        .trim()
        .chars()
        .map(|c| match c {
            NBSP | '\u{202F}' | '\u{2009}' => ' ',
            c => c,
        })
        .collect();
    t.trim_start_matches([MINUS, '-', '–']).to_string()
}

fn starts_negative(s: &str) -> bool {
    s.trim_start().starts_with([MINUS, '-', '–'])
}

/// Two values show the same fact: exact for money, a tiny tolerance for floats, the same
/// level and word for statuses.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Amount(x), Value::Amount(y)) => x == y,
        (Value::Ratio(x), Value::Ratio(y)) | (Value::Number(x), Value::Number(y)) => {
            (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0)
        }
        (Value::Status(x), Value::Status(y)) => {
            x.level == y.level && x.label.trim().to_lowercase() == y.label.trim().to_lowercase()
        }
        (Value::Text(x), Value::Text(y)) => x.trim() == y.trim(),
        (Value::NoData, Value::NoData) | (Value::Empty, Value::Empty) => true,
        _ => false,
    }
}

fn is_row_with_numbers(kind: RowKind) -> bool {
    !matches!(kind, RowKind::Heading)
}

// ---------------------------------------------------------------------------------------------
// Cells: the printed text is the format's rendering of the value (R4, same rounding and sign)

fn check_cell_texts(t: &Table, out: &mut Vec<Finding>) {
    // cells that show the right number in another unit or precision than their column's
    // format: one warning per table (mixed tables such as a five-year summary have many)
    let mut other_format: Vec<(&Row, &Column, &Cell, String, String)> = Vec::new();
    for row in &t.rows {
        for (ci, col) in t.columns.iter().enumerate() {
            let Some(cell) = row.cells.get(ci) else {
                continue;
            };
            if matches!(cell.value, Value::Text(_)) {
                continue;
            }
            let expected = cell.format_in(col).render(&cell.value);
            let shown = without_footnote_marks(&cell.text);
            if shown == expected.trim() {
                continue;
            }
            if let Some(other) = other_rendering(&cell.value, shown) {
                other_format.push((row, col, cell, other, expected));
                continue;
            }
            out.push(Finding {
                rule: "R4",
                severity: Severity::Error,
                location: cell_loc(t, row, col),
                message: if matches!(
                    cell.value,
                    Value::Amount(_) | Value::Ratio(_) | Value::Number(_)
                ) {
                    format!(
                        "cellen visar «{}» men värdet {} avrundas till «{}». Skriv inte in \
                         tabelltal för hand: låt cellens text komma från värdet.",
                        cell.text,
                        exact(&cell.value),
                        expected
                    )
                } else {
                    format!(
                        "cellen visar «{}» men värdet är «{}». Låt cellens text komma från \
                         värdet.",
                        cell.text, expected
                    )
                },
            });
        }
        if row.cells.len() != t.columns.len() {
            out.push(Finding {
                rule: "R1",
                severity: Severity::Error,
                location: row_loc(t, row),
                message: format!(
                    "raden har {} celler men tabellen har {} kolumner. Ge raden en cell per \
                     kolumn (tomma celler för det som saknas).",
                    row.cells.len(),
                    t.columns.len()
                ),
            });
        }
    }
    if let Some((row, col, cell, other, expected)) = other_format.first() {
        // the right numbers, but not in the column's format: Excel, which writes the value
        // with the column's number format, would show something else
        let mut columns: Vec<String> = Vec::new();
        for (_, c, ..) in &other_format {
            let l = col_label(c);
            if !columns.contains(&l) {
                columns.push(l);
            }
        }
        let location = if columns.len() == 1 && other_format.len() == 1 {
            cell_loc(t, row, col)
        } else if columns.len() == 1 {
            format!("{}, kolumn {}", table_loc(t), columns[0])
        } else {
            table_loc(t)
        };
        let n = other_format.len();
        out.push(Finding {
            rule: "R4",
            severity: Severity::Warning,
            location,
            message: format!(
                "{} visar talet med en annan enhet eller ett annat antal decimaler än \
                 kolumnens format ({}), t.ex. rad {}, kolumn {}: «{}» ({other}) där formatet ger \
                 «{}». Excel visar kolumnens format. Använd samma enhet och antal decimaler i \
                 hela kolumnen, eller dela tabellen.",
                if n == 1 {
                    "1 cell".to_string()
                } else {
                    format!("{n} celler")
                },
                columns.join(", "),
                row_label(row),
                col_label(col),
                cell.text,
                expected
            ),
        });
    }
}

/// A cell's text without trailing footnote marks (`66*`, `12,3¹`).
fn without_footnote_marks(text: &str) -> &str {
    text.trim()
        .trim_end_matches([
            '*', '†', '‡', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹', ')',
        ])
        .trim_end()
}

/// If `shown` is `value` rendered in some other unit or number of decimals, which one
/// (`1 decimal`, `mnkr med 1 decimal`).
fn other_rendering(value: &Value, shown: &str) -> Option<String> {
    let decimals = |d: u8| match d {
        1 => "1 decimal".to_string(),
        d => format!("{d} decimaler"),
    };
    for d in 0u8..=3 {
        let hit = |f: Format| f.render(value).trim() == shown;
        match value {
            Value::Amount(_) => {
                for unit in [Unit::Kr, Unit::Tkr, Unit::Mnkr] {
                    if hit(Format::Amount { unit, decimals: d }) {
                        return Some(format!("{} med {}", unit.label(), decimals(d)));
                    }
                }
            }
            Value::Ratio(_) if hit(Format::Percent { decimals: d }) => {
                return Some(format!("procent med {}", decimals(d)));
            }
            Value::Number(_) => {
                if hit(Format::Number { decimals: d }) {
                    return Some(decimals(d));
                }
                if hit(Format::Percent { decimals: d }) {
                    return Some(format!("procent med {}", decimals(d)));
                }
            }
            _ => {}
        }
    }
    None
}

/// A value exactly, for messages (`4 437 654 322,00 kr`, `0,9543`).
fn exact(v: &Value) -> String {
    match v {
        Value::Amount(a) => kr(a.ore() as i128),
        Value::Ratio(r) | Value::Number(r) => format!("{r}").replace('.', ","),
        Value::Empty => "tom".into(),
        Value::NoData => "i.u.".into(),
        Value::Text(t) => format!("«{t}»"),
        Value::Status(s) => format!("«{}»", s.label),
    }
}

// ---------------------------------------------------------------------------------------------
// Identities: R1 (Linear, Ratio, Change), R6/R9/R11 (Linear), R9 (Share, Between), R14 (Product)

/// A numeric view of a cell for identities.
#[derive(Clone, Copy)]
enum Num {
    Ore(i64),
    F(f64),
}

impl Num {
    fn f(self) -> f64 {
        match self {
            Num::Ore(o) => o as f64 / 100.0,
            Num::F(x) => x,
        }
    }
}

/// Numeric value: `Some(Some(n))` a number, `Some(None)` empty, `None` not numeric (i.u., text).
fn num(v: &Value) -> Option<Option<Num>> {
    match v {
        Value::Amount(a) => Some(Some(Num::Ore(a.ore()))),
        Value::Ratio(x) | Value::Number(x) => Some(Some(Num::F(*x))),
        Value::Empty => Some(None),
        _ => None,
    }
}

fn check_identities(t: &Table, out: &mut Vec<Finding>) {
    for id in &t.identities {
        // the columns the identity names must exist
        let keys: Vec<&String> = match id {
            Identity::Linear { result, terms, .. } => std::iter::once(result)
                .chain(terms.iter().map(|(_, k)| k))
                .collect(),
            Identity::Ratio {
                result,
                numerator,
                denominator,
                ..
            } => vec![result, numerator, denominator],
            Identity::Change {
                result, new, old, ..
            } => vec![result, new, old],
            Identity::Product {
                result, factors, ..
            } => std::iter::once(result).chain(factors.iter()).collect(),
            Identity::Between {
                result, low, high, ..
            } => vec![result, low, high],
            Identity::Share { column, .. } => vec![column],
        };
        let missing: Vec<&str> = keys
            .iter()
            .filter(|k| t.column(k).is_none())
            .map(|k| k.as_str())
            .collect();
        let default_rule = match id {
            Identity::Product { .. } => "R14",
            Identity::Between { .. } | Identity::Share { .. } => "R9",
            _ => "R1",
        };
        let rule = match id {
            Identity::Linear { rule, .. }
            | Identity::Ratio { rule, .. }
            | Identity::Change { rule, .. }
            | Identity::Product { rule, .. }
            | Identity::Between { rule, .. }
            | Identity::Share { rule, .. } => rule_name(rule, default_rule),
        };
        if !missing.is_empty() {
            out.push(Finding {
                rule,
                severity: Severity::Error,
                location: table_loc(t),
                message: format!(
                    "ett samband i tabellen nämner kolumner som inte finns: {}. Rätta \
                     tabelldefinitionen.",
                    missing.join(", ")
                ),
            });
            continue;
        }
        for row in t.rows.iter().filter(|r| is_row_with_numbers(r.kind)) {
            if let Some(f) = check_identity(t, row, id, rule) {
                out.push(f);
            }
        }
    }
}

fn cell_of<'a>(t: &'a Table, row: &'a Row, key: &str) -> Option<(&'a Column, &'a Cell)> {
    let ci = t.column(key)?;
    Some((&t.columns[ci], row.cells.get(ci)?))
}

fn check_identity(t: &Table, row: &Row, id: &Identity, rule: &'static str) -> Option<Finding> {
    let label = |k: &str| {
        t.column(k)
            .map(|i| col_label(&t.columns[i]))
            .unwrap_or_else(|| k.to_string())
    };
    let finding = |col: &Column, message: String| Finding {
        rule,
        severity: Severity::Error,
        location: cell_loc(t, row, col),
        message,
    };
    match id {
        Identity::Linear { result, terms, .. } => {
            let (rcol, rcell) = cell_of(t, row, result)?;
            let r = num(&rcell.value)?;
            let mut vals = Vec::new();
            for (c, k) in terms {
                let (_, cell) = cell_of(t, row, k)?;
                vals.push((*c, num(&cell.value)?));
            }
            // rows that do not carry this identity's numbers (reconciliation lines that fill
            // one column) are skipped; a result without its terms or terms without a result
            // are checked below
            let any_term = vals.iter().any(|(_, v)| v.is_some());
            let r = match r {
                None if !any_term => return None,
                None => {
                    return Some(finding(
                        rcol,
                        format!(
                            "cellen är tom men {} går att räkna ut. Fyll i den beräknade \
                             summan.",
                            render_expr(terms, label)
                        ),
                    ))
                }
                Some(r) => r,
            };
            if !any_term {
                return None;
            }
            let all_ore = matches!(r, Num::Ore(_))
                && vals
                    .iter()
                    .all(|(_, v)| matches!(v, Some(Num::Ore(_)) | None));
            if all_ore {
                let got = match r {
                    Num::Ore(o) => o as i128,
                    Num::F(_) => unreachable!(),
                };
                let want: i128 = vals
                    .iter()
                    .map(|(c, v)| match v {
                        Some(Num::Ore(o)) => *c as i128 * *o as i128,
                        _ => 0,
                    })
                    .sum();
                if got != want {
                    let want_v = Value::Amount(Amount::from_ore(want as i64));
                    return Some(finding(
                        rcol,
                        format!(
                            "{} visar {} men {} = {} (skillnad {}). Räkna om {} från de \
                             ingående värdena eller rätta dem.",
                            col_label(rcol),
                            show(&rcell.value, &rcell.format_in(rcol)),
                            render_expr(terms, label),
                            show(&want_v, &rcell.format_in(rcol)),
                            kr(got - want),
                            col_label(rcol)
                        ),
                    ));
                }
            } else {
                let got = r.f();
                let want: f64 = vals
                    .iter()
                    .map(|(c, v)| *c as f64 * v.map(Num::f).unwrap_or(0.0))
                    .sum();
                if (got - want).abs() > 1e-6 * got.abs().max(want.abs()).max(1.0) {
                    let want_v = match rcell.value {
                        Value::Ratio(_) => Value::Ratio(want),
                        _ => Value::Number(want),
                    };
                    return Some(finding(
                        rcol,
                        format!(
                            "{} visar {} men {} = {}. Räkna om {} från de ingående värdena \
                             eller rätta dem.",
                            col_label(rcol),
                            rcell.text,
                            render_expr(terms, label),
                            rcell.format_in(rcol).render(&want_v),
                            col_label(rcol)
                        ),
                    ));
                }
            }
            None
        }
        Identity::Ratio {
            result,
            numerator,
            denominator,
            except_rows,
            ..
        } => {
            let (rcol, rcell) = cell_of(t, row, result)?;
            if except_rows.contains(&row.key) {
                return excepted(rcol, rcell).map(|m| finding(rcol, m));
            }
            let (_, ncell) = cell_of(t, row, numerator)?;
            let (_, dcell) = cell_of(t, row, denominator)?;
            let (n, d) = match (num(&ncell.value), num(&dcell.value)) {
                (Some(Some(Num::Ore(n))), Some(Some(Num::Ore(d)))) => (n as f64, d as f64),
                (Some(Some(n)), Some(Some(d))) => (n.f(), d.f()),
                _ => {
                    if matches!(rcell.value, Value::Empty) {
                        return None;
                    }
                    return Some(finding(
                        rcol,
                        format!(
                            "kvoten {} / {} kan inte räknas ut på raden men cellen visar «{}». \
                             Lämna den tom.",
                            label(numerator),
                            label(denominator),
                            rcell.text
                        ),
                    ));
                }
            };
            let suppressed = d == 0.0 || (n < 0.0 && d > 0.0) || (n > 0.0 && d < 0.0);
            ratio_finding(
                rcol,
                rcell,
                suppressed,
                n / d,
                &format!("{} / {}", label(numerator), label(denominator)),
                "täljare och nämnare har olika tecken eller nämnaren är noll",
            )
            .map(|m| finding(rcol, m))
        }
        Identity::Change {
            result,
            new,
            old,
            except_rows,
            ..
        } => {
            let (rcol, rcell) = cell_of(t, row, result)?;
            if except_rows.contains(&row.key) {
                return excepted(rcol, rcell).map(|m| finding(rcol, m));
            }
            let (_, ncell) = cell_of(t, row, new)?;
            let (_, ocell) = cell_of(t, row, old)?;
            let (n, o) = match (num(&ncell.value), num(&ocell.value)) {
                (Some(Some(Num::Ore(n))), Some(Some(Num::Ore(o)))) => (n as f64, o as f64),
                (Some(Some(n)), Some(Some(o))) => (n.f(), o.f()),
                _ => {
                    if matches!(rcell.value, Value::Empty) {
                        return None;
                    }
                    return Some(finding(
                        rcol,
                        format!(
                            "förändringen kan inte räknas ut på raden ({} eller {} saknas) men \
                             cellen visar «{}». Lämna den tom.",
                            label(new),
                            label(old),
                            rcell.text
                        ),
                    ));
                }
            };
            ratio_finding(
                rcol,
                rcell,
                o == 0.0 || n * o < 0.0,
                (n - o) / o,
                &format!("({} − {}) / {}", label(new), label(old), label(old)),
                if o == 0.0 {
                    "det gamla värdet är noll"
                } else {
                    "värdena har olika tecken"
                },
            )
            .map(|m| finding(rcol, m))
        }
        Identity::Product {
            result,
            factors,
            scale,
            tolerance,
            ..
        } => {
            let (rcol, rcell) = cell_of(t, row, result)?;
            let r = num(&rcell.value)??;
            let mut prod = *scale;
            for k in factors {
                let (_, c) = cell_of(t, row, k)?;
                prod *= num(&c.value)??.f();
            }
            let got = r.f();
            if (got - prod).abs() > *tolerance {
                let names: Vec<String> = factors.iter().map(|k| label(k)).collect();
                let mut expr = names.join(" × ");
                if *scale != 1.0 {
                    expr.push_str(&format!(" × {}", format_number(*scale, 0)));
                }
                return Some(finding(
                    rcol,
                    format!(
                        "{} visar {} men {} = {} kr (skillnad {} kr, tillåtet {} kr). Kontrollera \
                         volym och styckkostnad eller beloppet.",
                        col_label(rcol),
                        show(&rcell.value, &rcell.format_in(rcol)),
                        expr,
                        format_number(prod, 0),
                        format_number(got - prod, 0),
                        format_number(*tolerance, 0)
                    ),
                ));
            }
            None
        }
        Identity::Between {
            result, low, high, ..
        } => {
            let (rcol, rcell) = cell_of(t, row, result)?;
            let r = num(&rcell.value)??.f();
            let (_, lc) = cell_of(t, row, low)?;
            let (_, hc) = cell_of(t, row, high)?;
            let a = num(&lc.value)??.f();
            let b = num(&hc.value)??.f();
            let tol = half_unit(&rcell.format_in(rcol), &rcell.value);
            if r < a.min(b) - tol || r > a.max(b) + tol {
                return Some(finding(
                    rcol,
                    format!(
                        "{} är {} men ska ligga mellan {} ({}) och {} ({}). Kontrollera \
                         delgruppernas värden och totalen.",
                        col_label(rcol),
                        rcell.text,
                        label(low),
                        lc.text,
                        label(high),
                        hc.text
                    ),
                ));
            }
            None
        }
        Identity::Share { column, .. } => {
            let (col, cell) = cell_of(t, row, column)?;
            let (v, max) = match (&cell.value, &cell.format_in(col)) {
                (Value::Ratio(r), _) => (*r, 1.0),
                (Value::Number(n), _) => (*n, 100.0),
                _ => return None,
            };
            let tol = half_unit(&cell.format_in(col), &cell.value);
            if v < -tol || v > max + tol {
                return Some(finding(
                    col,
                    format!(
                        "andelen är {} men en andel ligger mellan 0 och 100 %. Kontrollera \
                         täljare och nämnare.",
                        cell.text
                    ),
                ));
            }
            None
        }
    }
}

/// Half a display unit of a cell's format in the value's scale (for rounded sub-group rates).
fn half_unit(f: &Format, v: &Value) -> f64 {
    let d = match f {
        Format::Amount { decimals, .. }
        | Format::Percent { decimals }
        | Format::Number { decimals } => *decimals as i32,
        _ => 0,
    };
    let h = 0.5 * 10f64.powi(-d);
    match v {
        Value::Ratio(_) => h / 100.0,
        _ => h,
    }
}

/// The message for a ratio-like cell (Ratio, Change), or `None` if it is right.
/// A row the table excepts from a percentage identity: its cell must be empty.
fn excepted(col: &Column, cell: &Cell) -> Option<String> {
    if matches!(cell.value, Value::Empty) && cell.text.trim().is_empty() {
        return None;
    }
    Some(format!(
        "{} visar «{}» men raden är undantagen från procenten (se tabellens not). Lämna cellen \
         tom.",
        col_label(col),
        cell.text
    ))
}

fn ratio_finding(
    col: &Column,
    cell: &Cell,
    suppressed: bool,
    ratio: f64,
    expr: &str,
    why_empty: &str,
) -> Option<String> {
    if suppressed {
        if matches!(cell.value, Value::Empty) && cell.text.trim().is_empty() {
            return None;
        }
        return Some(format!(
            "{} visar «{}» men ska vara tom eftersom {} ({expr} saknar mening). Lämna cellen \
             tom.",
            col_label(col),
            cell.text,
            why_empty
        ));
    }
    let expected = cell.format_in(col).render(&Value::Ratio(ratio));
    if cell.text.trim() == expected.trim() {
        return None;
    }
    Some(format!(
        "{} visar «{}» men {expr} = «{}». Räkna om kvoten från de ej avrundade beloppen (aldrig \
         summera procent).",
        col_label(col),
        cell.text,
        expected
    ))
}

// ---------------------------------------------------------------------------------------------
// R2 column footing

fn check_footing(t: &Table, out: &mut Vec<Finding>) {
    for row in t
        .rows
        .iter()
        .filter(|r| matches!(r.kind, RowKind::Subtotal | RowKind::Total))
    {
        let parts: Vec<&Row> = row
            .includes
            .iter()
            .filter(|k| **k != row.key)
            .filter_map(|k| t.row(k))
            .filter(|r| r.kind != RowKind::Heading)
            .collect();
        if parts.is_empty() {
            continue;
        }
        for (ci, col) in t.columns.iter().enumerate() {
            let Some(total) = row.cells.get(ci) else {
                continue;
            };
            let total_format = total.format_in(col);
            match (total_format, &total.value) {
                (Format::Amount { unit, decimals }, Value::Amount(a)) => {
                    let mut sum: i128 = 0;
                    let mut printed_sum: i128 = 0;
                    let mut comparable = true;
                    let mut ok = true;
                    for p in &parts {
                        match p.cells.get(ci).map(|c| (&c.value, c.text.as_str())) {
                            Some((Value::Amount(x), text)) => {
                                sum += x.ore() as i128;
                                match printed(text, *x, unit, decimals) {
                                    Some(p) => printed_sum += p,
                                    None => comparable = false,
                                }
                            }
                            Some((Value::Empty, _)) | None => {}
                            _ => ok = false,
                        }
                    }
                    if !ok {
                        continue;
                    }
                    let got = a.ore() as i128;
                    if sum != got {
                        let sum_v = Value::Amount(Amount::from_ore(sum as i64));
                        out.push(Finding {
                            rule: "R2",
                            severity: Severity::Error,
                            location: cell_loc(t, row, col),
                            message: format!(
                                "summan visar {} men de {} ingående raderna ({}) summerar till {} \
                                 (skillnad {}). Summera från de ej avrundade beloppen eller \
                                 rätta vilka rader summan omfattar.",
                                show(&total.value, &total_format),
                                parts.len(),
                                list_rows(&parts),
                                show(&sum_v, &total_format),
                                kr(got - sum)
                            ),
                        });
                    }
                    let shown_total = printed(&total.text, *a, unit, decimals);
                    let allowed = ((parts.len() as i128 + 1) / 2).max(1);
                    let diff = shown_total.unwrap_or(0) - printed_sum;
                    if comparable && shown_total.is_some() && diff.abs() > allowed {
                        let step = unit.ore() / 10i64.pow(decimals.min(unit.max_decimals()) as u32);
                        let f = |x: i128| {
                            Amount::from_ore((x * step as i128) as i64).format(unit, decimals)
                        };
                        out.push(Finding {
                            rule: "R2",
                            severity: Severity::Warning,
                            location: cell_loc(t, row, col),
                            message: format!(
                                "de tryckta raderna summerar till {} {} men summan visar {} {}: \
                                 skillnaden {} {} är större än avrundningen kan förklara (högst \
                                 {} för {} rader). Läsaren ser att summan inte stämmer; rätta \
                                 beloppen.",
                                f(printed_sum),
                                unit.label(),
                                f(shown_total.unwrap_or(0)),
                                unit.label(),
                                f(diff),
                                unit.label(),
                                f(allowed),
                                parts.len()
                            ),
                        });
                    }
                }
                (Format::Number { .. }, Value::Number(x)) => {
                    let mut sum = 0.0;
                    let mut ok = true;
                    for p in &parts {
                        match p.cells.get(ci).map(|c| &c.value) {
                            Some(Value::Number(v)) => sum += v,
                            Some(Value::Empty) | None => {}
                            _ => ok = false,
                        }
                    }
                    if ok && (sum - x).abs() > 1e-6 * x.abs().max(sum.abs()).max(1.0) {
                        out.push(Finding {
                            rule: "R2",
                            severity: Severity::Error,
                            location: cell_loc(t, row, col),
                            message: format!(
                                "summan visar {} men de {} ingående raderna ({}) summerar till \
                                 {}. Summera från de ej avrundade värdena eller rätta vilka rader \
                                 summan omfattar.",
                                total.text,
                                parts.len(),
                                list_rows(&parts),
                                total_format.render(&Value::Number(sum))
                            ),
                        });
                    }
                }
                _ => {}
            }
        }
    }
}

/// The printed figure of a money cell in display units (10^-decimals of `unit`): the text
/// read in the column's unit (a figure typed by hand is what the reader sees), or the rounded
/// value. `None` when the text shows the value in another unit or precision (reported under
/// R4; the printed figures of the column cannot be added up).
/// The note a table gets when its printed figures do not add up by a rounding (each amount
/// rounded on its own): a sum or a difference a reader recomputes from the printed parts
/// differs in the last digit.
pub const ROUNDING_NOTE: &str =
    "Beloppen är avrundade var för sig; summor och skillnader kan avvika i sista siffran.";

/// Add [`ROUNDING_NOTE`] to every table of the report whose printed amounts do not foot (a
/// total against its rows) or do not satisfy a linear identity (deviation = budget −
/// forecast) by a rounding; the exact amounts always do (R1, R2).
pub fn note_rounding(report: &mut Report) {
    fn walk(s: &mut Section) {
        for b in &mut s.blocks {
            if let Block::Table(t) = b {
                if rounding_shows(t) && !t.notes.iter().any(|n| n == ROUNDING_NOTE) {
                    t.notes.push(ROUNDING_NOTE.into());
                }
            }
        }
        for c in &mut s.sections {
            walk(c);
        }
    }
    for s in &mut report.sections {
        walk(s);
    }
}

/// The printed amount of a cell in its column's unit steps, when it is an amount.
fn printed_cell(t: &Table, row: &Row, ci: usize) -> Option<i128> {
    let cell = row.cells.get(ci)?;
    match (cell.format_in(&t.columns[ci]), &cell.value) {
        (Format::Amount { unit, decimals }, Value::Amount(a)) => {
            printed(&cell.text, *a, unit, decimals)
        }
        _ => None,
    }
}

/// Whether a reader recomputing the table from its printed amounts finds a difference.
fn rounding_shows(t: &Table) -> bool {
    for row in t
        .rows
        .iter()
        .filter(|r| matches!(r.kind, RowKind::Subtotal | RowKind::Total))
    {
        let parts: Vec<&Row> = row
            .includes
            .iter()
            .filter(|k| **k != row.key)
            .filter_map(|k| t.row(k))
            .filter(|r| r.kind != RowKind::Heading)
            .collect();
        if parts.is_empty() {
            continue;
        }
        for ci in 0..t.columns.len() {
            let Some(total) = printed_cell(t, row, ci) else {
                continue;
            };
            let sum: Option<i128> = parts
                .iter()
                .map(|p| match p.cells.get(ci).map(|c| &c.value) {
                    Some(Value::Amount(_)) => printed_cell(t, p, ci),
                    _ => Some(0),
                })
                .sum();
            if sum.is_some_and(|s| s != total) {
                return true;
            }
        }
    }
    for id in &t.identities {
        let Identity::Linear { result, terms, .. } = id else {
            continue;
        };
        let Some(ri) = t.column(result) else {
            continue;
        };
        let cols: Option<Vec<(i64, usize)>> = terms
            .iter()
            .map(|(k, c)| t.column(c).map(|i| (*k, i)))
            .collect();
        let Some(cols) = cols else {
            continue;
        };
        for row in t.rows.iter().filter(|r| is_row_with_numbers(r.kind)) {
            let Some(r) = printed_cell(t, row, ri) else {
                continue;
            };
            let terms: Option<i128> = cols
                .iter()
                .map(|(k, i)| printed_cell(t, row, *i).map(|v| v * *k as i128))
                .sum();
            if terms.is_some_and(|x| x != r) {
                return true;
            }
        }
    }
    false
}

fn printed(text: &str, value: Amount, unit: Unit, decimals: u8) -> Option<i128> {
    let shown = without_footnote_marks(text);
    let format = Format::Amount { unit, decimals };
    let v = Value::Amount(value);
    if shown != format.render(&v).trim() && other_rendering(&v, shown).is_some() {
        return None;
    }
    let a = Amount::parse_swedish_in(shown, unit).unwrap_or(value);
    Some(a.round_to(unit, decimals) as i128)
}

fn list_rows(rows: &[&Row]) -> String {
    const MAX: usize = 6;
    let mut names: Vec<String> = rows.iter().take(MAX).map(|r| row_label(r)).collect();
    if rows.len() > MAX {
        names.push(format!("och {} till", rows.len() - MAX));
    }
    names.join(", ")
}

// ---------------------------------------------------------------------------------------------
// R7 totals say which rows they include

fn check_includes(t: &Table, out: &mut Vec<Finding>) {
    // row keys are what totals name: they must be unique
    for (i, row) in t.rows.iter().enumerate() {
        if t.rows[..i].iter().any(|r| r.key == row.key) {
            out.push(Finding {
                rule: "R7",
                severity: Severity::Error,
                location: row_loc(t, row),
                message: format!(
                    "radnyckeln «{}» används av flera rader, så det går inte att veta vilken                      rad en summa omfattar. Ge varje rad en egen nyckel.",
                    row.key
                ),
            });
        }
    }
    for row in &t.rows {
        let is_total = matches!(row.kind, RowKind::Subtotal | RowKind::Total);
        let finding = |message: String| Finding {
            rule: "R7",
            severity: Severity::Error,
            location: row_loc(t, row),
            message,
        };
        if !is_total {
            continue;
        }
        if row.includes.is_empty() {
            out.push(finding(
                "summaraden säger inte vilka rader den omfattar. Ange raderna i `includes` \
                 (och redovisa rader som inte ingår i en fotnot)."
                    .into(),
            ));
            continue;
        }
        let mut seen: Vec<&str> = Vec::new();
        for k in &row.includes {
            if seen.contains(&k.as_str()) {
                out.push(finding(format!(
                    "raden «{k}» räknas två gånger i summan. Ta bort dubbletten."
                )));
                continue;
            }
            seen.push(k);
            if *k == row.key {
                out.push(finding(
                    "summaraden räknar med sig själv. Ta bort den ur sin egen lista.".into(),
                ));
                continue;
            }
            match t.row(k) {
                None => out.push(finding(format!(
                    "summan omfattar raden «{k}» som inte finns i tabellen. Rätta radnyckeln."
                ))),
                Some(r) if r.kind == RowKind::Heading => out.push(finding(format!(
                    "summan omfattar rubrikraden «{}», som inte har några belopp. Ta bort den \
                     ur summan.",
                    row_label(r)
                ))),
                Some(r) if r.kind == RowKind::Varav => out.push(finding(format!(
                    "summan omfattar varav-raden «{}», som redan ingår i raden ovanför och då \
                     räknas två gånger. Ta bort den ur summan.",
                    row_label(r)
                ))),
                Some(_) => {}
            }
        }
        // double counting through a subtotal: a total that includes a subtotal and its rows
        for k in &row.includes {
            if let Some(sub) = t.row(k).filter(|r| r.kind == RowKind::Subtotal) {
                for inner in &sub.includes {
                    if row.includes.contains(inner) {
                        let name = t.row(inner).map(row_label).unwrap_or(inner.clone());
                        out.push(finding(format!(
                            "raden «{name}» ingår både direkt och genom delsumman «{}» och \
                             räknas två gånger. Ta med antingen delsumman eller dess rader.",
                            row_label(sub)
                        )));
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// R5 the sign convention is stated in the table's header

fn is_deviation_column(c: &Column) -> bool {
    let s = format!("{} {}", c.key, c.label).to_lowercase();
    [
        "avvikelse",
        "avvik",
        "förändring",
        "forandring",
        "differens",
        "diff",
    ]
    .iter()
    .any(|w| s.contains(w))
        || s.contains("budget-") && (s.contains("utfall") || s.contains("prognos"))
        || s.contains("budget−") && (s.contains("utfall") || s.contains("prognos"))
        || s.contains("budget −")
        || s.contains("budget -")
}

fn check_sign_note(t: &Table, out: &mut Vec<Finding>) {
    let amounts = t
        .columns
        .iter()
        .any(|c| matches!(c.format, Format::Amount { .. }));
    if !amounts {
        return;
    }
    let identity_results: Vec<&str> = t
        .identities
        .iter()
        .filter_map(|i| match i {
            Identity::Linear { rule, result, .. } if rule_name(rule, "R1") == "R1" => {
                Some(result.as_str())
            }
            Identity::Change { result, .. } => Some(result.as_str()),
            _ => None,
        })
        .collect();
    let deviation = t.columns.iter().find(|c| {
        c.format.is_numeric() && (is_deviation_column(c) || identity_results.contains(&&*c.key))
    });
    let Some(dev) = deviation else {
        return;
    };
    match t.sign_note.as_deref().map(str::trim) {
        None | Some("") => out.push(Finding {
            rule: "R5",
            severity: Severity::Error,
            location: table_loc(t),
            message: format!(
                "tabellen har kolumnen «{}» men säger inte vilket tecken som gäller. Ange \
                 teckenkonventionen under rubriken, t.ex. «Avvikelse = budget − prognos; positiv \
                 avvikelse = överskott».",
                col_label(dev)
            ),
        }),
        Some(note) => {
            let n = note.to_lowercase();
            if let Some(word) = note_contradicts_identity(t, &n) {
                out.push(Finding {
                    rule: "R5",
                    severity: Severity::Warning,
                    location: table_loc(t),
                    message: format!(
                        "teckenkommentaren «{note}» räknar med «{word}», men tabellen har ingen \
                         kolumn med {word}. Skriv kommentaren efter tabellens kolumner, t.ex. \
                         «Avvikelse = periodiserad budget − utfall» i en tabell över utfallet \
                         hittills."
                    ),
                });
            }
            if !(n.contains("positiv") || n.contains("negativ") || n.contains("minustecken")) {
                out.push(Finding {
                    rule: "R5",
                    severity: Severity::Warning,
                    location: table_loc(t),
                    message: format!(
                        "teckenkommentaren «{note}» säger inte vad ett positivt tal i «{}» \
                         betyder. Skriv t.ex. «positiv avvikelse = överskott».",
                        col_label(dev)
                    ),
                });
            }
        }
    }
}

/// The first quantity (`prognos`, `utfall`, `budget`) that a definition in a sign note
/// (`Avvikelse = budget − prognos`) computes a column from, where the table computes that
/// column (its R1 identity) from other such quantities but not that one: the note describes
/// another table.
fn note_contradicts_identity(t: &Table, note: &str) -> Option<&'static str> {
    for clause in note.split(['.', ';']) {
        let Some((lhs, rhs)) = clause.split_once('=') else {
            continue;
        };
        let lhs = lhs.trim();
        let Some(ci) = t.columns.iter().position(|c| c.label.to_lowercase() == lhs) else {
            continue;
        };
        let key = &t.columns[ci].key;
        let terms = t.identities.iter().find_map(|i| match i {
            Identity::Linear { result, terms, .. } if result == key => Some(terms),
            _ => None,
        })?;
        let labels: Vec<String> = terms
            .iter()
            .filter_map(|(_, k)| t.column(k).map(|i| t.columns[i].label.to_lowercase()))
            .collect();
        let words = ["prognos", "utfall", "budget"];
        let named = |w: &str| labels.iter().any(|h| h.contains(w));
        // Only a column computed from these quantities (not from other deviations) can be
        // compared with the note's words.
        if !words.iter().any(|w| named(w)) {
            continue;
        }
        if let Some(word) = words.into_iter().find(|w| rhs.contains(w) && !named(w)) {
            return Some(word);
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// R8 period and unit labels

#[derive(Clone, Copy)]
struct Cutoff {
    year: i32,
    month: u8,
}

const MONTHS: [(&str, u8); 24] = [
    ("januari", 1),
    ("jan", 1),
    ("februari", 2),
    ("feb", 2),
    ("mars", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("maj", 5),
    ("juni", 6),
    ("jun", 6),
    ("juli", 7),
    ("jul", 7),
    ("augusti", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("oktober", 10),
    ("okt", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
];

const MONTH_NAMES: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

/// Words of a text with their byte ranges (letters only, lowercased).
fn words(s: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c.is_alphabetic() {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(st) = start.take() {
            out.push((st, i, s[st..i].to_lowercase()));
        }
    }
    if let Some(st) = start {
        out.push((st, s.len(), s[st..].to_lowercase()));
    }
    out
}

fn month_of(w: &str) -> Option<u8> {
    MONTHS.iter().find(|(n, _)| *n == w).map(|(_, m)| *m)
}

const DASHES: [char; 5] = ['-', '–', '—', MINUS, '‑'];

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == NBSP || c == '\u{202F}'
}

/// `s` in lower case with every character keeping its byte length, so byte positions are
/// shared with `s` (characters whose lower case is longer or shorter are kept as they are).
fn lower_same_len(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut l = c.to_lowercase();
            match (l.next(), l.next()) {
                (Some(x), None) if x.len_utf8() == c.len_utf8() => x,
                _ => c,
            }
        })
        .collect()
}

/// A year written right after position `i` (`jan–aug 2024`), if any.
fn year_after(s: &str, i: usize) -> Option<i32> {
    let rest = s[i..].trim_start_matches(|c: char| is_space(c) || c == '.');
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.len() == 4 {
        digits.parse().ok()
    } else {
        None
    }
}

/// Phrases before a period label that say it is not this round's outcome.
const OTHER_PERIOD: [&str; 9] = [
    "delår 1",
    "delårsrapport 1",
    "prognos 1",
    "föregående",
    "förra",
    "jämfört med",
    "i fjol",
    "fjolår",
    "tidigare",
];

/// Period labels in `s` describing this year's outcome whose last month is not the cut-off:
/// `(the label as written, its last month)`.
fn wrong_periods(s: &str, cutoff: Cutoff) -> Vec<(String, u8)> {
    let ws = words(s);
    let mut out = Vec::new();
    let mut range_ends = Vec::new();
    let lower = lower_same_len(s);
    let other_period = |start: usize| {
        let from = lower[..start.min(lower.len())]
            .char_indices()
            .rev()
            .nth(60)
            .map(|(i, _)| i)
            .unwrap_or(0);
        let before = &lower[from..start.min(lower.len())];
        OTHER_PERIOD.iter().any(|p| before.contains(p))
    };
    let this_year = |end: usize| year_after(s, end).is_none_or(|y| y == cutoff.year);
    // ranges: jan–aug, januari - augusti, januari till augusti
    for (wi, (st, en, w)) in ws.iter().enumerate() {
        if month_of(w) != Some(1) {
            continue;
        }
        let Some((st2, en2, w2)) = ws.get(wi + 1) else {
            continue;
        };
        let between = s[*en..*st2].trim_matches(|c: char| is_space(c) || c == '.');
        let Some(m2) = month_of(w2) else {
            // januari till och med augusti
            if w2 == "till" {
                if let (Some((_, _, a)), Some((_, _, b)), Some((s4, e4, w4))) =
                    (ws.get(wi + 2), ws.get(wi + 3), ws.get(wi + 4))
                {
                    if a == "och" && b == "med" && s[*en..*st2].trim().is_empty() {
                        if let Some(m) = month_of(w4) {
                            range_ends.push(*s4);
                            if m != cutoff.month && this_year(*e4) && !other_period(*st) {
                                out.push((s[*st..*e4].to_string(), m));
                            }
                        }
                    }
                }
            }
            continue;
        };
        let is_range = between.chars().count() == 1 && between.chars().all(|c| DASHES.contains(&c));
        if !is_range {
            continue;
        }
        range_ends.push(*st2);
        if m2 != cutoff.month && this_year(*en2) && !other_period(*st) {
            out.push((s[*st..*en2].to_string(), m2));
        }
    }
    // "januari till augusti"
    for wi in 0..ws.len().saturating_sub(2) {
        let (st, _, w) = &ws[wi];
        let (_, _, till) = &ws[wi + 1];
        let (s3, e3, w3) = &ws[wi + 2];
        if month_of(w) == Some(1) && till == "till" {
            if let Some(m) = month_of(w3) {
                range_ends.push(*s3);
                if m != cutoff.month && this_year(*e3) && !other_period(*st) {
                    out.push((s[*st..*e3].to_string(), m));
                }
            }
        }
    }
    // markers: t.o.m. april, tom april, till och med april, per april, efter juli
    for (st, en, w) in &ws {
        let Some(m) = month_of(w) else {
            continue;
        };
        if range_ends.contains(st) {
            continue;
        }
        let before = lower[..*st].trim_end_matches(|c: char| is_space(c));
        let marker = [
            "t.o.m.",
            "t.o.m",
            "t o m",
            "tom",
            "till och med",
            "per",
            "efter",
        ]
        .iter()
        .find(|mk| {
            before.ends_with(*mk)
                && before[..before.len() - mk.len()]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphabetic())
        });
        let Some(marker) = marker else {
            continue;
        };
        let start = before.len() - marker.len();
        if m != cutoff.month && this_year(*en) && !other_period(start) {
            out.push((s[start..*en].to_string(), m));
        }
    }
    out
}

/// Unit words in `s`: kr, tkr, mnkr, mkr, miljoner kronor, tusental kronor (not `kr per …`).
fn units_in(s: &str) -> Vec<(String, Unit)> {
    let ws = words(s);
    let mut out = Vec::new();
    for (i, (st, en, w)) in ws.iter().enumerate() {
        let rate = s[*en..].trim_start().starts_with('/')
            || ws.get(i + 1).is_some_and(|(_, _, n)| n == "per");
        let prev = if i > 0 { ws[i - 1].2.as_str() } else { "" };
        let unit = match w.as_str() {
            "kr" => Some(Unit::Kr),
            "tkr" => Some(Unit::Tkr),
            "mnkr" | "mkr" => Some(Unit::Mnkr),
            "kronor" => match prev {
                "miljoner" => Some(Unit::Mnkr),
                "tusental" | "tusen" => Some(Unit::Tkr),
                "miljarder" => None,
                _ => Some(Unit::Kr),
            },
            _ => None,
        };
        if let Some(u) = unit {
            if rate {
                continue;
            }
            let st = if w == "kronor" && i > 0 && unit != Some(Unit::Kr) {
                ws[i - 1].0
            } else {
                *st
            };
            out.push((s[st..*en].to_string(), u));
        }
    }
    out
}

fn period_finding(location: String, what: &str, label: &str, month: u8, c: Cutoff) -> Finding {
    // "per april", "efter juli" may also name a point in time ("per april var 45 placerade"):
    // a warning; ranges and "t.o.m." are errors
    let lower = label.to_lowercase();
    let weak = lower.starts_with("per") || lower.starts_with("efter");
    Finding {
        rule: "R8",
        severity: if weak {
            Severity::Warning
        } else {
            Severity::Error
        },
        location,
        message: format!(
            "{what} säger «{label}», som slutar i {}, men rapporten gäller utfall till och med \
             {} {}. {}",
            MONTH_NAMES[(month - 1) as usize],
            MONTH_NAMES[(c.month - 1) as usize],
            c.year,
            if weak {
                "Om texten beskriver årets utfall: låt periodtexten komma från prognosomgången."
            } else {
                "Låt periodtexten komma från prognosomgången."
            }
        ),
    }
}

fn check_table_labels(t: &Table, c: Cutoff, out: &mut Vec<Finding>) {
    // periods
    let mut texts: Vec<(String, &str, &str)> = vec![(table_loc(t), "rubriken", &t.caption)];
    if let Some(n) = &t.sign_note {
        texts.push((table_loc(t), "teckenkommentaren", n));
    }
    for g in &t.groups {
        texts.push((
            format!("{}, kolumngrupp {}", table_loc(t), g.label),
            "kolumngruppen",
            &g.label,
        ));
    }
    for col in &t.columns {
        texts.push((
            format!("{}, kolumn {}", table_loc(t), col_label(col)),
            "kolumnrubriken",
            &col.label,
        ));
    }
    for n in &t.notes {
        texts.push((table_loc(t), "fotnoten", n));
    }
    for (loc, what, s) in &texts {
        for (label, m) in wrong_periods(s, c) {
            out.push(period_finding(loc.clone(), what, &label, m, c));
        }
    }
    // units: the columns' formats and the header agree with the table's unit
    let col_units: Vec<(&Column, Unit)> = t
        .columns
        .iter()
        .filter_map(|col| match col.format {
            Format::Amount { unit, .. } => Some((col, unit)),
            _ => None,
        })
        .collect();
    let table_unit = match t.unit {
        Some(u) => Some(u),
        None => {
            if let Some((_, u)) = col_units.first() {
                out.push(Finding {
                    rule: "R8",
                    severity: Severity::Warning,
                    location: table_loc(t),
                    message: format!(
                        "tabellen har belopp men ingen enhet i rubriken. Ange enheten ({}).",
                        u.label()
                    ),
                });
            }
            col_units.first().map(|(_, u)| *u)
        }
    };
    let unit_msg = |what: &str, word: &str, real: Unit| {
        format!(
            "{what} säger «{word}» men beloppen visas i {} ({}). Låt enheten komma från \
             tabellens format.",
            real.label(),
            unit_words(real)
        )
    };
    if let Some(tu) = t.unit {
        for (col, u) in &col_units {
            if *u != tu {
                out.push(Finding {
                    rule: "R8",
                    severity: Severity::Error,
                    location: format!("{}, kolumn {}", table_loc(t), col_label(col)),
                    message: format!(
                        "kolumnen visar belopp i {} men tabellens rubrik säger {}. Visa alla \
                         belopp i tabellen i samma enhet.",
                        u.label(),
                        tu.label()
                    ),
                });
            }
        }
        // cells with their own money format (mixed tables) in columns not reported above
        let mut cells: Vec<(&Row, &Column, Unit)> = Vec::new();
        for row in &t.rows {
            for (ci, col) in t.columns.iter().enumerate() {
                let Some(cell) = row.cells.get(ci) else {
                    continue;
                };
                let column_reported =
                    matches!(col.format, Format::Amount { unit, .. } if unit != tu);
                if let Some(Format::Amount { unit, .. }) = cell.format {
                    if unit != tu && !column_reported && matches!(cell.value, Value::Amount(_)) {
                        cells.push((row, col, unit));
                    }
                }
            }
        }
        if let Some((row, col, u)) = cells.first() {
            out.push(Finding {
                rule: "R8",
                severity: Severity::Error,
                location: if cells.len() == 1 {
                    cell_loc(t, row, col)
                } else {
                    table_loc(t)
                },
                message: format!(
                    "{} visar belopp i {} men tabellens rubrik säger {} (t.ex. rad {}, kolumn \
                     {}). Visa alla belopp i tabellen i samma enhet.",
                    if cells.len() == 1 {
                        "1 cell".to_string()
                    } else {
                        format!("{} celler", cells.len())
                    },
                    u.label(),
                    tu.label(),
                    row_label(row),
                    col_label(col)
                ),
            });
        }
    }
    if let Some(tu) = table_unit {
        let mut header: Vec<(&str, &str)> = vec![("rubriken", &t.caption)];
        if let Some(n) = &t.sign_note {
            header.push(("teckenkommentaren", n));
        }
        for g in &t.groups {
            header.push(("kolumngruppen", &g.label));
        }
        for (what, s) in header {
            for (word, u) in units_in(s) {
                if u != tu {
                    out.push(Finding {
                        rule: "R8",
                        severity: Severity::Error,
                        location: table_loc(t),
                        message: unit_msg(what, &word, tu),
                    });
                }
            }
        }
    }
    for (col, cu) in &col_units {
        for (word, u) in units_in(&col.label) {
            if u != *cu {
                out.push(Finding {
                    rule: "R8",
                    severity: Severity::Error,
                    location: format!("{}, kolumn {}", table_loc(t), col_label(col)),
                    message: unit_msg("kolumnrubriken", &word, *cu),
                });
            }
        }
    }
}

fn unit_words(u: Unit) -> &'static str {
    match u {
        Unit::Kr => "kronor",
        Unit::Tkr => "tusental kronor",
        Unit::Mnkr => "miljoner kronor",
    }
}

/// R8 on section headings, chart titles and the period label.
fn check_headings(r: &Report, c: Cutoff, out: &mut Vec<Finding>) {
    for (label, m) in wrong_periods(&r.meta.period_label, c) {
        out.push(period_finding(
            "Rapportens period".into(),
            "periodtexten",
            &label,
            m,
            c,
        ));
    }
    for (_, s) in r.walk() {
        for (label, m) in wrong_periods(&s.title, c) {
            out.push(period_finding(section_loc(s), "rubriken", &label, m, c));
        }
        for b in &s.blocks {
            if let Block::Chart(ch) = b {
                let loc = if ch.number > 0 {
                    format!("Diagram {} ({})", ch.number, ch.title)
                } else {
                    format!("Diagram «{}» ({})", ch.id, ch.title)
                };
                for (label, m) in wrong_periods(&ch.title, c) {
                    out.push(period_finding(loc.clone(), "rubriken", &label, m, c));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Paragraphs: R4 (bound numbers, unbound figures), R8 (periods, units), R13 (sums)

/// Every paragraph of the report with its location (`Avsnitt 2.1 Ekonomi, stycke 3`).
fn paragraphs(r: &Report) -> Vec<(String, &Paragraph)> {
    let mut out = Vec::new();
    for (_, s) in r.walk() {
        let loc = section_loc(s);
        let mut n = 0;
        let mut lists = 0;
        for b in &s.blocks {
            match b {
                Block::Paragraph(p) => {
                    n += 1;
                    out.push((format!("{loc}, stycke {n}"), p));
                }
                Block::List { items, .. } => {
                    lists += 1;
                    for (i, p) in items.iter().enumerate() {
                        out.push((format!("{loc}, lista {lists}, punkt {}", i + 1), p));
                    }
                }
                Block::Callout { title, body } => {
                    for (i, p) in body.iter().enumerate() {
                        out.push((format!("{loc}, rutan «{title}», stycke {}", i + 1), p));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

fn check_paragraph(r: &Report, loc: &str, p: &Paragraph, c: Cutoff, out: &mut Vec<Finding>) {
    let numbers = p.numbers();
    for (ii, inline) in p.inlines.iter().enumerate() {
        match inline {
            Inline::Text(t) | Inline::Strong(t) | Inline::Emph(t) => {
                for fig in hand_typed_figures(t) {
                    out.push(Finding {
                        rule: "R4",
                        severity: Severity::Error,
                        location: loc.to_string(),
                        message: format!(
                            "texten innehåller talet «{fig}» som inte är bundet till data. \
                             Ersätt det med ett bundet tal (en tabellcell eller ett faktum) så \
                             att det följer med när siffrorna ändras."
                        ),
                    });
                }
            }
            Inline::Number(n) => {
                check_bound(r, loc, n, out);
                // the unit written in the number or right after it matches its format
                if let Format::Amount { unit, .. } = n.format {
                    let mut words_after = units_in(&n.text);
                    if let Some(Inline::Text(next)) = p.inlines.get(ii + 1) {
                        let head: String = next.chars().take(20).collect::<String>();
                        let head = head.trim_start().to_lowercase();
                        if let Some(first) = units_in(&head).into_iter().next() {
                            if head.starts_with(&first.0) {
                                words_after.push(first);
                            }
                        }
                    }
                    for (word, u) in words_after {
                        if u != unit {
                            out.push(Finding {
                                rule: "R8",
                                severity: Severity::Error,
                                location: loc.to_string(),
                                message: format!(
                                    "talet «{}» står i {} men texten säger «{word}». Låt \
                                     enheten komma från talets format.",
                                    n.text,
                                    unit.label()
                                ),
                            });
                        }
                    }
                }
            }
            Inline::Status(_) => {}
        }
    }
    // periods in the text
    let plain = p.plain();
    for (label, m) in wrong_periods(&plain, c) {
        out.push(period_finding(loc.to_string(), "texten", &label, m, c));
    }
    // R13 decompositions
    for sum in &p.sums {
        let get = |i: usize| numbers.get(i).copied();
        let Some(total) = get(sum.total) else {
            out.push(Finding {
                rule: "R13",
                severity: Severity::Error,
                location: loc.to_string(),
                message: format!(
                    "uppdelningen pekar på tal nummer {} men stycket har bara {} bundna tal. \
                     Rätta uppdelningen.",
                    sum.total + 1,
                    numbers.len()
                ),
            });
            continue;
        };
        let parts: Option<Vec<&BoundNumber>> = sum.parts.iter().map(|i| get(*i)).collect();
        let Some(parts) = parts.filter(|p| !p.is_empty()) else {
            out.push(Finding {
                rule: "R13",
                severity: Severity::Error,
                location: loc.to_string(),
                message: format!(
                    "uppdelningen av «{}» saknar delar eller pekar på tal som inte finns i \
                     stycket. Rätta uppdelningen.",
                    total.text
                ),
            });
            continue;
        };
        let texts: Vec<&str> = parts.iter().map(|p| p.text.as_str()).collect();
        match (
            &total.value,
            parts
                .iter()
                .map(|p| p.value.amount())
                .collect::<Option<Vec<_>>>(),
        ) {
            (Value::Amount(t), Some(amounts)) => {
                let s: i128 = amounts.iter().map(|a| a.ore() as i128).sum();
                if s != t.ore() as i128 {
                    let sum_v = Value::Amount(Amount::from_ore(s as i64));
                    out.push(Finding {
                        rule: "R13",
                        severity: Severity::Error,
                        location: loc.to_string(),
                        message: format!(
                            "texten delar upp {} i {} men delarna summerar till {} (skillnad \
                             {}). Lägg till eller rätta posten «övrigt» så att delarna går \
                             ihop.",
                            show(&total.value, &total.format),
                            texts.join(" + "),
                            show(&sum_v, &total.format),
                            kr(t.ore() as i128 - s)
                        ),
                    });
                }
            }
            _ => {
                let t = total.value.as_f64();
                let ps: Option<Vec<f64>> = parts.iter().map(|p| p.value.as_f64()).collect();
                if let (Some(t), Some(ps)) = (t, ps) {
                    let s: f64 = ps.iter().sum();
                    if (s - t).abs() > 1e-6 * t.abs().max(1.0) {
                        out.push(Finding {
                            rule: "R13",
                            severity: Severity::Error,
                            location: loc.to_string(),
                            message: format!(
                                "texten delar upp «{}» i {} men delarna summerar till {}. \
                                 Rätta delarna eller totalen.",
                                total.text,
                                texts.join(" + "),
                                total.format.render(&Value::Number(s))
                            ),
                        });
                    }
                }
            }
        }
    }
}

/// R4 for one bound number: its text shows its value, and it agrees with the cell it repeats.
fn check_bound(r: &Report, loc: &str, n: &BoundNumber, out: &mut Vec<Finding>) {
    let err = |message: String| Finding {
        rule: if matches!(n.value, Value::Status(_)) {
            "R10"
        } else {
            "R4"
        },
        severity: Severity::Error,
        location: loc.to_string(),
        message,
    };
    let own = n.format.render(&n.value);
    // A count from zero to twelve may be written in words in running text ("sju").
    let as_word = match (&n.value, &n.format) {
        (Value::Number(v), Format::Number { decimals: 0 }) if v.abs() <= 12.0 => {
            let first = n.text.split_whitespace().next().unwrap_or("");
            delar_core::words::word_value(first).is_some_and(|w| w as f64 == v.abs())
        }
        _ => false,
    };
    let shows = |expected: &str| {
        let (text, expected) = (unsigned_text(&n.text), unsigned_text(expected));
        if matches!(n.value, Value::Status(_)) {
            text.to_lowercase().contains(&expected.to_lowercase())
        } else {
            as_word || text.contains(&expected)
        }
    };
    let own_ok = shows(&own);
    if !own_ok {
        out.push(err(format!(
            "texten säger «{}» men talets värde {} visas som «{}». Låt texten komma från \
             värdet.",
            n.text,
            exact(&n.value),
            own
        )));
    }
    if starts_negative(&n.text) && !starts_negative(&own) {
        out.push(err(format!(
            "texten säger «{}» med minustecken men värdet är {}. Rätta tecknet (ett underskott \
             kan också sägas i ord utan minustecken).",
            n.text, own
        )));
    }
    let Some(cref) = &n.cell else {
        return;
    };
    let Some((t, col, cell)) = r.cell(cref) else {
        out.push(err(format!(
            "talet «{}» pekar på en cell som inte finns (tabell «{}», rad «{}», kolumn «{}»). \
             Rätta referensen.",
            n.text, cref.table, cref.row, cref.column
        )));
        return;
    };
    let row = t.row(&cref.row).expect("cell() found the row");
    let where_ = cell_loc(t, row, col);
    if !same_value(&n.value, &cell.value) {
        out.push(err(format!(
            "texten säger «{}» men {where_} visar «{}» (värdena {} och {}). Hämta talet från \
             cellen.",
            n.text,
            cell.text,
            exact(&n.value),
            exact(&cell.value)
        )));
        return;
    }
    let expected = if n.format == cell.format_in(col) {
        cell.text.clone()
    } else {
        n.format.render(&cell.value)
    };
    if own_ok && !shows(&expected) {
        out.push(err(format!(
            "texten säger «{}» men {where_} visar «{}». Avrunda som tabellen gör.",
            n.text, cell.text
        )));
    }
}

const FIGURE_UNITS: [&str; 10] = [
    "kr",
    "tkr",
    "mnkr",
    "mkr",
    "mdkr",
    "mdr",
    "kronor",
    "procent",
    "miljoner",
    "miljarder",
];

/// Figures typed into running text: numbers with a decimal comma, numbers followed by a unit,
/// and numbers of 100 or more that are not years or dates.
pub fn hand_typed_figures(s: &str) -> Vec<String> {
    let cs: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let sp = |c: char| c == ' ' || c == NBSP || c == '\u{202F}' || c == '\u{2009}';
    while i < cs.len() {
        if !cs[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        // part of a word or code (U31462, 3e): skip the whole run
        if i > 0 && (cs[i - 1].is_alphabetic() || cs[i - 1] == '_') {
            while i < cs.len() && (cs[i].is_alphanumeric() || cs[i] == '_') {
                i += 1;
            }
            continue;
        }
        while i < cs.len() && cs[i].is_ascii_digit() {
            i += 1;
        }
        let first_len = i - start;
        let mut grouped = false;
        // thousands groups: 1 234 567
        if first_len <= 3 {
            loop {
                if i < cs.len()
                    && sp(cs[i])
                    && (1..=3).all(|k| cs.get(i + k).is_some_and(|c| c.is_ascii_digit()))
                    && !cs.get(i + 4).is_some_and(|c| c.is_ascii_digit())
                {
                    i += 4;
                    grouped = true;
                } else {
                    break;
                }
            }
        }
        let mut decimal = false;
        if i + 1 < cs.len() && cs[i] == ',' && cs[i + 1].is_ascii_digit() {
            decimal = true;
            i += 1;
            while i < cs.len() && cs[i].is_ascii_digit() {
                i += 1;
            }
        }
        let token: String = cs[start..i].iter().collect();
        // a date or a period code: 2025-08-31, 2025-08, 31/8
        let next = cs.get(i).copied();
        if !decimal
            && matches!(next, Some('-') | Some('/') | Some('.') | Some(':'))
            && cs.get(i + 1).is_some_and(|c| c.is_ascii_digit())
        {
            i += 1;
            while i < cs.len() && (cs[i].is_ascii_digit() || matches!(cs[i], '-' | '/' | '.' | ':'))
            {
                i += 1;
            }
            let tail: String = cs[start..i].iter().collect();
            let pieces: Vec<&str> = tail.split(['-', '/', '.', ':']).collect();
            let small_or_year = |p: &&str| p.len() <= 2 || is_year(p);
            // ISO dates and year ranges (2025-08-31, 2021–2024), or day/month and times (31/8,
            // 10.30); a range of figures (60-70) is checked number by number
            let date = if next == Some('-') {
                is_year(pieces[0]) && pieces.iter().all(small_or_year)
            } else {
                first_len <= 2 && pieces.iter().all(|p| p.len() <= 2)
            };
            if date {
                continue;
            }
            i = start + first_len;
        }
        if next.is_some_and(|c| c.is_alphabetic()) {
            // 3e, 10st: an ordinal or a code
            continue;
        }
        let after: String = cs[i..].iter().take(16).collect();
        let after = after.trim_start_matches(sp).to_lowercase();
        let unit = after.starts_with('%')
            || FIGURE_UNITS.iter().any(|u| {
                // the unit word, possibly in the genitive (`1 procents avvikelse`)
                let rest = after
                    .strip_prefix(u)
                    .map(|r| r.strip_prefix('s').unwrap_or(r));
                rest.is_some_and(|r| !r.chars().next().is_some_and(|c| c.is_alphabetic()))
            });
        let digits: String = token.chars().filter(|c| c.is_ascii_digit()).collect();
        let int_digits: String = token
            .split(',')
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| c.is_ascii_digit())
            .collect();
        let value: u128 = int_digits.parse().unwrap_or(u128::MAX);
        let year = !grouped && !decimal && is_year(&digits);
        if decimal || unit || (value >= 100 && !year) {
            let mut shown = token.trim().to_string();
            // a sign, not the dash of a range (60–70)
            let signed = start > 0
                && DASHES.contains(&cs[start - 1])
                && (start == 1 || sp(cs[start - 2]) || cs[start - 2] == '(');
            if signed {
                shown.insert(0, MINUS);
            }
            out.push(shown);
        }
    }
    out
}

fn is_year(digits: &str) -> bool {
    digits.len() == 4
        && digits
            .parse::<u32>()
            .is_ok_and(|y| (1900..=2100).contains(&y))
}

// ---------------------------------------------------------------------------------------------
// R3 / R10: one fact, one value (and R4 when text and table disagree)

struct Occurrence<'a> {
    location: String,
    value: &'a Value,
    text: &'a str,
    in_table: bool,
}

fn check_facts(r: &Report, paragraphs: &[(String, &Paragraph)], out: &mut Vec<Finding>) {
    let mut order: Vec<&str> = Vec::new();
    let mut by_fact: HashMap<&str, Vec<Occurrence>> = HashMap::new();
    for t in r.tables() {
        for row in &t.rows {
            for (ci, col) in t.columns.iter().enumerate() {
                let Some(cell) = row.cells.get(ci) else {
                    continue;
                };
                let Some(src) = &cell.source else { continue };
                let fact = src.fact.as_str();
                if !by_fact.contains_key(fact) {
                    order.push(fact);
                }
                by_fact.entry(fact).or_default().push(Occurrence {
                    location: cell_loc(t, row, col),
                    value: &cell.value,
                    text: &cell.text,
                    in_table: true,
                });
            }
        }
    }
    for (loc, p) in paragraphs {
        for n in p.numbers() {
            let Some(src) = &n.source else { continue };
            // a number that repeats a cell of the same fact is compared with it in R4 already
            let repeats_cell = n
                .cell
                .as_ref()
                .and_then(|c| r.cell(c))
                .is_some_and(|(_, _, c)| c.source.as_ref().is_some_and(|s| s.fact == src.fact));
            if repeats_cell {
                continue;
            }
            let fact = src.fact.as_str();
            if !by_fact.contains_key(fact) {
                order.push(fact);
            }
            by_fact.entry(fact).or_default().push(Occurrence {
                location: loc.clone(),
                value: &n.value,
                text: &n.text,
                in_table: false,
            });
        }
    }
    for fact in order {
        let occ = &by_fact[fact];
        let occ: Vec<&Occurrence> = occ
            .iter()
            .filter(|o| !matches!(o.value, Value::Empty))
            .collect();
        // the reference is the first table cell (tables hold the data), else the first mention
        let Some(reference) = occ.iter().find(|o| o.in_table).or(occ.first()).copied() else {
            continue;
        };
        for o in occ {
            if std::ptr::eq(o, reference) || same_value(o.value, reference.value) {
                continue;
            }
            let indicator = matches!(o.value, Value::Status(_))
                || matches!(reference.value, Value::Status(_))
                || fact.starts_with("indikator")
                || fact.starts_with("mal");
            let rule = if indicator {
                "R10"
            } else if o.in_table && reference.in_table {
                "R3"
            } else {
                "R4"
            };
            let what = if matches!(o.value, Value::Status(_)) {
                "bedömningen"
            } else {
                "uppgiften"
            };
            out.push(Finding {
                rule,
                severity: Severity::Error,
                location: o.location.clone(),
                message: format!(
                    "{what} «{fact}» visas som «{}» här men som «{}» i {} (värdena {} och {}). \
                     Samma uppgift ska ha samma värde överallt: hämta båda från samma källa.",
                    o.text,
                    reference.text,
                    reference.location,
                    exact(o.value),
                    exact(reference.value)
                ),
            });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// R12 goals have text and indicators, indicators a value or i.u.

fn check_goals(r: &Report, out: &mut Vec<Finding>) {
    for (_, s) in r.walk() {
        if s.role.as_deref() != Some("goal") {
            continue;
        }
        let mut all = vec![s];
        let mut i = 0;
        while i < all.len() {
            let cur = all[i];
            all.extend(cur.sections.iter());
            i += 1;
        }
        let blocks: Vec<&Block> = all.iter().flat_map(|s| s.blocks.iter()).collect();
        let has_text = blocks.iter().any(|b| match b {
            Block::Paragraph(p) => !p.plain().trim().is_empty(),
            Block::List { items, .. } => items.iter().any(|p| !p.plain().trim().is_empty()),
            Block::Callout { body, .. } => body.iter().any(|p| !p.plain().trim().is_empty()),
            _ => false,
        });
        let tables: Vec<&Table> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .collect();
        if !has_text {
            out.push(Finding {
                rule: "R12",
                severity: Severity::Error,
                location: section_loc(s),
                message: "målet saknar text. Skriv en analys av måluppfyllelsen.".into(),
            });
        }
        if tables.is_empty() {
            out.push(Finding {
                rule: "R12",
                severity: Severity::Error,
                location: section_loc(s),
                message: "målet saknar indikatorer. Lägg till en indikatortabell (med «i.u.» \
                          för indikatorer som saknar värde)."
                    .into(),
            });
        }
        for t in tables {
            let ci = t.column("utfall").or_else(|| {
                t.columns
                    .iter()
                    .position(|c| matches!(c.format, Format::Number { .. }))
            });
            let Some(ci) = ci else {
                out.push(Finding {
                    rule: "R12",
                    severity: Severity::Error,
                    location: table_loc(t),
                    message: "indikatortabellen har ingen utfallskolumn (nyckel «utfall» eller \
                              en talkolumn). Lägg till indikatorernas utfall."
                        .into(),
                });
                continue;
            };
            let col = &t.columns[ci];
            for row in t.rows.iter().filter(|r| r.kind != RowKind::Heading) {
                let empty = row
                    .cells
                    .get(ci)
                    .is_none_or(|c| matches!(c.value, Value::Empty) || c.text.trim().is_empty());
                if empty {
                    out.push(Finding {
                        rule: "R12",
                        severity: Severity::Error,
                        location: cell_loc(t, row, col),
                        message: "indikatorn saknar värde. Ange utfallet, eller «i.u.» (ingen \
                                  uppgift) om det inte finns ännu."
                            .into(),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const AUG: Cutoff = Cutoff {
        year: 2025,
        month: 8,
    };

    fn months(s: &str) -> Vec<(String, u8)> {
        wrong_periods(s, AUG)
    }

    #[test]
    fn period_labels_must_end_at_the_cutoff() {
        for ok in [
            "Utfall jan–aug",
            "Utfall januari–augusti 2025",
            "Delår 2 Jan-Aug, Utfall",
            "Utfall till och med augusti",
            "utfall t.o.m. augusti",
            "Effekt tom aug",
            "jan–apr 2024",
            "jämfört med delår 1 (jan–apr)",
            "prognos per augusti",
            "maj–augusti",
            "Marknaden i april",
            "sep–dec",
        ] {
            assert!(months(ok).is_empty(), "{ok}: {:?}", months(ok));
        }
        let cases = [
            ("Delår 2 Jan-April, Budget", "Jan-April", 4),
            ("Utfall januari – juli 2025", "januari – juli", 7),
            ("Utfall jan—jun", "jan—jun", 6),
            ("Effekt tom juli 2025", "tom juli", 7),
            ("Effekt t.o.m. april", "t.o.m. april", 4),
            ("Ekonomisk prognos 2025 efter juli", "efter juli", 7),
            ("utfall per april", "per april", 4),
            (
                "för perioden januari till och med september",
                "januari till och med september",
                9,
            ),
            ("januari till juli", "januari till juli", 7),
        ];
        for (text, label, m) in cases {
            assert_eq!(months(text), vec![(label.to_string(), m)], "{text}");
        }
    }

    #[test]
    fn unit_words_are_recognised() {
        let u = |s: &str| units_in(s).into_iter().map(|(_, u)| u).collect::<Vec<_>>();
        assert_eq!(u("Belopp i tkr"), vec![Unit::Tkr]);
        assert_eq!(u("Driftredovisning, mnkr"), vec![Unit::Mnkr]);
        assert_eq!(u("Belopp, mkr"), vec![Unit::Mnkr]);
        assert_eq!(
            u("Effekter av covid-19, belopp i miljoner kronor"),
            vec![Unit::Mnkr]
        );
        assert_eq!(u("Belopp i tusental kronor"), vec![Unit::Tkr]);
        assert_eq!(u("Kostnad per dygn, kr per dygn"), Vec::<Unit>::new());
        assert_eq!(u("Timkostnad kr/h"), Vec::<Unit>::new());
        assert_eq!(u("Krav och kronologi"), Vec::<Unit>::new());
    }

    #[test]
    fn hand_typed_figures_are_found() {
        let f = hand_typed_figures;
        assert_eq!(
            f("Omvårdnadsinsatser visar ett överskott med 43,0 mnkr."),
            vec!["43,0"]
        );
        assert_eq!(f("motsvarar ca 1 procents avvikelse"), vec!["1"]);
        assert_eq!(f("bedöms till 60-70 mnkr"), vec!["70"]);
        assert_eq!(f("förändringen är −1,2"), vec!["\u{2212}1,2"]);
        assert_eq!(f("Hjorten ger 650 tkr"), vec!["650"]);
        assert_eq!(f("motsvarar ca 1 procent"), vec!["1"]);
        assert_eq!(f("avvikelsen är 0,8 %"), vec!["0,8"]);
        assert_eq!(f("ett underskott på 4 mnkr"), vec!["4"]);
        assert_eq!(f("bedöms till −60 – 70 mnkr"), vec!["70"]);
        assert_eq!(f("Cirka 2 300 individuppföljningar"), vec!["2 300"]);
        assert_eq!(f("125 personer fler"), vec!["125"]);
        // years, dates, small counts and codes are fine
        for ok in [
            "Delårsrapport 2 2025 beslutades 2025-09-30.",
            "Under 2021–2024 ökade placeringarna.",
            "Kolada U31462 visar 8 av 9 enheter.",
            "Sedan 1 januari 2025, kl. 10.30, paragraf 3.",
            "Fyra nya boenden öppnar i höst.",
        ] {
            assert!(f(ok).is_empty(), "{ok}: {:?}", f(ok));
        }
    }

    proptest! {
        #[test]
        fn a_typed_amount_in_text_is_always_found(
            ore in -1_000_000_000_000_000i64..1_000_000_000_000_000,
            unit in prop::sample::select(vec![Unit::Kr, Unit::Tkr, Unit::Mnkr]),
            decimals in 1u8..3,
            year in 1900i32..2100,
        ) {
            let shown = Amount::from_ore(ore).format(unit, decimals);
            let text = format!("Under {year} blev underskottet {shown} {} enligt 2025-08-31.", unit.label());
            prop_assert_eq!(hand_typed_figures(&text), vec![shown]);
            let years = format!("Jämfört med {year} och {}–{} är det 8 av 9.", year, year + 1);
            prop_assert!(hand_typed_figures(&years).is_empty());
        }

        #[test]
        fn a_range_from_january_must_end_at_the_cutoff(
            cutoff in 1u8..=12,
            end in 2u8..=12,
            full in any::<bool>(),
            upper in any::<bool>(),
            dash in prop::sample::select(vec!["-", "–", "—", " – ", "\u{2212}"]),
        ) {
            let name = |m: u8| {
                let n = MONTH_NAMES[(m - 1) as usize];
                let n = if full { n.to_string() } else { n.chars().take(3).collect() };
                if upper {
                    let mut c = n.chars();
                    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
                } else {
                    n
                }
            };
            let label = format!("{}{dash}{}", name(1), name(end));
            let text = format!("Utfall {label}, mnkr");
            let found = wrong_periods(&text, Cutoff { year: 2025, month: cutoff });
            if end == cutoff {
                prop_assert!(found.is_empty(), "{:?}", found);
            } else {
                prop_assert_eq!(found, vec![(label, end)]);
            }
        }
    }

    proptest! {
        #[test]
        fn scanners_never_panic(
            s in "(\\PC|[0-9 \u{a0}\u{2212}\u{2013},.%/:-]|jan|aug|t\\.o\\.m\\.|tom |per |till och med |kr|tkr|mnkr|miljoner kronor|procent|\u{130}|\u{212a}){0,40}",
        ) {
            let _ = hand_typed_figures(&s);
            let _ = wrong_periods(&s, AUG);
            let _ = units_in(&s);
            prop_assert_eq!(lower_same_len(&s).len(), s.len());
        }
    }

    #[test]
    fn findings_render_in_swedish() {
        let f = vec![
            Finding {
                rule: "R2",
                severity: Severity::Error,
                location: "Tabell 3 (Driftredovisning per nämnd), rad Summa, kolumn Budget".into(),
                message: "summan stämmer inte".into(),
            },
            Finding {
                rule: "R5",
                severity: Severity::Warning,
                location: "Tabell 1 (Drift)".into(),
                message: "oklart tecken".into(),
            },
        ];
        assert_eq!(
            render_findings(&f),
            "R2 fel  Tabell 3 (Driftredovisning per nämnd), rad Summa, kolumn Budget: summan \
             stämmer inte\nR5 varning  Tabell 1 (Drift): oklart tecken\n1 fel, 1 varning\n"
        );
        assert_eq!(render_findings(&[]), "0 fel, 0 varningar\n");
        assert!(has_errors(&f));
        assert!(!has_errors(&f[1..]));
        let json = serde_json::to_value(&f[0]).unwrap();
        assert_eq!(json["severity"], "error");
        assert_eq!(json["rule"], "R2");
    }
}
