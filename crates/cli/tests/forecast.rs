//! End-to-end tests of `delar forecast …` on a small generated Exempelkommun.

mod common;
use common::{fails, ok};

#[test]
fn rounds_from_run_to_lock_compare_backtest_and_accuracy() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    ok(&["generate", "--out", "ek", "--scale", "small"], p);
    ok(&["import", "organisation", "ek/organisation.csv"], p);
    ok(&["import", "volymserier", "ek/volymserier.csv"], p);
    ok(&["import", "volymer", "ek/volymer.csv"], p);
    for y in 2021..=2025 {
        ok(
            &[
                "import",
                "sie",
                "-q",
                &format!("ek/sie/exempelkommun-{y}.se"),
            ],
            p,
        );
    }
    ok(&["import", "budget", "ek/budget.csv"], p);

    let out = ok(&["forecast", "run", "--round", "2025-P1"], p);
    assert!(out.contains("Prognosomgång 2025-P1"), "{out}");
    let out = ok(&["forecast", "run", "--round", "2025-P2"], p);
    assert!(out.contains("rader (") && out.contains("nya"), "{out}");
    let list = ok(&["forecast", "list"], p);
    assert!(list.contains("2025-P1") && list.contains("2025-P2") && list.contains("öppen"));
    // A deadline for submitting the units, shown by list; a date that cannot be read is
    // refused in Swedish.
    let out = ok(
        &[
            "forecast",
            "tidsfrist",
            "--round",
            "2025-P2",
            "--datum",
            "2025-09-05",
        ],
        p,
    );
    assert!(
        out.contains("Tidsfristen för 2025-P2 är 2025-09-05"),
        "{out}"
    );
    assert!(ok(&["forecast", "list"], p).contains("tidsfrist 2025-09-05"));
    let err = fails(
        &[
            "forecast",
            "tidsfrist",
            "--round",
            "2025-P2",
            "--datum",
            "5 september",
        ],
        p,
    );
    assert!(err.contains("skriv datumet som ÅÅÅÅ-MM-DD"), "{err}");
    let out = ok(
        &["forecast", "tidsfrist", "--round", "2025-P1", "--ta-bort"],
        p,
    );
    assert!(out.contains("2025-P1 har ingen tidsfrist"), "{out}");

    // show: the tree in mnkr; the programme area first.
    let table = ok(&["forecast", "show"], p);
    assert!(table.contains("prognosomgång 2025-P2"), "{table}");
    assert!(table.contains("PO Programområde social välfärd"), "{table}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["forecast", "show", "--format", "json"], p)).unwrap();
    assert_eq!(json["round"]["id"], "2025-P2");
    assert_eq!(json["round"]["cutoff"], "2025-08");
    let nodes = json["nodes"].as_array().unwrap();
    assert_eq!(nodes[0]["node"], "PO");
    let lines = json["lines"].as_array().unwrap();
    assert!(lines.len() > 100, "{}", lines.len());
    // Amounts are kronor with two decimals as text, methods their codes (one vocabulary).
    let kr = |v: &serde_json::Value| -> i128 {
        let s = v.as_str().unwrap_or_else(|| panic!("{v} is not text"));
        let (int, dec) = s.split_once('.').unwrap_or_else(|| panic!("{s}"));
        assert_eq!(dec.len(), 2, "{s}");
        let ore = int.trim_start_matches('-').parse::<i128>().unwrap() * 100
            + dec.parse::<i128>().unwrap();
        if s.starts_with('-') {
            -ore
        } else {
            ore
        }
    };
    // The programme area's forecast is the sum of the lines' forecasts.
    let sum: i128 = lines.iter().map(|l| kr(&l["forecast"])).sum();
    assert_eq!(kr(&nodes[0]["total"]["forecast"]), sum);
    for l in lines {
        assert_eq!(
            kr(&l["deviation"]),
            kr(&l["budget"]) - kr(&l["forecast"]),
            "{l}"
        );
        assert!(
            [
                "budget",
                "linjar",
                "sasong",
                "volym",
                "utjamning",
                "kombination",
                "manuell"
            ]
            .contains(&l["method"].as_str().unwrap()),
            "{l}"
        );
        for e in l["estimates"].as_array().unwrap() {
            for k in ["full_year", "mae", "bias"] {
                if !e[k].is_null() {
                    kr(&e[k]); // two decimals as text, or a panic
                }
            }
        }
    }
    let codes: std::collections::BTreeSet<&str> = lines
        .iter()
        .flat_map(|l| l["estimates"].as_array().unwrap())
        .map(|e| e["method"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes.into_iter().collect::<Vec<_>>(),
        [
            "budget",
            "kombination",
            "linjar",
            "sasong",
            "utjamning",
            "volym"
        ]
    );
    let csv_kr = |s: &str| s.replace(',', ".");
    // Every node's forecast carries an 80 % range; the programme area's is narrower than
    // its committees' ranges added up (their errors partly cancel), and holds the forecast.
    let width = |t: &serde_json::Value| kr(&t["range80"]["high"]) - kr(&t["range80"]["low"]);
    let po = &nodes[0]["total"];
    assert!(kr(&po["range80"]["low"]) < kr(&po["forecast"]), "{po}");
    assert!(kr(&po["range80"]["high"]) > kr(&po["forecast"]), "{po}");
    let committees: Vec<&serde_json::Value> = nodes.iter().filter(|n| n["level"] == 1).collect();
    assert_eq!(committees.len(), 4);
    let summed: i128 = committees.iter().map(|n| width(&n["total"])).sum();
    assert!(width(po) < summed, "{} < {summed}", width(po));
    assert!(table.contains("80 %-intervall"), "{table}");
    // The CSV: the sums per node × kontogrupp, and for a unit's own rows the method, every
    // method's value and the explanation.
    let csv = ok(&["forecast", "show", "--format", "csv", "--node", "SN"], p);
    let header = csv.lines().next().unwrap();
    assert_eq!(
        header,
        "nod;namn;niva;kontogrupp;utfall_hittills;budget;prognos;avvikelse;sarskilda_poster;\
         prognos_lag80;prognos_hog80;metod;rekommenderad;prognos_budget;prognos_linjar;prognos_sasong;prognos_volym;\
         prognos_utjamning;prognos_kombination;prognos_manuell;forklaring"
    );
    let columns = header.split(';').count();
    let sn41 = csv
        .lines()
        .find(|l| l.starts_with("SN41;") && l.contains(";kop_verksamhet;"))
        .unwrap_or_else(|| panic!("{csv}"));
    let cells: Vec<&str> = sn41.splitn(columns, ';').collect();
    assert_eq!(cells.len(), columns, "{sn41}");
    let line = lines
        .iter()
        .find(|l| l["node"] == "SN41" && l["group"] == "kop_verksamhet")
        .unwrap();
    assert_eq!(cells[11], line["method"].as_str().unwrap(), "{sn41}");
    // The line's 80 % range, as in JSON, around its forecast.
    let range = &line["range80"];
    assert_eq!(csv_kr(cells[9]), range["low"].as_str().unwrap(), "{sn41}");
    assert_eq!(csv_kr(cells[10]), range["high"].as_str().unwrap(), "{sn41}");
    assert!(kr(&range["low"]) < kr(&line["forecast"]), "{line}");
    assert!(kr(&range["high"]) > kr(&line["forecast"]), "{line}");
    assert_eq!(
        csv_kr(cells[6]),
        line["forecast"].as_str().unwrap(),
        "{sn41}"
    );
    for (i, code) in [
        "budget",
        "linjar",
        "sasong",
        "volym",
        "utjamning",
        "kombination",
    ]
    .iter()
    .enumerate()
    {
        let e = line["estimates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["method"] == *code)
            .unwrap();
        match e["full_year"].as_str() {
            Some(v) => assert_eq!(csv_kr(cells[13 + i]), v, "{code}: {sn41}"),
            None => assert_eq!(cells[13 + i], "", "{code}: {sn41}"),
        }
    }
    assert!(cells[20].starts_with("\"Helårsprognos"), "{sn41}");
    // A committee's row is a sum: no method, but its own range.
    let sn = csv
        .lines()
        .find(|l| l.starts_with("SN;") && l.contains(";kop_verksamhet;"))
        .unwrap();
    assert!(sn.ends_with(";;;;;;;;;;"), "{sn}");
    let sn_cells: Vec<&str> = sn.split(';').collect();
    assert!(!sn_cells[9].is_empty() && !sn_cells[10].is_empty(), "{sn}");
    assert!(!csv.lines().any(|l| l.starts_with("VON")), "{csv}");

    // set: a method needs a comment; a manual amount; a comment alone.
    let e = fails(
        &[
            "forecast",
            "set",
            "SN41:kop_verksamhet",
            "--method",
            "linjar",
        ],
        p,
    );
    assert!(e.contains("kommentar är obligatorisk"), "{e}");
    let out = ok(
        &[
            "forecast",
            "set",
            "SN41:kop_verksamhet",
            "--method",
            "linjar",
            "--comment",
            "Placeringarna ökar jämnt.",
        ],
        p,
    );
    assert!(out.contains("Linjär uppräkning"), "{out}");
    ok(
        &[
            "forecast",
            "set",
            "SN42:kop_verksamhet",
            "--amount",
            "12 500 000,50",
            "--comment",
            "Två placeringar avslutas.",
        ],
        p,
    );
    let e = fails(&["forecast", "set", "SN41:finns_inte", "--comment", "x"], p);
    assert!(e.contains("finns inte"), "{e}");
    let out = ok(
        &[
            "forecast",
            "adjust",
            "SN43:kop_verksamhet",
            "--kind",
            "sarskild",
            "--part",
            "strukturell",
            "--amount",
            "1 500 000",
            "--low",
            "1 000 000",
            "--high",
            "2 000 000",
            "--comment",
            "Fler skyddade boenden",
        ],
        p,
    );
    assert!(out.contains("Särskild effekt, strukturell"), "{out}");
    // Negative amounts with a hyphen or a real minus sign, with spaces.
    for a in ["-1 200", "\u{2212}1 200,50"] {
        ok(
            &[
                "forecast",
                "adjust",
                "SN43:kop_verksamhet",
                "--kind",
                "engang",
                "--amount",
                a,
                "--comment",
                "Återbetalning",
            ],
            p,
        );
    }
    let e = fails(
        &[
            "forecast",
            "adjust",
            "SN43:kop_verksamhet",
            "--kind",
            "sarskild",
            "--amount",
            "1",
            "--comment",
            "x",
        ],
        p,
    );
    assert!(e.contains("--part"), "{e}");
    let node = ok(&["forecast", "show", "--node", "SN42"], p);
    assert!(node.contains("Manuell prognos"), "{node}");
    assert!(node.contains("Två placeringar avslutas."), "{node}");
    let node = ok(&["forecast", "show", "--node", "SN43"], p);
    assert!(
        node.contains("Justering 1: Särskild effekt, strukturell"),
        "{node}"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(
        &["forecast", "show", "--node", "SN", "--format", "json"],
        p,
    ))
    .unwrap();
    let line = |node: &str| {
        json["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["node"] == node && l["group"] == "kop_verksamhet")
            .unwrap()
            .clone()
    };
    let sn42 = line("SN42");
    assert_eq!(sn42["method"], "manuell");
    assert_eq!(sn42["base"], "12500000.50");
    assert_eq!(sn42["manual"], true);
    let adj: Vec<(String, String)> = line("SN43")["adjustments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["kind"].as_str().unwrap().to_string(),
                a["amount"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        adj,
        [
            ("sarskild_strukturell".to_string(), "1500000.00".to_string()),
            ("engang".to_string(), "-1200.00".to_string()),
            ("engang".to_string(), "-1200.50".to_string()),
        ]
    );
    assert_eq!(line("SN43")["adjustments"][0]["low"], "1000000.00");

    // Recomputing keeps the person's choices.
    ok(&["forecast", "run", "--round", "2025-P2"], p);
    let node = ok(&["forecast", "show", "--node", "SN42"], p);
    assert!(node.contains("Manuell prognos 12\u{a0}500 tkr"), "{node}");
    let node = ok(&["forecast", "show", "--node", "SN41"], p);
    assert!(
        node.contains("kop_verksamhet  Linjär uppräkning (rekommenderad:")
            || node.contains("kop_verksamhet  Linjär uppräkning (rekommenderad)"),
        "{node}"
    );

    // compare: the bridge names the manual amount's comment and the adjustment.
    let cmp = ok(
        &[
            "forecast", "compare", "--from", "2025-P1", "--to", "2025-P2",
        ],
        p,
    );
    assert!(cmp.contains("Brygga 2025-P1 → 2025-P2"), "{cmp}");
    assert!(cmp.contains("Socialnämnden"), "{cmp}");
    assert!(cmp.contains("Fler skyddade boenden"), "{cmp}");
    assert!(cmp.contains("Metod ändrad från"), "{cmp}");

    // backtest --json: per method and the mix, line and committee level.
    let bt: serde_json::Value = serde_json::from_str(&ok(
        &["forecast", "backtest", "--round", "2025-P2", "--json"],
        p,
    ))
    .unwrap();
    assert_eq!(bt["cutoff"], 8);
    let methods: Vec<&str> = bt["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["method"].as_str().unwrap())
        .collect();
    assert_eq!(
        methods,
        [
            "budget",
            "linjar",
            "sasong",
            "volym",
            "utjamning",
            "kombination",
            "mix"
        ]
    );
    let mix = &bt["methods"][6];
    assert!(mix["line"]["n"].as_u64().unwrap() > 100);
    assert_eq!(mix["committee"]["n"], 16, "4 committees × 4 years");
    assert!(
        mix["committee"]["mae"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap()
            > 0.0
    );

    // accuracy: earlier years replayed at P1 and P2, per committee and programme area.
    let acc: serde_json::Value =
        serde_json::from_str(&ok(&["forecast", "accuracy", "--json"], p)).unwrap();
    let rows = acc.as_array().unwrap();
    assert!(rows
        .iter()
        .any(|r| r["year"] == 2024 && r["round"] == "2024-P2" && r["node"] == "PO"));
    assert!(
        !rows.iter().any(|r| r["year"] == 2025),
        "2025 is not complete"
    );
    // Each has its 80 % range and whether the outcome fell inside it.
    let po24 = rows
        .iter()
        .find(|r| r["round"] == "2024-P2" && r["node"] == "PO" && r["method"] == "mix")
        .unwrap();
    let (lo, hi) = (kr(&po24["range"][0]), kr(&po24["range"][1]));
    let actual = kr(&po24["actual"]);
    assert!(
        lo < kr(&po24["forecast"]) && kr(&po24["forecast"]) < hi,
        "{po24}"
    );
    assert_eq!(po24["inside"], lo <= actual && actual <= hi, "{po24}");
    let text = ok(&["forecast", "accuracy"], p);
    assert!(text.contains("Prognossäkerhet"), "{text}");
    assert!(text.contains("80 %-intervall"), "{text}");
    assert!(
        text.contains("Utfallet hamnade inom prognosens 80 %-intervall i "),
        "{text}"
    );

    // lock: refused while a flagged line has no comment; then locked rounds never change.
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["forecast", "show", "--format", "json"], p)).unwrap();
    let flagged: Vec<String> = json["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| !l["flags"].as_array().unwrap().is_empty() && l["comment"].is_null())
        .map(|l| {
            format!(
                "{}:{}",
                l["node"].as_str().unwrap(),
                l["group"].as_str().unwrap()
            )
        })
        .collect();
    if !flagged.is_empty() {
        let e = fails(&["forecast", "lock", "--round", "2025-P2"], p);
        assert!(e.contains("kan inte låsas"), "{e}");
        assert!(e.contains(&flagged[0]), "{e}");
        for f in &flagged {
            ok(&["forecast", "set", f, "--comment", "Granskad."], p);
        }
    }
    let out = ok(&["forecast", "lock", "--round", "2025-P2"], p);
    assert!(out.contains("är låst"), "{out}");
    let e = fails(
        &[
            "forecast",
            "set",
            "SN41:kop_verksamhet",
            "--amount",
            "1",
            "--comment",
            "x",
        ],
        p,
    );
    assert!(e.contains("2025-P2 är låst"), "{e}");
    let e = fails(&["forecast", "run", "--round", "2025-P2"], p);
    assert!(e.contains("är låst"), "{e}");
    let log = ok(&["forecast", "list", "--log", "2025-P2"], p);
    assert!(log.contains("testare") && log.contains("las"), "{log}");
}
