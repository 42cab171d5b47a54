//! The controller's overview of a round, `/oversikt/{omgång}`: every node in the person's
//! scope with status, forecast, deviation, change since the round before, flagged lines,
//! lines missing a comment and the accuracy of earlier years (`delar_app::overview`);
//! sorted and filtered by the query string (links and a plain form: no script needed), and
//! exported as CSV or Excel with the same query (`/oversikt/{omgång}.csv`, `.xlsx`).

use crate::pages::{error_page, parse_round, render, Layout};
use crate::session::Viewer;
use crate::view;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use delar_app::overview::{self as ov, SortKey, ViewSpec};
use delar_app::AppError;
use delar_store::WorkflowState;
use serde::Deserialize;

/// The overview's query string.
#[derive(Deserialize, Default, Clone)]
pub struct OverviewQuery {
    /// Column to sort by (`nod`, `status`, `prognos`, `avvikelse`, `forandring`, `flaggade`,
    /// `kommentarer`, `traffsakerhet`; default the organisation's order).
    sortera: Option<String>,
    /// `fallande` for largest first.
    ordning: Option<String>,
    /// A state code (`utkast`, `inskickad`, `godkand`, `aterskickad`).
    status: Option<String>,
    /// `1`: only nodes with flagged lines.
    flaggade: Option<String>,
    /// `1`: only nodes with lines missing a comment.
    saknar: Option<String>,
    /// Text search on the node's code and name.
    sok: Option<String>,
    /// `csv` or `excel` for a download.
    format: Option<String>,
}

fn on(v: &Option<String>) -> bool {
    v.as_deref()
        .is_some_and(|s| matches!(s.trim(), "1" | "ja" | "on" | "true"))
}

impl OverviewQuery {
    /// The view asked for; an unknown column or state is refused with what may be used.
    fn spec(&self) -> Result<ViewSpec, AppError> {
        let sort = match self.sortera.as_deref().filter(|s| !s.trim().is_empty()) {
            None => SortKey::Tree,
            Some(s) => SortKey::parse(s).ok_or_else(|| {
                AppError::Invalid(format!(
                    "sortera={s} är ingen kolumn i översikten; använd någon av {}",
                    SortKey::ALL.map(|(_, c)| c).join(", ")
                ))
            })?,
        };
        let state = match self.status.as_deref().filter(|s| !s.trim().is_empty()) {
            None => None,
            Some(s) => Some(WorkflowState::parse(s).ok_or_else(|| {
                AppError::Invalid(format!(
                    "status={s} är ingen status; använd utkast, inskickad, godkand eller \
                     aterskickad"
                ))
            })?),
        };
        Ok(ViewSpec {
            sort,
            descending: self.ordning.as_deref().map(str::trim) == Some("fallande"),
            state,
            flagged_only: on(&self.flaggade),
            missing_only: on(&self.saknar),
            text: self.sok.clone().unwrap_or_default().trim().to_string(),
        })
    }
}

/// The query string of a view (sort and filters), without the leading `?`.
fn query_of(spec: &ViewSpec) -> String {
    let mut q: Vec<String> = Vec::new();
    if spec.sort != SortKey::Tree {
        q.push(format!("sortera={}", spec.sort.code()));
    }
    if spec.descending {
        q.push("ordning=fallande".into());
    }
    if let Some(s) = spec.state {
        q.push(format!("status={}", s.code()));
    }
    if spec.flagged_only {
        q.push("flaggade=1".into());
    }
    if spec.missing_only {
        q.push("saknar=1".into());
    }
    if !spec.text.is_empty() {
        q.push(format!("sok={}", view::url_encode(&spec.text)));
    }
    q.join("&")
}

/// A sortable column header: its label, the link that sorts by it (again: the other way),
/// and its `aria-sort`.
pub struct Column {
    /// Label.
    pub label: String,
    /// Link.
    pub href: String,
    /// `ascending`, `descending` or `none`.
    pub aria_sort: &'static str,
    /// A numeric column (right-aligned).
    pub numeric: bool,
    /// What the link does, for screen readers.
    pub hint: &'static str,
}

/// One row of the page.
pub struct Line {
    /// Indentation level (0 when sorted by another column than the organisation).
    pub level: usize,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Link to the node's sheet.
    pub href: String,
    /// Status text, and its CSS class for a unit.
    pub status: String,
    /// CSS class of a unit's state (empty for a higher node).
    pub status_class: &'static str,
    /// Utfall hittills.
    pub to_date: String,
    /// Årsbudget.
    pub budget: String,
    /// Prognos.
    pub forecast: String,
    /// Avvikelse.
    pub deviation: String,
    /// An overrun.
    pub overrun: bool,
    /// Change since the round before (empty without one).
    pub change: String,
    /// Flagged lines.
    pub flagged: usize,
    /// Lines missing a comment.
    pub missing: usize,
    /// `±1 234 (3,2 %)`, empty without replayed years.
    pub accuracy: String,
    /// `4 år`.
    pub accuracy_years: String,
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    layout: Layout,
    round: String,
    round_status: String,
    previous: String,
    columns: Vec<Column>,
    lines: Vec<Line>,
    total: usize,
    state_options: Vec<(&'static str, &'static str, bool)>,
    flagged_only: bool,
    missing_only: bool,
    text: String,
    sort: &'static str,
    descending: bool,
    csv_href: String,
    xlsx_href: String,
    reset_href: String,
}

/// The page's columns: label, sort key, numeric.
const COLUMNS: [(&str, SortKey, bool); 9] = [
    ("Nod", SortKey::Node, false),
    ("Status", SortKey::Status, false),
    ("Prognos", SortKey::Forecast, true),
    ("Avvikelse", SortKey::Deviation, true),
    ("Förändring", SortKey::Change, true),
    ("Flaggade rader", SortKey::Flagged, true),
    ("Saknar kommentar", SortKey::Missing, true),
    ("Träffsäkerhet tidigare år", SortKey::Accuracy, true),
    ("Organisationens ordning", SortKey::Tree, false),
];

/// `GET /oversikt/{omgång}` (and `.csv`, `.xlsx`, or `?format=csv|excel`).
pub async fn overview(
    State(st): State<AppState>,
    viewer: Viewer,
    Path(omgang): Path<String>,
    Query(q): Query<OverviewQuery>,
) -> Response {
    let (omgang, ext) = match omgang.rsplit_once('.') {
        Some((r, e)) if e == "csv" || e == "xlsx" => (r.to_string(), Some(e.to_string())),
        _ => (omgang, None),
    };
    let format = match (ext.as_deref(), q.format.as_deref().map(str::trim)) {
        (Some(e), _) => Some(e),
        (None, None | Some("")) => None,
        (None, Some("csv")) => Some("csv"),
        (None, Some("excel" | "xlsx")) => Some("xlsx"),
        (None, Some(f)) => {
            return error_page(
                &AppError::Invalid(format!(
                    "format={f} finns inte för översikten; använd csv eller excel"
                )),
                Some(&viewer),
            )
        }
    };
    let spec = match q.spec() {
        Ok(s) => s,
        Err(e) => return error_page(&e, Some(&viewer)),
    };
    let user = viewer.user.clone();
    let r = st
        .pool
        .run(move |s| {
            let round = parse_round(&omgang)?;
            ov::overview(s, &user, &round)
        })
        .await;
    let o = match r {
        Ok(o) => o,
        Err(e) => return error_page(&e, Some(&viewer)),
    };
    let round = o.round.round;
    let id = round.id();
    match format {
        Some("csv") => {
            let text = ov::csv(o.previous.as_ref(), &spec.apply(&o.rows));
            return crate::report::download(
                text.into_bytes(),
                "text/csv; charset=utf-8",
                &format!("översikt-{id}.csv"),
            );
        }
        Some(_) => {
            let spec = spec.clone();
            let built = tokio::task::spawn_blocking(move || {
                ov::xlsx(&round, o.previous.as_ref(), &spec.apply(&o.rows))
            })
            .await;
            return match built {
                Ok(Ok(bytes)) => crate::report::download(
                    bytes,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    &format!("översikt-{id}.xlsx"),
                ),
                Ok(Err(e)) => error_page(&e, Some(&viewer)),
                Err(e) => error_page(
                    &AppError::Io(format!("Excel-filen kunde inte skrivas: {e}")),
                    Some(&viewer),
                ),
            };
        }
        None => {}
    }
    let rows = spec.apply(&o.rows);
    let tree = spec.is_tree();
    let base = format!("/oversikt/{}", view::url_encode(&id));
    let columns = COLUMNS
        .iter()
        .map(|(label, key, numeric)| {
            let current = spec.sort == *key;
            let mut next = spec.clone();
            next.sort = *key;
            next.descending = current && !spec.descending;
            let q = query_of(&next);
            Column {
                label: label.to_string(),
                href: if q.is_empty() {
                    base.clone()
                } else {
                    format!("{base}?{q}")
                },
                aria_sort: match (current, spec.descending) {
                    (false, _) => "none",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                },
                numeric: *numeric,
                hint: match (current, spec.descending) {
                    (true, false) => "sortera fallande",
                    _ => "sortera stigande",
                },
            }
        })
        .collect();
    let lines = rows
        .iter()
        .map(|r| Line {
            level: if tree { r.level.min(6) } else { 0 },
            code: r.code.clone(),
            name: r.name.clone(),
            href: format!(
                "/prognos/{}/{}",
                view::url_encode(&id),
                view::url_encode(&r.code)
            ),
            status: r.status_text(),
            status_class: r.state.map(|s| view::state(s).1).unwrap_or(""),
            to_date: view::tkr(r.to_date),
            budget: view::tkr(r.budget),
            forecast: view::tkr(r.forecast),
            deviation: view::tkr(r.deviation()),
            overrun: r.deviation().ore() < 0,
            change: r.change().map(view::tkr).unwrap_or_default(),
            flagged: r.flagged,
            missing: r.missing(),
            accuracy: r
                .accuracy
                .map(|a| match a.percent {
                    Some(p) => format!(
                        "±{} ({} %)",
                        view::tkr(a.mean_abs_error),
                        format!("{p:.1}").replace('.', ",")
                    ),
                    None => format!("±{}", view::tkr(a.mean_abs_error)),
                })
                .unwrap_or_default(),
            accuracy_years: r
                .accuracy
                .map(|a| format!("{} år", a.years))
                .unwrap_or_default(),
        })
        .collect();
    let q = query_of(&spec);
    let with = |ext: &str| {
        if q.is_empty() {
            format!("{base}.{ext}")
        } else {
            format!("{base}.{ext}?{q}")
        }
    };
    let page = OverviewPage {
        layout: Layout::of(&viewer),
        round_status: o.round.status.label().to_string(),
        previous: o.previous.map(|p| p.id()).unwrap_or_default(),
        columns,
        lines,
        total: o.rows.len(),
        state_options: WorkflowState::ALL
            .iter()
            .map(|s| (s.code(), s.label(), spec.state == Some(*s)))
            .collect(),
        flagged_only: spec.flagged_only,
        missing_only: spec.missing_only,
        text: spec.text.clone(),
        sort: spec.sort.code(),
        descending: spec.descending,
        csv_href: with("csv"),
        xlsx_href: with("xlsx"),
        reset_href: base.clone(),
        round: id,
    };
    render(&page, StatusCode::OK)
}
