//! The authorisation matrix: every role × every route × a node in and out of its scope → the
//! expected status, over apps made by the caller (SQLite in tests/web.rs, PostgreSQL in
//! tests/postgres.rs). A plain thread drives the requests on a runtime of its own, so the
//! store calls in between may be synchronous PostgreSQL calls.

use super::{comment_all, lines, upload_request, App, ROUND};
use axum::http::StatusCode;
use delar_store::prelude::*;

/// What a request should get for one role on a node in and out of its scope.
struct Case {
    user: &'static str,
    node_in: &'static str,
    node_out: Option<&'static str>,
    /// Expected for: GET sheet, GET history, POST line, POST status (with `step`).
    expect_in: [StatusCode; 4],
    /// Expected for the report of the node's committee (`/rapport/{omgång}?nod=`).
    report_in: StatusCode,
    step: &'static str,
    /// Expected for POST /omgang/{omgång}/las (asked last: it locks the round).
    lock: StatusCode,
}

/// Run the matrix, one fresh database per case from `make`.
pub fn run(make: &dyn Fn() -> App) {
    use StatusCode as S;
    let (ok, see, no) = (S::OK, S::SEE_OTHER, S::FORBIDDEN);
    let cases = [
        Case {
            user: "enhetschef-sn41",
            node_in: "SN41",
            node_out: Some("SN42"),
            expect_in: [ok, ok, see, see],
            report_in: no,
            step: "skicka-in",
            lock: no,
        },
        Case {
            user: "enhetschef-sn41",
            node_in: "SN41",
            node_out: Some("SN40"),
            expect_in: [ok, ok, see, no],
            report_in: no,
            step: "godkann",
            lock: no,
        },
        Case {
            user: "ekonom-sn",
            node_in: "SN41",
            node_out: Some("VON21"),
            expect_in: [ok, ok, see, see],
            report_in: ok,
            step: "godkann",
            lock: no,
        },
        Case {
            user: "ekonom-von",
            node_in: "VON21",
            node_out: Some("SN41"),
            expect_in: [ok, ok, see, no],
            report_in: ok,
            step: "skicka-in",
            lock: no,
        },
        Case {
            user: "ekonom",
            node_in: "FSN21",
            node_out: None,
            expect_in: [ok, ok, see, S::UNPROCESSABLE_ENTITY],
            report_in: ok,
            step: "godkann",
            lock: see,
        },
        Case {
            user: "revisor",
            node_in: "SN41",
            node_out: None,
            expect_in: [ok, ok, no, no],
            report_in: ok,
            step: "skicka-in",
            lock: no,
        },
        Case {
            user: "admin",
            node_in: "SN41",
            node_out: None,
            expect_in: [ok, ok, no, no],
            report_in: ok,
            step: "skicka-in",
            lock: see,
        },
    ];
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    for c in cases {
        let app = make();
        {
            let mut s = app.store();
            comment_all(&mut s, c.node_in);
            if c.lock == see {
                // The store locks only a round whose flagged lines all have a comment.
                super::comment_every_line(&mut s);
            }
            if c.step == "godkann" && c.user == "ekonom-sn" {
                // Something to approve: the unit manager has submitted.
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
        }
        let cookie = rt.block_on(app.login(c.user));
        let [a, b, l, st] = c.expect_in;
        // sheet, history, line, status, bridge (read, like the history), report, the sheet
        // as Excel (read, like the sheet), an uploaded sheet (edit, like a line)
        let mut nodes = vec![(c.node_in, [a, b, l, st, b, c.report_in, a, l])];
        if let Some(out) = c.node_out {
            nodes.push((out, [no; 8]));
        }
        nodes.push(("FINNSINTE", [S::NOT_FOUND; 8]));
        for (node, expect) in nodes {
            let base = format!("/prognos/{ROUND}/{node}");
            let got_sheet = rt.block_on(app.get(&base, Some(&cookie))).status;
            let got_hist = rt
                .block_on(app.get(&format!("{base}/historik"), Some(&cookie)))
                .status;
            let (group, version) = lines(&app.store(), node)
                .first()
                .map(|d| (d.line.group.clone(), d.version.to_string()))
                .unwrap_or(("Personalkostnader".into(), "1".into()));
            let got_line = rt
                .block_on(app.post(
                    &format!("{base}/rad"),
                    Some(&cookie),
                    &[
                        ("grupp", &group),
                        ("version", &version),
                        ("kommentar", "Behörighetsprov."),
                    ],
                ))
                .status;
            // A workbook of the node as it stands now (downloaded by the programme's
            // controller, who reads every node), uploaded unchanged.
            let round = delar_core::Round::parse(ROUND).unwrap();
            let file = delar_app::sheet_xlsx::download(&app.store(), "ekonom", &round, node, "nu")
                .map(|f| f.bytes)
                .unwrap_or_else(|_| b"ingen arbetsbok".to_vec());
            let got_upload = rt
                .block_on(app.send(upload_request(
                    &format!("{base}/excel"),
                    &cookie,
                    "prognos.xlsx",
                    &file,
                )))
                .status;
            let state = app
                .store()
                .workflow_state(ROUND, node)
                .unwrap()
                .state
                .code();
            let got_status = rt
                .block_on(app.post(
                    &format!("{base}/status"),
                    Some(&cookie),
                    &[("atgard", c.step), ("status", state)],
                ))
                .status;
            let got_bridge = rt
                .block_on(app.get(&format!("{base}/brygga"), Some(&cookie)))
                .status;
            let got_report = rt
                .block_on(app.get(&format!("/rapport/{ROUND}?nod={node}"), Some(&cookie)))
                .status;
            let got_xlsx = rt
                .block_on(app.get(&format!("{base}.xlsx"), Some(&cookie)))
                .status;
            assert_eq!(
                [
                    got_sheet, got_hist, got_line, got_status, got_bridge, got_report, got_xlsx,
                    got_upload
                ],
                expect,
                "{} on {node} (sheet, history, line, {}, bridge, report, xlsx, upload) on {}",
                c.user,
                c.step,
                app.db
            );
        }
        // The session routes answer for anyone logged in; the start page too.
        assert_eq!(rt.block_on(app.get("/", Some(&cookie))).status, ok);
        assert_eq!(rt.block_on(app.get("/sessionen", Some(&cookie))).status, ok);
        assert_eq!(
            rt.block_on(app.post("/sessionen", Some(&cookie), &[]))
                .status,
            ok
        );
        // Locking: only on the round's top node; the store says whether it happened.
        let got_lock = rt
            .block_on(app.post(&format!("/omgang/{ROUND}/las"), Some(&cookie), &[]))
            .status;
        assert_eq!(got_lock, c.lock, "{} locking {ROUND} on {}", c.user, app.db);
        let locked = app
            .store()
            .forecast_rounds()
            .unwrap()
            .into_iter()
            .any(|r| r.round.id() == ROUND && r.status == delar_store::RoundStatus::Locked);
        assert_eq!(locked, c.lock == see, "{} locked {ROUND}", c.user);
        if locked {
            // A locked round refuses a second lock and every save.
            let again = rt
                .block_on(app.post(&format!("/omgang/{ROUND}/las"), Some(&cookie), &[]))
                .status;
            assert_eq!(again, S::UNPROCESSABLE_ENTITY);
        }
        // The administration (issue 19 part 6): an administrator for the whole organisation
        // only; everyone else 403, before anything is looked up or changed.
        let is_admin = c.user == "admin";
        let (get_ok, post_ok) = if is_admin { (ok, see) } else { (no, no) };
        for path in ["/admin", "/admin/anvandare/revisor"] {
            let got = rt.block_on(app.get(path, Some(&cookie))).status;
            assert_eq!(got, get_ok, "{} GET {path} on {}", c.user, app.db);
        }
        let round_base = format!("/admin/omgang/{}", super::PREVIOUS);
        let posts: [(String, Vec<(&str, &str)>); 5] = [
            (
                "/admin/anvandare".into(),
                vec![
                    ("namn", "matris-ny"),
                    ("losenord", "hemligt"),
                    ("roll", "lasare"),
                    ("nod", "SN"),
                ],
            ),
            (
                "/admin/anvandare/revisor/behorighet".into(),
                vec![("roll", "lasare"), ("nod", "SN")],
            ),
            (
                "/admin/anvandare/revisor/ta-bort-behorighet".into(),
                vec![("roll", "lasare"), ("nod", "SN")],
            ),
            (
                "/admin/anvandare/matris-ny/ta-bort".into(),
                vec![("bekrafta", "ja")],
            ),
            (
                format!("{round_base}/tidsfrist"),
                vec![("tidsfrist", "2025-05-10")],
            ),
        ];
        for (path, form) in &posts {
            let got = rt.block_on(app.post(path, Some(&cookie), form)).status;
            assert_eq!(got, post_ok, "{} POST {path} on {}", c.user, app.db);
        }
        let deadline = app
            .store()
            .forecast_round(super::PREVIOUS)
            .unwrap()
            .unwrap()
            .deadline
            .map(|d| d.to_string());
        assert_eq!(
            deadline.as_deref(),
            is_admin.then_some("2025-05-10"),
            "{} set a deadline",
            c.user
        );
        // The lock through the administration: the round is locked already for those who
        // locked it above (422), refused for everyone else.
        let got = rt
            .block_on(app.post(&format!("/admin/omgang/{ROUND}/las"), Some(&cookie), &[]))
            .status;
        let expect = if is_admin {
            S::UNPROCESSABLE_ENTITY
        } else {
            no
        };
        assert_eq!(got, expect, "{} POST admin lock on {}", c.user, app.db);
    }
}
