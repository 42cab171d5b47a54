//! External sign-in identities and the administrators' log (migration 25), on both backends:
//! an account created with its identity and grants in one transaction, refusals that name
//! what is in the way, removal that takes the identity with it, and the log newest first.

#[macro_use]
mod common;

use delar_store::prelude::*;
use delar_store::{StoreError, StoredGrant};

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
