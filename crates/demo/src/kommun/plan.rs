//! The yearly plan: for every unit and account the monthly outcome and original budget, the
//! internal invoice pairs, the committees' frames and the December accruals. Vouchers are cut
//! from the plan, so every monthly sum is known exactly before a line is written.

use super::chart::{idx, TECH_DEFICIT, TECH_EFFICIENCY};
use super::org::{Committee, Kind, Organisation, ACTIVITIES};
use super::rng_for;
use super::volumes::{Driver, Volumes, FIRST_YEAR, PLACEMENTS};
use delar_core::period::days_in_month;

/// How a plan line is booked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Book {
    /// Wages, social fees and pensions in the monthly payroll.
    Payroll,
    /// Supplier invoices, `n` per month at the default density.
    Supplier(u8),
    /// Monthly rent invoice of the unit's landlord.
    Rent,
    /// Customer invoices (fees, rents, sales) against receivables.
    Customer,
    /// Grants paid into the bank.
    Grant,
    /// External placement invoices (with December accrual).
    Placement,
    /// PN's invoices from external providers.
    External,
    /// Payments of financial assistance.
    Aid,
    /// Monthly depreciation and internal interest (memorial vouchers).
    Capital,
    /// December change of the holiday-pay liability.
    HolidayAccrual,
    /// Budget only (technical lines).
    BudgetOnly,
}

/// One unit × account × activity with its monthly outcome and budget (öre).
#[derive(Clone, Debug)]
pub(crate) struct Line {
    pub unit: u32,
    pub acct: u16,
    pub ver: u8,
    pub book: Book,
    pub outcome: [i64; 12],
    pub budget: [i64; 12],
}

/// An internal invoice stream: PN (`buyer`) pays `seller` under compensation model `model`
/// (0 hour, 1 day, 2 attendance day, 3 fixed assignment). Amounts are PN's side (positive).
#[derive(Clone, Debug)]
pub(crate) struct Pair {
    pub seller: u32,
    pub buyer: u32,
    pub model: u8,
    pub ver: u8,
    pub outcome: [i64; 12],
    pub budget: [i64; 12],
}

/// Everything about one year that the ledger needs.
#[derive(Clone, Debug)]
pub(crate) struct YearPlan {
    pub year: i32,
    pub lines: Vec<Line>,
    pub pairs: Vec<Pair>,
    /// Annual net budget (frame, kommunbidrag) per committee in öre.
    pub frame: [i64; 4],
    /// December placement costs booked as accruals (line index, öre).
    pub accruals: Vec<(usize, i64)>,
    /// The month (0-based) whose rent invoice from the first landlord arrives in the next
    /// month, and the late amounts per landlord-0 rent line in plan order.
    pub late_rent: Option<(u8, Vec<i64>)>,
}

/// Share of December placement costs booked as a year-end accrual (per mille).
pub const ACCRUAL_PERMILLE: i64 = 400;

#[derive(Clone, Copy)]
enum Prof {
    Linear,
    /// Monthly wages with the yearly pay rise from April.
    Wage,
    /// Hourly pay: summer temps June–August.
    Hourly,
    /// Holiday pay: mostly June–August.
    Holiday,
    /// Supplier costs: lower in July, higher in December.
    Supplier,
    /// Quarterly payments (March, June, September, December).
    Quarterly,
    /// Once a year in May.
    May,
    /// Twice a year, April and October.
    AprOct,
}

/// The pay rise from April each year.
pub const PAY_RISE: f64 = 0.032;

fn weights(p: Prof, year: i32) -> [f64; 12] {
    let mut w = [1.0; 12];
    match p {
        Prof::Linear => {}
        Prof::Wage => {
            for (m, x) in w.iter_mut().enumerate() {
                *x = if m >= 3 { 1.0 + PAY_RISE } else { 1.0 };
            }
        }
        Prof::Hourly => {
            w = [
                0.8, 0.8, 0.85, 0.85, 0.9, 1.6, 2.2, 1.6, 0.9, 0.85, 0.85, 0.8,
            ]
        }
        Prof::Holiday => {
            w = [
                0.03, 0.03, 0.03, 0.03, 0.04, 0.2, 0.3, 0.18, 0.04, 0.03, 0.03, 0.06,
            ]
        }
        Prof::Supplier => {
            for (m, x) in w.iter_mut().enumerate() {
                *x = days_in_month(year, m as u8 + 1) as f64 / 30.4
                    * [
                        1.0, 1.0, 1.0, 1.0, 1.0, 0.95, 0.75, 0.9, 1.05, 1.05, 1.05, 1.25,
                    ][m];
            }
        }
        Prof::Quarterly => w = [0., 0., 1., 0., 0., 1., 0., 0., 1., 0., 0., 1.],
        Prof::May => w = [0., 0., 0., 0., 1., 0., 0., 0., 0., 0., 0., 0.],
        Prof::AprOct => w = [0., 0., 0., 1., 0., 0., 0., 0., 0., 1., 0., 0.],
    }
    w
}

/// Spread `total` öre over months by weights (whole kronor, the last month takes the rest).
fn spread(total: i64, w: &[f64; 12], noise: &[f64; 12]) -> [i64; 12] {
    let sum: f64 = w.iter().zip(noise).map(|(a, n)| a * (1.0 + n)).sum();
    let mut out = [0i64; 12];
    if sum == 0.0 {
        return out;
    }
    let mut acc = 0;
    let last = (0..12).rev().find(|&m| w[m] > 0.0).unwrap_or(11);
    for m in 0..12 {
        if m == last {
            continue;
        }
        out[m] = ((total as f64 * w[m] * (1.0 + noise[m]) / sum / 100.0).round() as i64) * 100;
        acc += out[m];
    }
    out[last] = total - acc;
    out
}

struct Tpl {
    acct: &'static str,
    share: f64,
    book: Book,
    prof: Prof,
}

const fn tp(acct: &'static str, share: f64, book: Book, prof: Prof) -> Tpl {
    Tpl {
        acct,
        share,
        book,
        prof,
    }
}

use Book::{Customer as C, Grant as G, Payroll as P, Rent as R, Supplier as S};

const CARE: &[Tpl] = &[
    tp("5011", 0.50, P, Prof::Wage),
    tp("5021", 0.06, P, Prof::Hourly),
    tp("5071", 0.035, P, Prof::Holiday),
    tp("7512", 0.012, S(2), Prof::Supplier),
    tp("6110", 0.06, R, Prof::Linear),
    tp("6420", 0.03, S(6), Prof::Supplier),
    tp("6410", 0.015, S(5), Prof::Supplier),
    tp("6440", 0.01, S(2), Prof::Supplier),
    tp("6430", 0.006, S(2), Prof::Supplier),
    tp("6930", 0.01, S(1), Prof::Supplier),
    tp("7910", 0.006, S(3), Prof::Supplier),
];
const HOMECARE: &[Tpl] = &[
    tp("5011", 0.52, P, Prof::Wage),
    tp("5021", 0.07, P, Prof::Hourly),
    tp("5071", 0.036, P, Prof::Holiday),
    tp("7320", 0.03, S(2), Prof::Supplier),
    tp("7330", 0.01, S(3), Prof::Supplier),
    tp("6110", 0.02, R, Prof::Linear),
    tp("6410", 0.01, S(4), Prof::Supplier),
    tp("6930", 0.012, S(1), Prof::Supplier),
    tp("7512", 0.01, S(2), Prof::Supplier),
    tp("7910", 0.005, S(2), Prof::Supplier),
];
const NURSING: &[Tpl] = &[
    tp("5011", 0.55, P, Prof::Wage),
    tp("5021", 0.04, P, Prof::Hourly),
    tp("5071", 0.038, P, Prof::Holiday),
    tp("7510", 0.04, S(3), Prof::Supplier),
    tp("6430", 0.03, S(5), Prof::Supplier),
    tp("6110", 0.02, R, Prof::Linear),
    tp("6930", 0.012, S(1), Prof::Supplier),
    tp("7320", 0.015, S(2), Prof::Supplier),
    tp("5610", 0.005, S(1), Prof::Supplier),
];
const OFFICE: &[Tpl] = &[
    tp("5011", 0.56, P, Prof::Wage),
    tp("5021", 0.02, P, Prof::Hourly),
    tp("5071", 0.036, P, Prof::Holiday),
    tp("7511", 0.04, S(2), Prof::Supplier),
    tp("6110", 0.05, R, Prof::Linear),
    tp("6930", 0.02, S(2), Prof::Supplier),
    tp("7010", 0.015, S(1), Prof::Supplier),
    tp("7030", 0.01, S(3), Prof::Supplier),
    tp("5610", 0.01, S(1), Prof::Supplier),
    tp("7310", 0.005, S(2), Prof::Supplier),
    tp("6410", 0.005, S(2), Prof::Supplier),
];
const DAILY: &[Tpl] = &[
    tp("5011", 0.50, P, Prof::Wage),
    tp("5021", 0.04, P, Prof::Hourly),
    tp("5071", 0.036, P, Prof::Holiday),
    tp("6110", 0.08, R, Prof::Linear),
    tp("6410", 0.04, S(4), Prof::Supplier),
    tp("7210", 0.04, S(2), Prof::Supplier),
    tp("6420", 0.01, S(2), Prof::Supplier),
    tp("6930", 0.01, S(1), Prof::Supplier),
];
const ASSIST: &[Tpl] = &[
    tp("5011", 0.45, P, Prof::Wage),
    tp("5021", 0.18, P, Prof::Hourly),
    tp("5071", 0.045, P, Prof::Holiday),
    tp("7320", 0.01, S(1), Prof::Supplier),
    tp("5610", 0.01, S(1), Prof::Supplier),
    tp("7910", 0.02, S(2), Prof::Supplier),
    tp("6110", 0.005, R, Prof::Linear),
];

fn template(k: Kind) -> &'static [Tpl] {
    match k {
        Kind::CareHome | Kind::ShortStay | Kind::LssHome | Kind::OwnCare | Kind::Unaccompanied => {
            CARE
        }
        Kind::HomeCare => HOMECARE,
        Kind::HomeNursing => NURSING,
        Kind::DailyAct | Kind::SocPsych | Kind::OwnCareFunded => DAILY,
        Kind::PersAssist => ASSIST,
        Kind::Admin | Kind::Investigation | Kind::AidAdmin | Kind::PnOffice => OFFICE,
        _ => &[],
    }
}

const REV_HOMECARE: &[Tpl] = &[tp("3111", -0.035, C, Prof::Linear)];
const REV_CAREHOME: &[Tpl] = &[
    tp("3112", -0.07, C, Prof::Linear),
    tp("3611", -0.06, C, Prof::Linear),
];
const REV_LSS: &[Tpl] = &[
    tp("3116", -0.02, C, Prof::Linear),
    tp("3612", -0.05, C, Prof::Linear),
];
const REV_ASSIST: &[Tpl] = &[tp("3312", -0.80, G, Prof::Linear)];
const REV_UNACCOMPANIED: &[Tpl] = &[tp("3311", -0.65, G, Prof::Quarterly)];
const REV_INVESTIGATION: &[Tpl] = &[tp("3314", -0.02, G, Prof::May)];
const REV_OWNCARE: &[Tpl] = &[tp("3413", -0.04, C, Prof::Linear)];

/// Revenues as a share of gross cost (negative), with booking and profile.
fn revenues(k: Kind) -> &'static [Tpl] {
    match k {
        Kind::HomeCare => REV_HOMECARE,
        Kind::CareHome | Kind::ShortStay => REV_CAREHOME,
        Kind::LssHome => REV_LSS,
        Kind::PersAssist => REV_ASSIST,
        Kind::Unaccompanied => REV_UNACCOMPANIED,
        Kind::Investigation => REV_INVESTIGATION,
        Kind::OwnCare => REV_OWNCARE,
        _ => &[],
    }
}

/// Share of gross cost paid as a fixed monthly assignment by PN, and the buyer unit.
fn assignment(k: Kind) -> Option<(f64, &'static str)> {
    match k {
        Kind::HomeNursing => Some((0.98, "PN10")),
        Kind::PersAssist => Some((0.17, "PN11")),
        Kind::OwnCareFunded => Some((0.9, "PN12")),
        _ => None,
    }
}

/// Systematic deviation of outcome from budget by kind (the stories the forecasts meet).
fn bias(k: Kind, acct: &str, year: i32) -> f64 {
    let late = (year - FIRST_YEAR) as f64 / 4.0;
    match (k, acct) {
        (Kind::HomeCare, "5011" | "5021") => 0.005 + 0.01 * late,
        (Kind::PersAssist, "5021") => 0.06,
        (Kind::Investigation, "7511") => 0.4,
        (Kind::HomeNursing, "7510") => 0.5,
        (Kind::CareHome, "6420") => 0.05,
        (_, "6110") => 0.0,
        _ => 0.0,
    }
}

fn ver_index(code: &str) -> u8 {
    ACTIVITIES
        .iter()
        .position(|(c, _)| *c == code)
        .expect("activity code") as u8
}

/// Price and wage index relative to 2025.
fn level(year: i32) -> f64 {
    super::ipow(1.032, year - 2025)
}

/// Build the plan of `year`.
pub(crate) fn build_year(
    seed: u64,
    org: &Organisation,
    vols: &Volumes,
    money: f64,
    year: i32,
) -> YearPlan {
    let mut lines: Vec<Line> = Vec::new();
    let mut pairs: Vec<Pair> = Vec::new();
    let t0 = ((year - FIRST_YEAR) * 12) as usize;
    let yl = level(year);
    let none = [0.0; 12];

    for (u, unit) in org.units.iter().enumerate() {
        let mut r = rng_for(seed, 7_000 + u as u64, year as u64);
        let ver = ver_index(unit.verksamhet);
        let gross = unit.size * yl;
        let unit_dev = r.range_f64(-0.02, 0.02);
        let push = |lines: &mut Vec<Line>,
                    acct: &str,
                    book: Book,
                    budget: i64,
                    outcome: i64,
                    prof: Prof,
                    noise_sd: f64,
                    r: &mut crate::rng::SplitMix64| {
            let w = weights(prof, year);
            let mut noise = [0.0; 12];
            for n in noise.iter_mut() {
                *n = r.range_f64(-noise_sd, noise_sd);
            }
            let bprof = match prof {
                Prof::Supplier | Prof::Quarterly | Prof::May | Prof::AprOct => {
                    weights(Prof::Linear, year)
                }
                p => weights(p, year),
            };
            lines.push(Line {
                unit: u as u32,
                acct: idx(acct),
                ver,
                book,
                outcome: spread(outcome, &w, &noise),
                budget: spread(budget, &bprof, &none),
            });
        };
        let to_ore = |kr: f64| ((kr / 1000.0).round() as i64) * 100_000; // whole tkr
        let mut wages_b = [0i64; 12];
        let mut wages_o = [0i64; 12];
        let mut monthly_b = [0i64; 12];
        let mut monthly_o = [0i64; 12];
        for tpl in template(unit.kind) {
            let b = to_ore(gross * tpl.share);
            let dev = match tpl.book {
                Book::Payroll => r.range_f64(-0.01, 0.015),
                Book::Rent => 0.0,
                _ => r.range_f64(-0.1, 0.1),
            } + unit_dev
                + bias(unit.kind, tpl.acct, year);
            let o = (b as f64 * (1.0 + dev)).round() as i64;
            let sd = match tpl.book {
                Book::Payroll => 0.01,
                Book::Rent => 0.0,
                _ => 0.12,
            };
            push(&mut lines, tpl.acct, tpl.book, b, o, tpl.prof, sd, &mut r);
            if tpl.book == Book::Payroll {
                let l = lines.last().expect("pushed");
                for m in 0..12 {
                    wages_b[m] += l.budget[m];
                    wages_o[m] += l.outcome[m];
                    if tpl.acct == "5011" {
                        monthly_b[m] = l.budget[m];
                        monthly_o[m] = l.outcome[m];
                    }
                }
            }
        }
        if unit.kind.has_staff() {
            // Social fees and pensions follow wages month by month.
            let derive = |w: &[i64; 12], rate: f64| {
                let mut out = [0i64; 12];
                for m in 0..12 {
                    out[m] = ((w[m] as f64 * rate / 100.0).round() as i64) * 100;
                }
                out
            };
            for (acct, base_b, base_o, rate) in [
                ("5411", &wages_b, &wages_o, 0.3141),
                ("5511", &monthly_b, &monthly_o, 0.06),
            ] {
                lines.push(Line {
                    unit: u as u32,
                    acct: idx(acct),
                    ver,
                    book: Book::Payroll,
                    outcome: derive(base_o, rate),
                    budget: derive(base_b, rate),
                });
            }
            // Year-end change of the holiday-pay liability, December only.
            let mut o = [0i64; 12];
            let mut b = [0i64; 12];
            o[11] = ((monthly_o.iter().sum::<i64>() as f64 * 0.012 / 100.0).round() as i64) * 100;
            b[11] = ((monthly_b.iter().sum::<i64>() as f64 * 0.012 / 100_000.0).round() as i64)
                * 100_000;
            lines.push(Line {
                unit: u as u32,
                acct: idx("5081"),
                ver,
                book: Book::HolidayAccrual,
                outcome: o,
                budget: b,
            });
            // Depreciation and internal interest.
            for (acct, share) in [("7810", 0.005), ("8410", 0.0015)] {
                let b = to_ore(gross * share);
                push(
                    &mut lines,
                    acct,
                    Book::Capital,
                    b,
                    b,
                    Prof::Linear,
                    0.0,
                    &mut r,
                );
            }
        }
        for tpl in revenues(unit.kind) {
            let b = to_ore(gross * tpl.share);
            let o = (b as f64 * (1.0 + r.range_f64(-0.05, 0.03))).round() as i64;
            push(&mut lines, tpl.acct, tpl.book, b, o, tpl.prof, 0.03, &mut r);
        }
        if unit.kind == Kind::PnOffice {
            let b = to_ore(-45e6 * money * yl);
            let o = (b as f64 * r.range_f64(0.9, 1.05)).round() as i64;
            push(
                &mut lines,
                "3313",
                Book::Grant,
                b,
                o,
                Prof::AprOct,
                0.0,
                &mut r,
            );
        }
        if let Some((share, buyer)) = assignment(unit.kind) {
            let total = to_ore(gross * share);
            let m = spread(total, &weights(Prof::Linear, year), &none);
            pairs.push(Pair {
                seller: u as u32,
                buyer: org.unit_index(buyer).expect("buyer") as u32,
                model: 3,
                ver,
                outcome: m,
                budget: m,
            });
        }
        // Technical budget lines on the committees' management units.
        let tech = match unit.code.as_str() {
            "SN11" => Some((TECH_DEFICIT, -30e6)),
            "VON11" => Some((TECH_EFFICIENCY, -12e6)),
            "FSN11" => Some((TECH_EFFICIENCY, -9e6)),
            "PN30" => Some((TECH_EFFICIENCY, -12e6)),
            _ => None,
        };
        if let Some((acct, kr)) = tech {
            let b = to_ore(kr * money * yl);
            lines.push(Line {
                unit: u as u32,
                acct: idx(acct),
                ver,
                book: Book::BudgetOnly,
                outcome: [0; 12],
                budget: spread(b, &weights(Prof::Linear, year), &none),
            });
        }
    }

    // Volume-driven lines.
    let pn10 = org.unit_index("PN10").expect("PN10") as u32;
    let pn11 = org.unit_index("PN11").expect("PN11") as u32;
    for d in &vols.drives {
        let unit = &org.units[d.unit];
        let ver = ver_index(unit.verksamhet);
        let mut o = [0i64; 12];
        let mut b = [0i64; 12];
        for m in 0..12 {
            o[m] = vols.drive_amount(d, t0 + m, false);
            b[m] = vols.drive_amount(d, t0 + m, true);
        }
        match d.driver {
            Driver::Placement(c) => {
                let accts = PLACEMENTS[c].accounts;
                let mut rest_o = o;
                let mut rest_b = b;
                for (i, &(acct, permille)) in accts.iter().enumerate() {
                    let (mut lo, mut lb) = ([0i64; 12], [0i64; 12]);
                    for m in 0..12 {
                        if i + 1 == accts.len() {
                            lo[m] = rest_o[m];
                            lb[m] = rest_b[m];
                        } else {
                            lo[m] = o[m] * permille / 1000;
                            lb[m] = b[m] * permille / 1000;
                            rest_o[m] -= lo[m];
                            rest_b[m] -= lb[m];
                        }
                    }
                    lines.push(Line {
                        unit: d.unit as u32,
                        acct: idx(acct),
                        ver,
                        book: Book::Placement,
                        outcome: lo,
                        budget: lb,
                    });
                }
            }
            Driver::External => {
                let acct = if unit.kind == Kind::ExtHomeCare {
                    "4616"
                } else {
                    "4613"
                };
                lines.push(Line {
                    unit: d.unit as u32,
                    acct: idx(acct),
                    ver,
                    book: Book::External,
                    outcome: o,
                    budget: b,
                });
            }
            Driver::Aid => {
                lines.push(Line {
                    unit: d.unit as u32,
                    acct: idx("4711"),
                    ver,
                    book: Book::Aid,
                    outcome: o,
                    budget: b,
                });
                let (mut ro, mut rb, mut rr) = ([0i64; 12], [0i64; 12], [0i64; 12]);
                for m in 0..12 {
                    ro[m] = o[m] / 1200 * 100; // rent aid about 8 %
                    rb[m] = b[m] / 1200 * 100;
                    rr[m] = -(o[m] / 6600 * 100); // recoveries about 1,5 %
                }
                lines.push(Line {
                    unit: d.unit as u32,
                    acct: idx("4712"),
                    ver,
                    book: Book::Aid,
                    outcome: ro,
                    budget: rb,
                });
                let mut rrb = [0i64; 12];
                for m in 0..12 {
                    rrb[m] = -(b[m] / 6600 * 100);
                }
                lines.push(Line {
                    unit: d.unit as u32,
                    acct: idx("3990"),
                    ver,
                    book: Book::Customer,
                    outcome: rr,
                    budget: rrb,
                });
            }
            Driver::Internal(model) => {
                let buyer = match unit.kind {
                    Kind::HomeCare | Kind::CareHome | Kind::ShortStay => pn10,
                    _ => pn11,
                };
                pairs.push(Pair {
                    seller: d.unit as u32,
                    buyer,
                    model,
                    ver,
                    outcome: o,
                    budget: b,
                });
            }
        }
    }

    // December accruals of placement invoices.
    let accruals = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.book == Book::Placement && l.outcome[11] > 0)
        .map(|(i, l)| (i, l.outcome[11] * ACCRUAL_PERMILLE / 100_000 * 100))
        .collect();

    // Frames: each committee's net budget.
    let mut frame = [0i64; 4];
    for l in &lines {
        let c = org.committee_of(l.unit as usize, year) as usize;
        frame[c] += l.budget.iter().sum::<i64>();
    }
    for p in &pairs {
        let total: i64 = p.budget.iter().sum();
        frame[org.committee_of(p.buyer as usize, year) as usize] += total;
        frame[org.committee_of(p.seller as usize, year) as usize] -= total;
    }
    debug_assert_eq!(Committee::Pn as usize, 0);

    YearPlan {
        year,
        lines,
        pairs,
        frame,
        accruals,
        late_rent: None,
    }
}
