//! The controller's overview (`/oversikt/{omgång}`): the nodes in scope with figures that
//! agree with the stored lines, sorting and filtering by the query string, and the CSV and
//! Excel exports of exactly the rows shown.

mod common;

use axum::http::StatusCode;
use calamine::Data;
use common::*;
use delar_core::{Amount, Unit};
use delar_store::prelude::*;

/// The rows of the page: (code, the cells' text) in order.
fn rows(body: &str) -> Vec<(String, Vec<String>)> {
    let Some(start) = body.find("<tbody>") else {
        return Vec::new();
    };
    let table = &body[start..body[start..].find("</tbody>").unwrap() + start];
    table
        .split("<tr>")
        .skip(1)
        .map(|tr| {
            let a = &tr[tr.find("<a href=").unwrap()..];
            let text = &a[a.find('>').unwrap() + 1..];
            let code = text.split(' ').next().unwrap().to_string();
            let cells = tr
                .split("<td")
                .skip(1)
                .map(|td| {
                    let inner = &td[td.find('>').unwrap() + 1..td.find("</td>").unwrap()];
                    // Strip tags (the status badge, the years' span).
                    let mut out = String::new();
                    let mut tag = false;
                    for c in inner.chars() {
                        match c {
                            '<' => tag = true,
                            '>' => tag = false,
                            c if !tag => out.push(c),
                            _ => {}
                        }
                    }
                    out.trim().to_string()
                })
                .collect();
            (code, cells)
        })
        .collect()
}

fn tkr(a: Amount) -> String {
    a.format(Unit::Tkr, 0)
}

/// The full-year forecast of every line under `node` (the node itself included) in a round.
fn forecast_under(s: &delar_store::SqlStore, round: &str, node: &str) -> Amount {
    let r = delar_core::Round::parse(ROUND).unwrap();
    let tree = s.organisation().unwrap().tree_at(r.cutoff_month());
    s.forecast_lines(round)
        .unwrap()
        .iter()
        .filter(|l| l.node == node || tree.ancestors(&l.node).iter().any(|a| a.code == node))
        .map(|l| l.full_year())
        .sum()
}

#[tokio::test]
async fn the_overview_shows_the_nodes_in_scope_with_their_figures() {
    let app = App::new();
    let cookie = app.login("ekonom-sn").await;
    let r = app.get(&format!("/oversikt/{ROUND}"), Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rows = rows(&r.body);
    let codes: Vec<&str> = rows.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes[0], "SN", "the top node first: {codes:?}");
    assert!(codes.contains(&"SN41") && codes.contains(&"SN42"));
    assert!(!codes.iter().any(|c| c.starts_with("VON")), "{codes:?}");
    let s = app.store();
    // Forecast, deviation and the change since 2025-P1 agree with the stored lines.
    for code in ["SN", "SN41"] {
        let (_, cells) = rows.iter().find(|(c, _)| c == code).unwrap();
        let now = forecast_under(&s, ROUND, code);
        let before = forecast_under(&s, PREVIOUS, code);
        assert_eq!(cells[1], tkr(now), "{code} forecast");
        assert_eq!(
            cells[3],
            tkr(now - before),
            "{code} change since {PREVIOUS}"
        );
    }
    // SN41's flagged lines and lines missing a comment, counted from the store.
    let sn41 = lines(&s, "SN41");
    let (_, cells) = rows.iter().find(|(c, _)| c == "SN41").unwrap();
    let flagged = sn41.iter().filter(|d| !d.flags.is_empty()).count();
    let missing = sn41
        .iter()
        .filter(|d| delar_app::workflow::missing_comment(d).is_some())
        .count();
    assert_eq!(cells[4], flagged.to_string());
    assert_eq!(cells[5], missing.to_string());
    assert_eq!(cells[0], "utkast");
    // The accuracy of earlier years: the replayed years of SN41's lines.
    assert!(
        cells[6].starts_with('±') && cells[6].ends_with(" år"),
        "{}",
        cells[6]
    );
    // The start page links to it.
    let start = app.get("/", Some(&cookie)).await;
    assert!(start.body.contains(&format!("href=\"/oversikt/{ROUND}\"")));
}

#[tokio::test]
async fn sorting_and_filters_follow_the_query_string() {
    let app = App::new();
    let cookie = app.login("ekonom-sn").await;
    let page = |q: String| {
        let app = &app;
        let cookie = cookie.clone();
        async move {
            let r = app
                .get(&format!("/oversikt/{ROUND}?{q}"), Some(&cookie))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
            (r.body.clone(), rows(&r.body))
        }
    };
    let num = |s: &str| -> i64 {
        s.replace(['\u{a0}', ' '], "")
            .replace('−', "-")
            .parse()
            .unwrap()
    };
    let (_, all) = page(String::new()).await;
    let (body, desc) = page("sortera=prognos&ordning=fallande".into()).await;
    assert_eq!(desc.len(), all.len());
    let f: Vec<i64> = desc.iter().map(|(_, c)| num(&c[1])).collect();
    assert!(f.windows(2).all(|w| w[0] >= w[1]), "{f:?}");
    assert!(body.contains("aria-sort=\"descending\""));
    // The header link of the sorted column sorts the other way; the others start ascending.
    assert!(body.contains(&format!("href=\"/oversikt/{ROUND}?sortera=prognos\"")));
    assert!(body.contains(&format!("href=\"/oversikt/{ROUND}?sortera=avvikelse\"")));
    let (_, asc) = page("sortera=avvikelse".into()).await;
    let d: Vec<i64> = asc.iter().map(|(_, c)| num(&c[2])).collect();
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    // Filters: flagged, missing comments, a state, text.
    let (_, flagged) = page("flaggade=1".into()).await;
    assert!(!flagged.is_empty() && flagged.len() < all.len());
    assert!(flagged.iter().all(|(_, c)| c[4] != "0"));
    let (_, missing) = page("saknar=1".into()).await;
    assert!(missing.iter().all(|(_, c)| c[5] != "0"));
    let (_, found) = page("sok=sn4".into()).await;
    assert!(!found.is_empty() && found.iter().all(|(c, _)| c.starts_with("SN4")));
    {
        let mut s = app.store();
        comment_all(&mut s, "SN41");
        let round = delar_core::Round::parse(ROUND).unwrap();
        delar_app::workflow::change_state(
            &mut s,
            "enhetschef-sn41",
            &round,
            "SN41",
            delar_app::workflow::Step::Submit,
            None,
            "",
        )
        .unwrap();
    }
    let (_, submitted) = page("status=inskickad".into()).await;
    let codes: Vec<&str> = submitted.iter().map(|(c, _)| c.as_str()).collect();
    assert!(
        codes.contains(&"SN41") && codes.contains(&"SN"),
        "{codes:?}"
    );
    assert!(!codes.contains(&"SN42"), "{codes:?}");
    // Unknown columns and states are refused with what may be used.
    for q in ["sortera=lon", "status=klar", "format=pdf"] {
        let r = app
            .get(&format!("/oversikt/{ROUND}?{q}"), Some(&cookie))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert!(r.body.contains("använd"), "{q}: {}", r.body);
    }
}

#[tokio::test]
async fn the_exports_hold_exactly_the_rows_shown() {
    let app = App::new();
    let cookie = app.login("ekonom").await;
    let q = "sortera=avvikelse&ordning=fallande&sok=sn";
    let page = app
        .get(&format!("/oversikt/{ROUND}?{q}"), Some(&cookie))
        .await;
    let shown = rows(&page.body);
    assert!(shown.len() > 3);
    // CSV: BOM, semicolons, CRLF, decimal comma, the same rows in the same order.
    let csv = app
        .get(&format!("/oversikt/{ROUND}.csv?{q}"), Some(&cookie))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
    assert!(csv.bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = std::str::from_utf8(&csv.bytes[3..]).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(
        lines[0].starts_with("Nod;Namn;Nivå;Status;"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains(&format!("Förändring sedan {PREVIOUS} (tkr)")));
    assert_eq!(lines.len() - 1, shown.len());
    let s = app.store();
    for (line, (code, cells)) in lines[1..].iter().zip(&shown) {
        let f: Vec<&str> = line.split(';').collect();
        assert_eq!(f[0], code);
        let exact = forecast_under(&s, ROUND, code);
        let tenths = (exact.ore().abs() + 5_000) / 10_000;
        let sign = if exact.ore() < 0 && tenths != 0 {
            "-"
        } else {
            ""
        };
        assert_eq!(
            f[6],
            format!("{sign}{},{}", tenths / 10, tenths % 10),
            "{code}"
        );
        assert_eq!(f[9], cells[4], "{code} flagged");
        assert_eq!(f[10], cells[5], "{code} missing");
        assert!(!f[6].contains(' ') && !f[6].contains('.'));
    }
    // The same with ?format=csv.
    let again = app
        .get(&format!("/oversikt/{ROUND}?{q}&format=csv"), Some(&cookie))
        .await;
    assert_eq!(again.bytes, csv.bytes);
    // Excel: the same rows, amounts as numbers in tkr exact to the öre.
    let x = app
        .get(&format!("/oversikt/{ROUND}.xlsx?{q}"), Some(&cookie))
        .await;
    assert_eq!(x.status, StatusCode::OK, "{}", x.body);
    assert!(x
        .header("content-disposition")
        .contains("oversikt-2025-P2.xlsx"));
    let book = read(&x.bytes);
    let (name, cells) = &book[0];
    assert_eq!(name, "Översikt");
    assert_eq!(cells[2][0], Data::String("Nod".into()));
    let data: Vec<&Vec<Data>> = cells.iter().skip(3).collect();
    assert_eq!(data.len(), shown.len());
    for (row, (code, _)) in data.iter().zip(&shown) {
        assert_eq!(row[0], Data::String(code.clone()));
        let exact = forecast_under(&s, ROUND, code).ore() as f64 / 100_000.0;
        match &row[6] {
            Data::Float(v) => assert!((v - exact).abs() < 1e-9, "{code}: {v} {exact}"),
            other => panic!("{code}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_unit_manager_sees_only_their_own_units() {
    let app = App::new();
    let cookie = app.login("enhetschef-sn41").await;
    let r = app.get(&format!("/oversikt/{ROUND}"), Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK);
    let own = rows(&r.body);
    let codes: Vec<&str> = own.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["SN41"]);
    // Read from the unit's own lines only, the row says exactly what the controller's
    // overview (read from the whole round) says of the same unit: status, forecast,
    // deviation, change since the round before, flags, missing comments and accuracy.
    let boss = app.login("ekonom-sn").await;
    let all = rows(
        &app.get(&format!("/oversikt/{ROUND}"), Some(&boss))
            .await
            .body,
    );
    let theirs = all.iter().find(|(c, _)| c == "SN41").unwrap();
    assert_eq!(own[0].1, theirs.1);
    assert!(
        !own[0].1[3].is_empty(),
        "the change since {PREVIOUS} is shown"
    );
    let csv = app
        .get(&format!("/oversikt/{ROUND}.csv"), Some(&cookie))
        .await;
    let text = String::from_utf8_lossy(&csv.bytes[3..]).into_owned();
    assert_eq!(text.lines().count(), 2, "{text}");
}
