//! Streaming generator of large, valid SIE 4E files for a synthetic welfare committee.
//!
//! The output is a pure function of [`BigSieOptions`]: the same options give the same bytes on
//! every platform (a SplitMix64 PRNG, no hash-map iteration, no maths-library functions).
//!
//! How it works: every voucher `i` is generated from its own PRNG stream (seed, i), its date from
//! its position in the year (a workday/seasonal volume profile) and its kind from a
//! low-discrepancy sequence, so kind counts are nearly exact. A cheap planning step picks the
//! voucher count for the byte target by rendering a sample. Pass 1 then generates all vouchers
//! and sums them per account and month (memory bounded by the chart, not by the voucher count);
//! the header and balances (#IB/#UB/#RES/#PSALDO/#PBUDGET) are written from those sums, and pass
//! 2 regenerates and writes the same vouchers.

mod data;
pub(crate) mod enc;
#[cfg(test)]
mod tests;

use std::io::{self, Write};
use std::path::Path;

use delar_core::period::{days_in_month, MONTH_NAMES};

use crate::rng::{mix64, SplitMix64, GOLDEN_GAMMA};
use data::{Group, LineKind, GROUPS, LINE_KINDS};
use enc::{encode, put_amount, put_i64, put_u64};

/// Options for [`write_big_sie`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BigSieOptions {
    /// PRNG seed; the same options always give the same bytes.
    pub seed: u64,
    /// Financial year (calendar year, 1001–9998).
    pub year: i32,
    /// Approximate file size in bytes (within a few per cent for targets of 1 MB or more).
    pub target_bytes: u64,
    /// Number of cost centres (dimension 1, "Ansvar"); 0 is treated as 1.
    pub units: u32,
    /// Write UTF-8 (no `#FORMAT` line) instead of CP437 (`#FORMAT PC8`, the standard).
    pub utf8: bool,
}

impl Default for BigSieOptions {
    fn default() -> BigSieOptions {
        BigSieOptions {
            seed: 1,
            year: 2025,
            target_bytes: 100 << 20,
            units: 50,
            utf8: false,
        }
    }
}

/// What [`write_big_sie`] wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BigSieStats {
    /// Bytes written.
    pub bytes: u64,
    /// Number of #VER records.
    pub vouchers: u64,
    /// Number of #TRANS records.
    pub transactions: u64,
    /// Number of #KONTO records.
    pub accounts: u64,
    /// Number of #OBJEKT records.
    pub objects: u64,
}

/// Write a synthetic SIE 4E file of about `opts.target_bytes` bytes to `out`.
pub fn write_big_sie<W: Write>(out: W, opts: &BigSieOptions) -> io::Result<BigSieStats> {
    let model = Model::new(opts)?;
    let n = model.choose_voucher_count(opts.target_bytes);
    let plan = Plan::new(&model, n);

    // Pass 1: sums only.
    let mut totals = Ledger::new(&model);
    let mut v = Voucher::default();
    let mut cursor = Cursor::default();
    for i in 0..n {
        let pos = cursor.advance(&model, &plan, i);
        model.generate(&plan, pos, &totals.run, &mut v);
        totals.apply(&v, model.days[pos.day].month);
    }

    // Header, chart and balances.
    let mut sink = Sink::new(out);
    model.write_header(&mut sink.buf);
    model.write_balances(&totals, &mut sink.buf);
    sink.maybe_flush()?;

    // Pass 2: the same vouchers, written.
    let mut ledger = Ledger::new(&model);
    let mut numbers = [0u64; 4];
    let mut cursor = Cursor::default();
    for i in 0..n {
        let pos = cursor.advance(&model, &plan, i);
        model.generate(&plan, pos, &ledger.run, &mut v);
        ledger.apply(&v, model.days[pos.day].month);
        let s = pos.kind.series();
        numbers[s] += 1;
        model.render(&v, numbers[s], &mut sink.buf);
        sink.maybe_flush()?;
    }
    debug_assert!(ledger.run == totals.run && ledger.month == totals.month);
    let bytes = sink.finish()?;
    Ok(BigSieStats {
        bytes,
        vouchers: ledger.vouchers,
        transactions: ledger.transactions,
        accounts: model.accounts.len() as u64,
        objects: (model.units.len() + data::ACTIVITIES.len()) as u64,
    })
}

/// Create (or truncate) the file at `path` and write a synthetic SIE file to it.
pub fn big_sie_to_path<P: AsRef<Path>>(path: P, opts: &BigSieOptions) -> io::Result<BigSieStats> {
    let file = std::fs::File::create(path)?;
    let stats = write_big_sie(&file, opts)?;
    file.sync_all()?;
    Ok(stats)
}

// ---------------------------------------------------------------------------------------------
// Output buffering

/// Our own output buffer: rendering appends to `buf`, which is handed to the writer in ~1 MB
/// chunks.
struct Sink<W: Write> {
    w: W,
    buf: Vec<u8>,
    bytes: u64,
}

const CHUNK: usize = 1 << 20;

impl<W: Write> Sink<W> {
    fn new(w: W) -> Sink<W> {
        Sink {
            w,
            buf: Vec::with_capacity(CHUNK + (64 << 10)),
            bytes: 0,
        }
    }

    #[inline]
    fn maybe_flush(&mut self) -> io::Result<()> {
        if self.buf.len() >= CHUNK {
            self.w.write_all(&self.buf)?;
            self.bytes += self.buf.len() as u64;
            self.buf.clear();
        }
        Ok(())
    }

    fn finish(mut self) -> io::Result<u64> {
        self.w.write_all(&self.buf)?;
        self.bytes += self.buf.len() as u64;
        self.w.flush()?;
        Ok(self.bytes)
    }
}

// ---------------------------------------------------------------------------------------------
// Voucher kinds

/// Voucher kinds. The first eight are spread by a low-discrepancy sequence; the last four are
/// placed once a month at fixed positions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Supplier,
    Aid,
    Customer,
    Grant,
    Internal,
    Payroll,
    SupplierPayment,
    CustomerPayment,
    TaxSettlement,
    VatRefund,
    Capital,
    Liquidity,
}

const NK: usize = 12;
const SPREAD_KINDS: [Kind; 8] = [
    Kind::Supplier,
    Kind::Aid,
    Kind::Customer,
    Kind::Grant,
    Kind::Internal,
    Kind::Payroll,
    Kind::SupplierPayment,
    Kind::CustomerPayment,
];
/// Relative voucher counts of the line kinds (the remainder after payroll and payments).
const LINE_KIND_SHARE: [f64; LINE_KINDS] = [0.55, 0.08, 0.14, 0.01, 0.12];
/// Cumulative per-mille distribution of the number of account lines per line kind.
const LINE_COUNT_PERMILLE: [&[u64]; LINE_KINDS] = [
    &[450, 750, 900, 1000],
    &[600, 900, 1000],
    &[700, 900, 1000],
    &[800, 1000],
    &[600, 900, 1000],
];
const SERIES: [u8; 4] = [b'A', b'L', b'K', b'I'];

impl Kind {
    /// Index into SERIES: A supplier invoices, L payroll, K customer invoices, I internal.
    fn series(self) -> usize {
        match self {
            Kind::Supplier | Kind::Aid | Kind::SupplierPayment | Kind::VatRefund => 0,
            Kind::Payroll | Kind::TaxSettlement => 1,
            Kind::Customer | Kind::Grant | Kind::CustomerPayment => 2,
            Kind::Internal | Kind::Capital | Kind::Liquidity => 3,
        }
    }

    fn line_kind(self) -> Option<LineKind> {
        match self {
            Kind::Supplier => Some(LineKind::Supplier),
            Kind::Aid => Some(LineKind::Aid),
            Kind::Customer => Some(LineKind::Customer),
            Kind::Grant => Some(LineKind::Grant),
            Kind::Internal => Some(LineKind::Internal),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Model: everything that does not depend on the voucher count

const NO_UNIT: u32 = u32::MAX;
/// At most this many cost centres per payroll voucher (larger committees get several).
const PAYROLL_CHUNK: usize = 60;
const NO_DAY: u16 = u16::MAX;

struct Account {
    no: &'static str,
    name: Vec<u8>,
    ktyp: u8,
    balance: bool,
}

struct Unit {
    name: Vec<u8>,
    code: String,
    objs: Vec<u8>,
    weight: f64,
    group: Group,
}

/// Weighted choice among units.
struct UnitTable {
    units: Vec<u32>,
    cum: Vec<f64>,
}

impl UnitTable {
    fn pick(&self, rng: &mut SplitMix64) -> u32 {
        let total = *self.cum.last().expect("unit tables are never empty");
        let r = rng.next_f64() * total;
        let i = self
            .cum
            .partition_point(|&c| c <= r)
            .min(self.units.len() - 1);
        self.units[i]
    }
}

struct LineAcct {
    acct: usize,
    freq_cum: u64,
    group: Group,
    price: u32,
    cat: usize,
}

struct LineKindModel {
    accts: Vec<LineAcct>,
    mean_lines: f64,
}

impl LineKindModel {
    fn total_freq(&self) -> u64 {
        self.accts.last().map_or(0, |a| a.freq_cum)
    }

    fn pick(&self, rng: &mut SplitMix64) -> &LineAcct {
        let r = rng.below(self.total_freq());
        let i = self.accts.partition_point(|a| a.freq_cum <= r);
        &self.accts[i]
    }
}

struct Day {
    ymd: [u8; 8],
    month: usize,
    mday: u8,
}

/// Indices of the accounts the generator books on directly.
struct Keys {
    a1229: usize,
    a1510: usize,
    a1641: usize,
    a1930: usize,
    a2010: usize,
    a2440: usize,
    a2490: usize,
    a2590: usize,
    a2710: usize,
    a2730: usize,
    a2950: usize,
    a3490: usize,
    a5411: usize,
    a5511: usize,
}

/// Budget periodisation profiles.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Profile {
    Linear,
    /// Holiday pay: proportional to the payroll season factor minus one.
    Holiday,
    Volume,
}

// Fixed voucher texts (index into Model::texts).
const T_SUPPLIER: usize = 0;
const T_INVOICE: usize = 1;
const T_AID: usize = 2;
const T_CUSTOMER: usize = 3;
const T_GRANT: usize = 4;
const T_INTERNAL: usize = 5;
const T_SUPPLIER_PAYMENT: usize = 6;
const T_CUSTOMER_PAYMENT: usize = 7;
const T_TAX: usize = 8;
const T_VAT: usize = 9;
const T_CAPITAL: usize = 10;
const T_LIQUIDITY: usize = 11;
const TEXTS: [&str; 12] = [
    "Leverantörsfaktura ",
    " faktura ",
    "Utbetalning ekonomiskt bistånd ",
    "Kundfaktura ",
    "Inbetalning ",
    "Internfaktura ",
    "Betalning leverantörsskulder",
    "Inbetalningar kundreskontra",
    "Skatter och arbetsgivaravgifter ",
    "Momsåtersökning ",
    "Kapitalkostnader ",
    "Likviditetsöverföring koncernkonto ",
];

struct Model {
    utf8: bool,
    year: i32,
    seed: u64,
    accounts: Vec<Account>,
    units: Vec<Unit>,
    unit_weight_sum: f64,
    groups: Vec<UnitTable>,
    line_kinds: Vec<LineKindModel>,
    /// Wage accounts (index into accounts) and hourly price for quantities.
    wages: Vec<(usize, u32)>,
    /// Payroll runs: text and indices into `wages`.
    runs: Vec<(Vec<u8>, Vec<usize>)>,
    /// Cost centres per payroll voucher: consecutive chunks of at most PAYROLL_CHUNK units.
    payroll_chunks: Vec<std::ops::Range<usize>>,
    capital: Vec<usize>,
    /// Outcome target per account in öre (budget times a deviation), for generated accounts.
    target: Vec<f64>,
    /// Monthly budget per account in öre, for budgeted result accounts.
    budget: Vec<Option<[i64; 12]>>,
    ib: Vec<i64>,
    keys: Keys,
    days: Vec<Day>,
    day_weight: Vec<f64>,
    texts: Vec<Vec<u8>>,
    months: Vec<Vec<u8>>,
    suppliers: Vec<Vec<Vec<u8>>>,
}

fn weekday(y: i32, m: u32, d: u32) -> u32 {
    // Sakamoto: 0 = Sunday.
    const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if m < 3 { y - 1 } else { y };
    ((y + y / 4 - y / 100 + y / 400 + T[m as usize - 1] + d as i32) % 7) as u32
}

/// The fractional part of √2, times 2^64: a second Weyl-sequence increment.
const SQRT2_GAMMA: u64 = 0x6A09_E667_F3BC_C909;

/// A 64-bit fixed-point fraction as a float in [0, 1).
fn unit_interval(x: u64) -> f64 {
    (x >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

fn round(x: f64) -> i64 {
    x.round() as i64
}

/// `x * num / den` rounded half away from zero, in integers.
fn mul_div_round(x: i64, num: i64, den: i64) -> i64 {
    let p = x as i128 * num as i128;
    let d = den as i128;
    let q = if p >= 0 {
        (p + d / 2) / d
    } else {
        (p - d / 2) / d
    };
    q as i64
}

impl Model {
    fn new(opts: &BigSieOptions) -> io::Result<Model> {
        if !(1001..=9998).contains(&opts.year) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("year {} is outside 1001–9998", opts.year),
            ));
        }
        let utf8 = opts.utf8;
        let nunits = opts.units.max(1) as usize;
        let scale = nunits as f64 / 50.0;
        let mut rng = SplitMix64::new(mix64(opts.seed ^ 0x5EED_0FB1_651E));

        let accounts: Vec<Account> = data::CHART
            .iter()
            .map(|&(no, name)| Account {
                no,
                name: encode(name, utf8),
                ktyp: data::ktyp(no),
                balance: matches!(no.as_bytes()[0], b'1' | b'2'),
            })
            .collect();
        let find = |no: &str| -> usize {
            accounts
                .iter()
                .position(|a| a.no == no)
                .unwrap_or_else(|| panic!("account {no} missing from the chart"))
        };
        let keys = Keys {
            a1229: find("1229"),
            a1510: find("1510"),
            a1641: find("1641"),
            a1930: find("1930"),
            a2010: find("2010"),
            a2440: find("2440"),
            a2490: find("2490"),
            a2590: find("2590"),
            a2710: find("2710"),
            a2730: find("2730"),
            a2950: find("2950"),
            a3490: find("3490"),
            a5411: find("5411"),
            a5511: find("5511"),
        };

        // Cost centres.
        let mut units = Vec::with_capacity(nunits);
        for i in 0..nunits {
            let (name, activity, weight) = data::UNITS[i % data::UNITS.len()];
            let round_no = i / data::UNITS.len();
            let name = if round_no == 0 {
                name.to_string()
            } else {
                format!("{name} {}", round_no + 1)
            };
            let code = (1001 + i).to_string();
            let act = data::ACTIVITIES
                .iter()
                .position(|a| a.0 == activity)
                .expect("known activity");
            let mut objs = Vec::new();
            objs.extend_from_slice(b"{1 \"");
            objs.extend_from_slice(code.as_bytes());
            objs.extend_from_slice(b"\" 2 \"");
            objs.extend_from_slice(activity.as_bytes());
            objs.extend_from_slice(b"\"}");
            units.push(Unit {
                name: encode(&name, utf8),
                code,
                objs,
                weight,
                group: data::activity_group(act),
            });
        }
        let unit_weight_sum: f64 = units.iter().map(|u| u.weight).sum();
        let group_of = |g: usize| -> UnitTable {
            let mut t = UnitTable {
                units: Vec::new(),
                cum: Vec::new(),
            };
            let mut acc = 0.0;
            for (i, u) in units.iter().enumerate() {
                if g == Group::All as usize || u.group as usize == g {
                    acc += u.weight;
                    t.units.push(i as u32);
                    t.cum.push(acc);
                }
            }
            t
        };
        let mut groups: Vec<UnitTable> = (0..GROUPS).map(group_of).collect();
        for g in groups.iter_mut().skip(1) {
            if g.units.is_empty() {
                *g = group_of(Group::All as usize);
            }
        }

        // Budgets and outcome targets.
        let n_acc = accounts.len();
        let mut annual: Vec<Option<(i64, Profile)>> = vec![None; n_acc];
        let tkr = |t: i64| -> i64 { round(t as f64 * scale) * 100_000 };
        let mut line_kinds: Vec<LineKindModel> = (0..LINE_KINDS)
            .map(|k| {
                let p = LINE_COUNT_PERMILLE[k];
                let mut prev = 0;
                let mut mean = 0.0;
                for (j, &c) in p.iter().enumerate() {
                    mean += (j + 1) as f64 * (c - prev) as f64 / 1000.0;
                    prev = c;
                }
                LineKindModel {
                    accts: Vec::new(),
                    mean_lines: mean,
                }
            })
            .collect();
        for &(no, kind, budget_tkr, freq, group, price, cat) in data::LINE_USES {
            let a = find(no);
            let profile = if budget_tkr < 0 {
                Profile::Linear
            } else {
                Profile::Volume
            };
            annual[a] = Some((tkr(budget_tkr), profile));
            let lk = &mut line_kinds[kind as usize];
            let freq_cum = lk.total_freq() + freq as u64;
            lk.accts.push(LineAcct {
                acct: a,
                freq_cum,
                group,
                price,
                cat,
            });
        }
        let wages: Vec<(usize, u32)> = data::WAGES
            .iter()
            .map(|&(no, _, price)| (find(no), price))
            .collect();
        let mut gross_budget = 0;
        for &(no, budget_tkr, _) in data::WAGES {
            let b = tkr(budget_tkr);
            gross_budget += b;
            let profile = if no == "5071" {
                Profile::Holiday
            } else {
                Profile::Linear
            };
            annual[find(no)] = Some((b, profile));
        }
        let monthly_budget = annual[find("5011")].map_or(0, |b| b.0);
        let to_tkr = |ore: i64| -> i64 { mul_div_round(ore, 1, 100_000) * 100_000 };
        annual[keys.a5411] = Some((
            to_tkr(mul_div_round(gross_budget, data::SOCIAL_FEE_RATE, 10_000)),
            Profile::Linear,
        ));
        annual[keys.a5511] = Some((
            to_tkr(mul_div_round(monthly_budget, data::PENSION_RATE, 10_000)),
            Profile::Linear,
        ));
        let internal_budget: i64 = line_kinds[LineKind::Internal as usize]
            .accts
            .iter()
            .map(|la| annual[la.acct].map_or(0, |b| b.0))
            .sum();
        let ir = data::INTERNAL_REVENUE_PERMILLE as i64;
        annual[keys.a3490] = Some((
            -to_tkr(mul_div_round(internal_budget, ir, 1000)),
            Profile::Linear,
        ));
        let capital: Vec<usize> = data::CAPITAL.iter().map(|&(no, _)| find(no)).collect();
        for &(no, budget_tkr) in data::CAPITAL {
            annual[find(no)] = Some((tkr(budget_tkr), Profile::Linear));
        }
        let mut target = vec![0.0; n_acc];
        for (a, b) in annual.iter().enumerate() {
            let noise = rng.range_f64(-0.04, 0.04);
            if let Some((b, _)) = b {
                let dev = data::DEVIATIONS
                    .iter()
                    .find(|d| d.0 == accounts[a].no)
                    .map_or(noise, |d| d.1 as f64 / 1000.0);
                target[a] = *b as f64 * (1.0 + dev);
            }
        }

        // Calendar.
        let year = opts.year;
        let mut days = Vec::with_capacity(366);
        let mut day_weight = Vec::with_capacity(366);
        for m in 1..=12u8 {
            for d in 1..=days_in_month(year, m) {
                let mut ymd = [0u8; 8];
                let s = format!("{year:04}{m:02}{d:02}");
                ymd.copy_from_slice(s.as_bytes());
                let wd = weekday(year, m as u32, d as u32);
                let mut w = if wd == 0 || wd == 6 { 0.06 } else { 1.0 };
                if d <= 5 {
                    w *= 1.25;
                }
                match (m, d) {
                    (1, ..=6) => w *= 0.5,
                    (6, 20..) => w *= 0.7,
                    (7, _) => w *= 0.55,
                    (8, ..=9) => w *= 0.75,
                    (12, 23..) => w *= 0.4,
                    _ => {}
                }
                days.push(Day {
                    ymd,
                    month: m as usize - 1,
                    mday: d,
                });
                day_weight.push(w);
            }
        }
        let mut volume = [0.0; 12];
        for (d, w) in days.iter().zip(&day_weight) {
            volume[d.month] += w;
        }

        // Monthly budgets.
        let budget: Vec<Option<[i64; 12]>> = annual
            .iter()
            .map(|b| {
                b.map(|(total, profile)| {
                    let prof: [f64; 12] = match profile {
                        Profile::Linear => [1.0; 12],
                        Profile::Holiday => data::PAYROLL_SEASON.map(|s| s - 1.0),
                        Profile::Volume => volume,
                    };
                    let sum: f64 = prof.iter().sum();
                    let mut out = [0i64; 12];
                    let mut acc = 0;
                    for m in 0..11 {
                        out[m] = round(total as f64 * prof[m] / sum / 100.0) * 100;
                        acc += out[m];
                    }
                    out[11] = total - acc;
                    out
                })
            })
            .collect();

        // Opening balances; equity balances the sheet.
        let mut ib = vec![0i64; n_acc];
        for &(no, kr) in data::OPENING {
            ib[find(no)] = round(kr as f64 * 100.0 * scale * rng.range_f64(0.95, 1.05));
        }
        ib[keys.a2010] = -ib.iter().sum::<i64>();

        let runs = data::PAYROLL_RUNS
            .iter()
            .map(|&(text, accts)| {
                let mut t = encode(text, utf8);
                t.push(b' ');
                let idx = accts
                    .iter()
                    .map(|no| {
                        wages
                            .iter()
                            .position(|w| accounts[w.0].no == *no)
                            .expect("wage account")
                    })
                    .collect();
                (t, idx)
            })
            .collect();

        let chunks = nunits.div_ceil(PAYROLL_CHUNK);
        let payroll_chunks = (0..chunks)
            .map(|c| c * nunits / chunks..(c + 1) * nunits / chunks)
            .collect();

        Ok(Model {
            payroll_chunks,
            utf8,
            year,
            seed: opts.seed,
            accounts,
            units,
            unit_weight_sum,
            groups,
            line_kinds,
            wages,
            runs,
            capital,
            target,
            budget,
            ib,
            keys,
            days,
            day_weight,
            texts: TEXTS.iter().map(|t| encode(t, utf8)).collect(),
            months: MONTH_NAMES.iter().map(|m| encode(m, utf8)).collect(),
            suppliers: data::SUPPLIERS
                .iter()
                .map(|c| c.iter().map(|s| encode(s, utf8)).collect())
                .collect(),
        })
    }

    /// Lines in an average payroll voucher (for the payroll share of the file).
    fn payroll_lines(&self) -> f64 {
        let per_unit: f64 = self
            .runs
            .iter()
            .zip(data::PAYROLL_REGULAR_SHARE)
            .map(|(r, p)| p * (r.1.len() + 1) as f64)
            .sum();
        per_unit * self.units.len() as f64 / self.payroll_chunks.len() as f64 + 4.0
    }

    // -----------------------------------------------------------------------------------------
    // Header, chart, balances

    fn write_header(&self, b: &mut Vec<u8>) {
        let y = self.year;
        let text = |b: &mut Vec<u8>, s: &str| b.extend_from_slice(&encode(s, self.utf8));
        b.extend_from_slice(b"#FLAGGA 0\n#PROGRAM \"delar-demo\" 0.1\n");
        if !self.utf8 {
            b.extend_from_slice(b"#FORMAT PC8\n");
        }
        b.extend_from_slice(format!("#GEN {}0115\n#SIETYP 4\n", y + 1).as_bytes());
        b.extend_from_slice(b"#FNAMN \"Exempelkommun\"\n#ORGNR 212000-0000\n");
        b.extend_from_slice(b"#KPTYP \"Kommun-Bas 2023\"\n#VALUTA SEK\n");
        b.extend_from_slice(
            format!("#RAR 0 {y}0101 {y}1231\n#RAR -1 {0}0101 {0}1231\n", y - 1).as_bytes(),
        );
        for a in &self.accounts {
            b.extend_from_slice(b"#KONTO ");
            b.extend_from_slice(a.no.as_bytes());
            b.extend_from_slice(b" \"");
            b.extend_from_slice(&a.name);
            b.extend_from_slice(b"\"\n#KTYP ");
            b.extend_from_slice(a.no.as_bytes());
            b.extend_from_slice(&[b' ', a.ktyp, b'\n']);
        }
        b.extend_from_slice(b"#DIM 1 \"Ansvar\"\n#DIM 2 \"Verksamhet\"\n");
        for u in &self.units {
            b.extend_from_slice(b"#OBJEKT 1 \"");
            b.extend_from_slice(u.code.as_bytes());
            b.extend_from_slice(b"\" \"");
            b.extend_from_slice(&u.name);
            b.extend_from_slice(b"\"\n");
        }
        for (code, name) in data::ACTIVITIES {
            b.extend_from_slice(b"#OBJEKT 2 \"");
            b.extend_from_slice(code.as_bytes());
            b.extend_from_slice(b"\" \"");
            text(b, name);
            b.extend_from_slice(b"\"\n");
        }
    }

    fn write_balances(&self, l: &Ledger, b: &mut Vec<u8>) {
        let bal = |a: usize| self.accounts[a].balance && (self.ib[a] != 0 || l.active[a] != 0);
        for (tag, values) in [(&b"#IB 0 "[..], &self.ib), (&b"#UB 0 "[..], &l.run)] {
            for (a, acc) in self.accounts.iter().enumerate() {
                if bal(a) {
                    b.extend_from_slice(tag);
                    b.extend_from_slice(acc.no.as_bytes());
                    b.push(b' ');
                    put_amount(b, values[a], false);
                    b.push(b'\n');
                }
            }
        }
        for (a, acc) in self.accounts.iter().enumerate() {
            if !acc.balance && l.active[a] != 0 {
                b.extend_from_slice(b"#RES 0 ");
                b.extend_from_slice(acc.no.as_bytes());
                b.push(b' ');
                put_amount(b, l.run[a], false);
                b.push(b'\n');
            }
        }
        let period = |b: &mut Vec<u8>, tag: &[u8], m: usize, no: &str, v: i64| {
            b.extend_from_slice(tag);
            put_u64(b, self.year as u64 * 100 + m as u64 + 1);
            b.push(b' ');
            b.extend_from_slice(no.as_bytes());
            b.extend_from_slice(b" {} ");
            put_amount(b, v, false);
            b.push(b'\n');
        };
        for (a, acc) in self.accounts.iter().enumerate() {
            if acc.balance {
                continue;
            }
            for m in 0..12 {
                if l.active[a] & (1 << m) != 0 {
                    period(b, b"#PSALDO 0 ", m, acc.no, l.month[a][m]);
                }
            }
        }
        for (acc, budget) in self.accounts.iter().zip(&self.budget) {
            if let Some(months) = budget {
                for (m, &v) in months.iter().enumerate() {
                    period(b, b"#PBUDGET 0 ", m, acc.no, v);
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Planning the voucher count

    /// A ledger that looks like a typical year (for size estimates before pass 1).
    fn typical_ledger(&self) -> Ledger {
        let mut l = Ledger::new(self);
        for (a, b) in self.budget.iter().enumerate() {
            if let Some(months) = b {
                l.run[a] = months.iter().sum();
                l.month[a] = *months;
                l.active[a] = 0xFFF;
            }
        }
        let k = &self.keys;
        for a in [
            k.a1229, k.a1510, k.a1641, k.a1930, k.a2440, k.a2490, k.a2590, k.a2710, k.a2730,
            k.a2950,
        ] {
            l.active[a] = 0xFFF;
        }
        l
    }

    /// Estimated bytes after the header (balances and vouchers) for a plan, from exact kind
    /// counts and a systematic sample of every step-th voucher of each kind. Small files are
    /// rendered completely, which also gives their exact set of balance lines.
    fn estimate_body_bytes(&self, plan: &Plan) -> u64 {
        const SAMPLES_PER_KIND: u64 = 4_000;
        let mut step = [1u64; NK];
        for (k, st) in step.iter_mut().enumerate() {
            *st = (plan.counts[k].iter().sum::<u64>() / SAMPLES_PER_KIND).max(1);
        }
        let complete = step.iter().all(|&s| s == 1);
        let typical = self.typical_ledger();
        let mut ledger = Ledger::new(self);
        let mut v = Voucher::default();
        let mut buf = Vec::new();
        let (mut bytes, mut samples) = ([0u64; NK], [0u64; NK]);
        let mut numbers = [0u64; 4];
        let mut cursor = Cursor::default();
        for i in 0..plan.n {
            let pos = cursor.advance(self, plan, i);
            let s = pos.kind.series();
            numbers[s] += 1;
            let k = pos.kind as usize;
            if pos.ordinal % step[k] == 0 {
                let run = if complete { &ledger.run } else { &typical.run };
                self.generate(plan, pos, run, &mut v);
                if complete {
                    ledger.apply(&v, self.days[pos.day].month);
                }
                buf.clear();
                self.render(&v, numbers[s], &mut buf);
                bytes[k] += buf.len() as u64;
                samples[k] += 1;
            }
        }
        let mut total = 0.0;
        for k in 0..NK {
            if samples[k] > 0 {
                let count: u64 = plan.counts[k].iter().sum();
                total += count as f64 * bytes[k] as f64 / samples[k] as f64;
            }
        }
        buf.clear();
        self.write_balances(if complete { &ledger } else { &typical }, &mut buf);
        round(total) as u64 + buf.len() as u64
    }

    /// The number of vouchers that makes the file about `target` bytes (at least one).
    ///
    /// The estimate is a step function of the count (a payroll voucher can be tens of kilobytes),
    /// so we iterate proportionally and keep the best count seen.
    fn choose_voucher_count(&self, target: u64) -> u64 {
        let mut header = Vec::new();
        self.write_header(&mut header);
        let header = header.len() as u64;
        if target <= header {
            return 1;
        }
        let room = (target - header) as f64;
        let mut n = ((room / 300.0) as u64).max(1);
        let mut best = (f64::INFINITY, n);
        for _ in 0..12 {
            let bytes = self.estimate_body_bytes(&Plan::new(self, n)) as f64;
            let err = (bytes - room).abs();
            if err < best.0 {
                best = (err, n);
            }
            if err <= room * 0.002 {
                break;
            }
            let next = ((n as f64 * room / bytes).round() as u64).max(1);
            if next == n || next == best.1 && best.1 != n {
                break;
            }
            n = next;
        }
        best.1
    }

    // -----------------------------------------------------------------------------------------
    // Vouchers

    /// Generate voucher `i` (day and kind from the plan). `run` holds the running balances of
    /// the vouchers before it (used by payments and settlements).
    fn generate(&self, plan: &Plan, pos: Pos, run: &[i64], v: &mut Voucher) {
        let Pos {
            i,
            day,
            kind,
            ordinal,
        } = pos;
        let mut rng = SplitMix64::for_index(self.seed, i);
        v.lines.clear();
        v.text.clear();
        v.kind = kind;
        v.day = day as u16;
        v.style = match rng.below(100) {
            0..=34 => 0,
            35..=64 => 1,
            65..=84 => 2,
            _ => 3,
        };
        v.reg = if v.style == 0 {
            NO_DAY
        } else {
            (day + rng.below(4) as usize).min(self.days.len() - 1) as u16
        };
        let month = self.days[day].month;
        let k = &self.keys;
        match kind {
            Kind::Supplier | Kind::Aid | Kind::Customer | Kind::Grant | Kind::Internal => {
                self.generate_lines(plan, kind, &mut rng, v);
            }
            Kind::Payroll => self.generate_payroll(plan, ordinal, month, &mut rng, v),
            Kind::SupplierPayment => {
                let x = self.part_of(-run[k.a2440], 0.08, 0.16, &mut rng);
                v.push(k.a2440, NO_UNIT, x, 0);
                v.push(k.a1930, NO_UNIT, -x, 0);
                v.text.extend_from_slice(&self.texts[T_SUPPLIER_PAYMENT]);
            }
            Kind::CustomerPayment => {
                let x = self.part_of(run[k.a1510], 0.04, 0.08, &mut rng);
                v.push(k.a1930, NO_UNIT, x, 0);
                v.push(k.a1510, NO_UNIT, -x, 0);
                v.text.extend_from_slice(&self.texts[T_CUSTOMER_PAYMENT]);
            }
            Kind::TaxSettlement => {
                v.push(k.a2710, NO_UNIT, -run[k.a2710], 0);
                v.push(k.a2730, NO_UNIT, -run[k.a2730], 0);
                v.push(k.a1930, NO_UNIT, run[k.a2710] + run[k.a2730], 0);
                self.month_text(T_TAX, month, v);
            }
            Kind::VatRefund => {
                v.push(k.a1930, NO_UNIT, run[k.a1641], 0);
                v.push(k.a1641, NO_UNIT, -run[k.a1641], 0);
                self.month_text(T_VAT, month, v);
            }
            Kind::Capital => {
                let mut sums = vec![0i64; self.capital.len()];
                for (u, unit) in self.units.iter().enumerate() {
                    for (c, &a) in self.capital.iter().enumerate() {
                        let x = round(plan.capital_mean[c] * unit.weight * rng.range_f64(0.9, 1.1));
                        sums[c] += x;
                        v.push(a, u as u32, x, 0);
                    }
                }
                v.push(k.a1229, NO_UNIT, -sums[0], 0);
                v.push(k.a2590, NO_UNIT, -sums[1..].iter().sum::<i64>(), 0);
                self.month_text(T_CAPITAL, month, v);
            }
            Kind::Liquidity => {
                let x = self.ib[k.a1930] - run[k.a1930];
                v.push(k.a1930, NO_UNIT, x, 0);
                v.push(k.a2490, NO_UNIT, -x, 0);
                self.month_text(T_LIQUIDITY, month, v);
            }
        }
    }

    /// A share of an open balance (at least 1 000 kr), leaving about a month's worth open.
    fn part_of(&self, open: i64, lo: f64, hi: f64, rng: &mut SplitMix64) -> i64 {
        round(open as f64 * rng.range_f64(lo, hi)).max(100_000)
    }

    fn month_text(&self, t: usize, month: usize, v: &mut Voucher) {
        v.text.extend_from_slice(&self.texts[t]);
        v.text.extend_from_slice(&self.months[month]);
        v.text.push(b' ');
        put_u64(&mut v.text, self.year as u64);
    }

    fn generate_lines(&self, plan: &Plan, kind: Kind, rng: &mut SplitMix64, v: &mut Voucher) {
        let lk_id = kind.line_kind().expect("a line kind");
        let lk = &self.line_kinds[lk_id as usize];
        let cum = LINE_COUNT_PERMILLE[lk_id as usize];
        let r = rng.below(1000);
        let nlines = cum.iter().position(|&c| r < c).unwrap_or(cum.len() - 1) + 1;
        let mut sum = 0i64;
        let mut prev = NO_UNIT;
        let mut first: Option<&LineAcct> = None;
        for _ in 0..nlines {
            let la = lk.pick(rng);
            first.get_or_insert(la);
            let keep = prev != NO_UNIT
                && (la.group == Group::All || self.units[prev as usize].group == la.group)
                && rng.chance(0.5);
            let unit = if keep {
                prev
            } else {
                self.groups[la.group as usize].pick(rng)
            };
            prev = unit;
            let noise = match lk_id {
                LineKind::Supplier => 0.1 + 3.6 * rng.next_f64() * rng.next_f64(),
                _ => rng.range_f64(0.5, 1.5),
            };
            let x = round(plan.line_mean[la.acct] * noise);
            let qty = if la.price > 0 && x > 0 {
                (x as f64 / (la.price as f64 * 100.0)).round().max(1.0) as i64
            } else {
                0
            };
            sum += x;
            v.push(la.acct, unit, x, qty);
        }
        let first = first.expect("at least one line");
        let k = &self.keys;
        let t = &self.texts;
        let name = &self.accounts[first.acct].name;
        let number = 10_000 + rng.below(990_000);
        match lk_id {
            LineKind::Supplier => {
                if rng.below(1000) < data::VAT_PERMILLE {
                    let vat = round(sum as f64 * rng.range_f64(0.05, 0.2));
                    v.push(k.a1641, NO_UNIT, vat, 0);
                    sum += vat;
                }
                v.push(k.a2440, NO_UNIT, -sum, 0);
                let names = &self.suppliers[first.cat];
                let supplier = &names[rng.below(names.len() as u64) as usize];
                match rng.below(10) {
                    0..=4 => {
                        v.text.extend_from_slice(&t[T_SUPPLIER]);
                        put_u64(&mut v.text, number);
                    }
                    5..=7 => {
                        v.text.extend_from_slice(supplier);
                        v.text.extend_from_slice(&t[T_INVOICE]);
                        put_u64(&mut v.text, number);
                    }
                    _ => v.text.extend_from_slice(supplier),
                }
            }
            LineKind::Aid => {
                v.push(k.a1930, NO_UNIT, -sum, 0);
                self.month_text(T_AID, self.days[v.day as usize].month, v);
            }
            LineKind::Customer => {
                v.push(k.a1510, NO_UNIT, -sum, 0);
                v.text.extend_from_slice(&t[T_CUSTOMER]);
                put_u64(&mut v.text, number * 10 + rng.below(10));
                if rng.chance(0.5) {
                    v.text.push(b' ');
                    v.text.extend_from_slice(name);
                }
            }
            LineKind::Grant => {
                v.push(k.a1930, NO_UNIT, -sum, 0);
                v.text.extend_from_slice(&t[T_GRANT]);
                v.text.extend_from_slice(name);
            }
            LineKind::Internal => {
                if rng.below(1000) < data::INTERNAL_REVENUE_PERMILLE {
                    let seller = self.groups[Group::All as usize].pick(rng);
                    v.push(k.a3490, seller, -sum, 0);
                } else {
                    v.push(k.a2590, NO_UNIT, -sum, 0);
                }
                v.text.extend_from_slice(&t[T_INTERNAL]);
                put_u64(&mut v.text, number);
                v.text.push(b' ');
                v.text.extend_from_slice(name);
            }
        }
    }

    fn generate_payroll(
        &self,
        plan: &Plan,
        ordinal: u64,
        month: usize,
        rng: &mut SplitMix64,
        v: &mut Voucher,
    ) {
        let p = &data::payroll_run_p(month);
        // The run type follows a low-discrepancy sequence over the payroll vouchers, so that
        // each month gets its share of every run type and monthly staff costs stay smooth.
        let r = unit_interval(
            ordinal
                .wrapping_mul(SQRT2_GAMMA)
                .wrapping_add(plan.weyl_offset),
        );
        let mut acc = 0.0;
        let mut run = 0;
        for (j, &pj) in p.iter().enumerate() {
            acc += pj;
            if pj > 0.0 {
                run = j;
                if r < acc {
                    break;
                }
            }
        }
        let (text, wages) = &self.runs[run];
        let k = &self.keys;
        let (mut gross, mut social, mut pension) = (0i64, 0i64, 0i64);
        let chunk = &self.payroll_chunks[rng.below(self.payroll_chunks.len() as u64) as usize];
        for u in chunk.clone() {
            let unit = &self.units[u];
            let mut unit_gross = 0;
            for &w in wages {
                let (acct, price) = self.wages[w];
                let x = round(plan.wage_mean[w] * unit.weight * rng.range_f64(0.85, 1.15));
                let qty = if price > 0 && x > 0 {
                    (x as f64 / (price as f64 * 100.0)).round() as i64
                } else {
                    0
                };
                unit_gross += x;
                v.push(acct, u as u32, x, qty);
                if acct == self.wages[0].0 {
                    let pen = mul_div_round(x, data::PENSION_RATE, 10_000);
                    pension += pen;
                    v.push(k.a5511, u as u32, pen, 0);
                }
            }
            let soc = mul_div_round(unit_gross, data::SOCIAL_FEE_RATE, 10_000);
            v.push(k.a5411, u as u32, soc, 0);
            gross += unit_gross;
            social += soc;
        }
        let tax = mul_div_round(gross, data::TAX_RATE, 10_000);
        v.push(k.a2710, NO_UNIT, -tax, 0);
        v.push(k.a2730, NO_UNIT, -social, 0);
        if pension != 0 {
            v.push(k.a2950, NO_UNIT, -pension, 0);
        }
        v.push(k.a1930, NO_UNIT, -(gross - tax), 0);
        v.text.extend_from_slice(text);
        v.text.extend_from_slice(&self.months[month]);
        v.text.push(b' ');
        put_u64(&mut v.text, self.year as u64);
    }

    /// Append the SIE text of a voucher.
    fn render(&self, v: &Voucher, number: u64, b: &mut Vec<u8>) {
        b.extend_from_slice(b"#VER ");
        b.push(SERIES[v.kind.series()]);
        b.push(b' ');
        put_u64(b, number);
        b.push(b' ');
        let ymd = &self.days[v.day as usize].ymd;
        b.extend_from_slice(ymd);
        b.extend_from_slice(b" \"");
        b.extend_from_slice(&v.text);
        b.push(b'"');
        if v.reg != NO_DAY {
            b.push(b' ');
            b.extend_from_slice(&self.days[v.reg as usize].ymd);
        }
        b.extend_from_slice(b"\n{\n");
        let indent: &[u8] = if v.style == 2 {
            b"\t#TRANS "
        } else {
            b"   #TRANS "
        };
        for l in &v.lines {
            let acc = &self.accounts[l.acct as usize];
            b.extend_from_slice(indent);
            b.extend_from_slice(acc.no.as_bytes());
            b.push(b' ');
            if l.unit == NO_UNIT {
                b.extend_from_slice(b"{}");
            } else {
                b.extend_from_slice(&self.units[l.unit as usize].objs);
            }
            b.push(b' ');
            put_amount(b, l.amount, v.style == 0);
            match v.style {
                1 => b.extend_from_slice(b" \"\" \"\" 0"),
                2 => {
                    b.push(b' ');
                    b.extend_from_slice(ymd);
                    b.extend_from_slice(b" \"");
                    b.extend_from_slice(&acc.name);
                    b.push(b'"');
                    if l.qty != 0 {
                        b.push(b' ');
                        put_i64(b, l.qty);
                    }
                }
                3 => {
                    b.extend_from_slice(b" \"\" \"");
                    b.extend_from_slice(&acc.name);
                    b.push(b'"');
                }
                _ => {}
            }
            b.push(b'\n');
        }
        b.extend_from_slice(b"}\n");
    }
}

// ---------------------------------------------------------------------------------------------
// Plan: everything that depends on the voucher count

struct Plan {
    n: u64,
    /// First voucher index of each day; `starts[days] == n`.
    starts: Vec<u64>,
    /// Cumulative thresholds over SPREAD_KINDS, per month.
    thresholds: [[f64; 8]; 12],
    /// Monthly vouchers at fixed positions, sorted by index.
    specials: Vec<(u64, Kind)>,
    /// Exact voucher count per kind and month.
    counts: [[u64; 12]; NK],
    weyl_offset: u64,
    /// Mean amount per line for line-kind accounts (öre).
    line_mean: Vec<f64>,
    /// Mean amount per payroll voucher and unit weight, per wage account.
    wage_mean: Vec<f64>,
    /// Mean amount per capital voucher and unit weight, per capital account.
    capital_mean: Vec<f64>,
}

impl Plan {
    fn new(model: &Model, n: u64) -> Plan {
        let days = model.days.len();
        let total: f64 = model.day_weight.iter().sum();
        let mut starts = Vec::with_capacity(days + 1);
        let mut acc = 0.0;
        for w in &model.day_weight {
            starts.push(((n as f64 * acc / total) as u64).min(n));
            acc += w;
        }
        starts.push(n);
        let mut month_start = [0u64; 13];
        for (d, day) in model.days.iter().enumerate().rev() {
            month_start[day.month] = starts[d];
        }
        month_start[12] = n;

        // Monthly vouchers at fixed positions: tax on the 12th, VAT on the 20th, capital costs
        // and the liquidity transfer as the last two vouchers of the month.
        let mut specials = Vec::new();
        for m in 0..12 {
            let (lo, hi) = (month_start[m], month_start[m + 1]);
            if hi - lo < 12 {
                continue;
            }
            let on_day = |mday: u8| -> u64 {
                let d = model
                    .days
                    .iter()
                    .position(|d| d.month == m && d.mday == mday)
                    .expect("day exists");
                starts[d]
            };
            // Capital costs have two lines per unit: only in files large enough that they stay
            // a small share (about 6 %) of the lines.
            let capital = n >= 64 * model.units.len() as u64;
            let free = hi - 1 - u64::from(capital);
            let tax = on_day(12).clamp(lo, free - 2);
            let vat = on_day(20).clamp(tax + 1, free - 1);
            specials.push((tax, Kind::TaxSettlement));
            specials.push((vat, Kind::VatRefund));
            if capital {
                specials.push((hi - 2, Kind::Capital));
            }
            specials.push((hi - 1, Kind::Liquidity));
        }

        // Kind thresholds per month.
        let nf = n.max(1) as f64;
        let p_sp = (104.0 / nf).min(0.02);
        let p_cp = (250.0 / nf).min(0.02);
        // Payroll: about a quarter of all lines; small files get up to four runs a month as long as
        // payroll stays below about half of the lines.
        let pl_lines = model.payroll_lines();
        let p_l = (1.3 / pl_lines)
            .max((48.0 / nf).min(3.5 / pl_lines))
            .min(0.3);
        let mut thresholds = [[0.0; 8]; 12];
        for (m, th) in thresholds.iter_mut().enumerate() {
            let share = (month_start[m + 1] - month_start[m]) as f64 / nf * 12.0;
            let pl = if share > 0.0 {
                (p_l * data::PAYROLL_SEASON[m] / share).min(0.5)
            } else {
                0.0
            };
            let rest = 1.0 - pl - p_sp - p_cp;
            let mut p = [0.0; 8];
            for (j, s) in LINE_KIND_SHARE.iter().enumerate() {
                p[j] = rest * s;
            }
            p[5] = pl;
            p[6] = p_sp;
            p[7] = p_cp;
            let mut c = 0.0;
            for (t, pj) in th.iter_mut().zip(p) {
                c += pj;
                *t = c;
            }
            th[7] = f64::INFINITY;
        }

        let mut plan = Plan {
            n,
            starts,
            thresholds,
            specials,
            counts: [[0; 12]; NK],
            weyl_offset: mix64(model.seed ^ 0x00C0_FFEE),
            line_mean: vec![0.0; model.accounts.len()],
            wage_mean: vec![0.0; model.wages.len()],
            capital_mean: vec![0.0; model.capital.len()],
        };
        let mut cursor = Cursor::default();
        let mut counts = [[0u64; 12]; NK];
        for i in 0..n {
            let pos = cursor.advance(model, &plan, i);
            counts[pos.kind as usize][model.days[pos.day].month] += 1;
        }
        plan.counts = counts;

        // Mean amounts so that expected totals meet the outcome targets.
        for (k, lk) in model.line_kinds.iter().enumerate() {
            let vouchers: u64 = counts[k].iter().sum();
            let total_freq = lk.total_freq() as f64;
            let mut prev = 0;
            for la in &lk.accts {
                let freq = (la.freq_cum - prev) as f64;
                prev = la.freq_cum;
                let lines = vouchers as f64 * lk.mean_lines * freq / total_freq;
                plan.line_mean[la.acct] = if lines > 0.0 {
                    model.target[la.acct] / lines
                } else {
                    0.0
                };
            }
        }
        for (w, &(acct, _)) in model.wages.iter().enumerate() {
            let mut expected = 0.0;
            for (m, &count) in counts[Kind::Payroll as usize].iter().enumerate() {
                let p = &data::payroll_run_p(m);
                let p_in: f64 = model
                    .runs
                    .iter()
                    .zip(p)
                    .filter(|(r, _)| r.1.contains(&w))
                    .map(|(_, p)| p)
                    .sum();
                expected += count as f64 * p_in;
            }
            if expected > 0.0 {
                // Each voucher covers one of the chunks, chosen uniformly.
                let chunks = model.payroll_chunks.len() as f64;
                plan.wage_mean[w] =
                    model.target[acct] * chunks / (expected * model.unit_weight_sum);
            }
        }
        let capital_vouchers: u64 = counts[Kind::Capital as usize].iter().sum();
        for (c, &acct) in model.capital.iter().enumerate() {
            if capital_vouchers > 0 {
                plan.capital_mean[c] =
                    model.target[acct] / (capital_vouchers as f64 * model.unit_weight_sum);
            }
        }
        plan
    }
}

/// Where a voucher sits: index, day of the year, kind, and how many of its kind came before.
#[derive(Clone, Copy)]
struct Pos {
    i: u64,
    day: usize,
    kind: Kind,
    ordinal: u64,
}

/// Walks the vouchers in order (every pass does), tracking the day, the next fixed-position
/// voucher and the count per kind.
#[derive(Default)]
struct Cursor {
    day: usize,
    special: usize,
    per_kind: [u64; NK],
}

impl Cursor {
    #[inline]
    fn advance(&mut self, model: &Model, plan: &Plan, i: u64) -> Pos {
        while plan.starts[self.day + 1] <= i {
            self.day += 1;
        }
        let kind = match plan.specials.get(self.special) {
            Some(&(at, kind)) if at == i => {
                self.special += 1;
                kind
            }
            _ => {
                let u = unit_interval(i.wrapping_mul(GOLDEN_GAMMA).wrapping_add(plan.weyl_offset));
                let th = &plan.thresholds[model.days[self.day].month];
                SPREAD_KINDS[th.iter().position(|&t| u < t).unwrap_or(0)]
            }
        };
        let ordinal = self.per_kind[kind as usize];
        self.per_kind[kind as usize] += 1;
        Pos {
            i,
            day: self.day,
            kind,
            ordinal,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Vouchers and sums

struct Line {
    acct: u16,
    unit: u32,
    amount: i64,
    qty: i64,
}

struct Voucher {
    kind: Kind,
    day: u16,
    reg: u16,
    style: u8,
    text: Vec<u8>,
    lines: Vec<Line>,
}

impl Default for Voucher {
    fn default() -> Voucher {
        Voucher {
            kind: Kind::Supplier,
            day: 0,
            reg: NO_DAY,
            style: 0,
            text: Vec::new(),
            lines: Vec::new(),
        }
    }
}

impl Voucher {
    #[inline]
    fn push(&mut self, acct: usize, unit: u32, amount: i64, qty: i64) {
        self.lines.push(Line {
            acct: acct as u16,
            unit,
            amount,
            qty,
        });
    }
}

/// Running balances and monthly sums per account (bounded by the chart size).
struct Ledger {
    /// Opening balance plus transactions so far.
    run: Vec<i64>,
    month: Vec<[i64; 12]>,
    /// Bit m set when the account has a transaction in month m.
    active: Vec<u16>,
    vouchers: u64,
    transactions: u64,
}

impl Ledger {
    fn new(model: &Model) -> Ledger {
        let n = model.accounts.len();
        Ledger {
            run: model.ib.clone(),
            month: vec![[0; 12]; n],
            active: vec![0; n],
            vouchers: 0,
            transactions: 0,
        }
    }

    #[inline]
    fn apply(&mut self, v: &Voucher, month: usize) {
        for l in &v.lines {
            let a = l.acct as usize;
            self.run[a] += l.amount;
            self.month[a][month] += l.amount;
            self.active[a] |= 1 << month;
        }
        self.vouchers += 1;
        self.transactions += v.lines.len() as u64;
    }
}
