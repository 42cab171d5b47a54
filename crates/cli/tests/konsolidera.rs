//! `delar konsolidera` and the consolidation templates on a small generated Exempelkommun.

mod common;
use common::{delar, ok};

#[test]
fn consolidates_exempelkommun_and_imports_the_templates() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    ok(&["generate", "--out", "ek", "--scale", "small"], p);
    ok(&["import", "organisation", "ek/organisation.csv"], p);
    ok(
        &["import", "sie", "--quiet", "ek/sie/exempelkommun-2025.se"],
        p,
    );
    let out = ok(
        &["konsolidera", "--year", "2025", "--through", "2025-08"],
        p,
    );
    assert!(
        out.starts_with("Konsolidering 2025: utfall till och med 2025-08"),
        "{out}"
    );
    let elim: Vec<&str> = out.lines().filter(|l| l.contains("eliminering")).collect();
    assert_eq!(elim.len(), 3, "{out}");
    assert!(
        elim.iter()
            .all(|l| l.contains("Programnämnd social välfärd köper av")
                && l.ends_with("differens 0 tkr")),
        "{out}"
    );
    assert!(
        out.contains("Bruttokostnaden för Programområde social välfärd är"),
        "{out}"
    );
    assert!(out.contains("  SN Socialnämnden: utfall"), "{out}");
    assert!(!out.contains("Observera"), "{out}");

    std::fs::write(
        p.join("ersattningsmodell.csv"),
        "modell;namn;grund;nivå;beställare;utförare;pris;volymserie;konto;från;till\n\
         hemsjukvard;Hemsjukvård;fast månad;;PN10;VON41;1 250 000;;4694;;\n",
    )
    .unwrap();
    let r = ok(&["import", "ersattningsmodell", "ersattningsmodell.csv"], p);
    assert!(r.contains("1 pris för 1 ersättningsmodell"), "{r}");
    std::fs::write(
        p.join("intraprenader.csv"),
        "intraprenad;år;ingående;ianspråktagande;underskott_från;tak_procent;tak_belopp;avskrivning_år\n\
         VON33;2025;1 200 000;;;5;;\n\
         VON21;2025;0;;;;;\n",
    )
    .unwrap();
    let o = delar(&["import", "intraprenader", "intraprenader.csv"], p);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("rad 3") && err.contains("är inte en intraprenad"),
        "{err}"
    );
}
