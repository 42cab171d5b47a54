//! Vouchers cut from the yearly plan, and the SIE 4E file around them.
//!
//! The generator is a pure function of the plan: running it twice gives the same vouchers, so
//! a first pass sums them (balances, #PSALDO) and a second pass writes them after the header.
//! Memory holds the plan and sums per account × unit × month, never the vouchers.

use super::chart::{idx, is_balance, ktyp, CHART, INTERNAL_PURCHASE, INTERNAL_SALE, MOTPART_DIM};
use super::org::{Committee, Organisation, ACTIVITIES};
use super::plan::{Book, YearPlan};
use super::rng_for;
use crate::bigsie::enc::{encode, put_amount, put_u64};
use crate::rng::SplitMix64;
use delar_core::period::{days_in_month, MONTH_NAMES};
use delar_core::YearMonth;
use std::io::{self, Write};

pub(crate) const NO_UNIT: u32 = u32::MAX;
const NO_VER: u8 = u8::MAX;
const NO_MOT: u8 = u8::MAX;

/// Voucher series: A supplier invoices, B bank, E financial assistance, I internal invoices,
/// K customer invoices, L payroll, M memorial (accruals, depreciation).
const SERIES: [u8; 7] = [b'A', b'B', b'E', b'I', b'K', b'L', b'M'];
const SA: usize = 0;
const SB: usize = 1;
const SE: usize = 2;
const SI: usize = 3;
const SK: usize = 4;
const SL: usize = 5;
const SM: usize = 6;

/// Landlords (rent invoices); the first one sends the late invoice.
pub const LANDLORDS: [&str; 3] = [
    "Kommunfastigheter i Exempelkommun AB",
    "Fastighets AB Exempelbostäder",
    "Hyresvärden Björk AB",
];

#[derive(Clone, Copy, Debug)]
pub(crate) struct TLine {
    pub acct: u16,
    pub unit: u32,
    pub ver: u8,
    pub mot: u8,
    pub amount: i64,
}

#[derive(Debug, Default)]
pub(crate) struct Ver {
    pub series: usize,
    pub month: u8,
    pub day: u8,
    pub text: String,
    pub lines: Vec<TLine>,
}

impl Ver {
    fn start(&mut self, series: usize, month: u8, day: u8) {
        self.series = series;
        self.month = month;
        self.day = day;
        self.text.clear();
        self.lines.clear();
    }
    fn add(&mut self, acct: u16, unit: u32, ver: u8, amount: i64) {
        self.lines.push(TLine {
            acct,
            unit,
            ver,
            mot: NO_MOT,
            amount,
        });
    }
    fn total(&self) -> i64 {
        self.lines.iter().map(|l| l.amount).sum()
    }
}

/// What a year file covers and how dense it is.
pub(crate) struct Ctx<'a> {
    pub seed: u64,
    pub org: &'a Organisation,
    pub plan: &'a YearPlan,
    pub prev: Option<&'a YearPlan>,
    /// Last month generated (12 for a complete year).
    pub last_month: u8,
    /// Supplier invoices per plan line and month, relative to the default.
    pub density: f64,
    /// Opening balances per account (balance accounts only).
    pub ib: Vec<i64>,
}

struct Keys {
    bank: u16,
    receivables: u16,
    payables: u16,
    settlement: u16,
    tax: u16,
    social: u16,
    pension: u16,
    holiday: u16,
    accrued: u16,
    depreciation_acc: u16,
}

fn keys() -> Keys {
    Keys {
        bank: idx("1930"),
        receivables: idx("1510"),
        payables: idx("2440"),
        settlement: idx("2590"),
        tax: idx("2710"),
        social: idx("2730"),
        pension: idx("2950"),
        holiday: idx("2920"),
        accrued: idx("2990"),
        depreciation_acc: idx("1229"),
    }
}

/// Supplier names by account.
fn supplier(acct: &str, r: &mut SplitMix64) -> &'static str {
    let list: &[&str] = match acct {
        "6420" => &[
            "Livsmedelsgrossisten Norden AB",
            "Bageriet Ängen",
            "Frukt & Grönt i Exempellän AB",
        ],
        "6410" | "7910" => &[
            "Kontorsvaruhuset AB",
            "Inköpscentralen AB",
            "Järnhandeln i Exempelkommun",
        ],
        "6430" | "6440" => &[
            "Sjukvårdsmaterial AB",
            "Inkontinenscentralen AB",
            "Apoteket Öster",
        ],
        "6930" => &["Systemleverantören Omsorg AB", "IT-partner Norr AB"],
        "7010" => &[
            "Konsultbyrån Ekonomi & Styrning AB",
            "Advokatfirman Lag & Rätt",
        ],
        "7030" => &["Tolkförmedlingen Väst AB", "Språkservice AB"],
        "7210" => &["Transportbolaget Norr AB", "Färdtjänst Exempellän"],
        "7310" => &["Resebyrån Offentlig AB"],
        "7320" | "7330" => &["Bilpoolen Leasing AB", "Drivmedel Nord AB"],
        "7510" => &["Sjuksköterskebemanning Norr AB", "Vårdbemanning Öst AB"],
        "7511" => &["Socionompoolen AB", "Konsultsocionomerna AB"],
        "7512" => &["Vårdbemanning Öst AB", "Omsorgsbemanning AB"],
        "5610" => &["Utbildningsföretaget Kompetens AB", "Vårdakademin AB"],
        "4621" | "4623" => &[
            "Nordanvinds HVB AB",
            "Behandlingshemmet Ängen AB",
            "Stiftelsen Gläntan",
        ],
        "4622" => &["Familjevård i Mälardalen AB", "Familjehemsresurs Syd AB"],
        "4624" | "4627" => &[
            "Behandlingshemmet Ängen AB",
            "Statens institutionsstyrelse",
            "Stiftelsen Gläntan",
        ],
        "4625" | "4626" => &[
            "Föreningen Trappan",
            "Stadsmissionen i Exempellän",
            "Stödboende Norr AB",
        ],
        "4628" => &["Jourhemsföreningen Trygg Start"],
        "5120" | "5210" => &["Familjehemsarvoden (utbetalning)"],
        "5121" | "5220" => &["Kontaktfamiljsarvoden (utbetalning)"],
        _ => &["Leverantören AB"],
    };
    list[r.below(list.len() as u64) as usize]
}

/// Runs the plan's vouchers through `sink`, keeping running balances for payments.
pub(crate) struct Gen<'a, F: FnMut(&Ver)> {
    ctx: &'a Ctx<'a>,
    bal: Vec<i64>,
    v: Ver,
    sink: F,
    year: i32,
}

fn month_name(m: u8) -> &'static str {
    MONTH_NAMES[m as usize - 1]
}

impl<'a, F: FnMut(&Ver)> Gen<'a, F> {
    pub(crate) fn new(ctx: &'a Ctx<'a>, sink: F) -> Self {
        Gen {
            ctx,
            bal: ctx.ib.clone(),
            v: Ver::default(),
            sink,
            year: ctx.plan.year,
        }
    }

    fn emit(&mut self) {
        if self.v.lines.is_empty() {
            return;
        }
        debug_assert_eq!(self.v.total(), 0, "unbalanced voucher {}", self.v.text);
        for l in &self.v.lines {
            self.bal[l.acct as usize] += l.amount;
        }
        (self.sink)(&self.v);
    }

    /// Generate every voucher of months 1..=last_month.
    pub(crate) fn run(mut self) {
        for m in 1..=self.ctx.last_month {
            self.month(m);
        }
    }

    fn rng(&self, stream: u64, m: u8, sub: u64) -> SplitMix64 {
        rng_for(
            self.ctx.seed,
            stream * 1_000_003 + sub,
            (self.year as u64) * 100 + m as u64,
        )
    }

    fn month(&mut self, m: u8) {
        let mi = m as usize - 1;
        let dim = days_in_month(self.year, m);
        let start = self.bal.clone();
        let ctx = self.ctx;
        let plan = ctx.plan;
        let org = ctx.org;
        let k = keys();
        let mname = month_name(m);

        // Frames (kommunbidrag) on the first.
        for c in Committee::ALL {
            let f = plan.frame[c as usize];
            let x = if m == 12 { f - f / 12 * 11 } else { f / 12 };
            self.v.start(SB, m, 1);
            self.v.text = format!("Kommunbidrag {} {mname} {}", c.code(), self.year);
            self.v.add(k.bank, NO_UNIT, NO_VER, x);
            self.v.add(k.settlement, NO_UNIT, NO_VER, -x);
            self.emit();
        }

        // January: reverse last year's accruals; the invoices arrive.
        if m == 1 {
            if let Some(prev) = ctx.prev {
                if !prev.accruals.is_empty() {
                    self.v.start(SM, 1, 2);
                    self.v.text = format!(
                        "Återföring upplupna placeringskostnader december {}",
                        prev.year
                    );
                    let mut total = 0;
                    for &(li, a) in &prev.accruals {
                        let l = &prev.lines[li];
                        self.v.add(l.acct, l.unit, l.ver, -a);
                        total += a;
                    }
                    self.v.add(k.accrued, NO_UNIT, NO_VER, total);
                    self.emit();
                    let mut r = self.rng(1, m, 0);
                    for (n, &(li, a)) in prev.accruals.iter().enumerate() {
                        let l = &prev.lines[li];
                        self.v.start(SA, 1, 8 + (n % 10) as u8);
                        let who = supplier(CHART[l.acct as usize].0, &mut r);
                        self.v.text = format!("{who} faktura december {}", prev.year);
                        self.v.add(l.acct, l.unit, l.ver, a);
                        self.v.add(k.payables, NO_UNIT, NO_VER, -a);
                        self.emit();
                    }
                }
            }
        }

        // Rents on the first working days; the late invoice follows in the next month.
        for (landlord, name) in LANDLORDS.iter().enumerate() {
            let rows: Vec<usize> = plan
                .lines
                .iter()
                .enumerate()
                .filter(|(_, l)| {
                    l.book == Book::Rent && org.units[l.unit as usize].landlord as usize == landlord
                })
                .map(|(i, _)| i)
                .collect();
            if rows.is_empty() {
                continue;
            }
            let late = plan.late_rent.as_ref().filter(|_| landlord == 0);
            if late.is_some_and(|(lm, _)| *lm as usize == mi) {
                continue; // the invoice is late
            }
            if let Some((lm, amounts)) = late {
                if *lm as usize + 1 == mi {
                    self.v.start(SA, m, 3);
                    self.v.text = format!("{name} hyra {} (försenad faktura)", month_name(lm + 1));
                    for (&li, &a) in rows.iter().zip(amounts.iter()) {
                        let l = &plan.lines[li];
                        self.v.add(l.acct, l.unit, l.ver, a);
                    }
                    let t = self.v.total();
                    self.v.add(k.payables, NO_UNIT, NO_VER, -t);
                    self.emit();
                }
            }
            self.v.start(SA, m, 2);
            self.v.text = format!("{name} hyra {mname}");
            for (j, &li) in rows.iter().enumerate() {
                let l = &plan.lines[li];
                let mut a = l.outcome[mi];
                if let Some((lm, amounts)) = late {
                    if *lm as usize + 1 == mi {
                        a -= amounts[j];
                    }
                }
                self.v.add(l.acct, l.unit, l.ver, a);
            }
            let t = self.v.total();
            self.v.add(k.payables, NO_UNIT, NO_VER, -t);
            self.emit();
        }

        // Supplier, placement and external invoices.
        let mut r = self.rng(2, m, 0);
        let accrual_of = |li: usize| -> i64 {
            if m == 12 {
                plan.accruals
                    .iter()
                    .find(|(i, _)| *i == li)
                    .map_or(0, |x| x.1)
            } else {
                0
            }
        };
        let mut pieces: Vec<(usize, i64)> = Vec::new();
        let mut u_start = 0;
        while u_start < plan.lines.len() {
            let unit = plan.lines[u_start].unit;
            let mut u_end = u_start;
            while u_end < plan.lines.len() && plan.lines[u_end].unit == unit {
                u_end += 1;
            }
            pieces.clear();
            for li in u_start..u_end {
                let l = &plan.lines[li];
                let amount = l.outcome[mi] - accrual_of(li);
                if amount == 0 {
                    continue;
                }
                let n = match l.book {
                    Book::Supplier(f) => (f as f64 * ctx.density).round().max(1.0) as usize,
                    Book::Placement => ((amount as f64 / 6e6).round() as usize).clamp(1, 2000),
                    Book::External => 1 + (amount as f64 / 5e8) as usize,
                    _ => continue,
                };
                split(amount, n, &mut r, |a| pieces.push((li, a)));
            }
            // Interleave accounts so invoices carry one to three lines.
            shuffle(&mut pieces, &mut r);
            let count = pieces.len();
            let mut i = 0;
            let mut vno = 0usize;
            while i < count {
                let first = &plan.lines[pieces[i].0];
                let single = matches!(first.book, Book::Placement | Book::External);
                let take = if single { 1 } else { 1 + r.below(3) as usize };
                let day = 2 + ((i * (dim as usize - 4)) / count.max(1)) as u8;
                self.v.start(SA, m, day);
                let who = if first.book == Book::External {
                    org.units[first.unit as usize].name.as_str()
                } else {
                    supplier(CHART[first.acct as usize].0, &mut r)
                };
                vno += 1;
                self.v.text = format!("{who} faktura {}-{}", self.year * 100 + m as i32, vno);
                let mut j = i;
                while j < count && j < i + take {
                    let (li, a) = pieces[j];
                    let l = &plan.lines[li];
                    if single && j > i {
                        break;
                    }
                    if j > i && matches!(l.book, Book::Placement | Book::External) {
                        break;
                    }
                    self.v.add(l.acct, l.unit, l.ver, a);
                    j += 1;
                }
                let t = self.v.total();
                self.v.add(k.payables, NO_UNIT, NO_VER, -t);
                self.emit();
                i = j;
            }
            u_start = u_end;
        }

        // Customer invoices (fees, rents from residents, sales) on the 10th.
        let mut r = self.rng(3, m, 0);
        for l in &plan.lines {
            if l.book != Book::Customer || l.outcome[mi] == 0 {
                continue;
            }
            let n = (2.0 * ctx.density).round().max(1.0) as usize;
            let mut parts = Vec::with_capacity(n);
            split(l.outcome[mi], n, &mut r, |a| parts.push(a));
            for (p, a) in parts.into_iter().enumerate() {
                self.v.start(SK, m, 10 + (p % 5) as u8);
                self.v.text = format!(
                    "Kundfakturor {} {} {mname} del {}",
                    CHART[l.acct as usize].1,
                    org.units[l.unit as usize].code,
                    p + 1
                );
                self.v.add(l.acct, l.unit, l.ver, a);
                self.v.add(k.receivables, NO_UNIT, NO_VER, -a);
                self.emit();
            }
        }

        // Grants into the bank.
        for l in plan.lines.iter().filter(|l| l.book == Book::Grant) {
            let a = l.outcome[mi];
            if a == 0 {
                continue;
            }
            self.v.start(SB, m, 15);
            self.v.text = format!("Insättning {} {mname}", CHART[l.acct as usize].1);
            self.v.add(l.acct, l.unit, l.ver, a);
            self.v.add(k.bank, NO_UNIT, NO_VER, -a);
            self.emit();
        }

        // Tax and social fees for last month's payroll on the 12th; pensions in March.
        let tax = -start[k.tax as usize];
        let soc = -start[k.social as usize];
        if tax != 0 || soc != 0 {
            self.v.start(SB, m, 12);
            self.v.text = format!("Skattedeklaration {mname} {}", self.year);
            self.v.add(k.tax, NO_UNIT, NO_VER, tax);
            self.v.add(k.social, NO_UNIT, NO_VER, soc);
            self.v.add(k.bank, NO_UNIT, NO_VER, -(tax + soc));
            self.emit();
        }
        if m == 3 && start[k.pension as usize] != 0 {
            let p = -start[k.pension as usize];
            self.v.start(SB, m, 28);
            self.v.text = format!("Pensionsinbetalning individuell del {}", self.year - 1);
            self.v.add(k.pension, NO_UNIT, NO_VER, p);
            self.v.add(k.bank, NO_UNIT, NO_VER, -p);
            self.emit();
        }

        // Financial assistance: four payment runs.
        let mut r = self.rng(4, m, 0);
        for run in 0..4u8 {
            self.v.start(SE, m, 4 + run * 7);
            self.v.text = format!("Utbetalning ekonomiskt bistånd {mname} körning {}", run + 1);
            for l in plan.lines.iter().filter(|l| l.book == Book::Aid) {
                let share = l.outcome[mi] / 4 + if run == 3 { l.outcome[mi] % 4 } else { 0 };
                let n = (3.0 * ctx.density).round().max(1.0) as usize;
                let mut parts = Vec::with_capacity(n);
                split(share, n, &mut r, |a| parts.push(a));
                for a in parts {
                    self.v.add(l.acct, l.unit, l.ver, a);
                }
            }
            let t = self.v.total();
            if t != 0 {
                self.v.add(k.bank, NO_UNIT, NO_VER, -t);
                self.emit();
            }
        }

        // Customer payments on the 20th, supplier payments on the 28th (what was open at the
        // start of the month).
        let recv = start[k.receivables as usize];
        if recv != 0 {
            self.v.start(SB, m, 20);
            self.v.text = format!("Inbetalningar kundreskontra {mname}");
            self.v.add(k.bank, NO_UNIT, NO_VER, recv);
            self.v.add(k.receivables, NO_UNIT, NO_VER, -recv);
            self.emit();
        }

        // Payroll on the 25th, in chunks of units.
        let mut unit_lines: Vec<usize> = plan
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.book == Book::Payroll && l.outcome[mi] != 0)
            .map(|(i, _)| i)
            .collect();
        unit_lines.sort_by_key(|&i| plan.lines[i].unit);
        let mut s = 0;
        while s < unit_lines.len() {
            let mut e = s;
            let mut units = 0;
            let mut last = NO_UNIT;
            while e < unit_lines.len() {
                let u = plan.lines[unit_lines[e]].unit;
                if u != last {
                    if units == 60 {
                        break;
                    }
                    units += 1;
                    last = u;
                }
                e += 1;
            }
            self.v.start(SL, m, 25);
            self.v.text = format!("Lön {mname} {}", self.year);
            let (mut gross, mut social, mut pension) = (0i64, 0i64, 0i64);
            for &li in &unit_lines[s..e] {
                let l = &plan.lines[li];
                let a = l.outcome[mi];
                match CHART[l.acct as usize].0 {
                    "5411" => social += a,
                    "5511" => pension += a,
                    _ => gross += a,
                }
                self.v.add(l.acct, l.unit, l.ver, a);
            }
            let tax = (gross as f64 * 0.30 / 100.0).round() as i64 * 100;
            self.v.add(k.tax, NO_UNIT, NO_VER, -tax);
            self.v.add(k.social, NO_UNIT, NO_VER, -social);
            self.v.add(k.pension, NO_UNIT, NO_VER, -pension);
            self.v.add(k.bank, NO_UNIT, NO_VER, -(gross - tax));
            self.emit();
            s = e;
        }

        let pay = -start[k.payables as usize];
        if pay != 0 {
            self.v.start(SB, m, 28.min(dim));
            self.v.text = format!("Betalning leverantörsskulder {mname}");
            self.v.add(k.payables, NO_UNIT, NO_VER, pay);
            self.v.add(k.bank, NO_UNIT, NO_VER, -pay);
            self.emit();
        }

        // Internal invoices on the last day: PN pays the committees.
        for p in &plan.pairs {
            let a = p.outcome[mi];
            if a == 0 {
                continue;
            }
            let seller_c = org.committee_of(p.seller as usize, self.year);
            self.v.start(SI, m, dim);
            self.v.text = format!(
                "Internfaktura {} {} {mname}",
                MODEL_NAMES[p.model as usize], org.units[p.seller as usize].code
            );
            self.v.lines.push(TLine {
                acct: idx(INTERNAL_PURCHASE[p.model as usize]),
                unit: p.buyer,
                ver: p.ver,
                mot: seller_c as u8,
                amount: a,
            });
            self.v.lines.push(TLine {
                acct: idx(INTERNAL_SALE[p.model as usize]),
                unit: p.seller,
                ver: p.ver,
                mot: Committee::Pn as u8,
                amount: -a,
            });
            self.emit();
        }

        // Depreciation and internal interest, in chunks.
        self.memorial(
            m,
            dim,
            Book::Capital,
            "Avskrivningar och internränta",
            |acct| {
                if CHART[acct as usize].0 == "7810" {
                    k.depreciation_acc
                } else {
                    k.settlement
                }
            },
        );

        if m == 12 {
            self.memorial(
                m,
                dim,
                Book::HolidayAccrual,
                "Förändring semesterlöneskuld",
                |_| k.holiday,
            );
            if !plan.accruals.is_empty() {
                self.v.start(SM, m, dim);
                self.v.text = format!("Upplupna placeringskostnader december {}", self.year);
                let mut total = 0;
                for &(li, a) in &plan.accruals {
                    let l = &plan.lines[li];
                    self.v.add(l.acct, l.unit, l.ver, a);
                    total += a;
                }
                self.v.add(k.accrued, NO_UNIT, NO_VER, -total);
                self.emit();
            }
        }
    }

    /// Memorial vouchers of one booking kind, at most 120 lines per voucher, each account credited to
    /// `counter(account)`.
    fn memorial(&mut self, m: u8, dim: u8, book: Book, text: &str, counter: impl Fn(u16) -> u16) {
        let plan = self.ctx.plan;
        let mi = m as usize - 1;
        let rows: Vec<usize> = (0..plan.lines.len())
            .filter(|&i| plan.lines[i].book == book && plan.lines[i].outcome[mi] != 0)
            .collect();
        for (c, chunk) in rows.chunks(120).enumerate() {
            self.v.start(SM, m, dim);
            self.v.text = format!("{text} {} {} del {}", month_name(m), self.year, c + 1);
            let mut counters: Vec<(u16, i64)> = Vec::new();
            for &li in chunk {
                let l = &plan.lines[li];
                let a = l.outcome[mi];
                self.v.add(l.acct, l.unit, l.ver, a);
                let ca = counter(l.acct);
                match counters.iter_mut().find(|(x, _)| *x == ca) {
                    Some(e) => e.1 -= a,
                    None => counters.push((ca, -a)),
                }
            }
            for (ca, a) in counters {
                self.v.add(ca, NO_UNIT, NO_VER, a);
            }
            self.emit();
        }
    }
}

/// Compensation model names (index = model).
pub const MODEL_NAMES: [&str; 4] = [
    "timersättning hemtjänst",
    "dygnsersättning boende",
    "närvaroersättning daglig verksamhet",
    "verksamhetsuppdrag",
];

/// Split `total` öre into `n` parts with random weights (0,3–1,7); parts sum exactly.
fn split(total: i64, n: usize, r: &mut SplitMix64, mut out: impl FnMut(i64)) {
    if n <= 1 {
        out(total);
        return;
    }
    let w: Vec<f64> = (0..n).map(|_| r.range_f64(0.3, 1.7)).collect();
    let sum: f64 = w.iter().sum();
    let mut acc = 0;
    for (i, wi) in w.iter().enumerate() {
        let a = if i + 1 == n {
            total - acc
        } else {
            (total as f64 * wi / sum).round() as i64
        };
        acc += a;
        if a != 0 {
            out(a);
        }
    }
}

fn shuffle<T>(v: &mut [T], r: &mut SplitMix64) {
    for i in (1..v.len()).rev() {
        let j = r.below(i as u64 + 1) as usize;
        v.swap(i, j);
    }
}

// ---------------------------------------------------------------------------------------------
// Sums and the file

/// Monthly sums per account and per account × unit (dense index), balances.
pub(crate) struct Sums {
    pub month: Vec<[i64; 12]>,
    pub active: Vec<u16>,
    /// Slot of (account, unit) in `unit_month`, or u32::MAX.
    slot: Vec<u32>,
    pub keys: Vec<(u16, u32)>,
    pub unit_month: Vec<[i64; 12]>,
    pub unit_active: Vec<u16>,
    pub run: Vec<i64>,
    n_units: usize,
    pub vouchers: u64,
    pub transactions: u64,
}

impl Sums {
    pub(crate) fn new(ib: &[i64], n_units: usize) -> Sums {
        Sums {
            month: vec![[0; 12]; CHART.len()],
            active: vec![0; CHART.len()],
            slot: vec![u32::MAX; CHART.len() * n_units],
            keys: Vec::new(),
            unit_month: Vec::new(),
            unit_active: Vec::new(),
            run: ib.to_vec(),
            n_units,
            vouchers: 0,
            transactions: 0,
        }
    }

    pub(crate) fn apply(&mut self, v: &Ver) {
        let m = v.month as usize - 1;
        for l in &v.lines {
            let a = l.acct as usize;
            self.run[a] += l.amount;
            self.month[a][m] += l.amount;
            self.active[a] |= 1 << m;
            if l.unit != NO_UNIT {
                let s = a * self.n_units + l.unit as usize;
                if self.slot[s] == u32::MAX {
                    self.slot[s] = self.keys.len() as u32;
                    self.keys.push((l.acct, l.unit));
                    self.unit_month.push([0; 12]);
                    self.unit_active.push(0);
                }
                let i = self.slot[s] as usize;
                self.unit_month[i][m] += l.amount;
                self.unit_active[i] |= 1 << m;
            }
        }
        self.vouchers += 1;
        self.transactions += v.lines.len() as u64;
    }

    /// (account, unit) keys in sorted order with their slot.
    pub(crate) fn sorted_keys(&self) -> Vec<(u16, u32, usize)> {
        let mut k: Vec<(u16, u32, usize)> = self
            .keys
            .iter()
            .enumerate()
            .map(|(i, &(a, u))| (a, u, i))
            .collect();
        k.sort_unstable();
        k
    }
}

/// Encoded object and text pieces reused on every line.
pub(crate) struct Names {
    utf8: bool,
    unit_code: Vec<Vec<u8>>,
    ver_code: Vec<&'static str>,
}

impl Names {
    pub(crate) fn new(org: &Organisation, utf8: bool) -> Names {
        Names {
            utf8,
            unit_code: org.units.iter().map(|u| encode(&u.code, utf8)).collect(),
            ver_code: ACTIVITIES.iter().map(|a| a.0).collect(),
        }
    }
}

fn put_objects(b: &mut Vec<u8>, n: &Names, unit: u32, ver: u8, mot: u8) {
    b.push(b'{');
    if unit != NO_UNIT {
        b.extend_from_slice(b"1 \"");
        b.extend_from_slice(&n.unit_code[unit as usize]);
        b.push(b'"');
        if ver != NO_VER {
            b.extend_from_slice(b" 2 \"");
            b.extend_from_slice(n.ver_code[ver as usize].as_bytes());
            b.push(b'"');
        }
        if mot != NO_MOT {
            b.extend_from_slice(b" 21 \"");
            b.extend_from_slice(Committee::ALL[mot as usize].code().as_bytes());
            b.push(b'"');
        }
    }
    b.push(b'}');
}

fn put_text(b: &mut Vec<u8>, s: &str, utf8: bool) {
    b.push(b'"');
    for byte in encode(s, utf8) {
        if byte == b'"' || byte == b'\\' {
            b.push(b'\\');
        }
        b.push(byte);
    }
    b.push(b'"');
}

/// Render one voucher.
pub(crate) fn render(b: &mut Vec<u8>, v: &Ver, number: u64, year: i32, n: &Names) {
    b.extend_from_slice(b"#VER ");
    b.push(SERIES[v.series]);
    b.push(b' ');
    put_u64(b, number);
    b.push(b' ');
    put_u64(
        b,
        (year as u64) * 10_000 + v.month as u64 * 100 + v.day as u64,
    );
    b.push(b' ');
    put_text(b, &v.text, n.utf8);
    b.extend_from_slice(b"\r\n{\r\n");
    for l in &v.lines {
        b.extend_from_slice(b"   #TRANS ");
        b.extend_from_slice(CHART[l.acct as usize].0.as_bytes());
        b.push(b' ');
        put_objects(b, n, l.unit, l.ver, l.mot);
        b.push(b' ');
        put_amount(b, l.amount, false);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(b"}\r\n");
}

/// What one year file holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileStats {
    /// Bytes written.
    pub bytes: u64,
    /// #VER records.
    pub vouchers: u64,
    /// #TRANS records.
    pub transactions: u64,
}

/// Budget per (account, unit) and month from the plan (internal pairs on both sides).
pub(crate) fn budget_map(plan: &YearPlan) -> std::collections::BTreeMap<(u16, u32), [i64; 12]> {
    let mut map = std::collections::BTreeMap::new();
    let mut add = |a: u16, u: u32, b: &[i64; 12], sign: i64| {
        let e = map.entry((a, u)).or_insert([0i64; 12]);
        for m in 0..12 {
            e[m] += sign * b[m];
        }
    };
    for l in &plan.lines {
        add(l.acct, l.unit, &l.budget, 1);
    }
    for p in &plan.pairs {
        add(
            idx(INTERNAL_PURCHASE[p.model as usize]),
            p.buyer,
            &p.budget,
            1,
        );
        add(
            idx(INTERNAL_SALE[p.model as usize]),
            p.seller,
            &p.budget,
            -1,
        );
    }
    map
}

struct Sink<W: Write> {
    w: W,
    buf: Vec<u8>,
    bytes: u64,
    err: Option<io::Error>,
}

impl<W: Write> Sink<W> {
    fn flush_if_full(&mut self) {
        if self.buf.len() >= 1 << 20 && self.err.is_none() {
            if let Err(e) = self.w.write_all(&self.buf) {
                self.err = Some(e);
            }
            self.bytes += self.buf.len() as u64;
            self.buf.clear();
        }
    }
}

/// Write the SIE 4E file of one year (months 1..=last_month) and return the closing balances
/// (balance accounts) with the file's statistics.
pub(crate) fn write_year<W: Write>(
    out: W,
    ctx: &Ctx<'_>,
    utf8: bool,
) -> io::Result<(Vec<i64>, FileStats)> {
    let org = ctx.org;
    let year = ctx.plan.year;
    // Pass 1: sums.
    let mut sums = Sums::new(&ctx.ib, org.units.len());
    Gen::new(ctx, |v: &Ver| sums.apply(v)).run();

    let names = Names::new(org, utf8);
    let mut s = Sink {
        w: out,
        buf: Vec::with_capacity((1 << 20) + (1 << 16)),
        bytes: 0,
        err: None,
    };
    let b = &mut s.buf;
    let line = |b: &mut Vec<u8>, s: &str| {
        b.extend_from_slice(&encode(s, utf8));
        b.extend_from_slice(b"\r\n");
    };
    line(b, "#FLAGGA 0");
    line(b, "#PROGRAM \"delar-demo Exempelkommun\" 0.1");
    if !utf8 {
        line(b, "#FORMAT PC8");
    }
    let partial = ctx.last_month < 12;
    let gen = if partial {
        YearMonth::new(year, ctx.last_month)
            .expect("month")
            .next()
            .first_day()
            .add_days(4)
            .expect("date")
    } else {
        YearMonth::new(year + 1, 1)
            .expect("month")
            .first_day()
            .add_days(19)
            .expect("date")
    };
    line(
        b,
        &format!("#GEN {} \"Exempelkommun ekonomisystem\"", gen.to_yyyymmdd()),
    );
    line(b, "#SIETYP 4");
    line(
        b,
        "#PROSA \"Syntetiska data för delar: programområde social välfärd\"",
    );
    line(b, "#FTYP K");
    line(b, "#ORGNR 212000-0000");
    line(b, "#FNAMN \"Exempelkommun\"");
    line(b, &format!("#RAR 0 {year}0101 {year}1231"));
    if partial {
        let last = YearMonth::new(year, ctx.last_month)
            .expect("month")
            .last_day();
        line(b, &format!("#OMFATTN {}", last.to_yyyymmdd()));
    }
    line(b, "#KPTYP \"Kommun-Bas 2025\"");
    line(b, "#VALUTA SEK");
    for (i, (no, name)) in CHART.iter().enumerate() {
        b.extend_from_slice(b"#KONTO ");
        b.extend_from_slice(no.as_bytes());
        b.push(b' ');
        put_text(b, name, utf8);
        b.extend_from_slice(b"\r\n#KTYP ");
        b.extend_from_slice(no.as_bytes());
        b.push(b' ');
        b.push(ktyp(i as u16));
        b.extend_from_slice(b"\r\n");
    }
    line(b, "#DIM 1 \"Ansvar\"");
    line(b, "#DIM 2 \"Verksamhet\"");
    line(b, &format!("#DIM {MOTPART_DIM} \"Motpart\""));
    let first = YearMonth::new(year, 1).expect("month");
    let last = YearMonth::new(year, 12).expect("month");
    let mut seen = std::collections::BTreeSet::new();
    for r in &org.rows {
        let overlaps = r.from.is_none_or(|f| f <= last) && r.to.is_none_or(|t| first <= t);
        if overlaps && seen.insert(r.code.clone()) {
            b.extend_from_slice(b"#OBJEKT 1 ");
            put_text(b, &r.code, utf8);
            b.push(b' ');
            put_text(b, &r.name, utf8);
            b.extend_from_slice(b"\r\n");
        }
    }
    for (code, name) in ACTIVITIES {
        b.extend_from_slice(b"#OBJEKT 2 ");
        put_text(b, code, utf8);
        b.push(b' ');
        put_text(b, name, utf8);
        b.extend_from_slice(b"\r\n");
    }
    for c in Committee::ALL {
        b.extend_from_slice(format!("#OBJEKT {MOTPART_DIM} ").as_bytes());
        put_text(b, c.code(), utf8);
        b.push(b' ');
        put_text(b, c.name(), utf8);
        b.extend_from_slice(b"\r\n");
    }
    // Balances.
    for (tag, values) in [("#IB 0 ", &ctx.ib), ("#UB 0 ", &sums.run)] {
        for (a, (no, _)) in CHART.iter().enumerate() {
            if is_balance(a as u16) && (ctx.ib[a] != 0 || sums.active[a] != 0) {
                b.extend_from_slice(tag.as_bytes());
                b.extend_from_slice(no.as_bytes());
                b.push(b' ');
                put_amount(b, values[a], false);
                b.extend_from_slice(b"\r\n");
            }
        }
    }
    for (a, (no, _)) in CHART.iter().enumerate() {
        if !is_balance(a as u16) && sums.active[a] != 0 {
            b.extend_from_slice(b"#RES 0 ");
            b.extend_from_slice(no.as_bytes());
            b.push(b' ');
            put_amount(b, sums.run[a], false);
            b.extend_from_slice(b"\r\n");
        }
    }
    let period = |b: &mut Vec<u8>, tag: &[u8], m: usize, acct: u16, unit: u32, v: i64| {
        b.extend_from_slice(tag);
        put_u64(b, year as u64 * 100 + m as u64 + 1);
        b.push(b' ');
        b.extend_from_slice(CHART[acct as usize].0.as_bytes());
        b.push(b' ');
        put_objects(b, &names, unit, NO_VER, NO_MOT);
        b.push(b' ');
        put_amount(b, v, false);
        b.extend_from_slice(b"\r\n");
    };
    for a in 0..CHART.len() {
        if is_balance(a as u16) {
            continue;
        }
        for m in 0..12 {
            if sums.active[a] & (1 << m) != 0 {
                period(b, b"#PSALDO 0 ", m, a as u16, NO_UNIT, sums.month[a][m]);
            }
        }
    }
    for (a, u, i) in sums.sorted_keys() {
        if is_balance(a) {
            continue;
        }
        for m in 0..12 {
            if sums.unit_active[i] & (1 << m) != 0 {
                period(b, b"#PSALDO 0 ", m, a, u, sums.unit_month[i][m]);
            }
        }
    }
    let budget = budget_map(ctx.plan);
    let mut totals = vec![[0i64; 12]; CHART.len()];
    for (&(a, _), months) in &budget {
        for m in 0..12 {
            totals[a as usize][m] += months[m];
        }
    }
    for (a, t) in totals.iter().enumerate() {
        if budget.keys().any(|k| k.0 as usize == a) {
            for (m, &v) in t.iter().enumerate() {
                period(b, b"#PBUDGET 0 ", m, a as u16, NO_UNIT, v);
            }
        }
    }
    for (&(a, u), months) in &budget {
        for (m, &v) in months.iter().enumerate() {
            period(b, b"#PBUDGET 0 ", m, a, u, v);
        }
    }

    // Pass 2: vouchers.
    let mut numbers = [0u64; 7];
    let mut stats = FileStats::default();
    Gen::new(ctx, |v: &Ver| {
        numbers[v.series] += 1;
        stats.vouchers += 1;
        stats.transactions += v.lines.len() as u64;
        render(&mut s.buf, v, numbers[v.series], year, &names);
        s.flush_if_full();
    })
    .run();
    if let Some(e) = s.err.take() {
        return Err(e);
    }
    s.w.write_all(&s.buf)?;
    s.bytes += s.buf.len() as u64;
    s.w.flush()?;
    stats.bytes = s.bytes;
    debug_assert_eq!(stats.transactions, sums.transactions);
    Ok((sums.run, stats))
}
