//! Helpers shared by the end-to-end tests: run the `delar` binary and read what it wrote.
#![allow(dead_code)] // each test file uses its own share of these

use std::path::Path;
use std::process::{Command, Output};

/// Run `delar` with `args` in `dir`, as the user `testare` (for the audit trail).
pub fn delar(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_delar"))
        .args(args)
        .current_dir(dir)
        .env("DELAR_USER", "testare")
        .output()
        .expect("delar runs")
}

/// Bytes as text (lossy).
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// What a run printed on standard output.
pub fn stdout(o: &Output) -> String {
    text(&o.stdout)
}

/// What a run printed on standard error.
pub fn stderr(o: &Output) -> String {
    text(&o.stderr)
}

/// Run `delar`, require success, and return its standard output.
pub fn ok(args: &[&str], dir: &Path) -> String {
    let o = delar(args, dir);
    assert!(
        o.status.success(),
        "delar {args:?} failed: {}{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// Run `delar`, require exit code 1, and return its standard error.
pub fn fails(args: &[&str], dir: &Path) -> String {
    let o = delar(args, dir);
    assert_eq!(o.status.code(), Some(1), "delar {args:?} should fail");
    stderr(&o)
}
