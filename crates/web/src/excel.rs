//! The forecast sheet as an Excel workbook both ways: `GET /prognos/{omgång}/{nod}.xlsx`
//! downloads a unit's sheet, `POST /prognos/{omgång}/{nod}/excel` (multipart, field `fil`)
//! uploads it back. What the workbook holds and how an upload is checked and applied (all or
//! nothing, refused when a line changed since the download) is `delar_app::sheet_xlsx`.

use crate::pages::{error_page, parse_round, upload_refused_page};
use crate::report::download as file_response;
use crate::session::{self, Viewer};
use crate::view;
use crate::AppState;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use delar_app::sheet_xlsx::{self, MAX_UPLOAD};
use delar_app::AppError;

/// The request body limit of the upload route: the workbook plus the form around it.
pub const BODY_LIMIT: usize = MAX_UPLOAD + 64 * 1024;

/// The content type of an .xlsx workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `2025-09-12 08:15 UTC` of a time in seconds since the epoch.
fn utc_text(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let date = delar_core::Date::new(1970, 1, 1)
        .ok()
        .and_then(|d| d.add_days(days).ok())
        .map(|d| d.to_string())
        .unwrap_or_default();
    format!("{date} {:02}:{:02} UTC", rem / 3600, rem % 3600 / 60)
}

/// `GET /prognos/{omgång}/{nod}.xlsx` (reached through the sheet's route): the unit's sheet as
/// a workbook.
pub async fn download(st: &AppState, viewer: &Viewer, omgang: String, nod: String) -> Response {
    let user = viewer.user.clone();
    let now = utc_text(session::now());
    let r = st
        .pool
        .run(move |s| {
            let round = parse_round(&omgang)?;
            sheet_xlsx::download(s, &user, &round, &nod, &now)
        })
        .await;
    match r {
        Ok(f) => file_response(f.bytes, XLSX, &f.file_name),
        Err(e) => error_page(&e, Some(viewer)),
    }
}

/// A file name as the browser sent it, without any path, at most 100 characters.
fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    last.chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect::<String>()
        .trim()
        .to_string()
}

/// The Swedish words for a multipart body that could not be read.
fn unreadable(e: &MultipartError) -> (StatusCode, String) {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "Filen laddades inte upp: den är större än {} kB. Ett prognosblad är några kB; \
                 ladda ner bladet på nytt och fyll i det.",
                MAX_UPLOAD / 1024
            ),
        )
    } else {
        (
            StatusCode::BAD_REQUEST,
            "Filen laddades inte upp: förfrågan kunde inte läsas. Välj filen i formuläret på \
             prognosbladet och ladda upp den igen."
                .to_string(),
        )
    }
}

/// `POST /prognos/{omgång}/{nod}/excel`: an uploaded workbook, applied whole or not at all;
/// success redirects to the sheet (`?uppladdat=N`), a refusal shows the sheet with every
/// problem.
pub async fn upload(
    State(st): State<AppState>,
    viewer: Viewer,
    Path((omgang, nod)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let refuse = |status: StatusCode, msg: String| {
        let (st, viewer, omgang, nod) = (st.clone(), viewer.clone(), omgang.clone(), nod.clone());
        async move { upload_refused_page(&st, &viewer, omgang, nod, status, msg).await }
    };
    let mut mp = match multipart {
        Ok(m) => m,
        Err(_) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "Filen laddades inte upp: skicka den med formuläret \"Ladda upp\" på \
                 prognosbladet."
                    .to_string(),
            )
            .await
        }
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                if field.name() != Some("fil") {
                    continue;
                }
                let name = clean_name(field.file_name().unwrap_or(""));
                match field.bytes().await {
                    Ok(b) => file = Some((name, b.to_vec())),
                    Err(e) => {
                        let (s, m) = unreadable(&e);
                        return refuse(s, m).await;
                    }
                }
            }
            Ok(None) => break,
            Err(e) => {
                let (s, m) = unreadable(&e);
                return refuse(s, m).await;
            }
        }
    }
    let Some((name, bytes)) = file else {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Ingen fil kom med; välj den ifyllda Excel-filen och ladda upp den igen.".to_string(),
        )
        .await;
    };
    let user = viewer.user.clone();
    let (o, n) = (omgang.clone(), nod.clone());
    let r = st
        .pool
        .write(move |s| {
            let round = parse_round(&o)?;
            sheet_xlsx::upload(s, &user, &round, &n, &name, &bytes)
        })
        .await;
    match r {
        Ok(u) => Redirect::to(&format!(
            "/prognos/{}/{}?uppladdat={}",
            view::url_encode(&omgang),
            view::url_encode(&nod),
            u.changed.len()
        ))
        .into_response(),
        Err(e @ (AppError::Forbidden(_) | AppError::NotFound(_) | AppError::Unauthorized(_))) => {
            error_page(&e, Some(&viewer))
        }
        Err(e) => refuse(crate::pages::status_of(&e), e.to_string()).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_file_names() {
        assert_eq!(utc_text(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_text(1_757_664_900), "2025-09-12 08:15 UTC");
        assert_eq!(clean_name("C:\\fakepath\\prognos.xlsx"), "prognos.xlsx");
        assert_eq!(clean_name("/tmp/a/<b>.xlsx"), "<b>.xlsx");
        assert_eq!(clean_name(&"x".repeat(300)).len(), 100);
        assert_eq!(clean_name("a\u{0}b\n.xlsx"), "ab.xlsx");
    }
}
