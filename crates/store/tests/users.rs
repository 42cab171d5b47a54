//! The web application's people in the store, on both backends: accounts with their grants,
//! refusals that name what to do, sessions that slide, end and are purged, failed-login
//! counters, and accounts that outlive the store that wrote them.

#[macro_use]
mod common;

use delar_store::prelude::*;
use delar_store::{SessionRecord, StoreError, StoredGrant};

/// A PHC string as the application layer writes it (the store keeps it as given).
const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";

fn grant(role: &str, node: &str) -> StoredGrant {
    StoredGrant {
        role: role.into(),
        node: node.into(),
    }
}

both! {
#[test]
fn accounts_grants_and_removal() {
    let mut s = common::store();
    assert!(s.migrations_applied().contains(&17));
    s.add_user("enhetschef-sn41", HASH, "admin").unwrap();
    let e = s.add_user("enhetschef-sn41", "$argon2id$annan", "admin").unwrap_err();
    assert!(matches!(e, StoreError::Refused(_)), "{e:?}");
    assert!(
        e.to_string().contains("användaren enhetschef-sn41 finns redan")
            && e.to_string().contains("delar anvandare behorighet enhetschef-sn41"),
        "{e}"
    );
    assert!(s.grant("enhetschef-sn41", "enhetschef", "SN41", "admin").unwrap());
    assert!(
        !s.grant("enhetschef-sn41", "enhetschef", "SN41", "admin").unwrap(),
        "a grant held already is not granted again"
    );
    assert!(s.grant("enhetschef-sn41", "lasare", "SN", "admin").unwrap());
    let e = s.grant("okand", "ekonom", "SN", "admin").unwrap_err();
    assert!(
        e.to_string().contains("användaren okand finns inte")
            && e.to_string().contains("delar anvandare lagg-till okand"),
        "{e}"
    );
    let u = s.user("enhetschef-sn41").unwrap().unwrap();
    assert_eq!(u.password_hash, HASH);
    assert_eq!(u.created_by, "admin");
    assert_eq!((u.failed_logins, u.locked_until), (0, None));
    assert_eq!(
        u.grants,
        vec![grant("lasare", "SN"), grant("enhetschef", "SN41")],
        "grants by node, then role"
    );
    assert!(s.revoke("enhetschef-sn41", "lasare", "SN").unwrap());
    assert!(!s.revoke("enhetschef-sn41", "lasare", "SN").unwrap());
    assert_eq!(
        s.user("enhetschef-sn41").unwrap().unwrap().grants,
        vec![grant("enhetschef", "SN41")]
    );
    s.create_session("abc", "enhetschef-sn41", 100, 200).unwrap();
    assert!(s.remove_user("enhetschef-sn41").unwrap());
    assert!(!s.remove_user("enhetschef-sn41").unwrap());
    assert_eq!(s.user("enhetschef-sn41").unwrap(), None);
    assert_eq!(s.session("abc").unwrap(), None, "sessions end with the account");
    assert!(s.users().unwrap().is_empty());
}

#[test]
fn accounts_are_listed_by_name_byte_for_byte() {
    let mut s = common::store();
    for name in ["åsa-ekonom", "anna", "Bo", "ekonom-sn"] {
        s.add_user(name, HASH, "admin").unwrap();
    }
    s.grant("anna", "ekonom", "SN", "admin").unwrap();
    s.grant("anna", "administrator", "KS", "admin").unwrap();
    let users = s.users().unwrap();
    assert_eq!(
        users.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(),
        ["Bo", "anna", "ekonom-sn", "åsa-ekonom"],
        "the same order on SQLite and PostgreSQL whatever the server's locale"
    );
    assert_eq!(
        users[1].grants,
        vec![grant("administrator", "KS"), grant("ekonom", "SN")]
    );
    assert!(users[0].grants.is_empty());
}

#[test]
fn sessions_extend_end_and_purge() {
    let mut s = common::store();
    s.add_user("ekonom-sn", HASH, "admin").unwrap();
    s.create_session("t1", "ekonom-sn", 1000, 2800).unwrap();
    s.create_session("t2", "ekonom-sn", 1000, 1500).unwrap();
    s.extend_session("t1", 3600).unwrap();
    assert_eq!(
        s.session("t1").unwrap(),
        Some(SessionRecord {
            user: "ekonom-sn".into(),
            created_at: 1000,
            expires_at: 3600
        })
    );
    assert_eq!(s.purge_sessions(2000).unwrap(), 1);
    assert_eq!(s.session("t2").unwrap(), None);
    assert!(s.session("t1").unwrap().is_some(), "a session still running is kept");
    assert!(s.end_session("t1").unwrap());
    assert!(!s.end_session("t1").unwrap());
    assert_eq!(s.session("t1").unwrap(), None);
    s.create_session("t3", "ekonom-sn", 1000, 9000).unwrap();
    assert!(s.set_password("ekonom-sn", "$argon2id$nytt").unwrap());
    assert_eq!(s.session("t3").unwrap(), None, "a new password ends sessions");
    assert_eq!(
        s.user("ekonom-sn").unwrap().unwrap().password_hash,
        "$argon2id$nytt"
    );
    assert!(!s.set_password("okand", "$argon2id$x").unwrap());
}

#[test]
fn a_session_for_an_unknown_account_is_not_kept() {
    let mut s = common::store();
    assert!(s.create_session("t1", "okand", 1000, 2000).is_err());
    assert_eq!(s.session("t1").unwrap(), None);
}

#[test]
fn failed_logins_are_counted_and_reset() {
    let mut s = common::store();
    s.add_user("revisor", HASH, "admin").unwrap();
    s.set_login_failures("revisor", 5, Some(1_765_000_000)).unwrap();
    let u = s.user("revisor").unwrap().unwrap();
    assert_eq!((u.failed_logins, u.locked_until), (5, Some(1_765_000_000)));
    s.set_login_failures("revisor", 0, None).unwrap();
    let u = s.user("revisor").unwrap().unwrap();
    assert_eq!((u.failed_logins, u.locked_until), (0, None));
    s.set_login_failures("revisor", 3, None).unwrap();
    assert!(s.set_password("revisor", "$argon2id$nytt").unwrap());
    let u = s.user("revisor").unwrap().unwrap();
    assert_eq!(
        (u.failed_logins, u.locked_until),
        (0, None),
        "a new password clears the counter"
    );
}

#[test]
fn accounts_and_sessions_outlive_the_store_that_wrote_them() {
    let db = common::Persistent::new();
    {
        let mut s = db.create();
        s.add_user("ekonom-sn", HASH, "admin").unwrap();
        s.grant("ekonom-sn", "ekonom", "SN", "admin").unwrap();
        s.create_session("t1", "ekonom-sn", 1000, 5000).unwrap();
    }
    let s = db.open();
    let u = s.user("ekonom-sn").unwrap().unwrap();
    assert_eq!(u.grants, vec![grant("ekonom", "SN")]);
    assert_eq!(s.session("t1").unwrap().unwrap().expires_at, 5000);
}
}
