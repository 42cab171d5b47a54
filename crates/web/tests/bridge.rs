//! The P1 → P2 bridge of a node as a page.

mod common;

use axum::http::StatusCode;
use common::{lines, App, PREVIOUS, ROUND};
use delar_core::{Amount, Unit};
use delar_store::prelude::*;

fn total(s: &delar_store::SqlStore, round: &str, under: impl Fn(&str) -> bool) -> Amount {
    s.forecast_lines(round)
        .unwrap()
        .iter()
        .filter(|l| under(&l.node))
        .map(|l| l.full_year())
        .sum()
}

#[tokio::test]
async fn the_bridge_shows_the_change_since_p1_line_by_line_with_reasons() {
    let app = App::new();
    let ek = app.login("ekonom-sn").await;
    // The sheet links to the bridge.
    let sheet = app.get("/prognos/2025-P2/SN41", Some(&ek)).await;
    assert!(sheet.body.contains("href=\"/prognos/2025-P2/SN41/brygga\""));
    let d = &lines(&app.store(), "SN41")[0];
    let v = d.version.to_string();
    let r = app
        .post(
            "/prognos/2025-P2/SN41/rad",
            Some(&ek),
            &[
                ("grupp", &d.line.group),
                ("version", &v),
                ("belopp", "54 321"),
                ("kommentar", "Fler placeringar <b>sedan</b> juni."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app.get("/prognos/2025-P2/SN41/brygga", Some(&ek)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("från 2025-P1 till 2025-P2"), "{}", r.body);
    let s = app.store();
    let prev = total(&s, PREVIOUS, |n| n == "SN41");
    let cur = total(&s, ROUND, |n| n == "SN41");
    assert_ne!(prev, cur);
    for a in [prev, cur] {
        assert!(
            r.body.contains(&format!(
                "<td class=\"tal\">{}</td>",
                a.format(Unit::Tkr, 0)
            )),
            "{}",
            a.format(Unit::Tkr, 0)
        );
    }
    // The changed line, with the person's reason shown as text.
    assert!(r
        .body
        .contains(&format!("<th scope=\"row\">{}</th>", d.line.group)));
    assert!(r.body.contains("54\u{a0}321"));
    assert!(
        r.body
            .contains("Fler placeringar &#60;b&#62;sedan&#60;/b&#62; juni.")
            || r.body
                .contains("Fler placeringar &lt;b&gt;sedan&lt;/b&gt; juni."),
        "{}",
        r.body
    );
    assert!(!r.body.contains("<b>sedan</b>"));
    // A committee's bridge covers every unit under it, with links to their sheets.
    let r = app.get("/prognos/2025-P2/SN/brygga", Some(&ek)).await;
    assert_eq!(r.status, StatusCode::OK);
    let tree = s
        .organisation()
        .unwrap()
        .tree_at(delar_core::Round::parse(ROUND).unwrap().cutoff_month());
    let under = |n: &str| delar_app::auth::Access::covers(&tree, "SN", n);
    let change = total(&s, ROUND, under) - total(&s, PREVIOUS, under);
    let shown = if change.ore() > 0 {
        format!("+{}", change.format(Unit::Tkr, 0))
    } else {
        change.format(Unit::Tkr, 0)
    };
    assert!(
        r.body.contains(&format!("<td class=\"tal\">{shown}</td>")),
        "{shown}"
    );
    assert!(r.body.contains("href=\"/prognos/2025-P2/SN41\""));
}

#[tokio::test]
async fn a_round_without_an_earlier_one_says_so() {
    let app = App::new();
    let ek = app.login("ekonom-sn").await;
    let r = app.get("/prognos/2025-P1/SN41/brygga", Some(&ek)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.body
            .contains("ingen tidigare omgång att jämföra 2025-P1 med"),
        "{}",
        r.body
    );
    let chef = app.login("enhetschef-sn41").await;
    let r = app.get("/prognos/2025-P2/SN42/brygga", Some(&chef)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
