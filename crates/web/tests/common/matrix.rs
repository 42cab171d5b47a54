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
    // Every request made (method, path): a route of the router that none reached fails the
    // matrix at the end (`routes::assert_covered`).
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut hit = |m: &str, p: &str| seen.push((m.to_string(), p.to_string()));
    anonymous(&rt, &make(), &mut hit);
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
            for (m, p) in [
                ("GET", base.clone()),
                ("GET", format!("{base}/historik")),
                ("POST", format!("{base}/rad")),
                ("POST", format!("{base}/excel")),
                ("POST", format!("{base}/status")),
                ("GET", format!("{base}/brygga")),
                ("GET", format!("/rapport/{ROUND}")),
                ("GET", format!("{base}.xlsx")),
            ] {
                hit(m, &p);
            }
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
        // Issue 19 part 3: the overview shows everyone the nodes they may read (a unit
        // manager their own units), never a node outside their grants; its exports too.
        let page = rt.block_on(app.get(&format!("/oversikt/{ROUND}"), Some(&cookie)));
        assert_eq!(page.status, ok, "{} overview: {}", c.user, page.body);
        assert!(
            page.body.contains(&format!(">{} ", c.node_in)),
            "{} sees {} in the overview",
            c.user,
            c.node_in
        );
        if let Some(out) = c.node_out {
            assert!(
                !page.body.contains(&format!(">{out} ")),
                "{} must not see {out} in the overview",
                c.user
            );
        }
        for ext in ["csv", "xlsx"] {
            let p = format!("/oversikt/{ROUND}.{ext}");
            let r = rt.block_on(app.get(&p, Some(&cookie)));
            assert_eq!(r.status, ok, "{} {p}", c.user);
            if ext == "csv" {
                if let Some(out) = c.node_out {
                    assert!(
                        !r.body.contains(&format!("\n{out};")),
                        "{} csv {out}",
                        c.user
                    );
                }
            }
        }
        assert_eq!(
            rt.block_on(app.get("/oversikt/2031-P2", Some(&cookie)))
                .status,
            S::NOT_FOUND
        );
        hit("GET", &format!("/oversikt/{ROUND}"));
        // The session routes answer for anyone logged in; the start page too.
        assert_eq!(rt.block_on(app.get("/", Some(&cookie))).status, ok);
        hit("GET", "/");
        hit("GET", "/sessionen");
        hit("POST", "/sessionen");
        hit("POST", &format!("/omgang/{ROUND}/las"));
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
            hit("GET", path);
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
            hit("POST", path);
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
        hit("POST", &format!("/admin/omgang/{ROUND}/las"));
    }
    // The goal pages and the report's texts (issue 19 parts 1–2), over the follow-up registers.
    seen.extend(run_goals(make));
    super::routes::assert_covered(&seen);
}

/// Without a session: the public routes answer, every other GET leads to the login page and
/// every other POST is refused with 401 (nothing is done).
fn anonymous(rt: &tokio::runtime::Runtime, app: &App, hit: &mut dyn FnMut(&str, &str)) {
    use StatusCode as S;
    let base = format!("/prognos/{ROUND}/SN41");
    for (path, want) in [
        ("/halsa".to_string(), S::OK),
        ("/stil.css".to_string(), S::OK),
        ("/delar.js".to_string(), S::OK),
        ("/logga-in".to_string(), S::OK),
        ("/sessionen".to_string(), S::OK),
        ("/".to_string(), S::SEE_OTHER),
        (base.clone(), S::SEE_OTHER),
        (format!("{base}.xlsx"), S::SEE_OTHER),
        (format!("{base}/historik"), S::SEE_OTHER),
        (format!("{base}/brygga"), S::SEE_OTHER),
        (format!("/rapport/{ROUND}"), S::SEE_OTHER),
        (format!("/oversikt/{ROUND}"), S::SEE_OTHER),
        (format!("/oversikt/{ROUND}.csv"), S::SEE_OTHER),
        // Sign-in with the municipality's accounts: not configured here, so not found (the
        // OIDC tests cover them with a provider).
        ("/logga-in/oidc".to_string(), S::NOT_FOUND),
        ("/logga-in/oidc/svar".to_string(), S::NOT_FOUND),
    ] {
        let r = rt.block_on(app.get(&path, None));
        assert_eq!(r.status, want, "GET {path} without a session");
        if want == S::SEE_OTHER {
            assert!(r.header("location").starts_with("/logga-in"), "{path}");
        }
        hit("GET", &path);
    }
    for (path, want) in [
        (format!("{base}/rad"), S::UNAUTHORIZED),
        (format!("{base}/status"), S::UNAUTHORIZED),
        (format!("{base}/excel"), S::UNAUTHORIZED),
        (format!("/omgang/{ROUND}/las"), S::UNAUTHORIZED),
        ("/sessionen".to_string(), S::UNAUTHORIZED),
        ("/logga-ut".to_string(), S::SEE_OTHER),
        ("/logga-in".to_string(), S::UNAUTHORIZED),
    ] {
        let form: &[(&str, &str)] = if path == "/logga-in" {
            &[("anvandare", "revisor"), ("losenord", "fel-lösenord")]
        } else {
            &[("grupp", "x"), ("version", "1"), ("atgard", "skicka-in")]
        };
        let r = rt.block_on(app.post(&path, None, form));
        assert_eq!(r.status, want, "POST {path} without a session: {}", r.body);
        hit("POST", &path);
    }
}

/// What the goal pages and the report's texts should give one role (issue 19 parts 1–2).
struct GoalCase {
    user: &'static str,
    node_in: &'static str,
    node_out: Option<&'static str>,
    /// GET page, GET history, POST indicator value, POST decision, POST status (`step`).
    expect_in: [StatusCode; 5],
    step: &'static str,
    /// GET /text/{omgång}, POST a change of `analys.summa` there.
    texts: [StatusCode; 2],
    /// POST a goal's analysis text on `node_in` (`/mal/…/text`, made first).
    goal_text: StatusCode,
}

/// The goal pages' and texts' matrix, one fresh database (with the follow-up registers) per
/// case from `make`; returns the requests made (method, path) for the route coverage check.
fn run_goals(make: &dyn Fn() -> App) -> Vec<(String, String)> {
    let mut seen: Vec<(String, String)> = Vec::new();
    use StatusCode as S;
    let (ok, see, no, bad) = (S::OK, S::SEE_OTHER, S::FORBIDDEN, S::UNPROCESSABLE_ENTITY);
    let cases = [
        GoalCase {
            user: super::goals::REPORTER,
            node_in: "SN",
            node_out: Some("VON"),
            expect_in: [ok, ok, see, no, see],
            step: "skicka-in",
            texts: [ok, no],
            goal_text: see,
        },
        GoalCase {
            // A unit shows its committee's goals; it owns none to enter or submit.
            user: "enhetschef-sn41",
            node_in: "SN41",
            node_out: Some("SN"),
            expect_in: [ok, ok, S::NOT_FOUND, no, bad],
            step: "skicka-in",
            texts: [no, no],
            goal_text: S::NOT_FOUND,
        },
        GoalCase {
            user: "ekonom-sn",
            node_in: "SN",
            node_out: Some("VON"),
            expect_in: [ok, ok, see, see, see],
            step: "godkann",
            texts: [ok, no],
            goal_text: see,
        },
        GoalCase {
            user: "ekonom-von",
            node_in: "VON",
            node_out: Some("SN"),
            expect_in: [ok, ok, see, see, no],
            step: "skicka-in",
            texts: [ok, no],
            goal_text: see,
        },
        GoalCase {
            user: "ekonom",
            node_in: "FSN",
            node_out: None,
            expect_in: [ok, ok, see, see, bad],
            step: "godkann",
            texts: [ok, see],
            goal_text: see,
        },
        GoalCase {
            user: "revisor",
            node_in: "SN",
            node_out: None,
            expect_in: [ok, ok, no, no, no],
            step: "skicka-in",
            texts: [ok, no],
            goal_text: no,
        },
        GoalCase {
            user: "admin",
            node_in: "SN",
            node_out: None,
            expect_in: [ok, ok, no, no, no],
            step: "skicka-in",
            texts: [ok, no],
            goal_text: no,
        },
    ];
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let round = delar_core::Round::parse(ROUND).unwrap();
    for c in cases {
        let app = make();
        {
            let mut s = app.store();
            super::goals::add_goals(&mut s);
            delar_app::goal_round::reassess(&mut s, &round).unwrap();
            if c.step == "godkann" && c.user == "ekonom-sn" {
                // Something to approve: the reporter has submitted.
                delar_app::goal_round::change_state(
                    &mut s,
                    super::goals::REPORTER,
                    &round,
                    "SN",
                    delar_app::workflow::Step::Submit,
                    None,
                    "",
                )
                .unwrap();
            }
        }
        let cookie = rt.block_on(app.login(c.user));
        let mut nodes = vec![(c.node_in, c.expect_in)];
        if let Some(out) = c.node_out {
            nodes.push((out, [no; 5]));
        }
        nodes.push(("FINNSINTE", [S::NOT_FOUND; 5]));
        for (node, expect) in nodes {
            let base = format!("/mal/{ROUND}/{node}");
            for (m, p) in [
                ("GET", ""),
                ("GET", "/historik"),
                ("POST", "/indikator"),
                ("POST", "/bedomning"),
                ("POST", "/status"),
                ("POST", "/text"),
            ] {
                seen.push((m.to_string(), format!("{base}{p}")));
            }
            // The node's first indicator and goal (a unit's: its committee's).
            let owner = node.trim_end_matches(|ch: char| ch.is_ascii_digit());
            let indicator = format!("{owner}01");
            let goal = format!("{owner}1");
            let version = app
                .store()
                .goal_statuses(2025)
                .unwrap()
                .get(&goal)
                .map(|g| g.version)
                .unwrap_or(1)
                .to_string();
            // A goal's analysis text, before anything else changed the goals' state.
            let text = rt
                .block_on(app.post(
                    &format!("{base}/text"),
                    Some(&cookie),
                    &[
                        ("mal", &goal),
                        ("slag", "analys"),
                        ("version", "0"),
                        ("text", "Behörighetsprov."),
                    ],
                ))
                .status;
            let want = if node == c.node_in {
                c.goal_text
            } else {
                expect[2]
            };
            assert_eq!(text, want, "{} on {base}/text on {}", c.user, app.db);
            let got = [
                rt.block_on(app.get(&base, Some(&cookie))).status,
                rt.block_on(app.get(&format!("{base}/historik"), Some(&cookie)))
                    .status,
                rt.block_on(app.post(
                    &format!("{base}/indikator"),
                    Some(&cookie),
                    &[
                        ("indikator", &indicator),
                        ("slag", "hittills"),
                        ("version", "0"),
                        ("totalt", "12,5"),
                    ],
                ))
                .status,
                rt.block_on(app.post(
                    &format!("{base}/bedomning"),
                    Some(&cookie),
                    &[
                        ("mal", &goal),
                        ("version", &version),
                        ("status", "Uppnås delvis"),
                        ("motivering", "Behörighetsprov."),
                    ],
                ))
                .status,
                {
                    let state = app
                        .store()
                        .goal_workflow_state(ROUND, node)
                        .unwrap()
                        .state
                        .code();
                    rt.block_on(app.post(
                        &format!("{base}/status"),
                        Some(&cookie),
                        &[("atgard", c.step), ("status", state)],
                    ))
                    .status
                },
            ];
            assert_eq!(
                got, expect,
                "{} on {node} (page, history, value, decision, {}) on {}",
                c.user, c.step, app.db
            );
        }
        seen.push(("GET".into(), format!("/text/{ROUND}")));
        seen.push(("POST".into(), format!("/text/{ROUND}")));
        let texts = [
            rt.block_on(app.get(&format!("/text/{ROUND}"), Some(&cookie)))
                .status,
            rt.block_on(app.post(
                &format!("/text/{ROUND}"),
                Some(&cookie),
                &[
                    ("nyckel", "analys.summa"),
                    ("version", "0"),
                    ("text", "Prognosen följs upp månadsvis."),
                    ("atgard", "spara"),
                ],
            ))
            .status,
        ];
        assert_eq!(
            texts, c.texts,
            "{} on /text/{ROUND} (page, save) on {}",
            c.user, app.db
        );
    }
    seen
}
