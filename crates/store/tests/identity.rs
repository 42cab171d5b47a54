//! External sign-in identities and the administrators' log (migration 25), on both backends:
//! an account created with its identity and grants in one transaction, refusals that name
//! what is in the way, removal that takes the identity with it, and the log newest first.

#[macro_use]
mod common;

use delar_store::prelude::*;
use delar_store::{AddressRule, PendingSignIn, StoreError, StoredGrant};

const ISSUER: &str = "https://login.microsoftonline.com/0f1e2d3c-aaaa-bbbb-cccc-123456789abc/v2.0";

both! {
#[test]
fn an_external_account_keeps_its_identity_and_signs_in_without_a_password() {
    let mut s = common::store();
    assert!(s.migrations_applied().contains(&25));
    let grants = vec![("ekonom".to_string(), "SN".to_string())];
    s.add_external_user("anna.svensson", (ISSUER, "7c1e-oid", "oid"), &grants, "oidc")
        .unwrap();
    let u = s.user("anna.svensson").unwrap().unwrap();
    assert_eq!(u.password_hash, "", "no password can match it");
    assert_eq!(
        u.grants,
        vec![StoredGrant { role: "ekonom".into(), node: "SN".into() }]
    );
    let id = s.external_identity(ISSUER, "7c1e-oid").unwrap().unwrap();
    assert_eq!((id.user.as_str(), id.claim.as_str()), ("anna.svensson", "oid"));
    assert!(s.external_identity(ISSUER, "annan").unwrap().is_none());
    assert!(
        s.external_identity("https://annan.example/v2.0", "7c1e-oid").unwrap().is_none(),
        "the issuer is part of the identity"
    );
    // The same identity cannot belong to a second account, nor a name be taken twice.
    let e = s
        .add_external_user("anna2", (ISSUER, "7c1e-oid", "oid"), &[], "oidc")
        .unwrap_err();
    assert!(matches!(e, StoreError::Refused(_)), "{e:?}");
    assert!(e.to_string().contains("hör redan till användaren anna.svensson"), "{e}");
    assert!(s.user("anna2").unwrap().is_none(), "nothing kept of the refused account");
    let e = s
        .add_external_user("anna.svensson", (ISSUER, "annan-oid", "oid"), &[], "oidc")
        .unwrap_err();
    assert!(e.to_string().contains("finns redan"), "{e}");
    s.touch_external_identity(ISSUER, "7c1e-oid").unwrap();
    assert!(s.external_identity(ISSUER, "7c1e-oid").unwrap().unwrap().last_login_at.is_some());
    assert_eq!(s.external_identities().unwrap().len(), 1);
    // Removing the account removes its identity: a later sign-in makes a new account.
    assert!(s.remove_user("anna.svensson").unwrap());
    assert!(s.external_identity(ISSUER, "7c1e-oid").unwrap().is_none());
}
}

both! {
#[test]
fn the_administrators_log_is_kept_newest_first() {
    let mut s = common::store();
    s.log_admin("admin", "lagg-till-anvandare", "lade till ekonom-ny").unwrap();
    s.log_admin("admin", "behorighet", "gav ekonom-ny rollen ekonom på SN").unwrap();
    s.log_admin("admin2", "tidsfrist", "2025-P2: 2025-09-05").unwrap();
    let all = s.admin_events(10).unwrap();
    assert_eq!(
        all.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["tidsfrist", "behorighet", "lagg-till-anvandare"]
    );
    assert_eq!(all[0].user, "admin2");
    assert!(all[0].at.ends_with('Z'), "{}", all[0].at);
    assert_eq!(s.admin_events(2).unwrap().len(), 2);
}
}

fn pending(state: &str, created_at: i64) -> PendingSignIn {
    PendingSignIn {
        state_sha256: state.into(),
        nonce: format!("nonce-{state}"),
        pkce_verifier: format!("verifier-{state}"),
        next_path: "/prognos/2025-P2/SN21".into(),
        binding_sha256: format!("binding-{state}"),
        created_at,
        expires_at: created_at + 600,
    }
}

both! {
#[test]
fn a_pending_sign_in_is_taken_once_expires_and_is_cleaned() {
    let db = common::Persistent::new();
    let mut s = db.create();
    assert!(s.migrations_applied().contains(&27));
    let t0 = 1_800_000_000;
    s.put_pending_sign_in(&pending("a", t0), t0, 100).unwrap();
    // Another connection (another server behind the load balancer) takes it.
    let mut other = db.open();
    let got = other.take_pending_sign_in("a", t0 + 30).unwrap().unwrap();
    assert_eq!(got, pending("a", t0));
    assert!(!format!("{got:?}").contains("verifier-a"), "no secret in Debug");
    // Taken once: a replayed state finds nothing, on either connection.
    assert!(other.take_pending_sign_in("a", t0 + 31).unwrap().is_none());
    assert!(s.take_pending_sign_in("a", t0 + 31).unwrap().is_none());
    // Expired: refused at its end, and removed by the next sign-in that begins.
    s.put_pending_sign_in(&pending("b", t0), t0, 100).unwrap();
    s.put_pending_sign_in(&pending("c", t0 + 500), t0 + 500, 100).unwrap();
    assert!(s.take_pending_sign_in("b", t0 + 600).unwrap().is_none(), "expired");
    s.put_pending_sign_in(&pending("d", t0), t0, 100).unwrap();
    s.put_pending_sign_in(&pending("e", t0 + 700), t0 + 700, 100).unwrap();
    assert!(s.take_pending_sign_in("d", t0 + 650).unwrap().is_none(), "cleaned away");
    assert!(s.take_pending_sign_in("c", t0 + 700).unwrap().is_some(), "still valid");
    // At most `max` are kept: the oldest gives way.
    for (i, st) in ["f", "g", "h"].iter().enumerate() {
        s.put_pending_sign_in(&pending(st, t0 + 701 + i as i64), t0 + 701, 3).unwrap();
    }
    assert!(s.take_pending_sign_in("e", t0 + 710).unwrap().is_none(), "oldest gave way");
    for st in ["f", "g", "h"] {
        assert!(s.take_pending_sign_in(st, t0 + 710).unwrap().is_some(), "{st}");
    }
}
}

both! {
#[test]
fn failed_logins_per_address_lock_within_a_window_and_are_forgotten_after_it() {
    let mut s = common::store();
    let rule = AddressRule { window: 900, limit: 3, lock: 600 };
    let t0 = 1_800_000_000;
    assert!(s.address_failures("203.0.113.7").unwrap().is_none());
    let a = s.record_address_failure("203.0.113.7", t0, rule).unwrap();
    assert_eq!((a.failures, a.window_start, a.locked_until), (1, t0, None));
    s.record_address_failure("203.0.113.7", t0 + 10, rule).unwrap();
    // Another address counts on its own.
    s.record_address_failure("2001:db8::1", t0 + 10, rule).unwrap();
    let a = s.record_address_failure("203.0.113.7", t0 + 20, rule).unwrap();
    assert_eq!((a.failures, a.locked_until), (3, Some(t0 + 620)), "the limit locks");
    assert_eq!(s.address_failures("203.0.113.7").unwrap().unwrap(), a);
    assert_eq!(s.address_failures("2001:db8::1").unwrap().unwrap().failures, 1);
    // A failure during the lock extends it.
    let a = s.record_address_failure("203.0.113.7", t0 + 100, rule).unwrap();
    assert_eq!(a.locked_until, Some(t0 + 700));
    // After the window a failure starts a new count, and the lock ended meanwhile.
    let a = s.record_address_failure("203.0.113.7", t0 + 1000, rule).unwrap();
    assert_eq!((a.failures, a.window_start, a.locked_until), (1, t0 + 1000, None));
    // The other address's window has passed: it is forgotten.
    assert!(s.address_failures("2001:db8::1").unwrap().is_none());
}
}
