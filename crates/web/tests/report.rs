//! The report pages: `/rapport/{omgång}` as a page inside the layout and as PDF, Word and
//! Excel downloads, for the node in the person's scope, built from the data as it stands.

mod common;

use axum::http::StatusCode;
use common::{lines, App, ROUND};
use delar_core::Unit;
use delar_store::prelude::*;

const REPORT: &str = "/rapport/2025-P2";

#[tokio::test]
async fn a_committee_controller_reads_the_committee_report_as_a_draft_page() {
    let app = App::new();
    let ek = app.login("ekonom-sn").await;
    let r = app.get(REPORT, Some(&ek)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // In the layout: logged in, the report's body with its own header and contents.
    assert!(r.body.contains("Inloggad som <strong>ekonom-sn</strong>"));
    assert!(r.body.contains("class=\"report-title\""), "{}", r.body);
    assert!(r.body.contains("aria-label=\"Innehåll\""));
    assert_eq!(r.body.matches("<main").count(), 1, "one main landmark");
    assert!(!r.body.contains("<style"), "no inline stylesheet");
    // A draft until the round is locked.
    assert!(r.body.contains("UTKAST"));
    // The committee's report, with its downloads.
    for ext in ["pdf", "docx", "xlsx"] {
        assert!(
            r.body
                .contains(&format!("href=\"/rapport/2025-P2.{ext}?nod=SN\"")),
            "{ext}: {}",
            r.body
        );
    }
    assert!(
        !r.body.contains("?nod=VON\""),
        "no report outside the scope"
    );
    // The policy allows the report's style attributes by hash only, never inline scripts.
    let csp = r.header("content-security-policy");
    assert!(csp.starts_with("default-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    if r.body.contains(" style=\"") {
        assert!(csp.contains("'unsafe-hashes' 'sha256-"), "{csp}");
    }
}

#[tokio::test]
async fn the_report_is_built_from_the_figures_as_they_stand() {
    let app = App::new();
    let ek = app.login("ekonom-sn").await;
    let comment = "Stor engångspost i augusti.";
    let before = app.get(REPORT, Some(&ek)).await;
    assert!(!before.body.contains(comment));
    let d = &lines(&app.store(), "SN41")[0];
    let v = d.version.to_string();
    let r = app
        .post(
            "/prognos/2025-P2/SN41/rad",
            Some(&ek),
            &[
                ("grupp", &d.line.group),
                ("version", &v),
                ("belopp", "987 654"),
                ("kommentar", comment),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The committee's deviation (budget − forecast over every line under SN) as the
    // report's analysis states it, in mnkr.
    let s = app.store();
    let tree = s
        .organisation()
        .unwrap()
        .tree_at(delar_core::Round::parse(ROUND).unwrap().cutoff_month());
    let (budget, forecast) = s
        .forecast_line_details(ROUND)
        .unwrap()
        .iter()
        .filter(|x| delar_app::auth::Access::covers(&tree, "SN", &x.line.node))
        .fold(
            (delar_core::Amount::ZERO, delar_core::Amount::ZERO),
            |(b, f), x| (b + x.line.budget, f + x.line.full_year()),
        );
    let deficit = format!(
        "<span class=\"tal\" title=\"budget − prognos\">{}\u{a0}mnkr</span>",
        (forecast - budget).format(Unit::Mnkr, 1)
    );
    let page = app.get(REPORT, Some(&ek)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(comment),
        "the new comment is in the report"
    );
    assert!(
        page.body.contains(&format!("underskott på {deficit}")),
        "the committee's deficit after the change: {deficit}"
    );
    assert!(!before.body.contains(&deficit));
}

#[tokio::test]
async fn downloads_have_their_type_and_a_swedish_file_name() {
    let app = App::new();
    let ek = app.login("ekonom-sn").await;
    let cases = [
        (
            "/rapport/2025-P2.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            &b"PK"[..],
        ),
        (
            "/rapport/2025-P2?format=word",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
            &b"PK"[..],
        ),
        (
            "/rapport/2025-P2.pdf?nod=SN",
            "application/pdf",
            "pdf",
            &b"%PDF"[..],
        ),
    ];
    for (path, ty, ext, magic) in cases {
        let r = app.get(path, Some(&ek)).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        assert_eq!(r.header("content-type"), ty, "{path}");
        let cd = r.header("content-disposition");
        assert!(cd.starts_with("attachment;"), "{cd}");
        assert!(
            cd.contains(&format!("filename=\"delarsrapport-2025-P2-SN.{ext}\"")),
            "{cd}"
        );
        assert!(
            cd.contains(&format!(
                "filename*=UTF-8''del%C3%A5rsrapport-2025-P2-SN.{ext}"
            )),
            "{cd}"
        );
        assert!(r.bytes.starts_with(magic), "{path}");
        assert!(r.bytes.len() > 1000, "{path}");
    }
    let r = app.get("/rapport/2025-P2.odt", Some(&ek)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("välj PDF"), "{}", r.body);
    let r = app.get("/rapport/2025-P2?format=rtf", Some(&ek)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_scope_decides_which_report_and_unit_managers_are_refused() {
    let app = App::new();
    // The programme area's controller and the auditor get the programme report, with links
    // to every committee's.
    for user in ["ekonom", "revisor", "admin"] {
        let c = app.login(user).await;
        let r = app.get(REPORT, Some(&c)).await;
        assert_eq!(r.status, StatusCode::OK, "{user}: {}", r.body);
        assert!(
            r.body.contains("href=\"/rapport/2025-P2.pdf?nod=PO\""),
            "{user}"
        );
        for n in ["SN", "VON", "FSN"] {
            assert!(
                r.body
                    .contains(&format!("href=\"/rapport/2025-P2?nod={n}\"")),
                "{user} {n}"
            );
        }
        let r = app.get("/rapport/2025-P2?nod=VON", Some(&c)).await;
        assert_eq!(r.status, StatusCode::OK, "{user}");
        assert!(r.body.contains("href=\"/rapport/2025-P2.pdf?nod=VON\""));
    }
    // A unit of a committee gives the committee's report.
    let ek = app.login("ekonom-sn").await;
    let r = app.get("/rapport/2025-P2?nod=SN41", Some(&ek)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("href=\"/rapport/2025-P2.pdf?nod=SN\""));
    // Another committee, the programme report: refused.
    for n in ["VON", "PO"] {
        let r = app
            .get(&format!("/rapport/2025-P2?nod={n}"), Some(&ek))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{n}");
    }
    // The start page links to the reports a person may read, and only those.
    let start = app.get("/", Some(&ek)).await;
    assert!(
        start.body.contains("href=\"/rapport/2025-P2?nod=SN\""),
        "{}",
        start.body
    );
    assert!(!start.body.contains("href=\"/rapport/2025-P2?nod=PO\""));
    let rev = app.login("revisor").await;
    let start = app.get("/", Some(&rev)).await;
    for n in ["PO", "PN", "SN", "VON", "FSN"] {
        assert!(
            start
                .body
                .contains(&format!("href=\"/rapport/2025-P2?nod={n}\"")),
            "{n}"
        );
    }
    let chef = app.login("enhetschef-sn41").await;
    let start = app.get("/", Some(&chef)).await;
    assert!(
        !start.body.contains("/rapport/"),
        "no report to link for a unit manager"
    );
    // A unit manager: the report shows every unit of the committee, so it is refused, with
    // a Swedish message saying where their figures are.
    for path in [REPORT, "/rapport/2025-P2.pdf", "/rapport/2025-P2?nod=SN"] {
        let r = app.get(path, Some(&chef)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert!(r.body.contains("prognosbladet"), "{}", r.body);
    }
    // Unknown rounds and nodes.
    let r = app.get("/rapport/2031-P1", Some(&ek)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.get("/rapport/2025-P2?nod=FINNSINTE", Some(&ek)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Not logged in: to the login page.
    let r = app.get(REPORT, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_locked_round_gives_the_final_report() {
    let app = App::new();
    {
        // Every flagged line reviewed, as a round must be before it is locked.
        let mut s = app.store();
        for d in s.forecast_line_details(ROUND).unwrap() {
            if !d.flags.is_empty() {
                s.set_line_comment(
                    ROUND,
                    &d.line.node,
                    &d.line.group,
                    "Granskad.",
                    delar_store::CommentKind::Review,
                    "ekonom",
                )
                .unwrap();
            }
        }
        s.lock_round(ROUND, "ekonom").unwrap();
    }
    let ek = app.login("ekonom-sn").await;
    let r = app.get(REPORT, Some(&ek)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(!r.body.contains("UTKAST"), "not a draft once locked");
    assert!(r.body.contains("rapporten är slutlig"));
}
