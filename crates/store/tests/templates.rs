//! Template imports into the store: organisation, volume series, volumes, budget; all or
//! nothing, repeatable, replacement rules, and the budget in force at a date.

#[macro_use]
mod common;

use delar_core::{Amount, Date, PeriodRange, YearMonth};
use delar_store::{
    BatchStatus, ImportOptions, ImportStatus, LedgerBy, SqliteStore, Store, StoreError,
    TemplateReport, TemplateSource,
};
use delar_templates::{budget, organisation, volume_series, volumes, Table};
use rusqlite::types::Value;

const ORG: &str = "\
kod;namn;typ;överordnad;från;till;verksamhet
PO;Programområde social välfärd;programområde;;;;
PN;Programnämnd social välfärd;programnämnd;PO;;;
SN;Socialnämnden;nämnd;PO;;;
VON;Vård- och omsorgsnämnden;nämnd;PO;;;
FSN;Funktionsstödsnämnden;nämnd;PO;;;
SN-IFO;Individ- och familjeomsorg;område;SN;;;
SN-EB;Ekonomiskt bistånd;enhet;SN-IFO;;;575
SN-EXT;Externa placeringar;extern;SN;;;569
VON-HT;Hemtjänst;område;VON;;;
VON-HT-N;Hemtjänst Norr;intraprenad;VON-HT;;;510
VON-KB;Korttidsboende Eken;enhet;VON;;2024-12;510
VON-KB;Korttidsboende Eken;enhet;FSN;2025-01;;513
FSN-DV;Daglig verksamhet;enhet;FSN;2025-03;;513
";

const SERIES: &str = "\
serie;namn;måttenhet;typ;ansvar;kategori;prisserie
plac_barn_hvb_personer;Barn och unga, HVB;personer per dygn;bestånd;SN-EXT;Externa placeringar;plac_barn_hvb_dygnskostnad
plac_barn_hvb_dygnskostnad;Barn och unga, HVB, kostnad per dygn;kr/dygn;pris;SN-EXT;Externa placeringar;
hemtjanst_utforda_timmar;Utförda hemtjänsttimmar;timmar;flöde;VON-HT;Hemtjänst;
";

const VOLUMES: &str = "\
serie;månad;värde;kommentar
plac_barn_hvb_personer;2025-01;14,2;
plac_barn_hvb_personer;2025-02;15;Två nya placeringar
plac_barn_hvb_dygnskostnad;2025-01;4350,5;
plac_barn_hvb_dygnskostnad;2025-02;4410;
hemtjanst_utforda_timmar;2025-01;31 250;
";

const BUDGET: &str = "\
version;beslutad;månad;konto;ansvar;verksamhet;belopp;kommentar
Budget 2025;2024-11-20;2025-01;4610;SN-EXT;569;1000000;
Budget 2025;2024-11-20;2025-02;4610;SN-EXT;569;1000000;
Budget 2025;2024-11-20;2025-01;5011;VON-HT-N;510;2500000;
Budget 2025;2024-11-20;2025-01;3110;VON-HT-N;510;-150000;Avgifter
Budget 2025;2024-11-20;2025-03;5011;FSN-DV;513;400000;
";

const SUPPLEMENT: &str = "\
version;beslutad;månad;konto;ansvar;verksamhet;belopp;kommentar
Tilläggsbudget 1;2025-05-15;2025-06;4610;SN-EXT;569;300000;Fler placeringar
Tilläggsbudget 1;2025-05-15;2025-07;4610;SN-EXT;569;300000;
";

/// A small SIE file with vouchers and a #PBUDGET of 600 kr for account 4610 in January.
const SIE: &str = "#FLAGGA 0\n#SIETYP 4\n#ORGNR 212000-0000\n#FNAMN \"Exempelkommun\"\n#RAR 0 20250101 20251231\n#KONTO 1930 \"Bank\"\n#KONTO 4610 \"Köp av huvudverksamhet\"\n#KONTO 5011 \"Löner\"\n#DIM 1 \"Ansvar\"\n#OBJEKT 1 \"SN-EXT\" \"Externa placeringar\"\n#PBUDGET 0 202501 4610 {} 600\n#VER A 1 20250110 \"Placering\"\n{\n#TRANS 4610 {1 \"SN-EXT\"} 500\n#TRANS 1930 {} -500\n}\n";

fn table(text: &str, file: &str) -> Table {
    Table::from_csv(text.as_bytes(), file).unwrap()
}

/// A source for `text`: its name, a hash of the text, and the table's row numbers.
fn source<'a>(file: &'a str, sha: &'a str, lines: &'a [usize]) -> TemplateSource<'a> {
    TemplateSource {
        file_name: file,
        sha256: sha,
        lines,
    }
}

fn sha(text: &str) -> String {
    // Not a real SHA-256, but distinct per text, which is all the store compares.
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    format!("{:016x}", h.finish())
}

fn import_org(s: &mut SqliteStore, text: &str) -> Result<TemplateReport, StoreError> {
    let t = table(text, "organisation.csv");
    let nodes = organisation::parse(&t).unwrap();
    let lines = delar_templates::lines(&t);
    s.import_organisation(&source("organisation.csv", &sha(text), &lines), &nodes)
}

fn import_series(s: &mut SqliteStore, text: &str) -> Result<TemplateReport, StoreError> {
    let t = table(text, "volymserier.csv");
    let rows = volume_series::parse(&t).unwrap();
    let lines = delar_templates::lines(&t);
    s.import_volume_series(&source("volymserier.csv", &sha(text), &lines), &rows)
}

fn import_volumes(s: &mut SqliteStore, text: &str) -> Result<TemplateReport, StoreError> {
    let t = table(text, "volymer.csv");
    let rows = volumes::parse(&t).unwrap();
    let lines = delar_templates::lines(&t);
    s.import_volumes(&source("volymer.csv", &sha(text), &lines), &rows)
}

fn import_budget(s: &mut SqliteStore, text: &str) -> Result<TemplateReport, StoreError> {
    let t = table(text, "budget.csv");
    let rows = budget::parse(&t).unwrap();
    let lines = delar_templates::lines(&t);
    s.import_budget(&source("budget.csv", &sha(text), &lines), &rows)
}

fn kr(v: i64) -> Amount {
    Amount::from_kr(v).unwrap()
}

fn ym(s: &str) -> YearMonth {
    YearMonth::parse(s).unwrap()
}

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// Every row of every table.
fn dump(store: &SqliteStore) -> String {
    let conn = store.connection();
    let mut out = String::new();
    for (t, _) in store.table_counts().unwrap() {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {t} ORDER BY 1"))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| r.get::<_, Value>(i))
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap();
        out.push_str(t);
        for r in rows {
            out.push_str(&format!("\n{:?}", r.unwrap()));
        }
        out.push('\n');
    }
    out
}

fn row_errors(e: StoreError) -> Vec<String> {
    let file = match &e {
        StoreError::Rows { file, .. } => file.clone(),
        other => panic!("expected row errors, got {other}"),
    };
    let StoreError::Rows { errors, .. } = e else {
        unreachable!()
    };
    errors.iter().map(|x| x.render(&file)).collect()
}

both! {
#[test]
fn organisation_import_query_repeat_and_replace() {
    let mut s = common::store();
    assert!(s.organisation().unwrap().is_empty());
    let r = import_org(&mut s, ORG).unwrap();
    assert_eq!(r.status, ImportStatus::Imported);
    assert_eq!(r.rows, 13);
    let text = r.to_string();
    assert!(
        text.starts_with("Importerade organisation.csv (organisation) som batch 1: 13 rader för 12 koder, varav 4 nämnder. Strukturen ändras 2025-01, 2025-03."),
        "{text}"
    );
    let org = s.organisation().unwrap();
    assert_eq!(
        org,
        organisation::parse_organisation(&table(ORG, "o.csv")).unwrap()
    );
    assert_eq!(
        org.tree_at(ym("2025-08"))
            .committee_of("VON-KB")
            .unwrap()
            .code,
        "FSN"
    );

    // The same file again changes nothing, not even the batch log.
    let before = dump(&s);
    let r = import_org(&mut s, ORG).unwrap();
    assert_eq!(r.status, ImportStatus::Unchanged);
    assert_eq!(r.batch_id, 1);
    assert!(r
        .to_string()
        .contains("redan importerad (batch 1); inget ändrades"));
    assert_eq!(dump(&s), before);

    // A new version replaces the whole set.
    let smaller = ORG.replace("FSN-DV;Daglig verksamhet;enhet;FSN;2025-03;;513\n", "");
    let r = import_org(&mut s, &smaller).unwrap();
    assert_eq!(r.status, ImportStatus::Replaced);
    assert_eq!(r.replaced_batches, [1]);
    assert!(r
        .to_string()
        .contains("Den tidigare organisationen (13 rader) är ersatt."));
    assert!(r.to_string().contains("Batch 1 är helt ersatt."));
    assert_eq!(s.organisation().unwrap().nodes().len(), 12);
    let batches = s.batches().unwrap();
    assert_eq!(batches[0].status, BatchStatus::Replaced);
    assert_eq!(batches[0].replaced_by, Some(2));
    assert_eq!(batches[1].kind, "organisation");
    assert_eq!(batches[1].rows, 12);

    // An invalid organisation handed in directly (not through the reader) is refused too.
    let mut nodes = s.organisation().unwrap().nodes().to_vec();
    nodes[3].parent = Some("SAKNAS".into());
    let before = dump(&s);
    let e = s
        .import_organisation(&source("org.csv", "x", &[]), &nodes)
        .unwrap_err();
    let e = row_errors(e);
    assert_eq!(e.len(), 1);
    assert!(
        e[0].starts_with(
            "org.csv, rad 5, kolumn \"överordnad\": den överordnade \"SAKNAS\" finns inte"
        ),
        "{e:?}"
    );
    assert_eq!(dump(&s), before);
}
}

both! {
#[test]
fn volumes_need_their_series_and_replace_per_series_and_month() {
    let mut s = common::store();
    import_org(&mut s, ORG).unwrap();
    // Values before series: refused with the row of each unknown series.
    let e = row_errors(import_volumes(&mut s, VOLUMES).unwrap_err());
    assert_eq!(e.len(), 5);
    assert!(e[0].starts_with("volymer.csv, rad 2, kolumn \"serie\": serien \"plac_barn_hvb_personer\" finns inte. Importera den först"), "{e:?}");

    let r = import_series(&mut s, SERIES).unwrap();
    assert!(r.summary.contains("3 serier (3 nya, 0 uppdaterade)"), "{r}");
    let r = import_volumes(&mut s, VOLUMES).unwrap();
    assert_eq!(r.summary, "5 värden för 3 serier, 2025-01\u{2013}2025-02.");
    let v = s.volumes("plac_barn_hvb_personer", None).unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].value, 14.2);
    assert_eq!(v[1].comment.as_deref(), Some("Två nya placeringar"));
    assert_eq!(
        s.volumes("hemtjanst_utforda_timmar", None).unwrap()[0].value,
        31250.0
    );

    // A later file with February (corrected) and March replaces February only.
    let later = "serie;månad;värde\nplac_barn_hvb_personer;2025-02;15,5\nplac_barn_hvb_personer;2025-03;16\n";
    let r = import_volumes(&mut s, later).unwrap();
    assert!(
        r.summary.contains("1 värde ersatte tidigare importerade"),
        "{r}"
    );
    assert!(r.replaced_batches.is_empty(), "batch 3 still holds January");
    let v = s.volumes("plac_barn_hvb_personer", None).unwrap();
    let vals: Vec<(String, f64)> = v.iter().map(|x| (x.month.to_string(), x.value)).collect();
    assert_eq!(
        vals,
        [
            ("2025-01".to_string(), 14.2),
            ("2025-02".to_string(), 15.5),
            ("2025-03".to_string(), 16.0)
        ]
    );
    assert_eq!(v[1].comment, None, "the comment is replaced with the value");
    let range = PeriodRange::new(ym("2025-02"), ym("2025-03")).unwrap();
    assert_eq!(
        s.volumes("plac_barn_hvb_personer", Some(range))
            .unwrap()
            .len(),
        2
    );
    assert!(matches!(
        s.volumes("okand", None),
        Err(StoreError::NoSuchSeries(_))
    ));

    // Series are upserted: a changed name updates, nothing is duplicated.
    let renamed = SERIES.replace("Utförda hemtjänsttimmar", "Utförda timmar i hemtjänsten");
    let r = import_series(&mut s, &renamed).unwrap();
    assert!(r.summary.contains("(0 nya, 3 uppdaterade)"), "{r}");
    assert_eq!(r.replaced_batches, [2]);
    let series = s.volume_series().unwrap();
    assert_eq!(series.len(), 3);
    assert_eq!(series[2].name, "Utförda timmar i hemtjänsten");
}
}

both! {
#[test]
fn volume_series_are_checked_against_the_database() {
    let mut s = common::store();
    import_org(&mut s, ORG).unwrap();
    import_series(&mut s, SERIES).unwrap();
    let bad = "serie;namn;måttenhet;typ;ansvar;kategori;prisserie\n\
               a;A;st;bestånd;SN;;plac_barn_hvb_dygnskostnad\n\
               b;B;st;bestånd;SN;;hemtjanst_utforda_timmar\n\
               c;C;st;bestånd;SN;;saknas\n\
               d;D;st;flöde;XX;;\n";
    let before = dump(&s);
    let e = row_errors(import_series(&mut s, bad).unwrap_err());
    assert_eq!(e.len(), 3, "{e:?}");
    assert!(
        e[0].contains(
            "rad 3, kolumn \"prisserie\": prisserien \"hemtjanst_utforda_timmar\" är av typ flöde"
        ),
        "{e:?}"
    );
    assert!(e[1].contains("rad 4, kolumn \"prisserie\": prisserien \"saknas\" finns varken i filen eller i databasen"), "{e:?}");
    assert!(
        e[2].contains("rad 5, kolumn \"ansvar\": ansvar \"XX\" finns inte i organisationen"),
        "{e:?}"
    );
    assert_eq!(dump(&s), before, "nothing stored");
}
}

both! {
#[test]
fn budget_all_or_nothing_with_file_row_and_column() {
    let mut s = common::store();
    import_org(&mut s, ORG).unwrap();
    let before = dump(&s);
    // A bad row in the middle: an account outside the kontogrupper, a balance account, an
    // ansvar not in the organisation, and one in it but not yet in force (FSN-DV from March).
    let bad = format!(
        "{BUDGET}Budget 2025;2024-11-20;2025-01;9110;SN-EXT;;1;\n\
         Budget 2025;2024-11-20;2025-01;1930;SN-EXT;;1;\n\
         Budget 2025;2024-11-20;2025-01;4610;SN-XYZ;;1;\n\
         Budget 2025;2024-11-20;2025-02;5011;FSN-DV;;1;\n\
         Budget 2025;2024-11-20;2025-02;5011;VON-HT-N;;1;\n"
    );
    let e = row_errors(import_budget(&mut s, &bad).unwrap_err());
    assert_eq!(e.len(), 4, "{e:?}");
    assert!(e[0].starts_with("budget.csv, rad 7, kolumn \"konto\": konto 9110 hör inte till någon kontogrupp i indelningen \"Kommun-Bas standard\""), "{e:?}");
    assert!(
        e[1].starts_with("budget.csv, rad 8, kolumn \"konto\": konto 1930 är ett balanskonto"),
        "{e:?}"
    );
    assert!(
        e[2].starts_with(
            "budget.csv, rad 9, kolumn \"ansvar\": ansvar \"SN-XYZ\" finns inte i organisationen"
        ),
        "{e:?}"
    );
    assert!(
        e[3].starts_with(
            "budget.csv, rad 10, kolumn \"ansvar\": ansvar \"FSN-DV\" gäller inte 2025-02"
        ),
        "{e:?}"
    );
    assert_eq!(dump(&s), before, "the database is unchanged");
    let shown = import_budget(&mut s, &bad).unwrap_err().to_string();
    assert!(
        shown.starts_with("budget.csv har 4 fel; ingenting importerades\n  budget.csv, rad 7"),
        "{shown}"
    );

    // Without an organisation, any ansvar is accepted.
    let mut s = common::store();
    let ok = BUDGET.replace("SN-EXT", "ANNAT");
    import_budget(&mut s, &ok).unwrap();
}
}

both! {
#[test]
fn budget_in_force_adds_versions_decided_by_the_date() {
    let mut s = common::store();
    s.import_sie_reader(
        &mut SIE.as_bytes(),
        "huvudbok.se",
        None,
        &ImportOptions::default(),
        None,
    )
    .unwrap();
    import_org(&mut s, ORG).unwrap();
    let r = import_budget(&mut s, BUDGET).unwrap();
    assert!(
        r.summary.starts_with("1 budgetversion: Budget 2025 (beslutad 2024-11-20, 5 rader, netto 4\u{a0}750\u{a0}000 kr)."),
        "{}",
        r.summary
    );
    import_budget(&mut s, SUPPLEMENT).unwrap();

    let account = |rows: &[delar_store::BudgetRow], key: &str| {
        rows.iter()
            .find(|r| r.key == key)
            .map(|r| r.total)
            .unwrap_or(Amount::ZERO)
    };
    // Before the supplementary budget's decision: #PBUDGET 600 + the original budget.
    let before = s
        .budget_in_force(2025, date("2025-05-14"), LedgerBy::Account, None)
        .unwrap();
    assert_eq!(account(&before, "4610"), kr(2_000_600));
    let b4610 = before.iter().find(|r| r.key == "4610").unwrap();
    assert_eq!(b4610.budget[0], kr(1_000_600));
    assert_eq!(b4610.name, "Köp av huvudverksamhet");
    assert_eq!(b4610.group, "kop_verksamhet");
    // On the decision date and after: + 600 000.
    let after = s
        .budget_in_force(2025, date("2025-05-15"), LedgerBy::Account, None)
        .unwrap();
    assert_eq!(account(&after, "4610"), kr(2_600_600));
    let a4610 = after.iter().find(|r| r.key == "4610").unwrap();
    assert_eq!(a4610.budget[5], kr(300_000));
    // Before the original decision only #PBUDGET counts.
    let early = s
        .budget_in_force(2025, date("2024-11-19"), LedgerBy::Account, None)
        .unwrap();
    assert_eq!(early.len(), 1);
    assert_eq!(account(&early, "4610"), kr(600));
    // 3110 is an account no SIE file declared: its group comes from the mapping.
    let groups = s
        .budget_in_force(2025, date("2025-12-31"), LedgerBy::Group, None)
        .unwrap();
    let keys: Vec<&str> = groups.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["avgifter", "personal", "kop_verksamhet"]);
    assert_eq!(account(&groups, "avgifter"), kr(-150_000));

    // The ledger uses every version, next to the outcome.
    let ledger = s.ledger(2025, LedgerBy::Account, None).unwrap();
    let l4610 = ledger.iter().find(|r| r.key == "4610").unwrap();
    assert_eq!(l4610.budget_total, kr(2_600_600));
    assert_eq!(l4610.outcome_total, kr(500));

    // Object filters: ansvar is dimension 1, verksamhet dimension 2. #PBUDGET on the empty
    // object set does not count for an object.
    let sn = s
        .budget_in_force(
            2025,
            date("2025-12-31"),
            LedgerBy::Account,
            Some((1, "SN-EXT")),
        )
        .unwrap();
    assert_eq!(account(&sn, "4610"), kr(2_600_000));
    let v510 = s
        .budget_in_force(
            2025,
            date("2025-12-31"),
            LedgerBy::Account,
            Some((2, "510")),
        )
        .unwrap();
    assert_eq!(account(&v510, "5011"), kr(2_500_000));
    assert_eq!(account(&v510, "4610"), Amount::ZERO);
    // An ansvar only the budget knows (not in the SIE file) is still a valid filter.
    let von = s
        .ledger(2025, LedgerBy::Account, Some((1, "VON-HT-N")))
        .unwrap();
    assert_eq!(von.len(), 2);
    assert!(matches!(
        s.ledger(2025, LedgerBy::Account, Some((1, "NOPE"))),
        Err(StoreError::NoSuchObject { .. })
    ));

    // The versions, by decision date.
    let versions = s.budget_versions(2025).unwrap();
    let names: Vec<&str> = versions.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["Budget 2025", "Tilläggsbudget 1"]);
    assert_eq!(versions[1].total, kr(600_000));
    assert_eq!(versions[1].lines, 2);
    assert_eq!(versions[1].months[6], kr(300_000));
    assert_eq!(versions[0].decided, date("2024-11-20"));
    // Per ansvar: the supplementary budget is all SN-EXT's; the per-node sums add up.
    assert_eq!(versions[1].by_responsible, [("SN-EXT".to_string(), kr(600_000))]);
    for v in &versions {
        let sum: Amount = v.by_responsible.iter().map(|(_, a)| *a).sum();
        assert_eq!(sum, v.total, "{}", v.name);
    }
}
}

both! {
#[test]
fn budget_versions_are_replaced_by_name() {
    let mut s = common::store();
    import_org(&mut s, ORG).unwrap();
    import_budget(&mut s, BUDGET).unwrap(); // batch 2
    import_budget(&mut s, SUPPLEMENT).unwrap(); // batch 3
    let before = dump(&s);
    assert_eq!(
        import_budget(&mut s, SUPPLEMENT).unwrap().status,
        ImportStatus::Unchanged
    );
    assert_eq!(dump(&s), before, "repeat import changes nothing");

    // A corrected supplementary budget (new amounts, a new date) replaces that version only.
    let corrected = SUPPLEMENT
        .replace("300000", "250000")
        .replace("2025-05-15", "2025-05-20");
    let r = import_budget(&mut s, &corrected).unwrap();
    assert!(
        r.summary
            .contains("Ersatte tidigare importerade versionen \"Tilläggsbudget 1\"."),
        "{r}"
    );
    assert_eq!(r.replaced_batches, [3]);
    let v = s.budget_versions(2025).unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].total, kr(4_750_000));
    assert_eq!(v[1].total, kr(500_000));
    assert_eq!(v[1].decided, date("2025-05-20"));
    let b = s
        .budget_in_force(2025, date("2025-05-19"), LedgerBy::Group, None)
        .unwrap();
    let total: Amount = b.iter().map(|r| r.total).sum();
    assert_eq!(total, kr(4_750_000));
    let b = s
        .budget_in_force(2025, date("2025-05-20"), LedgerBy::Group, None)
        .unwrap();
    let total: Amount = b.iter().map(|r| r.total).sum();
    assert_eq!(total, kr(5_250_000));

    // Importing the first file again after others: not "unchanged" (it is not the last one),
    // but it replaces Budget 2025 with the same lines.
    let r = import_budget(&mut s, BUDGET).unwrap();
    assert_eq!(r.status, ImportStatus::Replaced);
    assert_eq!(r.replaced_batches, [2]);
    let batches = s.batches().unwrap();
    let statuses: Vec<(&str, BatchStatus)> = batches
        .iter()
        .map(|b| (b.kind.as_str(), b.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("organisation", BatchStatus::Active),
            ("budget", BatchStatus::Replaced),
            ("budget", BatchStatus::Replaced),
            ("budget", BatchStatus::Active),
            ("budget", BatchStatus::Active),
        ]
    );
}
}

both! {
#[test]
fn budget_without_sie_uses_the_calendar_year() {
    let mut s = common::store();
    import_budget(&mut s, BUDGET).unwrap();
    let rows = s.ledger(2025, LedgerBy::Group, None).unwrap();
    let total: Amount = rows.iter().map(|r| r.budget_total).sum();
    assert_eq!(total, kr(4_750_000));
    assert_eq!(rows[0].budget.len(), 12);
    assert!(matches!(
        s.ledger(2024, LedgerBy::Group, None),
        Err(StoreError::NoSuchYear(2024))
    ));
}
}

#[test]
fn a_version_1_database_is_migrated_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gammal.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "application_id", 0x4445_4C52)
            .unwrap();
        c.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
             applied_at TEXT NOT NULL)",
        )
        .unwrap();
        c.execute_batch(delar_store::schema::MIGRATIONS[0].sql)
            .unwrap();
        c.execute(
            "INSERT INTO schema_migrations VALUES (1, 'grundschema', '2025-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
        c.execute(
            "INSERT INTO import_batch (source, file_name, sha256, imported_at, status)
             VALUES ('212000-0000', 'gammal.se', 'abc', '2025-01-01T00:00:00Z', 'active')",
            [],
        )
        .unwrap();
    }
    let mut s = SqliteStore::open(&path).unwrap();
    // Every migration after the first is applied, in order.
    let later: Vec<i64> = delar_store::schema::MIGRATIONS
        .iter()
        .map(|m| m.version)
        .filter(|v| *v > 1)
        .collect();
    assert_eq!(s.migrations_applied(), later);
    let b = s.batches().unwrap();
    assert_eq!((b[0].kind.as_str(), b[0].rows), ("sie", 0));
    import_org(&mut s, ORG).unwrap();
    assert_eq!(s.batches().unwrap().len(), 2);
}
