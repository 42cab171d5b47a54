//! The report's texts in the browser (issue 19 part 2): `/text/{omgång}` lists the drafted
//! analysis and proposal paragraphs of the round's report (the keys `delar text` has), each
//! with its text and bound figures (`{tabell.rad.kolumn}`) and their values, the rendered
//! preview and every edit with author and time; an ekonom on the paragraph's node edits,
//! previews and restores it. Every rule is `delar_app::texts`'s.

use crate::pages::{error_page, parse_round, render, status_of, Layout};
use crate::session::Viewer;
use crate::view;
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use delar_app::texts::{self as tx, TextView};
use delar_app::AppError;
use serde::Deserialize;

/// One paragraph on the page.
pub struct TextRow {
    /// Index on the page.
    pub idx: usize,
    /// The key (`analys.SN`).
    pub key: String,
    /// The section it is in.
    pub section: String,
    /// The text in the form (the edit, else the draft, or what was typed).
    pub text: String,
    /// Whether an edit is in force.
    pub edited: bool,
    /// The rendered paragraph.
    pub rendered: String,
    /// The bound figures and their values.
    pub bindings: Vec<(String, String)>,
    /// Version for the form.
    pub version: i64,
    /// History: when, who, what.
    pub history: Vec<(String, String, String)>,
    /// The person may edit it.
    pub may_edit: bool,
    /// This is the paragraph previewed (not saved).
    pub previewed: bool,
    /// A refusal for this paragraph.
    pub error: String,
}

#[derive(Template)]
#[template(path = "texts.html")]
struct TextsPage {
    layout: Layout,
    round: String,
    action: String,
    notice: String,
    rows: Vec<TextRow>,
}

fn rows(views: Vec<TextView>, preview: Option<&(String, String)>, error: &str) -> Vec<TextRow> {
    views
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let previewed = preview.is_some_and(|(k, _)| *k == v.draft.key);
            let text = match preview {
                Some((k, t)) if *k == v.draft.key => t.clone(),
                _ => v
                    .draft
                    .edit
                    .clone()
                    .unwrap_or_else(|| v.draft.draft.clone()),
            };
            TextRow {
                idx: i,
                // A preview puts the typed text in place of the edit: what is stored decides.
                edited: if previewed {
                    v.history.last().is_some_and(|c| c.text.is_some())
                } else {
                    v.draft.edit.is_some()
                },
                section: v.draft.section.clone(),
                rendered: v.draft.rendered.clone(),
                bindings: v.bindings,
                version: v.version,
                history: v
                    .history
                    .iter()
                    .map(|c| {
                        (
                            view::time(&c.at),
                            c.by.clone(),
                            c.text
                                .clone()
                                .unwrap_or_else(|| "(utkastet gäller igen)".to_string()),
                        )
                    })
                    .collect(),
                may_edit: v.may_edit,
                error: if previewed || (preview.is_none() && !error.is_empty() && i == 0) {
                    error.to_string()
                } else {
                    String::new()
                },
                previewed,
                text,
                key: v.draft.key,
            }
        })
        .collect()
}

/// The page: with `preview` that key shown as typed (and rendered as typed when its figures
/// bind), with `error` the refusal shown at it.
async fn texts_page(
    st: &AppState,
    viewer: &Viewer,
    omgang: String,
    notice: String,
    preview: Option<(String, String)>,
    error: Option<(StatusCode, String)>,
) -> Response {
    let user = viewer.user.clone();
    let o = omgang.clone();
    // A preview that fails (a figure pointing nowhere) shows the page as stored with the
    // typed text and the message.
    let p = preview.clone().filter(|_| error.is_none());
    let r = st
        .pool
        .run(move |s| {
            let round = parse_round(&o)?;
            match tx::text_page(
                s,
                &user,
                round,
                p.as_ref().map(|(k, t)| (k.as_str(), t.as_str())),
            ) {
                Ok(v) => Ok((v, None)),
                Err(e @ AppError::Invalid(_)) if p.is_some() => {
                    Ok((tx::text_page(s, &user, round, None)?, Some(e.to_string())))
                }
                Err(e) => Err(e),
            }
        })
        .await;
    let (views, preview_error) = match r {
        Ok(x) => x,
        Err(e) => return error_page(&e, Some(viewer)),
    };
    let (status, msg) = match (error, preview_error) {
        (Some((s, m)), _) => (s, m),
        (None, Some(m)) => (StatusCode::UNPROCESSABLE_ENTITY, m),
        (None, None) => (StatusCode::OK, String::new()),
    };
    let page = TextsPage {
        layout: Layout::of(viewer),
        action: format!("/text/{}", view::url_encode(&omgang)),
        round: omgang,
        notice,
        rows: rows(views, preview.as_ref(), &msg),
    };
    render(&page, status)
}

/// The page's query.
#[derive(Deserialize)]
pub struct TextsQuery {
    sparat: Option<String>,
    aterstallt: Option<String>,
}

/// `GET /text/{omgång}`: the round's report texts.
pub async fn texts(
    State(st): State<AppState>,
    viewer: Viewer,
    Path(omgang): Path<String>,
    Query(q): Query<TextsQuery>,
) -> Response {
    let notice = match (&q.sparat, &q.aterstallt) {
        (Some(k), _) => format!("Texten {k} är sparad."),
        (None, Some(k)) => format!("Utkastet gäller igen för {k}."),
        _ => String::new(),
    };
    texts_page(&st, &viewer, omgang, notice, None, None).await
}

/// A text's form: `atgard` `spara`, `forhandsgranska` or `aterstall`.
#[derive(Deserialize)]
pub struct TextForm {
    nyckel: String,
    version: i64,
    #[serde(default)]
    text: String,
    atgard: String,
}

/// `POST /text/{omgång}`: save, preview or restore one paragraph.
pub async fn change_text(
    State(st): State<AppState>,
    viewer: Viewer,
    Path(omgang): Path<String>,
    Form(f): Form<TextForm>,
) -> Response {
    if f.atgard == "forhandsgranska" {
        let preview = Some((f.nyckel.clone(), f.text.clone()));
        return texts_page(&st, &viewer, omgang, String::new(), preview, None).await;
    }
    let user = viewer.user.clone();
    let o = omgang.clone();
    let (key, text, version, action) = (f.nyckel.clone(), f.text.clone(), f.version, f.atgard);
    let k = key.clone();
    let r = st
        .pool
        .run(move |s| {
            let round = parse_round(&o)?;
            match action.as_str() {
                "spara" => {
                    tx::set_text_as(s, &user, round, &k, &text, Some(version))?;
                    Ok(format!("sparat={}", view::url_encode(&k)))
                }
                "aterstall" => {
                    tx::reset_text_as(s, &user, round, &k, Some(version))?;
                    Ok(format!("aterstallt={}", view::url_encode(&k)))
                }
                other => Err(AppError::Invalid(format!(
                    "åtgärden \"{other}\" finns inte; använd knapparna på sidan"
                ))),
            }
        })
        .await;
    match r {
        Ok(q) => Redirect::to(&format!("/text/{}?{q}", view::url_encode(&omgang))).into_response(),
        Err(e @ (AppError::Forbidden(_) | AppError::Unauthorized(_))) => {
            error_page(&e, Some(&viewer))
        }
        Err(e) => {
            let status = status_of(&e);
            let msg = format!("Texten {key} sparades inte: {e}");
            texts_page(
                &st,
                &viewer,
                omgang,
                String::new(),
                Some((key, f.text)),
                Some((status, msg)),
            )
            .await
        }
    }
}
