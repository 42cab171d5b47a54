//! Which kontogrupp of a unit a volume series drives: one rule for the forecast round (which
//! lines a volume × price estimate is offered for) and the report (which forecast lines a
//! placement table is reconciled with).

/// The key (kontogrupp or account) among a unit's `groups` (key, monthly outcome of one
/// complete year, kronor) whose outcome the series' `implied` monthly cost (volume × price,
/// same months) explains best: the implied year's cost positive and at most 105 % of the
/// group's (positive) outcome, then the smallest sum of monthly gaps; `None` when no group
/// qualifies.
pub fn best_group<'a>(
    implied: &[f64],
    groups: impl IntoIterator<Item = (&'a str, &'a [f64])>,
) -> Option<&'a str> {
    let total: f64 = implied.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let mut best: Option<(f64, &str)> = None;
    for (key, outcome) in groups {
        if outcome.len() != implied.len() {
            continue;
        }
        let out_total: f64 = outcome.iter().sum();
        if out_total <= 0.0 || total > out_total * 1.05 {
            continue;
        }
        let gap: f64 = outcome
            .iter()
            .zip(implied)
            .map(|(a, c)| (a - c).abs())
            .sum();
        if best.is_none_or(|(g, _)| gap < g) {
            best = Some((gap, key));
        }
    }
    best.map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::best_group;

    #[test]
    fn the_group_whose_months_the_series_explains_best() {
        let implied = [100.0; 12];
        let staff = [400.0; 12];
        let purchases = [104.0; 12];
        let small = [90.0; 12]; // the series would cost more than the group: not it
        let groups = [
            ("personal", &staff[..]),
            ("kop_verksamhet", &purchases[..]),
            ("ovriga", &small[..]),
        ];
        assert_eq!(best_group(&implied, groups), Some("kop_verksamhet"));
        assert_eq!(best_group(&implied, [("ovriga", &small[..])]), None);
        assert_eq!(best_group(&[0.0; 12], groups), None);
        // Months that do not match in number are not compared.
        assert_eq!(best_group(&implied, [("kort", &[100.0; 11][..])]), None);
    }
}
