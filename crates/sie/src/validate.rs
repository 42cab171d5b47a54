//! Whole-file validation: balances against transactions, voucher balance, duplicate voucher
//! numbers, dates outside the financial year, accounts without #KONTO.
//!
//! The validator keeps sums per account and month (bounded by the chart of accounts), and
//! voucher numbers per series as ranges, so memory does not grow with the number of vouchers.

use crate::encoding::Encoding;
use crate::finding::{Finding, Findings, Severity};
use crate::intern::{FxHashMap, FxHashSet};
use crate::model::*;
use crate::psaldo::{PsaldoIndex, MAX_PSALDO_KEYS};
use crate::reader::{ReadOptions, SieReader};
use delar_core::accounts::is_balance_account;
use delar_core::{Amount, Date, YearMonth};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;

/// Totals for one financial year of the file (keyed by its #RAR index).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct YearTotals {
    /// First day, from #RAR.
    pub start: Option<Date>,
    /// Last day, from #RAR.
    pub end: Option<Date>,
    /// #IB per account.
    pub ib: BTreeMap<String, Amount>,
    /// #UB per account.
    pub ub: BTreeMap<String, Amount>,
    /// #RES per account.
    pub res: BTreeMap<String, Amount>,
    /// Σ counting transactions per account, for vouchers dated in this year.
    pub trans: BTreeMap<String, Amount>,
}

/// What a file contains, for summaries and `delar sie check --json`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// #SIETYP.
    pub sie_type: Option<u8>,
    /// `1`, `2`, `3`, `4E` or `4I` (4I: type 4 without balances, an import file of vouchers).
    pub sie_type_label: String,
    /// #PROGRAM name and version.
    pub program: Option<String>,
    /// #FNAMN.
    pub company_name: Option<String>,
    /// #ORGNR.
    pub orgnr: Option<String>,
    /// #FORMAT as declared.
    pub declared_format: Option<String>,
    /// Per #RAR index.
    pub years: BTreeMap<i32, YearTotals>,
    /// #KONTO records.
    pub accounts: usize,
    /// #OBJEKT records.
    pub objects: usize,
    /// #VER records.
    pub vouchers: u64,
    /// Transaction lines (#TRANS, #RTRANS, #BTRANS).
    pub transactions: u64,
    /// Months with #PSALDO.
    pub psaldo_records: u64,
    /// #PBUDGET records.
    pub pbudget_records: u64,
    /// Records with unknown labels, skipped.
    pub unknown_labels: u64,
    /// Lines in the file.
    pub lines: u64,
}

/// Voucher numbers seen in one series, as disjoint inclusive ranges (sequential numbering
/// takes one range whatever the count).
#[derive(Default, Debug)]
struct NumberSet {
    ranges: BTreeMap<u64, u64>,
    other: HashSet<String>,
}

impl NumberSet {
    /// Insert; false when already present.
    fn insert(&mut self, number: &str) -> bool {
        let Ok(n) = number.parse::<u64>() else {
            if self.other.len() >= 1_000_000 {
                return true; // stop tracking rather than grow without bound
            }
            return self.other.insert(number.to_string());
        };
        if let Some((&s, &e)) = self.ranges.range(..=n).next_back() {
            if n <= e {
                return false;
            }
            if Some(n) == e.checked_add(1) {
                let mut end = n;
                if let Some(next) = n.checked_add(1) {
                    if let Some(&next_end) = self.ranges.get(&next) {
                        self.ranges.remove(&next);
                        end = next_end;
                    }
                }
                self.ranges.insert(s, end);
                return true;
            }
        }
        if let Some(&next_end) = n.checked_add(1).and_then(|next| self.ranges.get(&next)) {
            self.ranges.remove(&(n + 1));
            self.ranges.insert(n, next_end);
        } else {
            self.ranges.insert(n, n);
        }
        true
    }
}

/// A #PSALDO that disagrees with the transactions: account, month, objects, #PSALDO amount,
/// transactions' sum, line of the #PSALDO.
type Mismatch = (
    String,
    YearMonth,
    Vec<ObjectRef>,
    Amount,
    Amount,
    Option<u64>,
);

/// Transaction sums of one account while the file is read.
#[derive(Default)]
struct AccountSums {
    /// A balance account (no monthly sums).
    balance: bool,
    /// Σ per financial-year index.
    by_year: Vec<(i32, Amount)>,
    /// Σ per month of year 0 (result accounts).
    months: Vec<(YearMonth, Amount)>,
    /// The account's id in the #PSALDO index when it has a #PSALDO on objects, as of
    /// `psaldo_generation`.
    psaldo_id: Option<u32>,
    psaldo_generation: Option<u32>,
}

/// Add `amount` to the entry for `key` in a short list; false on overflow (the sum is kept).
#[inline]
fn add_to<K: PartialEq + Copy>(list: &mut Vec<(K, Amount)>, key: K, amount: Amount) -> bool {
    let slot = match list.iter().rposition(|(k, _)| *k == key) {
        Some(i) => &mut list[i].1,
        None => {
            list.push((key, Amount::ZERO));
            &mut list.last_mut().expect("pushed").1
        }
    };
    match slot.checked_add(amount) {
        Some(v) => {
            *slot = v;
            true
        }
        None => false,
    }
}

/// Most distinct accounts the validator sums (a real chart has a few thousand).
pub const MAX_ACCOUNTS: usize = 1_000_000;

/// Checks records as they stream past and reports findings.
#[derive(Default)]
pub struct Validator {
    summary: Summary,
    findings: Findings,
    rar: BTreeMap<i32, (Date, Date)>,
    accounts: FxHashSet<String>,
    /// First line each account without #KONTO was used on.
    used_accounts: FxHashMap<String, u64>,
    series: HashMap<(Option<i32>, String), NumberSet>,
    /// Voucher-number ranges and non-numeric numbers tracked, across all series.
    tracked_numbers: usize,
    numbers_capped: bool,
    /// Distinct accounts in the sums; capped so a hostile file cannot fill memory.
    sums_capped: bool,
    /// Line of each #UB and #RES for year 0, for the end-of-file findings.
    ub_line: HashMap<String, u64>,
    res_line: HashMap<String, u64>,
    /// #PSALDO per (account, month, objects) for year 0 and the transactions against them.
    psaldo: PsaldoIndex,
    /// Σ transactions per month and account (all object sets), year 0; filled at the end
    /// from `trans_sums`.
    month_trans: HashMap<String, BTreeMap<YearMonth, Amount>>,
    /// Σ transactions per account while reading: per year, and per month for year 0.
    trans_sums: FxHashMap<Code, AccountSums>,
    overflow_reported: bool,
    late_psaldo_reported: bool,
    has_balances: bool,
    outside_year_reported: u64,
}

impl Validator {
    /// A validator that has seen nothing.
    pub fn new() -> Validator {
        Validator::default()
    }

    fn year_of(&self, d: Date) -> Option<i32> {
        self.rar
            .iter()
            .find(|(_, (s, e))| *s <= d && d <= *e)
            .map(|(i, _)| *i)
    }

    fn add(
        &mut self,
        map_sel: fn(&mut YearTotals) -> &mut BTreeMap<String, Amount>,
        year: i32,
        account: &str,
        amount: Amount,
        line: u64,
    ) {
        let yt = self.summary.years.entry(year).or_default();
        let map = map_sel(yt);
        // Look up before inserting: no key allocation for accounts already seen.
        if !map.contains_key(account) {
            if map.len() >= MAX_ACCOUNTS {
                if !self.sums_capped {
                    self.sums_capped = true;
                    self.findings.push(Finding::error(line, "too-many-accounts", format!("filen har fler än {MAX_ACCOUNTS} olika konton; summorna kontrolleras inte längre")));
                }
                return;
            }
            map.insert(account.to_string(), Amount::ZERO);
        }
        let slot = map.get_mut(account).expect("inserted above");
        match slot.checked_add(amount) {
            Some(v) => *slot = v,
            None => {
                if !self.overflow_reported {
                    self.overflow_reported = true;
                    self.findings.push(Finding::error(line, "overflow", format!("summan för konto {account} blir orimligt stor (överspill); filen kan inte vara rätt")));
                }
            }
        }
    }

    /// Look at one record; `line` is where it stood (for vouchers their #VER line is used).
    pub fn record(&mut self, r: &Record, line: u64) {
        match r {
            Record::SieType(t) => self.summary.sie_type = Some(*t),
            Record::Program { name, version } => {
                self.summary.program = Some(if version.is_empty() {
                    name.clone()
                } else {
                    format!("{name} {version}")
                })
            }
            Record::CompanyName(n) => self.summary.company_name = Some(n.clone()),
            Record::OrgNumber { orgnr, .. } => self.summary.orgnr = Some(orgnr.clone()),
            Record::Format(f) => self.summary.declared_format = Some(f.clone()),
            Record::FinancialYear { index, start, end } => {
                self.rar.insert(*index, (*start, *end));
                let yt = self.summary.years.entry(*index).or_default();
                yt.start = Some(*start);
                yt.end = Some(*end);
            }
            Record::Account { account, .. } if self.accounts.insert(account.clone()) => {
                self.summary.accounts += 1;
            }
            Record::Object { .. } => self.summary.objects += 1,
            Record::Balance {
                kind,
                year,
                account,
                amount,
                ..
            } => {
                self.has_balances = true;
                let sel: fn(&mut YearTotals) -> &mut BTreeMap<String, Amount> = match kind {
                    BalanceKind::Opening => |y| &mut y.ib,
                    BalanceKind::Closing => |y| &mut y.ub,
                    BalanceKind::Result => |y| &mut y.res,
                };
                self.add(sel, *year, account, *amount, line);
                if *year == 0 {
                    let lines = match kind {
                        BalanceKind::Closing => Some(&mut self.ub_line),
                        BalanceKind::Result => Some(&mut self.res_line),
                        BalanceKind::Opening => None,
                    };
                    if let Some(m) = lines {
                        if m.len() < MAX_ACCOUNTS && !m.contains_key(account) {
                            m.insert(account.clone(), line);
                        }
                    }
                }
            }
            Record::ObjectBalance { .. } => self.has_balances = true,
            Record::Period {
                kind,
                year,
                period,
                account,
                objects,
                amount,
                ..
            } => {
                self.has_balances = true;
                match kind {
                    PeriodKind::Outcome => {
                        self.summary.psaldo_records += 1;
                        if *year == 0 && !is_balance_account(account) {
                            let dropped = self.psaldo.dropped;
                            let after = self.summary.vouchers > 0;
                            if !self
                                .psaldo
                                .add(account, *period, objects, *amount, line, after)
                                && !self.late_psaldo_reported
                            {
                                self.late_psaldo_reported = true;
                                self.findings.push(Finding::warning(line, "psaldo-after-vouchers", "periodsaldo (#PSALDO) på objekt står efter verifikationerna; standarden lägger saldon före #VER, och sådana periodsaldon jämförs inte med transaktionerna"));
                            }
                            if dropped == 0 && self.psaldo.dropped > 0 {
                                self.findings.push(Finding {
                                    severity: Severity::Info,
                                    line: Some(line),
                                    code: "psaldo-not-tracked",
                                    message: format!("filen har fler än {MAX_PSALDO_KEYS} periodsaldon (#PSALDO); de som följer jämförs inte med transaktionerna"),
                                });
                            }
                        }
                    }
                    PeriodKind::Budget => self.summary.pbudget_records += 1,
                }
            }
            Record::Voucher(v) => self.voucher(v),
            _ => {}
        }
    }

    fn voucher(&mut self, v: &Voucher) {
        self.summary.vouchers += 1;
        self.summary.transactions += v.transactions.len() as u64;
        let label = || {
            format!(
                "verifikation {}{}",
                if v.series.is_empty() {
                    String::new()
                } else {
                    format!("{} ", v.series)
                },
                v.number.as_deref().unwrap_or("(utan nummer)")
            )
        };
        if v.transactions.is_empty() {
            self.findings.push(Finding::warning(
                v.line,
                "empty-voucher",
                format!("{} har inga transaktioner", label()),
            ));
        }
        match v.balance() {
            Some(b) if !b.is_zero() => self.findings.push(Finding::error(
                v.line,
                "unbalanced-voucher",
                format!("{} ({}) balanserar inte: debet och kredit skiljer {} kr; rätta verifikationen i ekonomisystemet och exportera igen", label(), v.date, b),
            )),
            None => self.findings.push(Finding::error(v.line, "overflow", format!("{}: beloppen är orimligt stora (överspill)", label()))),
            _ => {}
        }
        let year = if self.rar.is_empty() {
            Some(0)
        } else {
            match self.year_of(v.date) {
                Some(0) => Some(0),
                Some(y) => {
                    self.findings.push(Finding::warning(
                        v.line,
                        "date-in-other-year",
                        format!(
                            "{} är daterad {} som hör till räkenskapsår {y}, inte det aktuella (0)",
                            label(),
                            v.date
                        ),
                    ));
                    Some(y)
                }
                None => {
                    self.outside_year_reported += 1;
                    let years = match self.rar.get(&0) {
                        Some((s, e)) => format!("räkenskapsåret {s}–{e}"),
                        None => "alla räkenskapsår".to_string(),
                    };
                    self.findings.push(Finding::error(
                        v.line,
                        "date-outside-year",
                        format!("{} är daterad {} utanför {years} (#RAR)", label(), v.date),
                    ));
                    None
                }
            }
        };
        if let Some(n) = &v.number {
            // Numbering restarts every year: duplicates are within one year's series.
            let key = (year, v.series.clone());
            if self.series.len() >= 10_000 && !self.series.contains_key(&key) {
                self.numbers_capped = true;
            } else if !self.numbers_capped || self.series.contains_key(&key) {
                let set = self.series.entry(key).or_default();
                let before = set.ranges.len() + set.other.len();
                if !set.insert(n) {
                    self.findings.push(Finding::error(
                        v.line,
                        "duplicate-voucher",
                        format!(
                            "{} förekommer mer än en gång i serien \"{}\"",
                            label(),
                            v.series
                        ),
                    ));
                }
                let after = set.ranges.len() + set.other.len();
                self.tracked_numbers = (self.tracked_numbers + after).saturating_sub(before);
                if self.tracked_numbers > 2_000_000 && !self.numbers_capped {
                    self.numbers_capped = true;
                    self.findings.push(Finding::file(
                        Severity::Info,
                        "numbers-not-tracked",
                        "verifikationsnumren har så många luckor att dubbletter inte längre kontrolleras efter rad ".to_string() + &v.line.to_string(),
                    ));
                }
            }
        }
        for t in &v.transactions {
            let line = if t.line > 0 { t.line } else { v.line };
            if !self.accounts.contains(t.account.as_str())
                && !self.used_accounts.contains_key(t.account.as_str())
                && self.used_accounts.len() < 100_000
            {
                self.used_accounts.insert(t.account.to_string(), line);
            }
            if let Some(d) = t.date {
                if !self.rar.is_empty() && self.year_of(d).is_none() {
                    self.findings.push(Finding::warning(
                        line,
                        "date-outside-year",
                        format!("transaktionsdatum {d} ligger utanför räkenskapsåren i #RAR"),
                    ));
                }
            }
            if !t.counts() {
                continue;
            }
            let Some(y) = year else { continue };
            let sums = match self.trans_sums.get_mut(t.account.as_str()) {
                Some(s) => s,
                None => {
                    if self.trans_sums.len() >= MAX_ACCOUNTS {
                        if !self.sums_capped {
                            self.sums_capped = true;
                            self.findings.push(Finding::error(line, "too-many-accounts", format!("filen har fler än {MAX_ACCOUNTS} olika konton; summorna kontrolleras inte längre")));
                        }
                        continue;
                    }
                    self.trans_sums
                        .entry(t.account.clone())
                        .or_insert_with(|| AccountSums {
                            balance: is_balance_account(&t.account),
                            ..AccountSums::default()
                        })
                }
            };
            let mut overflow = !add_to(&mut sums.by_year, y, t.amount);
            if y == 0 && !sums.balance {
                let ym = v.date.year_month();
                overflow |= !add_to(&mut sums.months, ym, t.amount);
                if !t.objects.is_empty() && !self.psaldo.is_empty() {
                    let generation = self.psaldo.generation();
                    if sums.psaldo_generation != Some(generation) {
                        sums.psaldo_id = self.psaldo.object_account(&t.account);
                        sums.psaldo_generation = Some(generation);
                    }
                    if let Some(id) = sums.psaldo_id {
                        self.psaldo.add_transaction(id, ym, &t.objects, t.amount);
                    }
                }
            }
            if overflow && !self.overflow_reported {
                self.overflow_reported = true;
                self.findings.push(Finding::error(line, "overflow", format!("summan för konto {} blir orimligt stor (överspill); filen kan inte vara rätt", t.account)));
            }
        }
    }

    /// Move the per-account transaction sums into the summary (per year) and the monthly
    /// sums used by the #PSALDO comparison.
    fn settle_trans_sums(&mut self) {
        for (account, sums) in std::mem::take(&mut self.trans_sums) {
            for (y, amount) in sums.by_year {
                self.summary
                    .years
                    .entry(y)
                    .or_default()
                    .trans
                    .insert(account.to_string(), amount);
            }
            if !sums.months.is_empty() {
                self.month_trans
                    .insert(account.to_string(), sums.months.into_iter().collect());
            }
        }
    }

    /// Finish: compare balances with transactions and return the summary and findings.
    pub fn finish(self) -> (Summary, Findings) {
        self.finish_with(true)
    }

    /// Finish; `complete` is false when reading stopped early (strict mode), and then the
    /// whole-file checks, which would be wrong on part of a file, are left out.
    pub fn finish_with(mut self, complete: bool) -> (Summary, Findings) {
        self.settle_trans_sums();
        let has_vouchers = self.summary.vouchers > 0 && complete;
        self.summary.sie_type_label = match self.summary.sie_type {
            Some(4) if !self.has_balances => "4I".into(),
            Some(4) => "4E".into(),
            Some(t) => t.to_string(),
            None => String::new(),
        };
        if !complete {
            return (self.summary, self.findings);
        }
        if self.summary.sie_type.is_none() {
            self.findings.push(Finding::file(
                Severity::Warning,
                "no-sie-type",
                "filen saknar #SIETYP; den lästes som typ 4",
            ));
        }
        if self.rar.is_empty() && (has_vouchers || self.has_balances) {
            self.findings.push(Finding::file(
                Severity::Warning,
                "no-year",
                "filen saknar #RAR (räkenskapsår); verifikationerna räknas till det aktuella året",
            ));
        }
        if let Some(t) = self.summary.sie_type {
            if t < 4 && has_vouchers {
                self.findings.push(Finding::file(
                    Severity::Warning,
                    "vouchers-in-low-type",
                    format!(
                        "filen är av typ {t} men innehåller verifikationer (bara typ 4 ska ha det)"
                    ),
                ));
            }
        }
        let mut unknown: Vec<(String, u64)> = self
            .used_accounts
            .iter()
            .filter(|(a, _)| !self.accounts.contains(*a))
            .map(|(a, l)| (a.clone(), *l))
            .collect();
        unknown.sort_by_key(|(a, l)| (*l, a.clone()));
        for (a, l) in unknown {
            self.findings.push(Finding::warning(l, "unknown-account", format!("konto {a} används i en transaktion men saknar #KONTO i filen; lägg till kontot i kontoplanen")));
        }
        if has_vouchers {
            if let Some(y0) = self.summary.years.get(&0) {
                let mut issues = Vec::new();
                let accounts: std::collections::BTreeSet<&String> = y0
                    .ib
                    .keys()
                    .chain(y0.ub.keys())
                    .chain(y0.res.keys())
                    .chain(y0.trans.keys())
                    .collect();
                let at = |m: &HashMap<String, u64>, a: &str| m.get(a).copied();
                let mk = |line: Option<u64>, code: &'static str, msg: String| Finding {
                    severity: Severity::Error,
                    line,
                    code,
                    message: msg,
                };
                for a in accounts {
                    let tr = y0.trans.get(a).copied().unwrap_or_default();
                    if is_balance_account(a) {
                        if y0.ub.contains_key(a) || y0.ib.contains_key(a) {
                            let ib = y0.ib.get(a).copied().unwrap_or_default();
                            let ub = y0.ub.get(a).copied().unwrap_or_default();
                            if ib.checked_add(tr) != Some(ub) {
                                issues.push(mk(at(&self.ub_line, a), "balance-mismatch", format!(
                                    "konto {a}: ingående balans {ib} + transaktioner {tr} = {} men utgående balans (#UB) är {ub}",
                                    ib.checked_add(tr).map(|v| v.to_string()).unwrap_or_else(|| "(överspill)".into())
                                )));
                            }
                        } else if !y0.ub.is_empty() && !tr.is_zero() {
                            issues.push(mk(None, "balance-mismatch", format!(
                                "konto {a}: transaktionerna summerar till {tr} men filen har varken #IB eller #UB för kontot"
                            )));
                        }
                    } else if let Some(res) = y0.res.get(a) {
                        if *res != tr {
                            issues.push(mk(at(&self.res_line, a), "result-mismatch", format!(
                                "konto {a}: resultatet (#RES) är {res} men transaktionerna summerar till {tr}"
                            )));
                        }
                    } else if !y0.res.is_empty() && !tr.is_zero() {
                        issues.push(mk(None, "result-mismatch", format!(
                            "konto {a}: transaktionerna summerar till {tr} men filen har ingen #RES för kontot"
                        )));
                    }
                }
                for f in issues {
                    self.findings.push(f);
                }
            }
            // #PSALDO against transactions (result accounts, year 0).
            let mut mismatches: Vec<Mismatch> = Vec::new();
            for (acc, ym, objs, e) in self.psaldo.iter() {
                let tr = if objs.is_empty() {
                    self.month_trans
                        .get(acc)
                        .and_then(|m| m.get(&ym))
                        .copied()
                        .unwrap_or_default()
                } else if objs.len() <= 2 {
                    e.trans
                } else {
                    continue;
                };
                if tr != e.psaldo {
                    mismatches.push((
                        acc.to_string(),
                        ym,
                        objs.to_vec(),
                        e.psaldo,
                        tr,
                        Some(e.line),
                    ));
                }
            }
            // A month with transactions but no #PSALDO, when the file has #PSALDO at all.
            if !self.psaldo.is_empty() {
                for (acc, ym, tr) in self
                    .month_trans
                    .iter()
                    .flat_map(|(a, m)| m.iter().map(move |(ym, tr)| (a, ym, tr)))
                {
                    if !tr.is_zero() && !self.psaldo.has_total(acc, *ym) {
                        mismatches.push((acc.clone(), *ym, Vec::new(), Amount::ZERO, *tr, None));
                    }
                }
            }
            mismatches.sort_by(|a, b| (&a.0, a.1, &a.2).cmp(&(&b.0, b.1, &b.2)));
            for (acc, ym, objs, ps, tr, ps_line) in mismatches {
                let o = if objs.is_empty() {
                    String::new()
                } else {
                    format!(
                        " objekt {}",
                        objs.iter()
                            .map(|o| format!("{}:{}", o.dim, o.code))
                            .collect::<Vec<_>>()
                            .join(",")
                    )
                };
                self.findings.push(Finding {
                    severity: Severity::Error,
                    line: ps_line,
                    code: "psaldo-mismatch",
                    message: format!(
                        "konto {acc}{o} {ym}: periodsaldot (#PSALDO) är {ps} men månadens transaktioner summerar till {tr}"
                    ),
                });
            }
        }
        (self.summary, self.findings)
    }
}

/// The result of reading and validating a whole file.
#[derive(Debug)]
pub struct Checked {
    /// What the file contains.
    pub summary: Summary,
    /// Everything found, sorted by line.
    pub findings: Findings,
    /// The encoding used to read it.
    pub encoding: Encoding,
}

/// Reader and validator in one pass: iterate to get the records, then [`SieStream::finish`].
pub struct SieStream<R: BufRead> {
    reader: SieReader<R>,
    validator: Validator,
    strict: bool,
}

impl<R: BufRead> SieStream<R> {
    /// Read and validate `input`.
    pub fn new(input: R, opts: ReadOptions) -> Self {
        SieStream {
            reader: SieReader::new(input, opts),
            validator: Validator::new(),
            strict: opts.strict,
        }
    }
    /// Current line.
    pub fn line(&self) -> u64 {
        self.reader.line()
    }
    /// Bytes consumed.
    pub fn bytes_read(&self) -> u64 {
        self.reader.bytes_read()
    }
    /// Encoding detected so far.
    pub fn encoding(&self) -> Encoding {
        self.reader.encoding()
    }
    /// Errors found so far (reader and validator).
    pub fn errors(&self) -> u64 {
        self.reader.findings().errors() + self.validator.findings.errors()
    }
    /// Finish reading (drains what is left) and return the summary and all findings.
    pub fn finish(mut self) -> Checked {
        for _ in self.by_ref() {}
        let encoding = self.reader.encoding();
        let unknown = self.reader.unknown_labels();
        let lines = self.reader.line();
        let mut findings = self.reader.take_findings();
        let stopped =
            self.reader.stopped() || (self.strict && self.validator.findings.errors() > 0);
        let (mut summary, vf) = self.validator.finish_with(!stopped);
        // Strict mode reports the first error only.
        let mut error_seen = findings.errors() > 0;
        for f in vf.list() {
            if self.strict && f.severity == Severity::Error {
                if error_seen {
                    continue;
                }
                error_seen = true;
            }
            findings.push(f.clone());
        }
        findings.sort();
        summary.unknown_labels = unknown;
        summary.lines = lines;
        Checked {
            summary,
            findings,
            encoding,
        }
    }
}

impl<R: BufRead> Iterator for SieStream<R> {
    type Item = Record;
    fn next(&mut self) -> Option<Record> {
        if self.strict && self.validator.findings.errors() > 0 {
            return None;
        }
        let r = self.reader.next()?;
        let line = match &r {
            Record::Voucher(v) => v.line,
            _ => self.reader.line(),
        };
        self.validator.record(&r, line);
        if self.strict && self.validator.findings.errors() > 0 {
            return None; // the record that broke the rule is not handed on
        }
        Some(r)
    }
}

/// Read and validate a whole input without keeping its records.
pub fn check<R: BufRead>(input: R, opts: ReadOptions) -> Checked {
    SieStream::new(input, opts).finish()
}
