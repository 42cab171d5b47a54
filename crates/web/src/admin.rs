//! The administration pages (`/admin`, issue 19 part 6): accounts and their grants per node,
//! the rounds (status, deadline, lock) and the import log, for administrators of the whole
//! organisation only. Every use case and the rule of who may use them is
//! `delar_app::admin`'s; every change is kept in the administrators' log. Forms post back
//! here (CSRF-checked like every POST) and redirect (303) with what was done.

use crate::pages::{error_page, parse_round, render, status_of, Layout};
use crate::session::Viewer;
use crate::view::url_encode;
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use delar_app::admin as uc;
use delar_app::auth::Role;
use delar_app::AppError;
use serde::Deserialize;

/// A user's row on the list.
pub struct UserRow {
    name: String,
    href: String,
    grants: String,
    sign_in: String,
    locked: String,
    created: String,
}

/// A grant on a user's page, with its revoke form's values.
pub struct GrantRow {
    role: String,
    role_label: String,
    node: String,
    node_name: String,
}

/// A round's row.
pub struct RoundRow {
    id: String,
    status: String,
    locked: bool,
    locked_by: String,
    lines: u64,
    computed: String,
    deadline: String,
    deadline_href: String,
    lock_href: String,
}

/// An import batch's row.
pub struct BatchRow {
    id: i64,
    kind: String,
    file: String,
    imported: String,
    status: String,
    replaced_by: String,
    counts: String,
    warnings: u64,
    sha: String,
}

/// An entry of the administrators' log.
pub struct EventRow {
    at: String,
    user: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct OverviewPage {
    layout: Layout,
    notice: String,
    message: String,
    users: Vec<UserRow>,
    rounds: Vec<RoundRow>,
    batches: Vec<BatchRow>,
    events: Vec<EventRow>,
    roles: Vec<(String, String)>,
    nodes: Vec<(String, String)>,
    form: AddForm,
}

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserPage {
    layout: Layout,
    notice: String,
    message: String,
    name: String,
    has_password: bool,
    created: String,
    locked: String,
    grants: Vec<GrantRow>,
    identities: Vec<(String, String, String)>,
    roles: Vec<(String, String)>,
    nodes: Vec<(String, String)>,
    base: String,
}

fn time_of(at: &str) -> String {
    at.replace('T', " ").trim_end_matches('Z').to_string()
        + if at.ends_with('Z') { " UTC" } else { "" }
}

fn roles() -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| (r.code().to_string(), r.label().to_string()))
        .collect()
}

/// Every node of the stored organisation (code, "code – name"), each once, in the file's
/// order.
fn nodes(s: &dyn delar_store::Backend) -> Result<Vec<(String, String)>, AppError> {
    let org = s.organisation()?;
    let mut out: Vec<(String, String)> = Vec::new();
    for n in org.nodes() {
        if let Some(e) = out.iter_mut().find(|(c, _)| *c == n.code) {
            e.1 = format!("{} – {}", n.code, n.name);
        } else {
            out.push((n.code.clone(), format!("{} – {}", n.code, n.name)));
        }
    }
    Ok(out)
}

fn user_href(name: &str) -> String {
    format!("/admin/anvandare/{}", url_encode(name))
}

/// Which part of `/admin` is shown.
#[derive(Deserialize, Default)]
pub struct OverviewQuery {
    klart: Option<String>,
    namn: Option<String>,
    omgang: Option<String>,
}

fn notice(q: &OverviewQuery) -> String {
    let name = q.namn.clone().unwrap_or_default();
    let round = q.omgang.clone().unwrap_or_default();
    match q.klart.as_deref() {
        Some("tillagd") => format!("Kontot {name} lades till."),
        Some("borttagen") => format!("Kontot {name} togs bort."),
        Some("behorighet") => format!("{name} fick behörigheten."),
        Some("behorighet-fanns") => format!("{name} hade redan den behörigheten."),
        Some("aterkallad") => format!("Behörigheten togs bort från {name}."),
        Some("tidsfrist") => format!("Tidsfristen för {round} är ändrad."),
        Some("last") => format!("Prognosomgången {round} är låst."),
        _ => String::new(),
    }
}

/// The add-user form's fields (kept when refused, the password never).
#[derive(Deserialize, Default, Clone)]
pub struct AddForm {
    #[serde(default)]
    namn: String,
    #[serde(default)]
    losenord: String,
    #[serde(default)]
    roll: String,
    #[serde(default)]
    nod: String,
}

async fn overview_page(
    st: &AppState,
    viewer: &Viewer,
    q: OverviewQuery,
    message: String,
    status: StatusCode,
    form: AddForm,
) -> Response {
    let user = viewer.user.clone();
    let r = st
        .pool
        .run(move |s| {
            let users = uc::users(s, &user)?;
            let rounds = uc::rounds(s, &user)?;
            let batches = uc::imports(s, &user)?;
            let events = uc::events(s, &user)?;
            let nodes = nodes(s)?;
            Ok((users, rounds, batches, events, nodes))
        })
        .await;
    let (users, rounds, batches, events, nodes) = match r {
        Ok(x) => x,
        Err(e) => return error_page(&e, Some(viewer)),
    };
    let page = OverviewPage {
        layout: Layout::of(viewer),
        notice: notice(&q),
        message,
        users: users
            .iter()
            .map(|u| UserRow {
                href: user_href(&u.summary.name),
                name: u.summary.name.clone(),
                grants: if u.summary.grants.is_empty() {
                    "inga".to_string()
                } else {
                    u.summary
                        .grants
                        .iter()
                        .map(|(r, n)| format!("{} på {n}", r.label()))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                sign_in: match (u.has_password, u.identities.is_empty()) {
                    (true, true) => "lösenord".into(),
                    (false, false) => "kommunens konto".into(),
                    (true, false) => "lösenord och kommunens konto".into(),
                    (false, true) => "ingen".into(),
                },
                locked: u
                    .summary
                    .locked_until
                    .filter(|&t| t > crate::session::now())
                    .map(|_| "spärrat".to_string())
                    .unwrap_or_default(),
                created: format!(
                    "{} av {}",
                    time_of(&u.summary.created.0),
                    u.summary.created.1
                ),
            })
            .collect(),
        rounds: rounds
            .iter()
            .map(|r| {
                let id = r.round.id();
                let locked = r.status == delar_store::RoundStatus::Locked;
                RoundRow {
                    deadline_href: format!("/admin/omgang/{}/tidsfrist", url_encode(&id)),
                    lock_href: format!("/admin/omgang/{}/las", url_encode(&id)),
                    status: r.status.label().to_string(),
                    locked,
                    locked_by: match (&r.locked_at, &r.locked_by) {
                        (Some(a), Some(b)) => format!("{} av {b}", time_of(a)),
                        _ => String::new(),
                    },
                    lines: r.lines,
                    computed: time_of(&r.computed_at),
                    deadline: r.deadline.map(|d| d.to_string()).unwrap_or_default(),
                    id,
                }
            })
            .collect(),
        batches: batches
            .iter()
            .map(|b| BatchRow {
                id: b.id,
                kind: b.kind.clone(),
                file: b.file_name.clone(),
                imported: time_of(&b.imported_at),
                status: b.status.label().to_string(),
                replaced_by: b.replaced_by.map(|x| x.to_string()).unwrap_or_default(),
                counts: if b.kind == "sie" {
                    format!(
                        "{} verifikationer, {} transaktioner, {} konton",
                        delar_core::money::format_int(b.vouchers as i64),
                        delar_core::money::format_int(b.transactions as i64),
                        delar_core::money::format_int(b.accounts as i64)
                    )
                } else {
                    format!("{} rader", delar_core::money::format_int(b.rows as i64))
                },
                warnings: b.warnings,
                sha: b.sha256.chars().take(12).collect(),
            })
            .collect(),
        events: events
            .iter()
            .map(|e| EventRow {
                at: time_of(&e.at),
                user: e.user.clone(),
                detail: e.detail.clone(),
            })
            .collect(),
        roles: roles(),
        nodes,
        form: AddForm {
            losenord: String::new(),
            ..form
        },
    };
    render(&page, status)
}

/// `GET /admin`: accounts, rounds, imports and the administrators' log.
pub async fn overview(
    State(st): State<AppState>,
    viewer: Viewer,
    Query(q): Query<OverviewQuery>,
) -> Response {
    overview_page(
        &st,
        &viewer,
        q,
        String::new(),
        StatusCode::OK,
        AddForm::default(),
    )
    .await
}

/// `POST /admin/anvandare`: a local account with a password and a first grant.
pub async fn add_user(
    State(st): State<AppState>,
    viewer: Viewer,
    Form(f): Form<AddForm>,
) -> Response {
    let user = viewer.user.clone();
    let g = f.clone();
    let r = st
        .pool
        .run(move |s| {
            uc::require(s, &user)?;
            let role = Role::parse_or_err(&g.roll)?;
            uc::add_user(s, &user, g.namn.trim(), &g.losenord, role, g.nod.trim())
        })
        .await;
    match r {
        Ok(()) => Redirect::to(&format!(
            "/admin?klart=tillagd&namn={}#anvandare",
            url_encode(f.namn.trim())
        ))
        .into_response(),
        Err(e @ AppError::Forbidden(_)) => error_page(&e, Some(&viewer)),
        Err(e) => {
            let status = status_of(&e);
            overview_page(
                &st,
                &viewer,
                OverviewQuery::default(),
                e.to_string(),
                status,
                f,
            )
            .await
        }
    }
}

async fn user_page(
    st: &AppState,
    viewer: &Viewer,
    name: String,
    notice: String,
    message: String,
    status: StatusCode,
) -> Response {
    let user = viewer.user.clone();
    let n = name.clone();
    let r = st
        .pool
        .run(move |s| {
            let users = uc::users(s, &user)?;
            let u = users
                .into_iter()
                .find(|u| u.summary.name == n)
                .ok_or_else(|| {
                    AppError::NotFound(format!(
                    "användaren {n} finns inte; välj en användare i listan under Administration"
                ))
                })?;
            Ok((u, nodes(s)?))
        })
        .await;
    let (u, nodes) = match r {
        Ok(x) => x,
        Err(e) => return error_page(&e, Some(viewer)),
    };
    let page = UserPage {
        layout: Layout::of(viewer),
        notice,
        message,
        base: user_href(&name),
        has_password: u.has_password,
        created: format!(
            "{} av {}",
            time_of(&u.summary.created.0),
            u.summary.created.1
        ),
        locked: u
            .summary
            .locked_until
            .filter(|&t| t > crate::session::now())
            .map(|t| format!("spärrat till {}", crate::view::date_of(t)))
            .unwrap_or_default(),
        grants: u
            .summary
            .grants
            .iter()
            .map(|(r, node)| GrantRow {
                role: r.code().to_string(),
                role_label: r.label().to_string(),
                node_name: nodes
                    .iter()
                    .find(|(c, _)| c == node)
                    .map(|(_, l)| l.clone())
                    .unwrap_or_else(|| node.clone()),
                node: node.clone(),
            })
            .collect(),
        identities: u
            .identities
            .iter()
            .map(|i| {
                (
                    i.issuer.clone(),
                    format!("{} = {}", i.claim, i.subject),
                    i.last_login_at.as_deref().map(time_of).unwrap_or_default(),
                )
            })
            .collect(),
        roles: roles(),
        nodes,
        name,
    };
    render(&page, status)
}

/// `GET /admin/anvandare/{namn}`: one account with its grants and identities.
pub async fn user(
    State(st): State<AppState>,
    viewer: Viewer,
    Path(name): Path<String>,
    Query(q): Query<OverviewQuery>,
) -> Response {
    let notice = notice(&OverviewQuery {
        namn: Some(name.clone()),
        ..q
    });
    user_page(&st, &viewer, name, notice, String::new(), StatusCode::OK).await
}

/// A grant's fields.
#[derive(Deserialize)]
pub struct GrantForm {
    #[serde(default)]
    roll: String,
    #[serde(default)]
    nod: String,
}

async fn after_user_change(
    st: &AppState,
    viewer: &Viewer,
    name: String,
    r: Result<&'static str, AppError>,
) -> Response {
    match r {
        Ok(done) => Redirect::to(&format!("{}?klart={done}", user_href(&name))).into_response(),
        Err(e @ AppError::Forbidden(_)) => error_page(&e, Some(viewer)),
        Err(e) => {
            let status = status_of(&e);
            user_page(st, viewer, name, String::new(), e.to_string(), status).await
        }
    }
}

/// `POST /admin/anvandare/{namn}/behorighet`: grant a role on a node.
pub async fn grant(
    State(st): State<AppState>,
    viewer: Viewer,
    Path(name): Path<String>,
    Form(f): Form<GrantForm>,
) -> Response {
    let user = viewer.user.clone();
    let n = name.clone();
    let r = st
        .pool
        .run(move |s| {
            uc::require(s, &user)?;
            let role = Role::parse_or_err(&f.roll)?;
            let done = uc::grant(s, &user, &n, role, f.nod.trim())?;
            Ok(if done {
                "behorighet"
            } else {
                "behorighet-fanns"
            })
        })
        .await;
    after_user_change(&st, &viewer, name, r).await
}

/// `POST /admin/anvandare/{namn}/ta-bort-behorighet`: withdraw a grant.
pub async fn revoke(
    State(st): State<AppState>,
    viewer: Viewer,
    Path(name): Path<String>,
    Form(f): Form<GrantForm>,
) -> Response {
    let user = viewer.user.clone();
    let n = name.clone();
    let r = st
        .pool
        .run(move |s| {
            uc::require(s, &user)?;
            let role = Role::parse_or_err(&f.roll)?;
            uc::revoke(s, &user, &n, role, f.nod.trim())?;
            Ok("aterkallad")
        })
        .await;
    after_user_change(&st, &viewer, name, r).await
}

/// The removal form: the box must be ticked.
#[derive(Deserialize)]
pub struct RemoveForm {
    bekrafta: Option<String>,
}

/// `POST /admin/anvandare/{namn}/ta-bort`: remove an account (the confirmation box ticked).
pub async fn remove_user(
    State(st): State<AppState>,
    viewer: Viewer,
    Path(name): Path<String>,
    Form(f): Form<RemoveForm>,
) -> Response {
    let user = viewer.user.clone();
    let n = name.clone();
    let r = st
        .pool
        .run(move |s| {
            uc::require(s, &user)?;
            if f.bekrafta.as_deref() != Some("ja") {
                delar_app::fail!(
                    "kontot {n} togs inte bort: kryssa i rutan \"Ja, ta bort kontot\" först"
                );
            }
            uc::remove_user(s, &user, &n)
        })
        .await;
    match r {
        Ok(()) => Redirect::to(&format!(
            "/admin?klart=borttagen&namn={}#anvandare",
            url_encode(&name)
        ))
        .into_response(),
        Err(e) => after_user_change(&st, &viewer, name, Err(e)).await,
    }
}

/// The deadline form: a date, or empty to remove it.
#[derive(Deserialize)]
pub struct DeadlineForm {
    #[serde(default)]
    tidsfrist: String,
}

async fn after_round_change(
    st: &AppState,
    viewer: &Viewer,
    round: String,
    r: Result<&'static str, AppError>,
) -> Response {
    match r {
        Ok(done) => Redirect::to(&format!(
            "/admin?klart={done}&omgang={}#omgangar",
            url_encode(&round)
        ))
        .into_response(),
        Err(e @ (AppError::Forbidden(_) | AppError::NotFound(_))) => error_page(&e, Some(viewer)),
        Err(e) => {
            let status = status_of(&e);
            overview_page(
                st,
                viewer,
                OverviewQuery::default(),
                e.to_string(),
                status,
                AddForm::default(),
            )
            .await
        }
    }
}

/// `POST /admin/omgang/{omgång}/tidsfrist`: set or remove a round's deadline.
pub async fn deadline(
    State(st): State<AppState>,
    viewer: Viewer,
    Path(omgang): Path<String>,
    Form(f): Form<DeadlineForm>,
) -> Response {
    let user = viewer.user.clone();
    let o = omgang.clone();
    let r = st
        .pool
        .run(move |s| {
            uc::require(s, &user)?;
            let round = parse_round(&o)?;
            let t = f.tidsfrist.trim();
            uc::set_deadline(s, &user, &round, (!t.is_empty()).then_some(t))?;
            Ok("tidsfrist")
        })
        .await;
    after_round_change(&st, &viewer, omgang, r).await
}

/// `POST /admin/omgang/{omgång}/las`: lock a round.
pub async fn lock(
    State(st): State<AppState>,
    viewer: Viewer,
    Path(omgang): Path<String>,
) -> Response {
    let user = viewer.user.clone();
    let o = omgang.clone();
    let r = st
        .pool
        .run(move |s| {
            uc::require(s, &user)?;
            let round = parse_round(&o)?;
            uc::lock_round(s, &user, &round)?;
            Ok("last")
        })
        .await;
    after_round_change(&st, &viewer, omgang, r).await
}
