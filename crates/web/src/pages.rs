//! The handlers: each parses its input, runs the use case in the store's pool and renders a
//! page (or redirects after a successful POST, so that reloading never posts again).

use crate::session::{self, Viewer};
use crate::view::{self, LineRow, NodeRow, StepButton};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use delar_app::workflow::{self as wf, LineInput, Step};
use delar_app::AppError;
use delar_core::Round;
use delar_store::{RoundStatus, StoreError, WorkflowState};
use serde::Deserialize;

/// What the layout shows about the person.
#[derive(Default)]
pub struct Layout {
    /// Login name (empty when not logged in).
    pub user: String,
    /// When the session ends, as text.
    pub session_end: String,
    /// Seconds until the session ends unless used (the script's countdown starts from it).
    pub seconds_left: i64,
    /// Seconds before the end at which the script warns.
    pub warn_seconds: i64,
}

impl Layout {
    /// The layout of a logged-in person's page.
    pub fn of(v: &Viewer) -> Layout {
        let end = delar_store_time(v.expires_at);
        Layout {
            user: v.user.clone(),
            session_end: end,
            seconds_left: (v.expires_at - session::now()).max(0),
            warn_seconds: delar_app::auth::SESSION_WARNING_SECONDS,
        }
    }
}

/// `kl. HH:MM UTC` of a time in seconds since the epoch.
fn delar_store_time(secs: i64) -> String {
    let rem = secs.rem_euclid(86_400);
    format!("kl. {:02}:{:02} UTC", rem / 3600, rem % 3600 / 60)
}

/// A page with its status (500 with a Swedish message when the template fails).
pub fn render(t: &impl Template, status: StatusCode) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("sidan kunde inte visas: {e}"),
        )
            .into_response(),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    title: String,
    message: String,
}

/// The HTTP status of a use case's error.
pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
        AppError::Invalid(_) | AppError::Check(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Store(StoreError::Conflict(_)) => StatusCode::CONFLICT,
        AppError::Store(StoreError::Forecast(_) | StoreError::Refused(_)) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AppError::Store(_) | AppError::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A page for an error, with its status.
pub fn error_page(e: &AppError, viewer: Option<&Viewer>) -> Response {
    let status = status_of(e);
    if status == StatusCode::FORBIDDEN {
        let who = viewer.map(|v| v.user.as_str()).unwrap_or("");
        crate::audit::event("atkomst-nekad", who, &e.to_string());
    }
    let title = match status {
        StatusCode::NOT_FOUND => "Finns inte",
        StatusCode::FORBIDDEN => "Ingen behörighet",
        StatusCode::UNAUTHORIZED => "Inte inloggad",
        StatusCode::INTERNAL_SERVER_ERROR => "Något gick fel",
        _ => "Det gick inte",
    };
    let page = ErrorPage {
        layout: viewer.map(Layout::of).unwrap_or_default(),
        title: title.to_string(),
        message: e.to_string(),
    };
    render(&page, status)
}

/// `GET /halsa`: `ok` for load balancers.
pub async fn health() -> &'static str {
    "ok"
}

/// `GET /stil.css`: the embedded stylesheet.
pub async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../assets/style.css"),
    )
        .into_response()
}

/// `GET /delar.js`: the embedded script (in-place saving on the sheet, the session warning).
/// Every page works without it.
pub async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../assets/delar.js"),
    )
        .into_response()
}

/// The seconds left of the request's session without extending it (0 without one).
async fn seconds_left(st: &AppState, headers: &HeaderMap) -> Result<i64, AppError> {
    let Some(t) = session::token(headers) else {
        return Ok(0);
    };
    let now = session::now();
    st.pool
        .run(move |s| {
            let h = delar_app::auth::token_hash(&t);
            Ok(s.session(&h)?
                .map(|x| (x.expires_at - now).max(0))
                .unwrap_or(0))
        })
        .await
}

fn plain(status: StatusCode, text: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

/// `GET /sessionen`: the seconds left of the session as a number, without extending it (the
/// script asks before it warns, since another tab may have used the session); 0 when it has
/// ended.
pub async fn session_peek(State(st): State<AppState>, headers: HeaderMap) -> Response {
    match seconds_left(&st, &headers).await {
        Ok(n) => plain(StatusCode::OK, n.to_string()),
        Err(e) => plain(status_of(&e), e.to_string()),
    }
}

/// `POST /sessionen`: "stay signed in": the session is extended (as any request extends it)
/// and the seconds left are returned; 401 with a Swedish message when it has already ended.
pub async fn session_extend(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let Some(t) = session::token(&headers) else {
        return plain(
            StatusCode::UNAUTHORIZED,
            "Du är inte inloggad; logga in igen.".to_string(),
        );
    };
    let now = session::now();
    let r = st
        .pool
        .write(move |s| delar_app::auth::session_user(s, &t, now))
        .await;
    match r {
        Ok(Some(u)) => plain(StatusCode::OK, (u.expires_at - now).max(0).to_string()),
        Ok(None) => plain(
            StatusCode::UNAUTHORIZED,
            "Sessionen har redan gått ut; logga in igen.".to_string(),
        ),
        Err(e) => plain(status_of(&e), e.to_string()),
    }
}

/// Any other path.
pub async fn not_found() -> Response {
    error_page(
        &AppError::NotFound("sidan finns inte; gå till startsidan och välj därifrån".to_string()),
        None,
    )
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    message: String,
    next: String,
    name: String,
    /// The identity provider's name ("Logga in med …"), empty when not configured.
    provider: String,
}

/// The identity provider's name when sign-in with the municipality's accounts is configured.
fn provider(st: &AppState) -> String {
    st.oidc
        .as_ref()
        .map(|o| o.config.name.clone())
        .unwrap_or_default()
}

/// Only a path on this server may be the page after login.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

/// The query of the login page.
#[derive(Deserialize)]
pub struct LoginQuery {
    nasta: Option<String>,
}

/// `GET /logga-in`.
pub async fn login_form(State(st): State<AppState>, Query(q): Query<LoginQuery>) -> Response {
    let page = LoginPage {
        layout: Layout::default(),
        message: String::new(),
        next: safe_next(q.nasta.as_deref()),
        name: String::new(),
        provider: provider(&st),
    };
    render(&page, StatusCode::OK)
}

/// A POST whose session has ended: the login page says so (the browser's Back button still
/// holds what was typed).
pub fn session_ended(st: &AppState, path: &str) -> Response {
    let back = path
        .strip_suffix("/rad")
        .or_else(|| path.strip_suffix("/status"))
        .unwrap_or("/");
    let page = LoginPage {
        layout: Layout::default(),
        message: "Din session har gått ut, så ändringen sparades inte. Logga in igen och spara \
                  på nytt; det du skrev finns kvar om du går tillbaka en sida i webbläsaren."
            .to_string(),
        next: safe_next(Some(back)),
        name: String::new(),
        provider: provider(st),
    };
    render(&page, StatusCode::UNAUTHORIZED)
}

/// The login form's fields.
#[derive(Deserialize)]
pub struct LoginForm {
    anvandare: String,
    losenord: String,
    nasta: Option<String>,
}

/// `POST /logga-in`: a session and its cookie, then the page asked for.
pub async fn login(
    State(st): State<AppState>,
    crate::security::ClientAddress(address): crate::security::ClientAddress,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let name = f.anvandare.trim().to_string();
    let next = safe_next(f.nasta.as_deref());
    let now = session::now();
    let who = name.clone();
    // The session the request came with (another person's, or one planted by an attacker)
    // ends: a login always starts a new session and never keeps an old one alive.
    let old = session::token(&headers);
    let seen_from = address.clone();
    // The password's hash is checked beside other requests; only what it found is written,
    // through the writer (a hash check there would hold up every save for its length).
    // At most two hash checks at once (each takes a core for its length), so a flood of
    // logins holds at most two of the pool's connections.
    static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
    let (check_who, check_from) = (who.clone(), address.clone());
    let password = f.losenord.clone();
    let checked = match HASHING.acquire().await {
        Ok(_turn) => {
            st.pool
                .run(move |s| {
                    delar_app::auth::check_login(
                        &*s,
                        &check_who,
                        &f.losenord,
                        check_from.as_deref(),
                        now,
                    )
                })
                .await
        }
        Err(e) => Err(AppError::Io(format!("inloggningen kunde inte prövas: {e}"))),
    };
    let r = match checked {
        Err(e) => Err(e),
        Ok(delar_app::auth::LoginCheck::AddressStopped) => Err(AppError::Unauthorized(
            delar_app::auth::ADDRESS_REFUSED.to_string(),
        )),
        Ok(checked) => {
            st.pool
                .write(move |s| {
                    let new = delar_app::auth::record_login(
                        s,
                        &checked,
                        &who,
                        &password,
                        address.as_deref(),
                        now,
                    )?;
                    if let Some(old) = old.filter(|o| *o != new.token) {
                        delar_app::auth::logout(s, &old)?;
                    }
                    Ok(new)
                })
                .await
        }
    };
    let from = match &seen_from {
        Some(a) => format!("från {a}"),
        None => String::new(),
    };
    match &r {
        Ok(_) => crate::audit::event("inloggning", &name, &from),
        Err(AppError::Unauthorized(m)) if m == delar_app::auth::ADDRESS_REFUSED => {
            crate::audit::event(
                "inloggning-stoppad-adress",
                &name,
                &format!("för många misslyckade inloggningar {from}"),
            )
        }
        Err(AppError::Unauthorized(_)) => crate::audit::event(
            "inloggning-misslyckad",
            &name,
            format!("fel namn eller lösenord, eller spärrat konto {from}").trim_end(),
        ),
        Err(_) => {}
    }
    match r {
        Ok(new) => {
            let mut res = Redirect::to(&next).into_response();
            res.headers_mut().insert(
                header::SET_COOKIE,
                session::set_cookie(&new.token, st.config.secure_cookies),
            );
            res
        }
        Err(e @ AppError::Unauthorized(_)) => {
            let page = LoginPage {
                layout: Layout::default(),
                message: e.to_string(),
                next,
                name,
                provider: provider(&st),
            };
            render(&page, StatusCode::UNAUTHORIZED)
        }
        Err(e) => error_page(&e, None),
    }
}

/// `POST /logga-ut`: the session ends in the store and the cookie is removed.
pub async fn logout(State(st): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(t) = session::token(&headers) {
        let now = session::now();
        let r = st
            .pool
            .write(move |s| {
                let who = delar_app::auth::session_user(s, &t, now)?.map(|u| u.user);
                delar_app::auth::logout(s, &t)?;
                Ok(who)
            })
            .await;
        match r {
            Ok(Some(who)) => crate::audit::event("utloggning", &who, ""),
            Ok(None) => {}
            Err(e) => return error_page(&e, None),
        }
    }
    let mut res = Redirect::to("/logga-in").into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        session::clear_cookie(st.config.secure_cookies),
    );
    res
}

#[derive(Template)]
#[template(path = "start.html")]
struct StartPage {
    layout: Layout,
    round: String,
    round_status: String,
    notice: String,
    lock_href: String,
    others: Vec<(String, String)>,
    rows: Vec<NodeRow>,
    deadline: String,
    deadline_passed: bool,
    review: Vec<ReviewRow>,
    /// The reports the person may read: (link, label).
    reports: Vec<(String, String)>,
}

/// A controller's node on the start page: where its units stand against the deadline.
struct ReviewRow {
    code: String,
    name: String,
    href: String,
    d: view::Deadline,
}

/// The start page's query.
#[derive(Deserialize)]
pub struct StartQuery {
    omgang: Option<String>,
    last: Option<String>,
}

/// `GET /`: the person's nodes in a round (the one asked for, else the latest open one).
pub async fn start(
    State(st): State<AppState>,
    viewer: Viewer,
    Query(q): Query<StartQuery>,
) -> Response {
    let user = viewer.user.clone();
    let r = st
        .pool
        .run(move |s| {
            let rounds = s.forecast_rounds()?;
            let chosen = match q.omgang.as_deref() {
                Some(id) => rounds.iter().find(|r| r.round.id() == id).ok_or_else(|| {
                    AppError::NotFound(format!("prognosomgången {id} finns inte"))
                })?,
                None => rounds
                    .iter()
                    .rev()
                    .find(|r| r.status == RoundStatus::Open)
                    .or(rounds.last())
                    .ok_or_else(|| {
                        AppError::NotFound(
                            "det finns ingen prognosomgång ännu; be en ekonom beräkna en".into(),
                        )
                    })?,
            };
            let rows = wf::overview(s, &user, &chosen.round)?;
            let may_lock =
                chosen.status == RoundStatus::Open && wf::may_lock(s, &user, &chosen.round)?;
            let reports = delar_app::report::readable_reports(s, &user, chosen.round)?;
            let others = rounds
                .iter()
                .filter(|r| r.round != chosen.round)
                .map(|r| {
                    let id = r.round.id();
                    let href = format!("/?omgang={}", view::url_encode(&id));
                    (id, href)
                })
                .collect::<Vec<_>>();
            Ok((chosen.clone(), rows, others, reports, may_lock))
        })
        .await;
    match r {
        Ok((info, rows, others, reports, may_lock)) => {
            let id = info.round.id();
            let id_for_links = id.clone();
            let today = view::date_of(session::now());
            let deadline = info.deadline;
            let review = rows
                .iter()
                .filter(|n| n.view.level == 0 && n.roles.contains(&delar_app::auth::Role::Ekonom))
                .map(|n| ReviewRow {
                    code: n.view.code.clone(),
                    name: n.view.name.clone(),
                    href: NodeRow::new(&id, n).href,
                    d: view::Deadline::of(&n.counts, deadline, today),
                })
                .collect();
            let page = StartPage {
                layout: Layout::of(&viewer),
                notice: if q.last.is_some() {
                    format!("Prognosomgången {id} är låst.")
                } else {
                    String::new()
                },
                lock_href: if may_lock {
                    format!("/omgang/{}/las", view::url_encode(&id))
                } else {
                    String::new()
                },
                rows: rows
                    .iter()
                    .map(|n| NodeRow::new(&id, n).with_deadline(n, deadline, today))
                    .collect(),
                round: id,
                round_status: info.status.label().to_string(),
                others,
                deadline: deadline.map(|d| d.to_string()).unwrap_or_default(),
                deadline_passed: deadline.is_some_and(|d| today > d),
                review,
                reports: reports
                    .into_iter()
                    .map(|(c, n)| {
                        (
                            format!(
                                "/rapport/{}?nod={}",
                                view::url_encode(&id_for_links),
                                view::url_encode(&c)
                            ),
                            format!("{c} {n}"),
                        )
                    })
                    .collect(),
            };
            render(&page, StatusCode::OK)
        }
        Err(e) => error_page(&e, Some(&viewer)),
    }
}

#[derive(Template)]
#[template(path = "sheet.html")]
struct SheetPage {
    layout: Layout,
    round: String,
    round_status: String,
    code: String,
    name: String,
    path: Vec<(String, String)>,
    history_href: String,
    bridge_href: String,
    xlsx_href: String,
    upload_href: String,
    upload_limit_kb: usize,
    /// The error is an upload's refusal: it links to the file input, which points back at it.
    upload_refused: bool,
    line_href: String,
    status_href: String,
    notice: String,
    error: String,
    has_state: bool,
    state_word: String,
    state_class: &'static str,
    state_code: &'static str,
    state_who: String,
    state_comment: String,
    steps: Vec<StepButton>,
    total: NodeRow,
    children: Vec<NodeRow>,
    lines: Vec<LineRow>,
    may_edit: bool,
}

/// What a refused save typed, to be shown again, and why it was refused (the use case's
/// message; the sheet names the line in front of it).
pub(crate) struct Kept {
    group: String,
    amount: String,
    method: String,
    comment: String,
    error: String,
    field: &'static str,
}

/// The field a refused save is about, from what was typed (the application layer decides
/// whether to refuse; this only points at the field): an amount that cannot be read, a
/// missing or too long comment, an unknown method; otherwise the line as a whole.
fn refused_field(e: &AppError, f: &LineForm) -> &'static str {
    if !matches!(e, AppError::Invalid(_) | AppError::Check(_)) {
        return "";
    }
    let amount = f.belopp.trim();
    let comment = f.kommentar.trim();
    if !amount.is_empty()
        && delar_core::Amount::parse_swedish_in(amount, delar_core::Unit::Tkr).is_err()
    {
        "belopp"
    } else if comment.chars().count() > 2000
        || (comment.is_empty() && (!amount.is_empty() || !f.metod.trim().is_empty()))
    {
        "kommentar"
    } else if !f.metod.trim().is_empty() {
        "metod"
    } else {
        ""
    }
}

/// A round from the URL, or 404 with a Swedish message.
pub fn parse_round(omgang: &str) -> Result<Round, AppError> {
    Round::parse(omgang).map_err(|e| {
        AppError::NotFound(format!(
            "prognosomgången \"{omgang}\" finns inte ({e}); välj en omgång på startsidan"
        ))
    })
}

/// The sheet of a node, with a notice or an error and what a refused save typed.
pub(crate) async fn sheet_page(
    st: &AppState,
    viewer: &Viewer,
    omgang: String,
    nod: String,
    notice: String,
    error: Option<(StatusCode, String)>,
    kept: Option<Kept>,
) -> Response {
    sheet_page_as(st, viewer, omgang, nod, notice, error, kept, false).await
}

/// The sheet of a node with an Excel upload's refusal (`crate::excel`): the message on top
/// links to the file input, and the input is described by a note beside it.
pub(crate) async fn upload_refused_page(
    st: &AppState,
    viewer: &Viewer,
    omgang: String,
    nod: String,
    status: StatusCode,
    message: String,
) -> Response {
    let error = Some((status, message));
    sheet_page_as(st, viewer, omgang, nod, String::new(), error, None, true).await
}

#[allow(clippy::too_many_arguments)]
async fn sheet_page_as(
    st: &AppState,
    viewer: &Viewer,
    omgang: String,
    nod: String,
    notice: String,
    error: Option<(StatusCode, String)>,
    kept: Option<Kept>,
    upload_refused: bool,
) -> Response {
    let user = viewer.user.clone();
    let (o, n) = (omgang.clone(), nod.clone());
    let r = st
        .pool
        .run(move |s| {
            let round = parse_round(&o)?;
            wf::sheet(s, &user, &round, &n)
        })
        .await;
    let sheet = match r {
        Ok(sh) => sh,
        Err(e) => return error_page(&e, Some(viewer)),
    };
    let id = sheet.auth.round.round.id();
    let base = format!(
        "/prognos/{}/{}",
        view::url_encode(&id),
        view::url_encode(&nod)
    );
    // What a save reports names the line by its kontogrupp's name, as the rows show it.
    let name_of = |g: &str| {
        sheet
            .group_names
            .get(g)
            .cloned()
            .unwrap_or_else(|| g.to_string())
    };
    let notice = match sheet
        .lines
        .iter()
        .find(|d| notice == saved_notice(&d.line.group))
    {
        Some(d) => saved_notice(&name_of(&d.line.group)),
        None => notice,
    };
    let mut error = error;
    let mut kept = kept;
    if let Some(k) = kept.as_mut() {
        k.error = format!("Raden {} sparades inte: {}", name_of(&k.group), k.error);
        if let Some((_, e)) = error.as_mut() {
            *e = k.error.clone();
        }
    }
    let mut lines: Vec<LineRow> = sheet
        .lines
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let mut row = LineRow::new(i, d);
            if let Some(name) = sheet.group_names.get(&d.line.group) {
                row.name = name.clone();
            }
            row
        })
        .collect();
    if let Some(k) = kept {
        if let Some(l) = lines.iter_mut().find(|l| l.group == k.group) {
            l.amount_input = k.amount;
            l.method_input = k.method;
            l.comment_input = k.comment;
            l.error = k.error;
            l.error_field = k.field;
        }
    }
    let (has_state, state_word, state_class, state_code, state_who, state_comment) =
        match &sheet.node.state {
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
            let href = format!("/prognos/{}/{}", view::url_encode(&id), view::url_encode(c));
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
    let (status, error) = match error {
        Some((s, e)) => (s, e),
        None => (StatusCode::OK, String::new()),
    };
    let page = SheetPage {
        layout: Layout::of(viewer),
        round_status: sheet.auth.round.status.label().to_string(),
        code: sheet.node.view.code.clone(),
        name: sheet.node.view.name.clone(),
        path,
        history_href: format!("{base}/historik"),
        bridge_href: format!("{base}/brygga"),
        xlsx_href: format!("{base}.xlsx"),
        upload_href: format!("{base}/excel"),
        upload_limit_kb: delar_app::sheet_xlsx::MAX_UPLOAD / 1024,
        upload_refused: upload_refused && !error.is_empty(),
        line_href: format!("{base}/rad"),
        status_href: format!("{base}/status"),
        notice,
        error,
        has_state,
        state_word,
        state_class,
        state_code,
        state_who,
        state_comment,
        steps: view::steps(&sheet),
        total: NodeRow::new(&id, &sheet.node),
        children: sheet
            .children
            .iter()
            .map(|c| NodeRow::new(&id, c))
            .collect(),
        lines,
        may_edit: sheet.may_edit,
        round: id,
    };
    render(&page, status)
}

/// The notice after a line is saved (the sheet shows it with the kontogrupp's name).
fn saved_notice(line: &str) -> String {
    format!("Raden {line} är sparad.")
}

/// The sheet's query: what a redirect after a save reports.
#[derive(Deserialize)]
pub struct SheetQuery {
    sparat: Option<String>,
    klart: Option<String>,
    uppladdat: Option<usize>,
}

/// `GET /prognos/{omgång}/{nod}`: the forecast sheet.
pub async fn sheet(
    State(st): State<AppState>,
    viewer: Viewer,
    Path((omgang, nod)): Path<(String, String)>,
    Query(q): Query<SheetQuery>,
) -> Response {
    if let Some(node) = nod.strip_suffix(".xlsx") {
        return crate::excel::download(&st, &viewer, omgang, node.to_string()).await;
    }
    if let Some(n) = q.uppladdat {
        let notice = match n {
            0 => "Excel-filen är uppladdad; ingen rad skilde sig från det som redan var sparat."
                .to_string(),
            1 => "Excel-filen är uppladdad: en rad ändrades.".to_string(),
            n => format!("Excel-filen är uppladdad: {n} rader ändrades."),
        };
        return sheet_page(&st, &viewer, omgang, nod, notice, None, None).await;
    }
    let notice = match (&q.sparat, &q.klart) {
        (Some(g), _) => saved_notice(g),
        (None, Some(step)) => match Step::parse(step) {
            Some(Step::Submit) => "Prognosen är inskickad.".into(),
            Some(Step::Recall) => "Prognosen är återkallad och kan ändras igen.".into(),
            Some(Step::Approve) => "Prognosen är godkänd.".into(),
            Some(Step::Return) => "Prognosen är skickad tillbaka med din kommentar.".into(),
            None => String::new(),
        },
        (None, None) => String::new(),
    };
    sheet_page(&st, &viewer, omgang, nod, notice, None, None).await
}

/// A line's form.
#[derive(Deserialize)]
pub struct LineForm {
    grupp: String,
    version: i64,
    #[serde(default)]
    belopp: String,
    #[serde(default)]
    metod: String,
    #[serde(default)]
    kommentar: String,
}

/// `POST /prognos/{omgång}/{nod}/rad`: save one line (its version from the form); a refused
/// save shows the sheet again with the message and what was typed.
pub async fn save_line(
    State(st): State<AppState>,
    viewer: Viewer,
    Path((omgang, nod)): Path<(String, String)>,
    Form(f): Form<LineForm>,
) -> Response {
    let user = viewer.user.clone();
    let (o, n) = (omgang.clone(), nod.clone());
    let (group, amount, method, comment, version) = (
        f.grupp.clone(),
        f.belopp.clone(),
        f.metod.clone(),
        f.kommentar.clone(),
        f.version,
    );
    // The checks only read and run beside other requests; only the change itself is a write
    // (where the lock and the node's state are checked again and the version decides): on
    // SQLite it waits for the store's single writer, on PostgreSQL it runs beside other saves.
    let prepared = st
        .pool
        .run(move |s| {
            let round = parse_round(&o)?;
            let input = LineInput {
                group: &group,
                version,
                amount: &amount,
                method: &method,
                comment: &comment,
            };
            wf::prepare_save(s, &user, &round, &n, &input)
        })
        .await;
    let r = match prepared {
        Ok(p) => {
            let user = viewer.user.clone();
            st.pool
                .write_shared(move |s| wf::apply_save(s, &user, &p))
                .await
        }
        Err(e) => Err(e),
    };
    match r {
        Ok(_) => Redirect::to(&format!(
            "/prognos/{}/{}?sparat={}",
            view::url_encode(&omgang),
            view::url_encode(&nod),
            view::url_encode(&f.grupp)
        ))
        .into_response(),
        Err(e @ (AppError::Forbidden(_) | AppError::NotFound(_) | AppError::Unauthorized(_))) => {
            error_page(&e, Some(&viewer))
        }
        Err(e) => {
            let status = status_of(&e);
            // The sheet puts "Raden <kontogrupp> sparades inte: " in front.
            let kept = Kept {
                field: refused_field(&e, &f),
                group: f.grupp,
                amount: f.belopp,
                method: f.metod,
                comment: f.kommentar,
                error: e.to_string(),
            };
            sheet_page(
                &st,
                &viewer,
                omgang,
                nod,
                String::new(),
                Some((status, String::new())),
                Some(kept),
            )
            .await
        }
    }
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

/// `POST /prognos/{omgång}/{nod}/status`: submit, recall, approve or return.
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
    let seen = WorkflowState::parse(&f.status);
    let comment = f.kommentar.clone();
    let r = st
        .pool
        .write(move |s| {
            let round = parse_round(&o)?;
            wf::change_state(s, &user, &round, &n, step, seen, &comment)
        })
        .await;
    if r.is_ok() {
        crate::audit::event(
            "status-andrad",
            &viewer.user,
            &format!("{omgang} {nod} {}", step.code()),
        );
    }
    match r {
        Ok(_) => Redirect::to(&format!(
            "/prognos/{}/{}?klart={}",
            view::url_encode(&omgang),
            view::url_encode(&nod),
            step.code()
        ))
        .into_response(),
        Err(e @ (AppError::Forbidden(_) | AppError::NotFound(_) | AppError::Unauthorized(_))) => {
            error_page(&e, Some(&viewer))
        }
        Err(e) => {
            let status = status_of(&e);
            let msg = format!("\"{}\" gick inte: {e}", step.label());
            sheet_page(
                &st,
                &viewer,
                omgang,
                nod,
                String::new(),
                Some((status, msg)),
                None,
            )
            .await
        }
    }
}

/// `POST /omgang/{omgång}/las`: lock the round (a controller or an administrator on the
/// round's top node); back to the start page.
pub async fn lock_round(
    State(st): State<AppState>,
    viewer: Viewer,
    Path(omgang): Path<String>,
) -> Response {
    let user = viewer.user.clone();
    let o = omgang.clone();
    let r = st
        .pool
        .write(move |s| {
            let round = parse_round(&o)?;
            wf::lock_round(s, &user, &round)
        })
        .await;
    match r {
        Ok(()) => {
            crate::audit::event("omgang-last", &viewer.user, &omgang);
            Redirect::to(&format!("/?omgang={}&last=1", view::url_encode(&omgang))).into_response()
        }
        Err(e) => error_page(&e, Some(&viewer)),
    }
}

type Row6 = (String, String, String, String, String, String);

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    layout: Layout,
    round: String,
    node: String,
    back: String,
    audit: Vec<Row6>,
    transitions: Vec<Row6>,
}

/// `GET /prognos/{omgång}/{nod}/historik`: every change to the lines under the node and
/// every workflow transition, oldest first.
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
            wf::history(s, &user, &round, &n)
        })
        .await;
    let (audit, transitions) = match r {
        Ok(x) => x,
        Err(e) => return error_page(&e, Some(&viewer)),
    };
    let page = HistoryPage {
        layout: Layout::of(&viewer),
        back: format!(
            "/prognos/{}/{}",
            view::url_encode(&omgang),
            view::url_encode(&nod)
        ),
        round: omgang,
        node: nod,
        audit: audit
            .iter()
            .map(|a| {
                let line = match (&a.node, &a.group) {
                    (Some(n), Some(g)) => format!("{n}:{g}"),
                    (Some(n), None) => n.clone(),
                    _ => "hela omgången".to_string(),
                };
                (
                    view::time(&a.at),
                    a.user.clone(),
                    line,
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
    fn only_local_paths_follow_a_login() {
        assert_eq!(
            safe_next(Some("/prognos/2025-P2/SN41")),
            "/prognos/2025-P2/SN41"
        );
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
