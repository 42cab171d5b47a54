//! The P1 → P2 bridge of a node as a page (`/prognos/{omgång}/{nod}/brygga`): the earlier
//! round's forecast, every changed line with its change and reasons, and this round's
//! forecast, from `delar_app::workflow::node_bridge`.

use crate::pages::{error_page, parse_round, render, Layout};
use crate::session::Viewer;
use crate::view::{self, tkr};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

/// One changed line of the bridge.
pub struct BridgeLine {
    /// `NOD` (linked when it is another node than the page's).
    pub node: String,
    /// Its sheet.
    pub href: String,
    /// Kontogrupp.
    pub group: String,
    /// The earlier round's forecast (tkr).
    pub previous: String,
    /// This round's (tkr).
    pub current: String,
    /// The change (tkr).
    pub change: String,
    /// The change is an increase of the forecast (a larger cost or a smaller revenue).
    pub up: bool,
    /// Why, in Swedish.
    pub reasons: String,
}

#[derive(Template)]
#[template(path = "bridge.html")]
struct BridgePage {
    layout: Layout,
    round: String,
    from: String,
    code: String,
    name: String,
    back: String,
    previous: String,
    current: String,
    change: String,
    rows: Vec<BridgeLine>,
    unchanged: usize,
}

/// `GET /prognos/{omgång}/{nod}/brygga`.
pub async fn bridge(
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
            delar_app::workflow::node_bridge(s, &user, &round, &n)
        })
        .await;
    let b = match r {
        Ok(b) => b,
        Err(e) => return error_page(&e, Some(&viewer)),
    };
    let id = b.auth.round.round.id();
    let rows = b
        .rows
        .iter()
        .map(|r| BridgeLine {
            href: format!(
                "/prognos/{}/{}",
                view::url_encode(&id),
                view::url_encode(&r.node)
            ),
            node: r.node.clone(),
            group: r.group.clone(),
            previous: tkr(r.previous),
            current: tkr(r.current),
            change: signed(r.change),
            up: r.change.ore() > 0,
            reasons: if r.reasons.is_empty() {
                "nytt utfall".to_string()
            } else {
                r.reasons.join(" ")
            },
        })
        .collect();
    let page = BridgePage {
        layout: Layout::of(&viewer),
        back: format!(
            "/prognos/{}/{}",
            view::url_encode(&id),
            view::url_encode(&nod)
        ),
        from: b.from.id(),
        round: id,
        code: nod,
        name: b.name,
        previous: tkr(b.previous),
        current: tkr(b.current),
        change: signed(b.current - b.previous),
        rows,
        unchanged: b.unchanged,
    };
    render(&page, StatusCode::OK)
}

/// A change in whole tkr with its sign (`+1 234`, `−12`, `0`).
pub fn signed(a: delar_core::Amount) -> String {
    if a.ore() > 0 {
        format!("+{}", tkr(a))
    } else {
        tkr(a)
    }
}
