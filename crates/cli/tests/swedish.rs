//! The command line speaks Swedish: help, version and every kind of usage error, with the
//! offending value, a hint, and clap's exit codes (0 for help, 2 for a usage error).

mod common;
use common::{delar, stderr, stdout};
use std::path::Path;

/// Run `delar`, require exit code 2 (a usage error) and nothing on standard output; return
/// standard error, checked for clap's English.
fn usage_error(args: &[&str]) -> String {
    let o = delar(args, Path::new("."));
    assert_eq!(o.status.code(), Some(2), "delar {args:?}: {}", stderr(&o));
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
    let e = stderr(&o);
    for english in [
        "error:",
        "Usage:",
        "For more information",
        "tip:",
        "unexpected",
        "required",
        "invalid",
        "possible values",
        "cannot be used",
        "similar",
    ] {
        assert!(!e.contains(english), "{english:?} in {e}");
    }
    assert!(e.starts_with("delar: "), "{e}");
    e
}

#[test]
fn an_unquoted_amount_says_it_must_be_quoted() {
    let e = usage_error(&[
        "forecast",
        "set",
        "SN42:kop_verksamhet",
        "--amount",
        "12",
        "500",
        "000",
        "--comment",
        "Två placeringar avslutas.",
    ]);
    assert!(e.contains("\"500\" hör till beloppet till --amount"), "{e}");
    assert!(e.contains("citattecken"), "{e}");
    assert!(e.contains("--amount \"12 500 000\""), "{e}");
    assert!(
        e.contains("Skriv `delar forecast set --help` för att se hur kommandot används."),
        "{e}"
    );
    // The same for a negative amount of an adjustment.
    let e = usage_error(&[
        "forecast",
        "adjust",
        "SN43:x",
        "--kind",
        "engang",
        "--amount",
        "-1",
        "200",
        "--comment",
        "x",
    ]);
    assert!(e.contains("--amount \"-1 200\""), "{e}");
}

#[test]
fn an_amount_that_is_not_one_names_the_flag_and_the_value() {
    let e = usage_error(&[
        "forecast",
        "set",
        "SN42:kop_verksamhet",
        "--amount",
        "12,5,0",
    ]);
    assert!(e.contains("ogiltigt värde för --amount <BELOPP>"), "{e}");
    assert!(e.contains("\"12,5,0\" är inget belopp"), "{e}");
}

#[test]
fn an_unknown_flag_suggests_the_right_one() {
    let e = usage_error(&["forecast", "show", "--formt", "json"]);
    assert!(
        e.contains("okänd flagga \"--formt\" för delar forecast show"),
        "{e}"
    );
    assert!(e.contains("Menade du flaggan \"--format\"?"), "{e}");
    assert!(
        e.contains("Användning: delar forecast show [FLAGGOR]"),
        "{e}"
    );
    assert!(e.contains("`delar forecast show --help`"), "{e}");
}

#[test]
fn an_unexpected_argument_is_named() {
    let e = usage_error(&["ledger", "--year", "2025", "extra"]);
    assert!(
        e.contains("oväntat argument \"extra\" för delar ledger"),
        "{e}"
    );
}

#[test]
fn a_missing_required_argument_is_named() {
    let e = usage_error(&["report"]);
    assert!(
        e.contains("ett obligatoriskt argument saknas för delar report: --round <OMGÅNG>"),
        "{e}"
    );
    let e = usage_error(&["forecast", "adjust"]);
    assert!(e.contains("obligatoriska argument saknas"), "{e}");
    assert!(e.contains("<RAD>") && e.contains("--kind <TYP>"), "{e}");
}

#[test]
fn an_invalid_value_lists_the_possible_ones() {
    let e = usage_error(&["forecast", "show", "--format", "xml"]);
    assert!(
        e.contains(
            "ogiltigt värde \"xml\" för --format <FORMAT>; möjliga värden: table, csv, json"
        ),
        "{e}"
    );
    let e = usage_error(&["forecast", "set", "SN41:x", "--method", "volym pris"]);
    assert!(
        e.contains("möjliga värden: budget, linjar, sasong, volym, utjamning"),
        "{e}"
    );
    let e = usage_error(&["report", "--round", "2025-P2", "--format", "pdf,odt"]);
    assert!(e.contains("ogiltigt värde \"odt\""), "{e}");
    let e = usage_error(&["forecast", "show", "--round"]);
    assert!(e.contains("--round <OMGÅNG> behöver ett värde"), "{e}");
}

#[test]
fn a_number_that_is_not_one_is_explained() {
    let e = usage_error(&["ledger", "--year", "tjugo"]);
    assert!(
        e.contains("ogiltigt värde \"tjugo\" för --year <ÅR>: ett heltal väntas"),
        "{e}"
    );
}

#[test]
fn conflicting_arguments_are_named() {
    let e = usage_error(&[
        "forecast", "set", "SN41:x", "--method", "linjar", "--amount", "5",
    ]);
    assert!(
        e.contains("--method <METOD> kan inte användas tillsammans med --amount <BELOPP>"),
        "{e}"
    );
}

#[test]
fn a_missing_or_unknown_subcommand_lists_the_commands() {
    let e = usage_error(&["forecast"]);
    assert!(
        e.contains("delar forecast behöver ett kommando: run, show, set, adjust"),
        "{e}"
    );
    let e = usage_error(&[]);
    assert!(e.contains("delar behöver ett kommando"), "{e}");
    let e = usage_error(&["forcast"]);
    assert!(e.contains("okänt kommando \"forcast\" för delar"), "{e}");
    assert!(e.contains("\"forecast\""), "{e}");
    assert!(e.contains("Kommandon: hjalp, init"), "{e}");
}

#[test]
fn help_and_version_are_swedish_on_standard_output() {
    let o = delar(&["--help"], Path::new("."));
    assert_eq!(o.status.code(), Some(0));
    let h = stdout(&o);
    for w in ["Användning: delar <KOMMANDO>", "Kommandon:", "Flaggor:"] {
        assert!(h.contains(w), "{w} missing in {h}");
    }
    assert!(h.contains("-V, --version  Visa versionen"), "{h}");
    assert!(!h.contains("Usage") && !h.contains("Print"), "{h}");

    let o = delar(&["forecast", "set", "--help"], Path::new("."));
    assert_eq!(o.status.code(), Some(0));
    let h = stdout(&o);
    for w in [
        "Användning: delar forecast set [FLAGGOR] <RAD>",
        "Argument:",
        "Möjliga värden:",
        "- volym        Volym × styckpris",
        "- kombination  Kombination av metoder",
        "[standard: delar.db]",
        "\"12 500 000\"",
    ] {
        assert!(h.contains(w), "{w} missing in {h}");
    }
    // -h is the short form: possible values on one line.
    let h = stdout(&delar(&["forecast", "show", "-h"], Path::new(".")));
    assert!(
        h.contains("[möjliga värden: table, csv, json] [standard: table]"),
        "{h}"
    );
    // The help command, also under clap's name.
    let h = stdout(&delar(&["hjalp", "report"], Path::new(".")));
    assert!(h.contains("Användning: delar report"), "{h}");
    assert!(h.contains("Utan --format skrivs alla"), "{h}");
    assert_eq!(stdout(&delar(&["help", "report"], Path::new("."))), h);
    let o = delar(&["hjalp", "rapport"], Path::new("."));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("okänt kommando \"rapport\""));

    let o = delar(&["-V"], Path::new("."));
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("delar "), "{}", stdout(&o));
}
