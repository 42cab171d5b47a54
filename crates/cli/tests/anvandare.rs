//! `delar anvandare`: accounts and grants for the web application, from the command line.

mod common;

use common::{fails, ok};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Run `delar` with `input` on standard input; returns (exit code, stdout, stderr).
fn with_stdin(args: &[&str], input: &str, dir: &Path) -> (Option<i32>, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_delar"))
        .args(args)
        .current_dir(dir)
        .env("DELAR_USER", "testare")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn setup() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    std::fs::copy(
        fixtures.join("organisation.csv"),
        d.path().join("organisation.csv"),
    )
    .unwrap();
    ok(&["init"], d.path());
    ok(&["import", "organisation", "organisation.csv"], d.path());
    d
}

#[test]
fn users_are_added_listed_granted_and_removed() {
    let d = setup();
    let add = [
        "anvandare",
        "lagg-till",
        "enhetschef-myn1",
        "--roll",
        "enhetschef",
        "--nod",
        "SN-MYN-1",
        "--losenord-fran-stdin",
    ];
    let (code, out, err) = with_stdin(&add, "hemligt lösen\n", d.path());
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains("Lade till enhetschef-myn1 som enhetschef på SN-MYN-1"),
        "{out}"
    );
    // The same name again is refused, saying what to do instead.
    let (code, _, err) = with_stdin(&add, "annat\n", d.path());
    assert_eq!(code, Some(1));
    assert!(err.contains("finns redan"), "{err}");
    assert!(err.contains("delar anvandare behorighet"), "{err}");
    let out = ok(
        &[
            "anvandare",
            "behorighet",
            "enhetschef-myn1",
            "--roll",
            "läsare",
            "--nod",
            "SN",
        ],
        d.path(),
    );
    assert!(out.contains("är nu läsare på SN"), "{out}");
    let out = ok(&["anvandare", "lista"], d.path());
    assert!(
        out.contains("enhetschef-myn1") && out.contains("läsare på SN, enhetschef på SN-MYN-1"),
        "{out}"
    );
    let out = ok(
        &[
            "anvandare",
            "behorighet",
            "enhetschef-myn1",
            "--roll",
            "lasare",
            "--nod",
            "SN",
            "--ta-bort",
        ],
        d.path(),
    );
    assert!(out.contains("inte längre läsare på SN"), "{out}");
    // The stored password is an Argon2id hash, never the password.
    let db = std::fs::read(d.path().join("delar.db")).unwrap();
    let db = String::from_utf8_lossy(&db);
    assert!(db.contains("$argon2id$"));
    assert!(!db.contains("hemligt lösen"));
    ok(&["anvandare", "ta-bort", "enhetschef-myn1"], d.path());
    let err = fails(&["anvandare", "ta-bort", "enhetschef-myn1"], d.path());
    assert!(
        err.contains("användaren enhetschef-myn1 finns inte"),
        "{err}"
    );
    assert!(ok(&["anvandare", "lista"], d.path()).contains("Inga användare"));
}

#[test]
fn bad_names_roles_nodes_and_passwords_are_refused_in_swedish() {
    let d = setup();
    let err = fails(
        &[
            "anvandare",
            "lagg-till",
            "x",
            "--roll",
            "chef",
            "--nod",
            "SN",
        ],
        d.path(),
    );
    assert!(err.contains("rollen \"chef\" finns inte"), "{err}");
    assert!(
        err.contains("enhetschef, ekonom, administrator, lasare"),
        "{err}"
    );
    let (code, _, err) = with_stdin(
        &[
            "anvandare",
            "lagg-till",
            "ekonom-xx",
            "--roll",
            "ekonom",
            "--nod",
            "XX",
            "--losenord-fran-stdin",
        ],
        "pw\n",
        d.path(),
    );
    assert_eq!(code, Some(1));
    assert!(
        err.contains("noden XX finns inte i organisationen"),
        "{err}"
    );
    let (code, _, err) = with_stdin(
        &[
            "anvandare",
            "lagg-till",
            "Anna Berg",
            "--roll",
            "ekonom",
            "--nod",
            "SN",
            "--losenord-fran-stdin",
        ],
        "pw\n",
        d.path(),
    );
    assert_eq!(code, Some(1));
    assert!(err.contains("gemener"), "{err}");
    let (code, _, err) = with_stdin(
        &[
            "anvandare",
            "lagg-till",
            "ekonom-sn",
            "--roll",
            "ekonom",
            "--nod",
            "SN",
            "--losenord-fran-stdin",
        ],
        "\n",
        d.path(),
    );
    assert_eq!(code, Some(1));
    assert!(err.contains("lösenordet är tomt"), "{err}");
}
