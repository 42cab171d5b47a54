//! Exempelkommun: a deterministic synthetic welfare organisation (programme committee PN buying
//! from Socialnämnden, Vård- och omsorgsnämnden and Funktionsstödsnämnden) written in the
//! formats a municipality hands to delar: one SIE 4E file per year, `organisation.csv`,
//! `volymserier.csv`, `volymer.csv`, `volymbudget.csv`, `budget.csv`, and the rest of the current year apart in
//! `truth/`. See docs/EXEMPELKOMMUN.md for the municipality and its deliberate quirks.
//!
//! The output is a pure function of [`KommunOptions`]: the same options give the same bytes.
//! Vouchers are generated twice (sums, then writing) so memory does not grow with them.

pub mod chart;
mod csv;
mod ledger;
pub mod org;
mod plan;
pub mod volumes;

use crate::rng::{mix64, SplitMix64};
use delar_core::YearMonth;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub use chart::{INTERNAL_PURCHASE, INTERNAL_SALE, MOTPART_DIM, TECH_DEFICIT, TECH_EFFICIENCY};
pub use ledger::{FileStats, LANDLORDS, MODEL_NAMES};
pub use org::{Committee, OrgRow, OrgType, Organisation, Unit};
pub use plan::{ACCRUAL_PERMILLE, PAY_RISE};
pub use volumes::{PlacementCat, PriceBasis, Series, Volumes, PLACEMENTS, PLACEMENT_GROUPS};

/// First year written (complete).
pub const FIRST_YEAR: i32 = volumes::FIRST_YEAR;
/// The current year (written up to the cut-off, the rest in `truth/`).
pub const CURRENT_YEAR: i32 = volumes::LAST_YEAR;
/// The month whose rent invoice from [`LANDLORDS`]`[0]` arrives late (in the next month).
pub const LATE_RENT: (i32, u8) = (2025, 8);
/// Name of the supplementary budget version in `budget.csv`.
pub const SUPPLEMENT_VERSION: &str = "Tilläggsbudget 1";
/// Its decision date.
pub const SUPPLEMENT_DECIDED: &str = "2025-06-17";
/// The first month the supplementary budget changes (July to December).
pub const SUPPLEMENT_FROM: u8 = 7;
/// Name of the original volume budget version in `volymbudget.csv` (no decision date).
pub const VOLUME_BUDGET_VERSION: &str = "Budget 2025";
/// Placements the supplementary budget adds (category code, persons per day from July at the
/// default scale): its placement lines are these persons × the budgeted price × days, so the
/// volume budget reproduces the money budget exactly.
pub const SUPPLEMENT_PLACEMENTS: [(&str, f64); 2] = [("vuxna_inst", 10.0), ("unga_inst", 5.0)];

/// How big Exempelkommun is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// For tests: the default organisation with few vouchers.
    Small,
    /// About 50 units, 150 000 inhabitants; a few seconds.
    Default,
    /// About 400 units, a city of 500 000.
    Medium,
    /// About 2 000 units and 10 million transactions a year.
    Large,
}

impl Scale {
    /// Copies of each replicable unit.
    pub fn replicas(self) -> usize {
        match self {
            Scale::Small | Scale::Default => 1,
            Scale::Medium => 10,
            Scale::Large => 51,
        }
    }

    /// Money and volume factor relative to the default (inhabitants / 150 000).
    pub fn money(self) -> f64 {
        match self {
            Scale::Small | Scale::Default => 1.0,
            Scale::Medium => 3.3,
            Scale::Large => 7.0,
        }
    }

    /// Invoices per plan line and month relative to the default.
    pub fn density(self) -> f64 {
        match self {
            Scale::Small => 0.25,
            Scale::Default => 2.0,
            Scale::Medium => 6.0,
            Scale::Large => 16.0,
        }
    }

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Scale::Small => "small",
            Scale::Default => "default",
            Scale::Medium => "medium",
            Scale::Large => "large",
        }
    }
}

impl FromStr for Scale {
    type Err = String;
    fn from_str(s: &str) -> Result<Scale, String> {
        match s.trim().to_lowercase().as_str() {
            "small" | "liten" => Ok(Scale::Small),
            "default" | "standard" => Ok(Scale::Default),
            "medium" | "mellan" => Ok(Scale::Medium),
            "large" | "stor" => Ok(Scale::Large),
            _ => Err(format!(
                "okänd skala \"{s}\"; välj small, default, medium eller large"
            )),
        }
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Options for [`generate`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KommunOptions {
    /// PRNG seed; the same options give the same bytes.
    pub seed: u64,
    /// Size of the municipality and density of vouchers.
    pub scale: Scale,
    /// The round's cut-off month in the current year (default 2025-08).
    pub cutoff: YearMonth,
    /// Write SIE in UTF-8 instead of CP437 (`#FORMAT PC8`, the default as real files are).
    pub utf8: bool,
}

impl Default for KommunOptions {
    fn default() -> KommunOptions {
        KommunOptions {
            seed: 1,
            scale: Scale::Default,
            cutoff: YearMonth::new(CURRENT_YEAR, 8).expect("valid month"),
            utf8: false,
        }
    }
}

/// What [`generate`] wrote.
#[derive(Clone, Debug, Default)]
pub struct KommunStats {
    /// Every file written (path, bytes), in order.
    pub files: Vec<(PathBuf, u64)>,
    /// Vouchers in the files outside `truth/`.
    pub vouchers: u64,
    /// Transactions in the files outside `truth/`.
    pub transactions: u64,
    /// Units (enheter, intraprenader, externa) carrying transactions.
    pub units: usize,
    /// Volume series.
    pub series: usize,
}

/// One row of the supplementary budget (`budget.csv`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BudgetRow {
    /// Month.
    pub month: YearMonth,
    /// Account.
    pub account: &'static str,
    /// Ansvar (unit code).
    pub ansvar: String,
    /// Verksamhet code.
    pub verksamhet: &'static str,
    /// Amount in öre, ledger sign.
    pub amount: i64,
    /// Comment.
    pub comment: &'static str,
}

/// The generated municipality: organisation and volumes (the ledger plan is derived per year).
pub struct Model {
    opts: KommunOptions,
    /// The organisation.
    pub org: Organisation,
    /// Volume and price series.
    pub volumes: Volumes,
}

impl Model {
    /// Build the organisation and all series for `opts` (cheap: no vouchers).
    pub fn new(opts: &KommunOptions) -> Model {
        let org = Organisation::build(opts.scale.replicas(), opts.scale.money());
        let volumes = Volumes::build(opts.seed, &org, opts.scale.money());
        Model {
            opts: opts.clone(),
            org,
            volumes,
        }
    }

    fn plan(&self, year: i32) -> plan::YearPlan {
        let mut p = plan::build_year(
            self.opts.seed,
            &self.org,
            &self.volumes,
            self.opts.scale.money(),
            year,
        );
        if year == LATE_RENT.0 {
            let lm = LATE_RENT.1 as usize - 1;
            let mut amounts = Vec::new();
            for l in p.lines.iter_mut() {
                if l.book == plan::Book::Rent && self.org.units[l.unit as usize].landlord == 0 {
                    amounts.push(l.outcome[lm]);
                    l.outcome[lm + 1] += l.outcome[lm];
                    l.outcome[lm] = 0;
                }
            }
            p.late_rent = Some((lm as u8, amounts));
        }
        p
    }

    /// The original annual budget (#PBUDGET) per (account, unit code), öre.
    pub fn original_budget(&self, year: i32) -> BTreeMap<(String, String), i64> {
        ledger::budget_map(&self.plan(year))
            .into_iter()
            .map(|((a, u), m)| {
                (
                    (
                        chart::CHART[a as usize].0.to_string(),
                        self.org.units[u as usize].code.clone(),
                    ),
                    m.iter().sum(),
                )
            })
            .collect()
    }

    /// The supplementary budget of the current year (only the changes).
    pub fn supplement(&self) -> Vec<BudgetRow> {
        let money = self.opts.scale.money();
        let first = |pred: fn(org::Kind) -> bool| -> usize { self.org.units_of(pred)[0] };
        let hc = first(|k| k == org::Kind::HomeCare);
        let pa = first(|k| k == org::Kind::PersAssist);
        let code = |u: usize| self.org.units[u].code.clone();
        let code_of = code;
        let ver = |u: usize| self.org.units[u].verksamhet;
        let sn42 = self.org.unit_index("SN42").expect("SN42");
        let sn43 = self.org.unit_index("SN43").expect("SN43");
        let pn10 = self.org.unit_index("PN10").expect("PN10");
        let changes: [(&'static str, usize, &'static str, f64, &'static str); 4] = [
            (
                "4691",
                pn10,
                ver(hc),
                3.0e6,
                "Volymökning hemtjänst egen regi (köp)",
            ),
            (
                "3491",
                hc,
                ver(hc),
                -3.0e6,
                "Volymökning hemtjänst egen regi (försäljning)",
            ),
            ("3312", pa, ver(pa), -1.2e6, "Utökad assistansersättning"),
            (
                "5021",
                pa,
                ver(pa),
                1.2e6,
                "Utökad personlig assistans, timlön",
            ),
        ];
        let mut rows = Vec::new();
        // Placements: the added persons per day × the budgeted price × days.
        for (unit, account, cat, comment) in [
            (sn43, "4624", 0, "Utökad ram för institutionsvård vuxna"),
            (sn42, "4621", 1, "Utökad ram för institutionsvård unga"),
        ] {
            let (code, _) = SUPPLEMENT_PLACEMENTS[cat];
            let added = self.supplement_persons(cat);
            let price = self.series(&format!("plac_{code}_pris"));
            for m in SUPPLEMENT_FROM..=12 {
                let t = Self::index(m);
                rows.push(BudgetRow {
                    month: YearMonth::new(CURRENT_YEAR, m).expect("month"),
                    account,
                    ansvar: code_of(unit),
                    verksamhet: ver(unit),
                    amount: volumes::amount_ore(
                        added,
                        1,
                        price.budget[t],
                        PriceBasis::PerDayOfStock,
                        t,
                    ),
                    comment,
                });
            }
        }
        for (account, u, verksamhet, kr, comment) in changes {
            let annual = ((kr * money / 6000.0).round() as i64) * 6000 * 100;
            for m in SUPPLEMENT_FROM..=12 {
                rows.push(BudgetRow {
                    month: YearMonth::new(CURRENT_YEAR, m).expect("month"),
                    account,
                    ansvar: code(u),
                    verksamhet,
                    amount: annual / 6,
                    comment,
                });
            }
        }
        rows
    }

    /// Month index (0 = 2021-01) of month `m` of the current year.
    fn index(m: u8) -> usize {
        ((CURRENT_YEAR - FIRST_YEAR) * 12) as usize + m as usize - 1
    }

    /// A published series by code.
    fn series(&self, code: &str) -> &Series {
        self.volumes
            .series
            .iter()
            .find(|s| s.code == code)
            .expect("generated series")
    }

    /// Persons per day (tenths) the supplement adds to [`SUPPLEMENT_PLACEMENTS`]`[i]`: whole
    /// persons, scaled with the money.
    fn supplement_persons(&self, i: usize) -> i64 {
        (SUPPLEMENT_PLACEMENTS[i].1 * self.opts.scale.money()).round() as i64 * 10
    }

    /// The volume budget of the current year (`volymbudget.csv`): the placements' budgeted
    /// persons per day and prices per month as the ledger's budget uses them (version
    /// [`VOLUME_BUDGET_VERSION`]), and the supplementary budget's added persons from July
    /// ([`SUPPLEMENT_VERSION`], decided [`SUPPLEMENT_DECIDED`]).
    pub fn volume_budget(&self) -> Vec<delar_core::VolumeBudgetValue> {
        let decided = delar_core::Date::parse(SUPPLEMENT_DECIDED).expect("date");
        let mut out = Vec::new();
        let value = |s: &Series, v: i64| v as f64 / ipow(10.0, s.decimals as i32);
        for cat in PLACEMENTS {
            for code in [
                format!("plac_{}_personer", cat.code),
                format!("plac_{}_pris", cat.code),
            ] {
                let s = self.series(&code);
                for m in 1..=12u8 {
                    out.push(delar_core::VolumeBudgetValue {
                        version: VOLUME_BUDGET_VERSION.into(),
                        decided: None,
                        series: s.code.clone(),
                        month: YearMonth::new(CURRENT_YEAR, m).expect("month"),
                        value: value(s, s.budget[Self::index(m)]),
                        comment: None,
                    });
                }
            }
        }
        for (i, (code, _)) in SUPPLEMENT_PLACEMENTS.iter().enumerate() {
            let s = self.series(&format!("plac_{code}_personer"));
            let added = self.supplement_persons(i);
            for m in SUPPLEMENT_FROM..=12 {
                out.push(delar_core::VolumeBudgetValue {
                    version: SUPPLEMENT_VERSION.into(),
                    decided: Some(decided),
                    series: s.code.clone(),
                    month: YearMonth::new(CURRENT_YEAR, m).expect("month"),
                    value: value(s, s.budget[Self::index(m)] + added),
                    comment: (m == SUPPLEMENT_FROM)
                        .then(|| format!("{} fler personer per dygn från juli", added / 10)),
                });
            }
        }
        out
    }

    /// The annual budget in force after the supplement (original + supplement), öre.
    pub fn budget_in_force(&self, year: i32) -> BTreeMap<(String, String), i64> {
        let mut b = self.original_budget(year);
        if year == CURRENT_YEAR {
            for r in self.supplement() {
                *b.entry((r.account.to_string(), r.ansvar.clone()))
                    .or_insert(0) += r.amount;
            }
        }
        b
    }
}

/// Opening balances of 2021 (balance accounts), öre; equity balances the sheet.
fn initial_ib(money: f64) -> Vec<i64> {
    let mut ib = vec![0i64; chart::CHART.len()];
    let mkr = |x: f64| ((x * money * 1e6).round() as i64) * 100;
    for (no, v) in [
        ("1220", 62.0),
        ("1229", -24.0),
        ("1510", 0.0),
        ("1930", 180.0),
        ("2440", 0.0),
        ("2920", -95.0),
        ("2950", 0.0),
    ] {
        ib[chart::idx(no) as usize] = mkr(v);
    }
    let sum: i64 = ib.iter().sum();
    ib[chart::idx("2010") as usize] = -sum;
    ib
}

/// Closing balances become next year's opening balances; the year's result is settled
/// against 2590 (Avräkning kommunbidrag och resultat).
fn next_ib(ub: &[i64]) -> Vec<i64> {
    let mut ib = vec![0i64; ub.len()];
    let mut result = 0;
    for (a, &v) in ub.iter().enumerate() {
        if chart::is_balance(a as u16) {
            ib[a] = v;
        } else {
            result += v;
        }
    }
    ib[chart::idx("2590") as usize] += result;
    ib
}

/// The SIE file name of a year.
pub fn sie_name(year: i32) -> String {
    format!("exempelkommun-{year}.se")
}

/// Generate Exempelkommun into `out` (created if missing). `progress` is told each file as it
/// is finished.
pub fn generate(
    opts: &KommunOptions,
    out: &Path,
    mut progress: impl FnMut(&Path, u64),
) -> io::Result<KommunStats> {
    if opts.cutoff.year() != CURRENT_YEAR {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "brytmånaden måste ligga i {CURRENT_YEAR} (till exempel {CURRENT_YEAR}-08), inte {}",
                opts.cutoff
            ),
        ));
    }
    let model = Model::new(opts);
    let mut stats = KommunStats {
        units: model.org.units.len(),
        series: model.volumes.series.len(),
        ..KommunStats::default()
    };
    std::fs::create_dir_all(out.join("sie"))?;
    std::fs::create_dir_all(out.join("truth").join("sie"))?;
    let mut record = |stats: &mut KommunStats, path: PathBuf, bytes: u64| {
        progress(&path, bytes);
        stats.files.push((path, bytes));
    };

    let path = out.join("organisation.csv");
    let bytes = csv::write_organisation(&path, &model.org)?;
    record(&mut stats, path, bytes);
    let path = out.join("kontogrupper.toml");
    let text = chart::mapping_toml();
    std::fs::write(&path, &text)?;
    record(&mut stats, path, text.len() as u64);
    let path = out.join("volymserier.csv");
    let bytes = csv::write_series(&path, &model.volumes)?;
    record(&mut stats, path, bytes);
    let path = out.join("volymer.csv");
    let start = YearMonth::new(FIRST_YEAR, 1).expect("month");
    let bytes = csv::write_values(&path, &model.volumes, start, opts.cutoff)?;
    record(&mut stats, path, bytes);
    let path = out.join("budget.csv");
    let bytes = csv::write_budget(&path, &model.supplement())?;
    record(&mut stats, path, bytes);
    let path = out.join("volymbudget.csv");
    let bytes = csv::write_volume_budget(&path, &model.volume_budget())?;
    record(&mut stats, path, bytes);

    let mut ib = initial_ib(opts.scale.money());
    let mut prev: Option<plan::YearPlan> = None;
    for year in FIRST_YEAR..=CURRENT_YEAR {
        let plan = model.plan(year);
        let current = year == CURRENT_YEAR;
        let ctx = ledger::Ctx {
            seed: opts.seed,
            org: &model.org,
            plan: &plan,
            prev: prev.as_ref(),
            last_month: if current { opts.cutoff.month() } else { 12 },
            density: opts.scale.density(),
            ib: ib.clone(),
        };
        let path = out.join("sie").join(sie_name(year));
        let file = std::fs::File::create(&path)?;
        let (ub, fs) =
            ledger::write_year(BufWriter::with_capacity(1 << 20, file), &ctx, opts.utf8)?;
        stats.vouchers += fs.vouchers;
        stats.transactions += fs.transactions;
        record(&mut stats, path, fs.bytes);
        if current {
            let full = ledger::Ctx {
                last_month: 12,
                ..ctx
            };
            let path = out.join("truth").join("sie").join(sie_name(year));
            let file = std::fs::File::create(&path)?;
            let (_, fs) =
                ledger::write_year(BufWriter::with_capacity(1 << 20, file), &full, opts.utf8)?;
            record(&mut stats, path, fs.bytes);
        }
        ib = next_ib(&ub);
        prev = Some(plan);
    }
    let path = out.join("truth").join("volymer.csv");
    let end = YearMonth::new(CURRENT_YEAR, 12).expect("month");
    let bytes = if opts.cutoff < end {
        csv::write_values(&path, &model.volumes, opts.cutoff.next(), end)?
    } else {
        csv::write_values(&path, &model.volumes, end.next(), end)?
    };
    record(&mut stats, path, bytes);
    Ok(stats)
}

/// An independent PRNG for (seed, stream, index).
pub(crate) fn rng_for(seed: u64, stream: u64, index: u64) -> SplitMix64 {
    SplitMix64::for_index(seed ^ mix64(stream.wrapping_mul(0x9E37_79B9)), index)
}

/// Day of the week, 0 = Sunday (Sakamoto).
pub(crate) fn weekday(y: i32, m: u32, d: u32) -> u32 {
    const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if m < 3 { y - 1 } else { y };
    ((y + y / 4 - y / 100 + y / 400 + T[m as usize - 1] + d as i32) % 7) as u32
}

/// `base`^`n` by repeated multiplication (IEEE-exact steps, so the same on every platform and
/// optimisation level, unlike `powi`).
pub(crate) fn ipow(base: f64, n: i32) -> f64 {
    let mut x = 1.0;
    for _ in 0..n.unsigned_abs() {
        x *= base;
    }
    if n < 0 {
        1.0 / x
    } else {
        x
    }
}
