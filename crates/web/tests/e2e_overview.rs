//! The controller's overview in headless Chromium (shared harness `tests/browser`): the
//! committee's controller opens `/oversikt/2025-P2` from the start page, sorts by deviation
//! with the column header (twice: `aria-sort` follows), filters to units missing comments
//! with the form (no script needed), searches a node, downloads the CSV of exactly that view
//! and checks it against the table on the page; a unit manager sees only their own unit.
//! axe-core runs on every state of the page: no serious or critical violations.
//! `DELAR_SKARMBILDER=1` saves `docs/images/oversikt.png`.

mod browser;
mod common;

use common::{App, ROUND};
use fantoccini::Locator;
use serde_json::Value;

/// The table's rows as the page shows them: code (first word of the row header) and the
/// cells' text.
const ROWS_JS: &str = "return Array.from(document.querySelectorAll('table.oversikt tbody tr'))
    .map(tr => [tr.querySelector('th').innerText.split(' ')[0]]
        .concat(Array.from(tr.querySelectorAll('td')).map(td => td.innerText.trim())));";

/// A CSV amount (`-1234,5`) in whole tkr as the page writes it (`−1 235`, plain spaces).
fn page_tkr(csv: &str) -> String {
    if csv.is_empty() {
        return String::new();
    }
    let v: f64 = csv.replace(',', ".").parse().unwrap();
    let whole = v.abs().round() as i64;
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    if v < 0.0 && whole != 0 {
        format!("−{out}")
    } else {
        out
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_sorts_filters_and_exports_what_it_shows() {
    let app = App::new();
    let pages = [
        "översikt",
        "översikt sorterad",
        "översikt filtrerad",
        "översikt enhetschef",
    ];
    browser::run(app, &pages, |mut run, _app| async move {
        run.login("ekonom-sn").await;
        run.c
            .find(Locator::LinkText(&format!("Översikt över {ROUND}")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        run.until(
            "översikten",
            "return location.pathname.indexOf('/oversikt/') === 0",
        )
        .await;
        run.axe("översikt").await;
        run.shot("oversikt").await;
        let all = run.js(ROWS_JS).await.as_array().unwrap().len();
        assert!(all > 5, "the committee's nodes: {all}");
        // Sort by deviation with the header link, twice: ascending, then descending.
        for (want, order) in [("ascending", 1.0), ("descending", -1.0)] {
            run.c
                .find(Locator::XPath(
                    "//table[@class='oversikt']//th/a[starts-with(normalize-space(), 'Avvikelse')]",
                ))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            run.until(
                "sorteringen",
                &format!(
                    "return Array.from(document.querySelectorAll('th[aria-sort]'))\
                     .some(th => th.getAttribute('aria-sort') === '{want}' \
                     && th.innerText.indexOf('Avvikelse') === 0)"
                ),
            )
            .await;
            let devs: Vec<f64> = run
                .js(ROWS_JS)
                .await
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    r[3].as_str()
                        .unwrap()
                        .replace(['\u{a0}', ' '], "")
                        .replace('−', "-")
                        .parse::<f64>()
                        .unwrap()
                })
                .collect();
            assert!(
                devs.windows(2).all(|w| (w[1] - w[0]) * order >= 0.0),
                "{want}: {devs:?}"
            );
        }
        run.axe("översikt sorterad").await;
        // Filter with the form (a plain GET form): only nodes missing comments.
        run.c
            .find(Locator::Id("filter-saknar"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        run.c
            .find(Locator::XPath("//form[@class='filter']//button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        run.until("filtret", "return location.search.indexOf('saknar=1') >= 0")
            .await;
        let rows = run.js(ROWS_JS).await;
        let rows = rows.as_array().unwrap();
        assert!(
            !rows.is_empty() && rows.len() < all,
            "{} of {all}",
            rows.len()
        );
        for r in rows {
            assert_ne!(r[6], Value::String("0".into()), "{r}");
        }
        // The sort survived the filter.
        assert!(run.path().await.contains("sortera=avvikelse"));
        run.axe("översikt filtrerad").await;
        // The CSV of exactly this view: the same nodes in the same order, the same figures.
        let csv_href = run
            .js("return document.querySelector('a[href*=\".csv\"]').getAttribute('href')")
            .await;
        let (status, kind, bytes) = run.download(csv_href.as_str().unwrap()).await;
        assert_eq!(status, 200);
        assert!(kind.starts_with("text/csv"), "{kind}");
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let csv: Vec<Vec<&str>> = text
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .skip(1)
            .map(|l| l.split(';').collect())
            .collect();
        assert_eq!(csv.len(), rows.len());
        for (c, r) in csv.iter().zip(rows) {
            let cell = |i: usize| r[i].as_str().unwrap().replace('\u{a0}', " ");
            assert_eq!(c[0], r[0].as_str().unwrap(), "node order");
            assert_eq!(page_tkr(c[6]), cell(2), "forecast of {}", c[0]);
            assert_eq!(page_tkr(c[7]), cell(3), "deviation of {}", c[0]);
            assert_eq!(c[9], cell(4 + 1), "flagged of {}", c[0]);
            assert_eq!(c[10], cell(6), "missing of {}", c[0]);
        }
        // A text search.
        run.goto(&format!("/oversikt/{ROUND}?sok=sn41")).await;
        let rows = run.js(ROWS_JS).await;
        assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
        assert_eq!(rows[0][0], Value::String("SN41".into()));
        run.logout().await;
        // A unit manager: their own unit only.
        run.login("enhetschef-sn41").await;
        run.goto(&format!("/oversikt/{ROUND}")).await;
        let rows = run.js(ROWS_JS).await;
        let codes: Vec<&str> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r[0].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["SN41"]);
        run.axe("översikt enhetschef").await;
        run
    })
    .await;
}
