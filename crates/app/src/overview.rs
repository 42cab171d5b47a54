//! The controller's overview of a round (`/oversikt/{omgång}`): every node the person may
//! read, with its status, forecast, deviation against budget, change since the round before,
//! flagged lines, lines missing a comment, and how far the forecasts of the lines under it
//! missed in the years replayed by the backtest. Sorted and filtered as asked, and exported
//! as CSV (as Swedish Excel opens it) or as an Excel workbook of exactly the rows shown.
//!
//! Cost: the lines under the person's top nodes are loaded once ([`crate::workflow::scope`]:
//! a unit manager's overview reads one unit, a controller's the round), the previous round's
//! lines of the same nodes once (without their method results), and every per-node sum is
//! made in one pass over the lines (each line adds to its node and that node's ancestors),
//! never one query per node.

use crate::workflow::{self, StateCounts};
use crate::{AppError, Result};
use delar_core::{Amount, Round, Unit};
use delar_store::prelude::*;
use delar_store::WorkflowState;
use std::collections::BTreeMap;

/// How far the forecasts of a node's lines missed in the replayed years: the lines' errors
/// summed year by year (as the node's 80 % range sums them), then averaged over the years.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Accuracy {
    /// Years replayed.
    pub years: usize,
    /// Mean absolute error of the node's sum over those years.
    pub mean_abs_error: Amount,
    /// That error as a percentage of the mean absolute outcome (`None` without outcome).
    pub percent: Option<f64>,
}

/// One node of the overview.
#[derive(Clone, Debug)]
pub struct Row {
    /// Depth below the person's top node (0 = a top node).
    pub level: usize,
    /// Node code.
    pub code: String,
    /// Node name.
    pub name: String,
    /// Its own state when it carries lines (a unit).
    pub state: Option<WorkflowState>,
    /// The states of the units under it (itself for a unit), and lines waiting for a
    /// comment.
    pub counts: StateCounts,
    /// Outcome to date.
    pub to_date: Amount,
    /// Annual budget.
    pub budget: Amount,
    /// Full-year forecast in force.
    pub forecast: Amount,
    /// The forecast of the same lines in the round before, when that round is stored.
    pub previous: Option<Amount>,
    /// Lines under it with a plausibility flag.
    pub flagged: usize,
    /// From the replayed years, when a line under it has any.
    pub accuracy: Option<Accuracy>,
}

impl Row {
    /// Budget − forecast (negative: an overrun), as the sheet shows it.
    pub fn deviation(&self) -> Amount {
        self.budget - self.forecast
    }

    /// Forecast − the round before's forecast.
    pub fn change(&self) -> Option<Amount> {
        self.previous.map(|p| self.forecast - p)
    }

    /// Lines waiting for a comment before their unit can be submitted.
    pub fn missing(&self) -> usize {
        self.counts.missing_comments
    }

    /// The status as shown: a unit's state, a higher node's units counted.
    pub fn status_text(&self) -> String {
        match self.state {
            Some(s) => s.label().to_string(),
            None => self.counts.summary(),
        }
    }

    /// Sort rank of the status: what needs attention first (returned, draft, submitted,
    /// approved); a higher node ranks as its least advanced unit.
    fn status_rank(&self) -> usize {
        let rank = |s: WorkflowState| match s {
            WorkflowState::Returned => 0,
            WorkflowState::Draft => 1,
            WorkflowState::Submitted => 2,
            WorkflowState::Approved => 3,
        };
        match self.state {
            Some(s) => rank(s),
            None => self
                .counts
                .by_state
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(s, _)| rank(*s))
                .min()
                .unwrap_or(4),
        }
    }

    /// Whether the node is in `state` (a unit) or has a unit under it in it.
    pub fn has_state(&self, state: WorkflowState) -> bool {
        match self.state {
            Some(s) => s == state,
            None => self.counts.count(state) > 0,
        }
    }
}

/// The overview of a round for one person.
#[derive(Clone, Debug)]
pub struct Overview {
    /// The round.
    pub round: delar_store::RoundInfo,
    /// The round before, when it is stored (the change column compares with it).
    pub previous: Option<Round>,
    /// Every node the person may read, from their top nodes down (tree order).
    pub rows: Vec<Row>,
}

/// A column to sort by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    /// The organisation's order (the default; levels indented).
    Tree,
    /// Node code.
    Node,
    /// Status, what needs attention first.
    Status,
    /// Forecast.
    Forecast,
    /// Budget − forecast.
    Deviation,
    /// Change since the round before.
    Change,
    /// Flagged lines.
    Flagged,
    /// Lines missing a comment.
    Missing,
    /// Mean absolute error in earlier years, in percent.
    Accuracy,
}

impl SortKey {
    /// Every key with its code in the query string (`sortera=`).
    pub const ALL: [(SortKey, &'static str); 9] = [
        (SortKey::Tree, "organisation"),
        (SortKey::Node, "nod"),
        (SortKey::Status, "status"),
        (SortKey::Forecast, "prognos"),
        (SortKey::Deviation, "avvikelse"),
        (SortKey::Change, "forandring"),
        (SortKey::Flagged, "flaggade"),
        (SortKey::Missing, "kommentarer"),
        (SortKey::Accuracy, "traffsakerhet"),
    ];

    /// The key of a code; `None` for an unknown one.
    pub fn parse(s: &str) -> Option<SortKey> {
        let s = s.trim();
        SortKey::ALL.iter().find(|(_, c)| *c == s).map(|(k, _)| *k)
    }

    /// The code in the query string.
    pub fn code(self) -> &'static str {
        SortKey::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map(|(_, c)| *c)
            .unwrap_or("organisation")
    }
}

/// Which rows to show and in what order (the page's query string).
#[derive(Clone, Debug, PartialEq)]
pub struct ViewSpec {
    /// The column sorted by.
    pub sort: SortKey,
    /// Largest (or last) first.
    pub descending: bool,
    /// Only nodes in this state (units) or with a unit in it (higher nodes).
    pub state: Option<WorkflowState>,
    /// Only nodes with flagged lines.
    pub flagged_only: bool,
    /// Only nodes with lines missing a comment.
    pub missing_only: bool,
    /// Only nodes whose code or name contains this (any case).
    pub text: String,
}

impl Default for ViewSpec {
    fn default() -> Self {
        ViewSpec {
            sort: SortKey::Tree,
            descending: false,
            state: None,
            flagged_only: false,
            missing_only: false,
            text: String::new(),
        }
    }
}

impl ViewSpec {
    /// Whether the rows keep the organisation's order (and so their indentation).
    pub fn is_tree(&self) -> bool {
        self.sort == SortKey::Tree
    }

    /// The rows that pass the filters, in the order asked for (a stable sort: equal rows
    /// keep the organisation's order).
    pub fn apply<'a>(&self, rows: &'a [Row]) -> Vec<&'a Row> {
        let text = self.text.trim().to_lowercase();
        let mut out: Vec<&Row> = rows
            .iter()
            .filter(|r| self.state.is_none_or(|s| r.has_state(s)))
            .filter(|r| !self.flagged_only || r.flagged > 0)
            .filter(|r| !self.missing_only || r.missing() > 0)
            .filter(|r| {
                text.is_empty()
                    || r.code.to_lowercase().contains(&text)
                    || r.name.to_lowercase().contains(&text)
            })
            .collect();
        // Rows without a value (no earlier round, no replayed years) go last either way.
        fn opt<T: PartialOrd>(a: Option<T>, b: Option<T>, desc: bool) -> std::cmp::Ordering {
            use std::cmp::Ordering::*;
            match (a, b) {
                (Some(a), Some(b)) => {
                    let o = a.partial_cmp(&b).unwrap_or(Equal);
                    if desc {
                        o.reverse()
                    } else {
                        o
                    }
                }
                (Some(_), None) => Less,
                (None, Some(_)) => Greater,
                (None, None) => Equal,
            }
        }
        let d = self.descending;
        let by = |f: fn(&Row) -> i64| {
            move |a: &&Row, b: &&Row| {
                let o = f(a).cmp(&f(b));
                if d {
                    o.reverse()
                } else {
                    o
                }
            }
        };
        match self.sort {
            SortKey::Tree => {
                if d {
                    out.reverse();
                }
            }
            SortKey::Node => out.sort_by(|a, b| {
                let o = a.code.cmp(&b.code);
                if d {
                    o.reverse()
                } else {
                    o
                }
            }),
            SortKey::Status => out.sort_by(by(|r| r.status_rank() as i64)),
            SortKey::Forecast => out.sort_by(by(|r| r.forecast.ore())),
            SortKey::Deviation => out.sort_by(by(|r| r.deviation().ore())),
            SortKey::Flagged => out.sort_by(by(|r| r.flagged as i64)),
            SortKey::Missing => out.sort_by(by(|r| r.missing() as i64)),
            SortKey::Change => {
                out.sort_by(|a, b| opt(a.change().map(|c| c.ore()), b.change().map(|c| c.ore()), d))
            }
            SortKey::Accuracy => out.sort_by(|a, b| {
                let p = |r: &Row| r.accuracy.and_then(|x| x.percent);
                opt(p(a), p(b), d)
            }),
        }
        out
    }
}

/// Per node: flagged lines, and per replayed year the summed error and outcome.
#[derive(Default)]
struct Sums {
    flagged: usize,
    years: BTreeMap<i32, (Amount, Amount)>,
    previous: Option<Amount>,
}

/// The overview of `round` for `user`: every node under their grants (from their highest
/// down). A person without any grant in the round is refused.
pub fn overview(store: &dyn Backend, user: &str, round: &Round) -> Result<Overview> {
    let (nodes, details, auth) = workflow::scope(store, user, round)?;
    if nodes.is_empty() {
        return Err(AppError::Forbidden(format!(
            "{user} har ingen behörighet på någon nod i prognosomgången {}; be en \
             administratör om behörighet",
            round.id()
        )));
    }
    let tree = &auth.tree;
    let chain = |node: &str| -> Vec<String> {
        let mut v = vec![node.to_string()];
        v.extend(tree.ancestors(node).iter().map(|a| a.code.clone()));
        v.dedup();
        v
    };
    let mut sums: BTreeMap<String, Sums> = BTreeMap::new();
    for d in &details {
        let flagged = !d.flags.is_empty();
        let replay = crate::forecast::replay_of(d);
        for n in chain(&d.line.node) {
            let s = sums.entry(n).or_default();
            s.flagged += flagged as usize;
            for r in replay {
                let y = s.years.entry(r.year).or_default();
                y.0 += r.error;
                y.1 += r.actual;
            }
        }
    }
    let previous = crate::report::previous_round(*round)
        .filter(|p| matches!(store.forecast_round(&p.id()), Ok(Some(_))));
    if let Some(p) = previous {
        // The previous round's lines of the nodes in scope (without their method results).
        let mut codes: Vec<&str> = Vec::new();
        for top in auth.access.top_nodes(tree).iter() {
            if let Some(n) = tree.node(top) {
                codes.push(n.code.as_str());
            }
            codes.extend(tree.descendants(top).iter().map(|n| n.code.as_str()));
        }
        for l in store.forecast_node_lines(&p.id(), &codes)? {
            let f = l.full_year();
            for n in chain(&l.node) {
                let s = sums.entry(n).or_default();
                *s.previous.get_or_insert(Amount::ZERO) += f;
            }
        }
    }
    let rows = nodes
        .into_iter()
        .map(|n| {
            let s = sums.get(&n.view.code);
            let accuracy = s.filter(|s| !s.years.is_empty()).map(|s| {
                let k = s.years.len() as i64;
                let err: i64 = s.years.values().map(|(e, _)| e.ore().abs()).sum();
                let act: i64 = s.years.values().map(|(_, a)| a.ore().abs()).sum();
                Accuracy {
                    years: s.years.len(),
                    mean_abs_error: Amount::from_ore((err + k / 2) / k),
                    percent: (act != 0).then(|| err as f64 / act as f64 * 100.0),
                }
            });
            Row {
                level: n.view.level,
                code: n.view.code.clone(),
                name: n.view.name.clone(),
                state: n.state.as_ref().map(|s| s.state),
                counts: n.counts,
                to_date: n.view.total.to_date,
                budget: n.view.total.budget,
                forecast: n.view.total.forecast,
                previous: previous.map(|_| s.and_then(|s| s.previous).unwrap_or(Amount::ZERO)),
                flagged: s.map(|s| s.flagged).unwrap_or(0),
                accuracy,
            }
        })
        .collect();
    Ok(Overview {
        round: auth.round,
        previous,
        rows,
    })
}

/// The column headers of the export (the page's columns, the status as text).
pub fn headers(previous: Option<&Round>) -> Vec<String> {
    vec![
        "Nod".into(),
        "Namn".into(),
        "Nivå".into(),
        "Status".into(),
        "Utfall hittills (tkr)".into(),
        "Årsbudget (tkr)".into(),
        "Prognos (tkr)".into(),
        "Avvikelse (tkr)".into(),
        match previous {
            Some(p) => format!("Förändring sedan {} (tkr)", p.id()),
            None => "Förändring sedan förra omgången (tkr)".into(),
        },
        "Flaggade rader".into(),
        "Saknar kommentar".into(),
        "Träffsäkerhet tidigare år: medelfel (tkr)".into(),
        "Träffsäkerhet tidigare år: medelfel (%)".into(),
        "Träffsäkerhet tidigare år: antal år".into(),
    ]
}

/// A spreadsheet cell of the export.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// An amount, written in tkr.
    Money(Amount),
    /// A count.
    Count(usize),
    /// A percentage with one decimal.
    Percent(f64),
    /// No value.
    Empty,
}

/// The cells of one row of the export, in the order of [`headers`].
pub fn cells(r: &Row) -> Vec<Cell> {
    let opt_money = |a: Option<Amount>| a.map(Cell::Money).unwrap_or(Cell::Empty);
    vec![
        Cell::Text(r.code.clone()),
        Cell::Text(r.name.clone()),
        Cell::Count(r.level),
        Cell::Text(r.status_text()),
        Cell::Money(r.to_date),
        Cell::Money(r.budget),
        Cell::Money(r.forecast),
        Cell::Money(r.deviation()),
        opt_money(r.change()),
        Cell::Count(r.flagged),
        Cell::Count(r.missing()),
        opt_money(r.accuracy.map(|a| a.mean_abs_error)),
        r.accuracy
            .and_then(|a| a.percent)
            .map(Cell::Percent)
            .unwrap_or(Cell::Empty),
        r.accuracy
            .map(|a| Cell::Count(a.years))
            .unwrap_or(Cell::Empty),
    ]
}

/// An amount in tkr with one decimal, a decimal comma and an ASCII minus, no thousands
/// separator: what Swedish Excel reads as a number from a CSV file (`-1234,5`).
pub fn csv_tkr(a: Amount) -> String {
    // 1 tkr = 100 000 öre; tenths of a tkr, rounded half away from zero.
    let ore = a.ore() as i128;
    let tenths = (ore.abs() + 5_000) / 10_000;
    let sign = if ore < 0 && tenths != 0 { "-" } else { "" };
    format!("{sign}{},{}", tenths / 10, tenths % 10)
}

/// A text field of the CSV: quoted when it holds a separator, a quote or a line break; a
/// leading `=`, `+`, `-`, `@`, tab or carriage return is defused with `'` so that a
/// spreadsheet never reads a name as a formula (CSV injection).
pub fn csv_text(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The rows as CSV for Swedish Excel: UTF-8 with a byte-order mark, `;` between fields,
/// CRLF between rows, amounts in tkr with a decimal comma.
pub fn csv(previous: Option<&Round>, rows: &[&Row]) -> String {
    let mut out = String::from("\u{feff}");
    let line = |cells: Vec<String>| cells.join(";") + "\r\n";
    out.push_str(&line(
        headers(previous).iter().map(|h| csv_text(h)).collect(),
    ));
    for r in rows {
        out.push_str(&line(
            cells(r)
                .into_iter()
                .map(|c| match c {
                    Cell::Text(t) => csv_text(&t),
                    Cell::Money(a) => csv_tkr(a),
                    Cell::Count(n) => n.to_string(),
                    Cell::Percent(p) => format!("{p:.1}").replace('.', ","),
                    Cell::Empty => String::new(),
                })
                .collect(),
        ));
    }
    out
}

/// The rows as an Excel workbook: one sheet `Översikt` with a title, the header row (frozen)
/// and the rows; amounts as numbers in tkr (`#,##0.0`), exact to the öre.
pub fn xlsx(round: &Round, previous: Option<&Round>, rows: &[&Row]) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| {
        AppError::Io(format!(
            "Excel-filen med översikten över {} kunde inte skrivas: {e}",
            round.id()
        ))
    };
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Översikt").map_err(err)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.0");
    let pct = Format::new().set_num_format("0.0");
    ws.write_string_with_format(0, 0, format!("Översikt {}", round.id()), &bold)
        .map_err(err)?;
    for (c, h) in headers(previous).iter().enumerate() {
        ws.write_string_with_format(2, c as u16, h, &bold)
            .map_err(err)?;
    }
    ws.set_freeze_panes(3, 1).map_err(err)?;
    for (i, r) in rows.iter().enumerate() {
        let row = 3 + i as u32;
        for (c, cell) in cells(r).into_iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(t) => {
                    ws.write_string(row, c, t).map_err(err)?;
                }
                Cell::Money(a) => {
                    let v = a.ore() as f64 / 100_000.0;
                    ws.write_number_with_format(row, c, v, &money)
                        .map_err(err)?;
                }
                Cell::Count(n) => {
                    ws.write_number(row, c, n as f64).map_err(err)?;
                }
                Cell::Percent(p) => {
                    ws.write_number_with_format(row, c, p, &pct).map_err(err)?;
                }
                Cell::Empty => {}
            }
        }
    }
    ws.set_column_width(1, 36).map_err(err)?;
    ws.set_column_width(3, 28).map_err(err)?;
    for c in 4..14 {
        ws.set_column_width(c, 16).map_err(err)?;
    }
    wb.save_to_buffer().map_err(err)
}

/// An amount in whole tkr as the page shows it (`1 234`, `−12`).
pub fn page_tkr(a: Amount) -> String {
    a.format(Unit::Tkr, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn csv_amounts_are_what_swedish_excel_reads() {
        assert_eq!(csv_tkr(Amount::ZERO), "0,0");
        assert_eq!(csv_tkr(Amount::from_ore(123_456_789)), "1234,6");
        assert_eq!(csv_tkr(Amount::from_ore(-123_456_789)), "-1234,6");
        assert_eq!(csv_tkr(Amount::from_ore(-4_999)), "0,0");
        assert_eq!(csv_tkr(Amount::from_ore(5_000)), "0,1");
        assert_eq!(csv_tkr(Amount::from_ore(-5_000)), "-0,1");
    }

    #[test]
    fn csv_texts_are_quoted_and_never_formulas() {
        assert_eq!(csv_text("SN41 Hemtjänst"), "SN41 Hemtjänst");
        assert_eq!(csv_text("a;b"), "\"a;b\"");
        assert_eq!(csv_text("säg \"hej\""), "\"säg \"\"hej\"\"\"");
        assert_eq!(csv_text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_text("+1"), "'+1");
        assert_eq!(csv_text("@SUM(A1)"), "'@SUM(A1)");
    }

    proptest! {
        /// The CSV amount reads back (decimal comma) to the amount rounded to a tenth of a tkr.
        #[test]
        fn csv_amounts_read_back(ore in -10_000_000_000_000i64..10_000_000_000_000) {
            let s = csv_tkr(Amount::from_ore(ore));
            let v: f64 = s.replace(',', ".").parse().unwrap();
            let back = (v * 100_000.0).round() as i64;
            prop_assert!((back - ore).abs() <= 5_000, "{} -> {}", ore, s);
            let minus = '\u{2212}';
            prop_assert!(!s.contains(' ') && !s.contains(minus), "{}", s);
        }
    }
}
