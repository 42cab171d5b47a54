//! The goal pages (issue 19 part 1): `/mal/{omgång}/{nod}` with the goals in scope, their
//! indicators, the proposed status and its reason, decisions with a rationale, analysis
//! texts, indicator entry, the goals' workflow and their history. Every rule is
//! `delar_app::goal_round`'s; this module parses forms and renders.

use crate::pages::{error_page, parse_round, render, status_of, Layout};
use crate::session::Viewer;
use crate::view::{self, StepButton};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use delar_app::goal_round::{self as gr, EntryInput, GoalSheet, TextInput};
use delar_app::workflow::Step;
use delar_app::AppError;
use delar_followup::assess::GoalStatus;
use delar_followup::model::{Figure, GoalTextKind, Kmt, Word};
use delar_store::{EntryKind, WorkflowState};
use serde::Deserialize;

/// A number with `decimals` decimals, Swedish notation (decimal comma, minus sign, a
/// non-breaking space between thousands).
pub fn number(v: f64, decimals: u8) -> String {
    let s = format!("{:.*}", decimals as usize, v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    let zero = s.chars().all(|c| c == '0' || c == '.');
    let mut out = if v < 0.0 && !zero {
        "\u{2212}".to_string()
    } else {
        String::new()
    };
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push(',');
        out.push_str(&f);
    }
    out
}

/// A figure as the page shows it: the total (or the word), `i.u.` for no data, empty when
/// there is no value at all.
pub fn figure(f: Option<&Figure>, decimals: u8) -> String {
    match f {
        None => String::new(),
        Some(Figure::NoData) => "i.u.".to_string(),
        Some(Figure::Word(t)) => t.label().to_string(),
        Some(Figure::Number(k)) => match k.total {
            Some(t) => number(t, decimals),
            None => "i.u.".to_string(),
        },
    }
}

/// Women and men of a figure (`kvinnor 82 · män 79`), empty without them.
fn by_sex(f: Option<&Figure>, decimals: u8) -> String {
    match f {
        Some(Figure::Number(Kmt {
            women: Some(w),
            men: Some(m),
            ..
        })) => format!(
            "kvinnor {} · män {}",
            number(*w, decimals),
            number(*m, decimals)
        ),
        _ => String::new(),
    }
}

/// An entry's value as typed into a form again.
fn input(v: Option<f64>) -> String {
    v.map(|x| x.to_string().replace('.', ",").replace('-', "\u{2212}"))
        .unwrap_or_default()
}

/// The CSS class of a goal status.
fn status_class(s: GoalStatus) -> &'static str {
    match s {
        GoalStatus::Met => "godkand",
        GoalStatus::Partly => "inskickad",
        GoalStatus::NotMet => "aterskickad",
        GoalStatus::NotAssessed => "utkast",
    }
}

/// One indicator row.
pub struct IndicatorView {
    /// Index on the page (unique ids).
    pub idx: String,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// Outcomes of the two years before: (year, value).
    pub history: Vec<(i32, String)>,
    /// Value to date and its month.
    pub to_date: String,
    /// Its month (`2025-08`).
    pub to_date_month: String,
    /// Women and men to date.
    pub to_date_sex: String,
    /// Forecast.
    pub forecast: String,
    /// Women and men in the forecast.
    pub forecast_sex: String,
    /// Target.
    pub target: String,
    /// Attainment word.
    pub attainment: String,
    /// Broken down by sex (the form asks for women and men).
    pub by_sex: bool,
    /// Who entered the round's values, when.
    pub entered: Vec<String>,
    /// Form values: to date (women, men, total) and version.
    pub td: (String, String, String, i64),
    /// Form values: forecast (women, men, total) and version.
    pub fc: (String, String, String, i64),
    /// Why the value to date cannot be entered here (empty when it can).
    pub td_not: String,
    /// Why the forecast cannot be entered here (empty when it can).
    pub fc_not: String,
}

/// The form of one analysis text of a goal.
pub struct TextForm {
    /// The kind's code (`analys`, `positiva`, `forbattring`).
    pub kind: &'static str,
    /// The heading (`Sammanfattande analys`).
    pub heading: &'static str,
    /// What the field asks for.
    pub hint: &'static str,
    /// The text in force.
    pub text: String,
    /// The round's edit's version (0 = none yet).
    pub version: i64,
    /// Who edited it for the round, and when (empty when nobody has).
    pub edited: String,
}

/// One goal.
pub struct GoalView {
    /// Index on the page.
    pub idx: usize,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Owner node.
    pub owner: String,
    /// Status word in force.
    pub status: String,
    /// Its CSS class.
    pub status_class: &'static str,
    /// The proposal's word.
    pub proposed: String,
    /// The proposal's reason.
    pub reason: String,
    /// The decision, when one holds: who, when, rationale.
    pub decision: String,
    /// Whether a decision holds.
    pub decided: bool,
    /// The stored version (for the decision form).
    pub version: i64,
    /// Indicators.
    pub indicators: Vec<IndicatorView>,
    /// Texts by kind: (heading, texts).
    pub texts: Vec<(&'static str, Vec<String>)>,
    /// The text forms (when the person may edit this goal's texts).
    pub text_forms: Vec<TextForm>,
    /// Whether this goal may be edited here (its owner is the page's node).
    pub own: bool,
}

#[derive(Template)]
#[template(path = "goals.html")]
struct GoalsPage {
    layout: Layout,
    round: String,
    round_status: String,
    code: String,
    name: String,
    path: Vec<(String, String)>,
    sheet_href: String,
    history_href: String,
    entry_href: String,
    decision_href: String,
    status_href: String,
    text_href: String,
    max_text: usize,
    max_text_label: String,
    notice: String,
    error: String,
    has_state: bool,
    state_word: String,
    state_class: &'static str,
    state_code: &'static str,
    state_who: String,
    state_comment: String,
    steps: Vec<StepButton>,
    owners: Vec<(String, String, String)>,
    goals: Vec<GoalView>,
    areas: Vec<GoalView>,
    may_edit: bool,
    may_decide: bool,
    status_words: Vec<String>,
}

fn text_heading(k: GoalTextKind) -> &'static str {
    match k {
        GoalTextKind::Analysis => "Sammanfattande analys",
        GoalTextKind::Positive => "Positiva iakttagelser",
        GoalTextKind::Improvement => "Förbättringsområden",
    }
}

fn text_hint(k: GoalTextKind) -> &'static str {
    match k {
        GoalTextKind::Analysis => "en sammanhållen text",
        GoalTextKind::Positive | GoalTextKind::Improvement => "en per rad",
    }
}

/// The views of `rows` (the sheet's goals or goal areas); `first` numbers them on the page.
fn goal_views(sheet: &GoalSheet, rows: &[gr::GoalRow], node: &str, first: usize) -> Vec<GoalView> {
    let scale = &sheet.scale;
    rows.iter()
        .enumerate()
        .map(|(gi, g)| {
            let gi = first + gi;
            let indicators = g
                .indicators
                .iter()
                .enumerate()
                .map(|(ii, r)| {
                    let d = r.indicator.decimals;
                    let e = |k: EntryKind| r.entries.get(&k);
                    let form = |k: EntryKind| {
                        let en = e(k);
                        (
                            input(en.and_then(|x| x.women)),
                            input(en.and_then(|x| x.men)),
                            en.map(|x| x.word.clone().unwrap_or_else(|| input(x.total)))
                                .unwrap_or_default(),
                            r.version(k),
                        )
                    };
                    IndicatorView {
                        idx: format!("{gi}-{ii}"),
                        code: r.indicator.code.clone(),
                        name: r.indicator.name.clone(),
                        unit: r.indicator.unit.clone(),
                        history: r
                            .history
                            .iter()
                            .map(|(y, f)| (*y, figure(f.as_ref(), d)))
                            .collect(),
                        to_date: figure(r.to_date.as_ref().map(|x| &x.1), d),
                        to_date_month: r
                            .to_date
                            .as_ref()
                            .map(|x| x.0.to_string())
                            .unwrap_or_default(),
                        to_date_sex: by_sex(r.to_date.as_ref().map(|x| &x.1), d),
                        forecast: figure(r.forecast.as_ref(), d),
                        forecast_sex: by_sex(r.forecast.as_ref(), d),
                        target: figure(r.target.as_ref(), d),
                        attainment: r
                            .judgement
                            .as_ref()
                            .map(|j| j.attainment.label().to_string())
                            .unwrap_or_default(),
                        by_sex: r.indicator.by_sex,
                        entered: r
                            .entries
                            .values()
                            .map(|x| {
                                format!(
                                    "{} ändrat av {}, {}",
                                    x.kind.label(),
                                    x.changed_by,
                                    view::time(&x.changed_at)
                                )
                            })
                            .collect(),
                        td: form(EntryKind::ToDate),
                        fc: form(EntryKind::Forecast),
                        td_not: gr::not_enterable(&r.indicator, EntryKind::ToDate)
                            .unwrap_or_default(),
                        fc_not: gr::not_enterable(&r.indicator, EntryKind::Forecast)
                            .unwrap_or_default(),
                    }
                })
                .collect();
            let decision = g
                .stored
                .as_ref()
                .and_then(|s| s.decision.as_ref())
                .map(|d| {
                    format!(
                        "Bedömningen har ändrats från förslaget av {} {}. Motivering: {}",
                        d.by, d.date, d.rationale
                    )
                })
                .unwrap_or_default();
            GoalView {
                idx: gi,
                code: g.goal.code.clone(),
                name: g.goal.name.clone(),
                owner: g.owner.clone(),
                status: scale.label(g.status).to_string(),
                status_class: status_class(g.status),
                proposed: scale.label(g.proposed).to_string(),
                reason: g.reason.clone(),
                decided: !decision.is_empty(),
                decision,
                version: g.stored.as_ref().map(|s| s.version).unwrap_or(0),
                indicators,
                texts: gr::TEXT_KINDS
                    .iter()
                    .map(|k| {
                        (
                            text_heading(*k),
                            g.texts
                                .iter()
                                .filter(|t| t.kind == *k)
                                .map(|t| t.text.clone())
                                .collect::<Vec<_>>(),
                        )
                    })
                    .filter(|(_, v)| !v.is_empty())
                    .collect(),
                text_forms: if sheet.may_edit && g.owner == node {
                    gr::TEXT_KINDS
                        .iter()
                        .map(|k| TextForm {
                            kind: delar_store::text_kind_code(*k),
                            heading: text_heading(*k),
                            hint: text_hint(*k),
                            text: g.text_of(*k),
                            version: g.text_version(*k),
                            edited: g
                                .text_entries
                                .get(k)
                                .map(|e| {
                                    format!(
                                        "Ändrad för omgången av {}, {}",
                                        e.changed_by,
                                        view::time(&e.changed_at)
                                    )
                                })
                                .unwrap_or_default(),
                        })
                        .collect()
                } else {
                    Vec::new()
                },
                own: g.owner == node,
            }
        })
        .collect()
}

/// The goal page of a node, with a notice or an error.
async fn goals_page(
    st: &AppState,
    viewer: &Viewer,
    omgang: String,
    nod: String,
    notice: String,
    error: Option<(StatusCode, String)>,
) -> Response {
    let user = viewer.user.clone();
    let (o, n) = (omgang.clone(), nod.clone());
    let r = st
        .pool
        .run(move |s| {
            let round = parse_round(&o)?;
            gr::goal_sheet(s, &user, &round, &n)
        })
        .await;
    let sheet = match r {
        Ok(x) => x,
        Err(e) => return error_page(&e, Some(viewer)),
    };
    let id = sheet.auth.round.round.id();
    let base = format!("/mal/{}/{}", view::url_encode(&id), view::url_encode(&nod));
    let (has_state, state_word, state_class, state_code, state_who, state_comment) =
        match &sheet.state {
            Some(s) => {
                let (w, c, who, comment) = view::state_line(s);
                (true, w, c, s.state.code(), who, comment)
            }
            None => (false, String::new(), "", "", String::new(), String::new()),
        };
    let n = sheet.path.len();
    let path = sheet
        .path
        .iter()
        .enumerate()
        .map(|(i, (c, name))| {
            let href = format!("/mal/{}/{}", view::url_encode(&id), view::url_encode(c));
            (
                href,
                if i + 1 == n {
                    format!("{c} {name}")
                } else {
                    c.clone()
                },
            )
        })
        .collect();
    let owners = sheet
        .owners
        .iter()
        .filter(|o| **o != nod)
        .map(|o| {
            let state = sheet
                .owner_states
                .get(o)
                .map(|s| s.state)
                .unwrap_or(WorkflowState::Draft);
            (
                format!("/mal/{}/{}", view::url_encode(&id), view::url_encode(o)),
                o.clone(),
                view::state(state).0.to_string(),
            )
        })
        .collect();
    let (status, error) = error.unwrap_or((StatusCode::OK, String::new()));
    let scale = &sheet.scale;
    let page = GoalsPage {
        layout: Layout::of(viewer),
        round_status: sheet.auth.round.status.label().to_string(),
        code: nod.clone(),
        name: sheet.name.clone(),
        path,
        sheet_href: format!(
            "/prognos/{}/{}",
            view::url_encode(&id),
            view::url_encode(&nod)
        ),
        history_href: format!("{base}/historik"),
        entry_href: format!("{base}/indikator"),
        decision_href: format!("{base}/bedomning"),
        text_href: format!("{base}/text"),
        max_text: gr::MAX_GOAL_TEXT,
        max_text_label: number(gr::MAX_GOAL_TEXT as f64, 0),
        status_href: format!("{base}/status"),
        notice,
        error,
        has_state,
        state_word,
        state_class,
        state_code,
        state_who,
        state_comment,
        steps: sheet
            .steps
            .iter()
            .map(|s| StepButton {
                code: s.code(),
                label: s.label(),
                needs_comment: *s == Step::Return,
            })
            .collect(),
        owners,
        goals: goal_views(&sheet, &sheet.goals, &nod, 0),
        areas: goal_views(&sheet, &sheet.areas, &nod, sheet.goals.len()),
        may_edit: sheet.may_edit,
        may_decide: sheet.may_decide,
        status_words: [GoalStatus::Met, GoalStatus::Partly, GoalStatus::NotMet]
            .iter()
            .map(|s| scale.label(*s).to_string())
            .collect(),
        round: id,
    };
    render(&page, status)
}

/// The goal page's query: what a redirect after a change reports.
#[derive(Deserialize)]
pub struct GoalsQuery {
    sparat: Option<String>,
    bedomt: Option<String>,
    klart: Option<String>,
    text: Option<String>,
}

/// `GET /mal/{omgång}/{nod}`: the goal page.
pub async fn goals(
    State(st): State<AppState>,
    viewer: Viewer,
    Path((omgang, nod)): Path<(String, String)>,
    Query(q): Query<GoalsQuery>,
) -> Response {
    let notice = match (&q.sparat, &q.bedomt, &q.klart) {
        _ if q.text.is_some() => format!(
            "Texten för mål {} är sparad.",
            q.text.as_deref().unwrap_or_default()
        ),
        (Some(i), _, _) => format!("Värdet för indikatorn {i} är sparat."),
        (None, Some(g), _) => format!("Bedömningen av mål {g} är sparad."),
        (None, None, Some(step)) => match Step::parse(step) {
            Some(Step::Submit) => "Målen är inskickade.".into(),
            Some(Step::Recall) => "Målen är återkallade och kan ändras igen.".into(),
            Some(Step::Approve) => "Målen är godkända.".into(),
            Some(Step::Return) => "Målen är skickade tillbaka med din kommentar.".into(),
            None => String::new(),
        },
        _ => String::new(),
    };
    goals_page(&st, &viewer, omgang, nod, notice, None).await
}

/// After a POST: 303 to the page on success; the page with the message on a refusal; an
/// error page when the person may not, or the node does not exist.
async fn after(
    st: &AppState,
    viewer: &Viewer,
    omgang: String,
    nod: String,
    r: Result<String, AppError>,
    what: &str,
) -> Response {
    match r {
        Ok(query) => Redirect::to(&format!(
            "/mal/{}/{}?{query}",
            view::url_encode(&omgang),
            view::url_encode(&nod)
        ))
        .into_response(),
        Err(e @ (AppError::Forbidden(_) | AppError::Unauthorized(_))) => {
            error_page(&e, Some(viewer))
        }
        Err(e @ AppError::NotFound(_)) if e.to_string().contains("finns inte i organisationen") => {
            error_page(&e, Some(viewer))
        }
        Err(e) => {
            let status = status_of(&e);
            let msg = format!("{what}: {e}");
            goals_page(st, viewer, omgang, nod, String::new(), Some((status, msg))).await
        }
    }
}

/// An indicator value's form.
#[derive(Deserialize)]
pub struct EntryForm {
    indikator: String,
    slag: String,
    version: i64,
    #[serde(default)]
    kvinnor: String,
    #[serde(default)]
    man: String,
    #[serde(default)]
    totalt: String,
}

/// `POST /mal/{omgång}/{nod}/indikator`: keep an indicator's value to date or forecast.
pub async fn save_entry(
    State(st): State<AppState>,
    viewer: Viewer,
    Path((omgang, nod)): Path<(String, String)>,
    Form(f): Form<EntryForm>,
) -> Response {
    let user = viewer.user.clone();
    let (o, n) = (omgang.clone(), nod.clone());
    let code = f.indikator.clone();
    let r = st
        .pool
        .run(move |s| {
            let round = parse_round(&o)?;
            let kind = EntryKind::parse(&f.slag).ok_or_else(|| {
                AppError::Invalid(format!(
                    "värdets slag \"{}\" finns inte; använd formuläret på sidan",
                    f.slag
                ))
            })?;
            let input = EntryInput {
                indicator: &f.indikator,
                kind,
                version: f.version,
                women: &f.kvinnor,
                men: &f.man,
                total: &f.totalt,
            };
            gr::save_entry(s, &user, &round, &n, &input)?;
            Ok(format!("sparat={}", view::url_encode(&f.indikator)))
        })
        .await;
    let what = format!("Värdet för indikatorn {code} sparades inte");
    after(&st, &viewer, omgang, nod, r, &what).await
}

/// An analysis text's form.
#[derive(Deserialize)]
pub struct TextFormData {
    mal: String,
    slag: String,
    version: i64,
    #[serde(default)]
    text: String,
}

/// `POST /mal/{omgång}/{nod}/text`: keep a goal's analysis text of one kind for the round.
pub async fn save_text(
    State(st): State<AppState>,
    viewer: Viewer,
    Path((omgang, nod)): Path<(String, String)>,
    Form(f): Form<TextFormData>,
) -> Response {
    let user = viewer.user.clone();
    let (o, n) = (omgang.clone(), nod.clone());
    let goal = f.mal.clone();
    let r = st
        .pool
        .run(move |s| {
            let round = parse_round(&o)?;
            let kind = delar_store::text_kind_parse(&f.slag).ok_or_else(|| {
                AppError::Invalid(format!(
                    "textens slag \"{}\" finns inte; använd formuläret på sidan",
                    f.slag
                ))
            })?;
            let input = TextInput {
                goal: &f.mal,
                kind,
                version: f.version,
                text: &f.text,
            };
            gr::save_text(s, &user, &round, &n, &input)?;
            Ok(format!("text={}", view::url_encode(&f.mal)))
        })
        .await;
    let what = format!("Texten för mål {goal} sparades inte");
    after(&st, &viewer, omgang, nod, r, &what).await
}

/// A status decision's form: `status` a word of the scale, or empty with `aterstall` to go
/// back to the proposal.
#[derive(Deserialize)]
pub struct DecisionForm {
    mal: String,
    version: i64,
    #[serde(default)]
    status: String,
    #[serde(default)]
    motivering: String,
    #[serde(default)]
    aterstall: Option<String>,
}

/// `POST /mal/{omgång}/{nod}/bedomning`: decide a goal's status with a rationale, or go back
/// to the proposal.
pub async fn decide(
    State(st): State<AppState>,
    viewer: Viewer,
    Path((omgang, nod)): Path<(String, String)>,
    Form(f): Form<DecisionForm>,
) -> Response {
    let user = viewer.user.clone();
    let (o, n) = (omgang.clone(), nod.clone());
    let goal = f.mal.clone();
    let r = st
        .pool
        .run(move |s| {
            let round = parse_round(&o)?;
            if f.aterstall.is_some() {
                gr::reset(s, &user, &round, &n, &f.mal, Some(f.version))?;
            } else {
                gr::decide(
                    s,
                    &user,
                    &round,
                    &n,
                    &f.mal,
                    &f.status,
                    &f.motivering,
                    Some(f.version),
                )?;
            }
            Ok(format!("bedomt={}", view::url_encode(&f.mal)))
        })
        .await;
    let what = format!("Bedömningen av mål {goal} sparades inte");
    after(&st, &viewer, omgang, nod, r, &what).await
}

/// The workflow form.
#[derive(Deserialize)]
pub struct StateForm {
    atgard: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    kommentar: String,
}

/// `POST /mal/{omgång}/{nod}/status`: submit, recall, approve or return the goals.
pub async fn change_state(
    State(st): State<AppState>,
    viewer: Viewer,
    Path((omgang, nod)): Path<(String, String)>,
    Form(f): Form<StateForm>,
) -> Response {
    let Some(step) = Step::parse(&f.atgard) else {
        let e = AppError::Invalid(format!(
            "åtgärden \"{}\" finns inte; använd knapparna på sidan",
            f.atgard
        ));
        return error_page(&e, Some(&viewer));
    };
    let user = viewer.user.clone();
    let (o, n) = (omgang.clone(), nod.clone());
    let r = st
        .pool
        .run(move |s| {
            let round = parse_round(&o)?;
            gr::change_state(
                s,
                &user,
                &round,
                &n,
                step,
                WorkflowState::parse(&f.status),
                &f.kommentar,
            )?;
            Ok(format!("klart={}", step.code()))
        })
        .await;
    let what = format!("\"{}\" gick inte", step.label());
    after(&st, &viewer, omgang, nod, r, &what).await
}

type Row6 = (String, String, String, String, String, String);

#[derive(Template)]
#[template(path = "goals_history.html")]
struct GoalsHistoryPage {
    layout: Layout,
    round: String,
    node: String,
    back: String,
    audit: Vec<Row6>,
    transitions: Vec<Row6>,
}

/// `GET /mal/{omgång}/{nod}/historik`: every value entered and decision made on the goal
/// pages of the node and those under it, and every transition of the goals' workflow.
pub async fn history(
    State(st): State<AppState>,
    viewer: Viewer,
    Path((omgang, nod)): Path<(String, String)>,
) -> Response {
    let user = viewer.user.clone();
    let (o, n) = (omgang.clone(), nod.clone());
    let r = st
        .pool
        .run(move |s| {
            let round = parse_round(&o)?;
            gr::history(s, &user, &round, &n)
        })
        .await;
    let (audit, transitions) = match r {
        Ok(x) => x,
        Err(e) => return error_page(&e, Some(&viewer)),
    };
    let page = GoalsHistoryPage {
        layout: Layout::of(&viewer),
        back: format!(
            "/mal/{}/{}",
            view::url_encode(&omgang),
            view::url_encode(&nod)
        ),
        round: omgang,
        node: nod,
        audit: audit
            .iter()
            .map(|a| {
                (
                    view::time(&a.at),
                    a.user.clone(),
                    format!("{} ({})", a.subject, a.node),
                    a.action.clone(),
                    a.old_value.clone().unwrap_or_default(),
                    a.new_value.clone().unwrap_or_default(),
                )
            })
            .collect(),
        transitions: transitions
            .iter()
            .map(|t| {
                (
                    view::time(&t.at),
                    t.user.clone(),
                    t.node.clone(),
                    t.from.label().to_string(),
                    t.to.label().to_string(),
                    t.comment.clone().unwrap_or_default(),
                )
            })
            .collect(),
    };
    render(&page, StatusCode::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_swedish_notation() {
        assert_eq!(number(80.04, 1), "80,0");
        assert_eq!(number(1234.5, 1), "1\u{a0}234,5");
        assert_eq!(number(-12.0, 0), "\u{2212}12");
        assert_eq!(number(-0.01, 1), "0,0");
        assert_eq!(number(1_234_567.0, 0), "1\u{a0}234\u{a0}567");
        assert_eq!(figure(Some(&Figure::NoData), 1), "i.u.");
        assert_eq!(figure(None, 1), "");
    }
}
