//! Sign-in with the municipality's accounts and the administration pages in headless Chromium
//! (the shared harness, `browser/mod.rs`), against the test's own OpenID Connect provider on
//! loopback (`oidc_provider`): a person signs in through the provider for the first time and
//! lands on the start page without roles; the administrator adds a user with a password and
//! grants the new person a role on the administration pages; the person signs in again and
//! now opens their committee's sheet. axe-core runs on the login page with the provider's
//! button and on the administration pages. `DELAR_SKARMBILDER=1` saves screenshots.

mod browser;
mod common;
mod oidc_provider;

use browser::Run;
use common::{App, ROUND};
use delar_store::prelude::*;
use fantoccini::Locator;
use oidc_provider::Provider;

async fn click(run: &Run, css: &str) {
    run.c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
}

async fn type_into(run: &Run, css: &str, text: &str) {
    run.c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .send_keys(text)
        .await
        .unwrap();
}

/// Sign in through the provider from the login page; waits for the start page.
async fn sign_in_with_provider(run: &mut Run) {
    run.goto("/logga-in").await;
    click(run, "#logga-in-oidc").await;
    run.until(
        "startsidan efter inloggningen hos leverantören",
        "return location.pathname === '/' && !!document.querySelector('h1')",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_through_the_provider_and_an_administrator_grants_a_role() {
    let provider = Provider::start();
    let plain = App::new();
    let app = App {
        router: delar_web::router(delar_web::Config {
            db: plain.db.clone(),
            secure_cookies: false,
            oidc: Some(provider.config("")),
        }),
        db: plain.db,
    };
    let pages = [
        "inloggning-med-kommunens-konto",
        "inloggad-via-leverantoren",
        "administration",
        "administration-efter-tillagg",
        "administration-anvandare",
    ];
    browser::run(app, &pages, |mut run, app| async move {
        // The provider sends the browser back to the application's real address.
        provider.redirect_to(&run.base);
        run.goto("/logga-in").await;
        let button = run.text("#logga-in-oidc").await;
        assert_eq!(button, "Logga in med Exempelkommuns konto");
        run.axe("inloggning-med-kommunens-konto").await;
        run.shot("inloggning-kommunens-konto").await;

        // First sign-in: an account without roles.
        sign_in_with_provider(&mut run).await;
        let header = run.text(".inloggad").await;
        assert!(header.contains("anna.svensson"), "{header}");
        run.axe("inloggad-via-leverantoren").await;
        assert_eq!(run.status_of(&format!("/prognos/{ROUND}/SN41")).await, 403);
        assert_eq!(run.status_of("/admin").await, 403);
        assert_eq!(provider.exchanges(), vec![(true, true)]);
        run.logout().await;

        // The administrator adds a user with a password …
        run.login("admin").await;
        run.goto("/admin").await;
        run.axe("administration").await;
        run.shot("administration").await;
        type_into(&run, "#ny-namn", "ekonom-fsn2").await;
        type_into(&run, "#ny-losenord", "Hemligt-2025").await;
        click(&run, "#ny-roll option[value='ekonom']").await;
        click(&run, "#ny-nod option[value='FSN']").await;
        click(&run, "form[action='/admin/anvandare'] button").await;
        run.until(
            "att kontot lades till",
            "return location.search.indexOf('klart=tillagd') >= 0",
        )
        .await;
        let notice = run.text("p.klart").await;
        assert_eq!(notice, "Kontot ekonom-fsn2 lades till.");
        run.axe("administration-efter-tillagg").await;
        // … and grants the person who signed in through the provider a role.
        click(&run, "a[href='/admin/anvandare/anna.svensson']").await;
        run.until(
            "användarens sida",
            "return location.pathname === '/admin/anvandare/anna.svensson'",
        )
        .await;
        click(&run, "#roll option[value='ekonom']").await;
        click(&run, "#nod option[value='SN']").await;
        click(&run, "form[action$='/behorighet'] button").await;
        run.until(
            "att behörigheten gavs",
            "return location.search.indexOf('klart=behorighet') >= 0",
        )
        .await;
        let table = run.text("table").await;
        assert!(table.contains("ekonom"), "{table}");
        assert!(table.contains("SN – "), "{table}");
        run.axe("administration-anvandare").await;
        run.shot("administration-anvandare").await;
        run.logout().await;

        // The person signs in again and now reads the committee's units.
        sign_in_with_provider(&mut run).await;
        assert_eq!(run.status_of(&format!("/prognos/{ROUND}/SN41")).await, 200);
        assert_eq!(run.status_of(&format!("/prognos/{ROUND}/VON21")).await, 403);
        let s = app.store();
        let u = s.user("ekonom-fsn2").unwrap().unwrap();
        assert_eq!(u.grants.len(), 1);
        assert_eq!(
            s.admin_events(10).unwrap().len(),
            3,
            "created, added, granted"
        );
        run
    })
    .await;
}
