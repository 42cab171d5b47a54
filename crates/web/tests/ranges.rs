//! The 80 % ranges on the forecast sheet: each line's next to the recommended forecast, the
//! node total's in the summary, from what the application computes for `forecast show`; the
//! alternatives with their backtest error under a `<details>` that needs no script.

mod common;

use axum::http::StatusCode;
use common::{lines, App, ROUND};
use delar_core::{Round, Unit};

fn range(r: (delar_core::Amount, delar_core::Amount)) -> String {
    format!(
        "mellan {} och {}",
        r.0.format(Unit::Tkr, 0),
        r.1.format(Unit::Tkr, 0)
    )
}

#[tokio::test]
async fn lines_and_the_total_show_their_80_percent_range() {
    let app = App::new();
    let chef = app.login("enhetschef-sn21").await;
    let page = app.get("/prognos/2025-P2/SN21", Some(&chef)).await;
    assert_eq!(page.status, StatusCode::OK);
    let details = lines(&app.store(), "SN21");
    let mut shown = 0;
    for d in &details {
        if let Some(r) = delar_app::forecast::line_range(d) {
            let text = format!("80 % sannolikhet: {}</small>", range(r));
            assert!(page.body.contains(&text), "{}: {text}", d.line.group);
            shown += 1;
        }
    }
    assert!(shown > 0, "some line has replayed years");
    let view =
        delar_app::forecast::round_view(&app.store(), &Round::parse(ROUND).unwrap(), Some("SN21"))
            .unwrap();
    let total = view.nodes[0].range.expect("the node's range");
    assert!(
        page.body
            .contains(&format!("<td>{}</td></tr></tbody>", range(total))),
        "{}",
        range(total)
    );
    // Every method with its backtest error, on demand without a script.
    assert!(page
        .body
        .contains("<details><summary>Alla metoder</summary>"));
    assert!(page.body.contains("Medelfel i efterhand"));
    // (the page's one script is the embedded /delar.js; `<details>` needs none)
    assert_eq!(
        page.body.matches("<script").count(),
        page.body
            .matches("<script src=\"/delar.js\" defer></script>")
            .count()
    );
    for d in &details {
        for e in d.estimates.iter().filter(|e| e.mae.is_some()) {
            let err = format!("{} ({} år)", e.mae.unwrap().format(Unit::Tkr, 0), e.years);
            assert!(page.body.contains(&err), "{}: {err}", d.line.group);
        }
    }
}
