use delar_report::check::{check, render_findings};
use delar_report::fixture::sample;

#[test]
fn sample_has_no_findings() {
    let f = check(&sample());
    assert!(f.is_empty(), "{}", render_findings(&f));
}
