//! The goal pages' test data: Exempelkommun's follow-up registers (goals, indicators and
//! their values, texts for 2025) imported into a test's database, and the person who reports
//! the social committee's goals (`enhetschef-sn`: an enhetschef granted on SN itself).

use super::App;
use delar_store::SqlStore;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The committee whose goals the tests enter, submit and review.
pub const COMMITTEE: &str = "SN";

/// The person who reports SN's goals.
pub const REPORTER: &str = "enhetschef-sn";

/// The register files, written once per test binary.
fn files() -> &'static Vec<PathBuf> {
    static FILES: OnceLock<Vec<PathBuf>> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!(
            "delar-web-goals-{}/uppfoljning",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        delar_demo::followup::write_followup(
            &dir,
            &delar_demo::followup::FollowupOptions::default(),
        )
        .unwrap()
    })
}

/// Import the follow-up registers into `s` and add [`REPORTER`].
pub fn add_goals(s: &mut SqlStore) {
    for f in files() {
        let reg = f.file_stem().unwrap().to_string_lossy().into_owned();
        delar_app::imports::import_register(s, &reg, f).unwrap_or_else(|e| panic!("{reg}: {e}"));
    }
    delar_app::users::add_user(
        s,
        REPORTER,
        "demo",
        delar_app::auth::Role::Enhetschef,
        COMMITTEE,
        "test",
    )
    .unwrap();
}

/// A fresh app with the goals.
pub fn app() -> App {
    let app = App::new();
    add_goals(&mut app.store());
    app
}
