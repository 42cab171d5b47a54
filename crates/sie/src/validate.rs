//! Whole-file validation: balances against transactions, voucher balance, duplicate voucher
//! numbers, dates outside the financial year, accounts without #KONTO.
//!
//! The validator keeps sums per account and month (bounded by the chart of accounts), and
//! voucher numbers per series as ranges, so memory does not grow with the number of vouchers.

use crate::encoding::Encoding;
use crate::finding::{count, Cause, Finding, Findings, Severity};
use crate::intern::{FxHashMap, FxHashSet};
use crate::model::*;
use crate::psaldo::{PsaldoIndex, MAX_PSALDO_KEYS};
use crate::reader::{ReadOptions, SieReader};
use delar_core::accounts::{is_balance_account, is_balance_typed};
use delar_core::{AccountMapping, Amount, Date, YearMonth};
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
    /// The first and last voucher date, when the file has vouchers.
    pub voucher_dates: Option<(Date, Date)>,
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

/// A #PSALDO that disagrees with the transactions: account, month, objects, #PSALDO amount
/// (`None`: the file has none for the month), transactions' sum, line of the #PSALDO.
type Mismatch = (
    String,
    YearMonth,
    Vec<ObjectRef>,
    Option<Amount>,
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
    annual_budget_reported: bool,
    has_balances: bool,
    outside_year_reported: u64,
    /// Balance (true) or result account, from #KTYP, where the file gives it.
    ktyp: FxHashMap<String, bool>,
    /// The account mapping to warn about result accounts outside its groups, when given.
    mapping: Option<AccountMapping>,
    /// Names (#KONTO) of the accounts no range of `mapping` covers.
    ungrouped_names: FxHashMap<String, String>,
    /// Σ account-level #PSALDO per year index for accounts no range of `mapping` covers.
    ungrouped_psaldo: FxHashMap<String, Vec<(i32, Amount)>>,
    /// Accounts whose amounts were lost or doubled (a line that could not be read, a voucher
    /// outside the years, a duplicate voucher), with the finding: their balance mismatches
    /// are its follow-ons.
    lost: FxHashMap<String, Cause>,
    /// Vouchers (by #VER line) that lost a line: their imbalance is a follow-on.
    lost_vouchers: FxHashMap<u64, Cause>,
    /// The file looks cut off: every balance mismatch is a follow-on of this.
    truncated: Option<Cause>,
    /// The file's last voucher lacks its `}` (but balances): if the balances do not add
    /// up, the file was cut there.
    open_at_end: Option<Cause>,
}

/// What every balance mismatch asks the user to do.
const EXPORT_AGAIN: &str =
    "exportera filen igen med hela räkenskapsåret och alla verifikationsserier";

/// Most accounts remembered as having lost amounts.
const MAX_LOST: usize = 100_000;

impl Validator {
    /// A validator that has seen nothing.
    pub fn new() -> Validator {
        Validator::default()
    }

    /// A validator that also warns about result accounts with amounts that no group of
    /// `mapping` covers (they would be imported into "Ej kontogrupperat").
    pub fn with_mapping(mapping: AccountMapping) -> Validator {
        Validator {
            mapping: Some(mapping),
            ..Validator::default()
        }
    }

    /// Tell the validator what the reader lost (accounts and vouchers whose lines could not be
    /// used, and whether the file looks cut off), so that balance mismatches are listed as
    /// follow-ons of those findings. Call before [`Validator::finish_with`].
    /// `open_at_end` is the warning about a last voucher without `}` that balances: when
    /// the balances do not add up, the mismatches are listed as follow-ons of `truncated` on
    /// its line (and the stream turns the warning into that error).
    pub fn note_read_losses(
        &mut self,
        accounts: &FxHashMap<String, Cause>,
        vouchers: &FxHashMap<u64, Cause>,
        truncated: Option<Cause>,
        open_at_end: Option<Cause>,
    ) {
        self.open_at_end = open_at_end;
        for (a, c) in accounts {
            if self.lost.len() < MAX_LOST && !self.lost.contains_key(a) {
                self.lost.insert(a.clone(), *c);
            }
        }
        for (l, c) in vouchers {
            self.lost_vouchers.entry(*l).or_insert(*c);
        }
        if truncated.is_some() {
            self.truncated = truncated;
        }
    }

    /// True for a balance account: by #KTYP when the file gives it, else by its class.
    fn is_balance(&self, account: &str) -> bool {
        self.ktyp
            .get(account)
            .copied()
            .unwrap_or_else(|| is_balance_account(account))
    }

    /// Whether `mapping` (when given) has no range for this account.
    fn outside_mapping(&self, account: &str) -> bool {
        self.mapping
            .as_ref()
            .is_some_and(|m| m.group_of(account).is_none())
    }

    /// Remember that `account`'s sums are off because of the finding `cause`.
    fn lose(&mut self, account: &str, cause: Cause) {
        if self.lost.len() < MAX_LOST && !self.lost.contains_key(account) {
            self.lost.insert(account.to_string(), cause);
        }
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
                    self.findings.push(Finding::error(line, "too-many-accounts", format!("filen har fler än {} olika konton, vilket ingen verklig kontoplan har; summorna kontrolleras inte längre. Kontrollera att det är rätt fil", count(MAX_ACCOUNTS as u64))));
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
                    self.findings.push(Finding::error(line, "overflow", format!("summan för konto {account} blir orimligt stor (överspill); kontrollera beloppen (ett decimaltecken kan ha fallit bort) och exportera filen igen")));
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
            Record::Account { account, name } => {
                if self.accounts.insert(account.clone()) {
                    self.summary.accounts += 1;
                }
                if self.outside_mapping(account) && self.ungrouped_names.len() < MAX_LOST {
                    self.ungrouped_names.insert(account.clone(), name.clone());
                }
            }
            Record::AccountType { account, kind } if self.ktyp.len() < MAX_ACCOUNTS => {
                self.ktyp
                    .insert(account.clone(), is_balance_typed(account, Some(kind)));
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
                        if objects.is_empty()
                            && self.outside_mapping(account)
                            && (self.ungrouped_psaldo.len() < MAX_LOST
                                || self.ungrouped_psaldo.contains_key(account.as_str()))
                        {
                            let sums = self.ungrouped_psaldo.entry(account.clone()).or_default();
                            add_to(sums, *year, *amount);
                        }
                        if *year == 0 && !self.is_balance(account) {
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
                                self.findings.push(Finding::info(
                                    line,
                                    "psaldo-not-tracked",
                                    format!("filen har fler än {MAX_PSALDO_KEYS} periodsaldon (#PSALDO); de som följer jämförs inte med transaktionerna"),
                                ));
                            }
                        }
                    }
                    PeriodKind::Budget => self.summary.pbudget_records += 1,
                    PeriodKind::AnnualBudget => {
                        self.summary.pbudget_records += 1;
                        if !self.annual_budget_reported {
                            self.annual_budget_reported = true;
                            self.findings.push(Finding::info(
                                line,
                                "annual-pbudget",
                                format!(
                                    "#PBUDGET för hela året ({}) i stället för per månad; delar \
                                     periodiserar årsbeloppen över månaderna efter \
                                     kontogruppens periodisering (fjolårets utfall eller jämnt) \
                                     när budgeten läses",
                                    period.year()
                                ),
                            ));
                        }
                    }
                }
            }
            Record::Voucher(v) => self.voucher(v),
            _ => {}
        }
    }

    fn voucher(&mut self, v: &Voucher) {
        self.summary.vouchers += 1;
        self.summary.transactions += v.transactions.len() as u64;
        self.summary.voucher_dates = Some(match self.summary.voucher_dates {
            Some((a, b)) => (a.min(v.date), b.max(v.date)),
            None => (v.date, v.date),
        });
        let label = || format!("verifikation {}", crate::reader::voucher_label(v));
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
            None => self.findings.push(Finding::error(v.line, "overflow", format!("{}: beloppen är orimligt stora (överspill); kontrollera beloppen (ett decimaltecken kan ha fallit bort) och exportera filen igen", label()))),
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
                    let f = Finding::error(
                        v.line,
                        "date-outside-year",
                        format!(
                            "{} är daterad {} utanför {years} (#RAR) och räknas inte; rätta \
                             datumet, eller exportera filen med det räkenskapsår verifikationen \
                             hör till",
                            label(),
                            v.date
                        ),
                    );
                    for t in v.transactions.iter().filter(|t| t.counts()) {
                        self.lose(&t.account, f.as_cause());
                    }
                    self.findings.push(f);
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
                let inserted = set.insert(n);
                let after = set.ranges.len() + set.other.len();
                if !inserted {
                    let f = Finding::error(
                        v.line,
                        "duplicate-voucher",
                        format!(
                            "{} förekommer mer än en gång i serien \"{}\" och räknas två \
                             gånger; exportera filen igen (och kontrollera numreringen i \
                             ekonomisystemet)",
                            label(),
                            v.series
                        ),
                    );
                    let cause = f.as_cause();
                    self.findings.push(f);
                    for t in v.transactions.iter().filter(|t| t.counts()) {
                        self.lose(&t.account, cause);
                    }
                }
                self.tracked_numbers = (self.tracked_numbers + after).saturating_sub(before);
                if self.tracked_numbers > 2_000_000 && !self.numbers_capped {
                    self.numbers_capped = true;
                    self.findings.push(Finding::file(
                        Severity::Info,
                        "numbers-not-tracked",
                        format!("verifikationsnumren har så många luckor att dubbletter inte längre kontrolleras efter rad {}", v.line),
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
                        format!("transaktionsdatum {d} ligger utanför räkenskapsåren i #RAR; beloppet räknas ändå på verifikationens datum, men kontrollera datumet"),
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
                            self.findings.push(Finding::error(line, "too-many-accounts", format!("filen har fler än {} olika konton, vilket ingen verklig kontoplan har; summorna kontrolleras inte längre. Kontrollera att det är rätt fil", count(MAX_ACCOUNTS as u64))));
                        }
                        continue;
                    }
                    let balance = self.is_balance(&t.account);
                    self.trans_sums
                        .entry(t.account.clone())
                        .or_insert_with(|| AccountSums {
                            balance,
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
                self.findings.push(Finding::error(line, "overflow", format!("summan för konto {} blir orimligt stor (överspill); kontrollera beloppen (ett decimaltecken kan ha fallit bort) och exportera filen igen", t.account)));
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
                "filen saknar #SIETYP; den lästes som typ 4. Lägg till #SIETYP med rätt typ \
                 för att slippa varningen",
            ));
        }
        if self.rar.is_empty() && (has_vouchers || self.has_balances) {
            let from = match self.summary.voucher_dates {
                Some((a, b)) => format!("verifikationernas datum ({a}–{b})"),
                None => "periodsaldonas månader (#PSALDO, #PBUDGET)".to_string(),
            };
            self.findings.push(Finding::file(
                Severity::Warning,
                "no-year",
                format!(
                    "filen saknar #RAR (räkenskapsår); vid import tas räkenskapsåret från \
                     {from}: det räkenskapsår i databasen som innehåller dem, annars \
                     kalenderåret. Lägg till #RAR 0 med räkenskapsårets första och sista dag om \
                     det ska vara ett annat"
                ),
            ));
        }
        if let Some(t) = self.summary.sie_type {
            if t < 4 && has_vouchers {
                self.findings.push(Finding::file(
                    Severity::Warning,
                    "vouchers-in-low-type",
                    format!(
                        "filen är av typ {t} men innehåller verifikationer (bara typ 4 ska ha \
                         det); de lästes ändå. Ändra #SIETYP till 4 för att slippa varningen"
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
        // A voucher that lost a line, or the one the file stops in, is unbalanced because of
        // that: a follow-on.
        let truncated = self.truncated;
        for f in self.findings.list_mut() {
            if f.code != "unbalanced-voucher" {
                continue;
            }
            let cause = match truncated {
                Some(t) if t.line == f.line => Some(t),
                _ => f.line.and_then(|l| self.lost_vouchers.get(&l).copied()),
            };
            if cause.is_some() {
                f.cause = cause;
            }
        }
        if has_vouchers {
            let mut issues = self.balance_issues();
            let mut psaldo = self.psaldo_issues();
            // A last voucher without `}` and balances that do not add up: the file was cut.
            let truncated = match (truncated, self.open_at_end) {
                (None, Some(open)) if !issues.is_empty() || !psaldo.is_empty() => Some(Cause {
                    code: "truncated",
                    line: open.line,
                }),
                (t, _) => t,
            };
            // Mismatches on accounts that lost amounts (or all, in a file that was cut off)
            // are follow-ons of what lost them.
            let cause_of = |a: &str| truncated.or_else(|| self.lost.get(a).copied());
            for (f, a, _) in &mut issues {
                f.cause = cause_of(a);
            }
            for (f, a) in &mut psaldo {
                f.cause = cause_of(a);
            }
            // The rest: when the differences cancel out, whole balanced vouchers are missing.
            let open: Vec<usize> = (0..issues.len())
                .filter(|&i| issues[i].0.cause.is_none() && issues[i].2.is_some())
                .collect();
            let sum = open
                .iter()
                .try_fold(Amount::ZERO, |s, &i| s.checked_add(issues[i].2?));
            if open.len() >= 2 && sum == Some(Amount::ZERO) {
                let cause = Finding::file(
                    Severity::Error,
                    "missing-vouchers",
                    format!(
                        "saldona (#UB, #RES) på {} konton skiljer sig från transaktionerna men \
                         skillnaderna tar ut varandra: hela, balanserade verifikationer saknas i \
                         filen. {} Exportera filen igen med alla verifikationsserier och hela \
                         räkenskapsåret",
                        count(open.len() as u64),
                        self.series_summary()
                    ),
                );
                let accounts: FxHashSet<String> =
                    open.iter().map(|&i| issues[i].1.clone()).collect();
                for &i in &open {
                    issues[i].0.cause = Some(cause.as_cause());
                }
                for (f, a) in &mut psaldo {
                    if f.cause.is_none() && accounts.contains(a.as_str()) {
                        f.cause = Some(cause.as_cause());
                    }
                }
                self.findings.push_kept(cause);
            }
            for (f, _, _) in issues {
                self.findings.push(f);
            }
            for (f, _) in psaldo {
                self.findings.push(f);
            }
        }
        if let Some(f) = self.ungrouped_finding() {
            self.findings.push(f);
        }
        (self.summary, self.findings)
    }

    /// #IB + transactions against #UB (balance accounts) and #RES against transactions (result
    /// accounts), year 0: each mismatch with its account and the difference (file − sum).
    fn balance_issues(&self) -> Vec<(Finding, String, Option<Amount>)> {
        let mut issues = Vec::new();
        let Some(y0) = self.summary.years.get(&0) else {
            return issues;
        };
        let accounts: std::collections::BTreeSet<&String> = y0
            .ib
            .keys()
            .chain(y0.ub.keys())
            .chain(y0.res.keys())
            .chain(y0.trans.keys())
            .collect();
        let at = |m: &HashMap<String, u64>, a: &str| m.get(a).copied();
        let mk = |line: Option<u64>, code: &'static str, msg: String| {
            Finding::new(
                Severity::Error,
                line,
                code,
                format!("{msg}; {EXPORT_AGAIN}"),
            )
        };
        for a in accounts {
            let tr = y0.trans.get(a).copied().unwrap_or_default();
            if self.is_balance(a) {
                if y0.ub.contains_key(a) || y0.ib.contains_key(a) {
                    let ib = y0.ib.get(a).copied().unwrap_or_default();
                    let ub = y0.ub.get(a).copied().unwrap_or_default();
                    let sum = ib.checked_add(tr);
                    if sum != Some(ub) {
                        issues.push((
                            mk(at(&self.ub_line, a), "balance-mismatch", format!(
                                "konto {a}: ingående balans {ib} + transaktioner {tr} = {} men utgående balans (#UB) är {ub}",
                                sum.map(|v| v.to_string()).unwrap_or_else(|| "(överspill)".into())
                            )),
                            a.clone(),
                            sum.and_then(|v| ub.checked_sub(v)),
                        ));
                    }
                } else if !y0.ub.is_empty() && !tr.is_zero() {
                    issues.push((
                        mk(None, "balance-mismatch", format!(
                            "konto {a}: transaktionerna summerar till {tr} men filen har varken #IB eller #UB för kontot"
                        )),
                        a.clone(),
                        tr.checked_neg(),
                    ));
                }
            } else if let Some(res) = y0.res.get(a) {
                if *res != tr {
                    issues.push((
                        mk(at(&self.res_line, a), "result-mismatch", format!(
                            "konto {a}: resultatet (#RES) är {res} men transaktionerna summerar till {tr}"
                        )),
                        a.clone(),
                        res.checked_sub(tr),
                    ));
                }
            } else if !y0.res.is_empty() && !tr.is_zero() {
                issues.push((
                    mk(None, "result-mismatch", format!(
                        "konto {a}: transaktionerna summerar till {tr} men filen har ingen #RES för kontot"
                    )),
                    a.clone(),
                    tr.checked_neg(),
                ));
            }
        }
        issues
    }

    /// #PSALDO against the transactions (result accounts, year 0), sorted by account, month
    /// and objects: each mismatch with its account. An account with #PSALDO only on objects
    /// is compared only on those objects.
    fn psaldo_issues(&self) -> Vec<(Finding, String)> {
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
                    Some(e.psaldo),
                    tr,
                    Some(e.line),
                ));
            }
        }
        // A month with transactions but no #PSALDO, when the file gives account totals: for
        // accounts with totals, and for accounts without any #PSALDO.
        if self.psaldo.any_total() {
            for (acc, ym, tr) in self
                .month_trans
                .iter()
                .flat_map(|(a, m)| m.iter().map(move |(ym, tr)| (a, ym, tr)))
            {
                if !tr.is_zero()
                    && !self.psaldo.has_total(acc, *ym)
                    && self.psaldo.compares_totals(acc)
                {
                    mismatches.push((acc.clone(), *ym, Vec::new(), None, *tr, None));
                }
            }
        }
        mismatches.sort_by(|a, b| (&a.0, a.1, &a.2).cmp(&(&b.0, b.1, &b.2)));
        mismatches
            .into_iter()
            .map(|(acc, ym, objs, ps, tr, ps_line)| {
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
                let what = match ps {
                    Some(ps) => format!(
                        "konto {acc}{o} {ym}: periodsaldot (#PSALDO) är {ps} men månadens \
                         transaktioner summerar till {tr}"
                    ),
                    None => format!(
                        "konto {acc}{o} {ym}: filen har inget periodsaldo (#PSALDO) för månaden \
                         men transaktionerna summerar till {tr}"
                    ),
                };
                let f = Finding::new(
                    Severity::Error,
                    ps_line,
                    "psaldo-mismatch",
                    format!("{what}; {EXPORT_AGAIN}"),
                );
                (f, acc)
            })
            .collect()
    }

    /// The year-0 voucher series with their number ranges and gaps, and single-letter series
    /// missing between those present, for the `missing-vouchers` message.
    fn series_summary(&self) -> String {
        let mut series: Vec<(&String, &NumberSet)> = self
            .series
            .iter()
            .filter(|((y, _), _)| *y == Some(0))
            .map(|((_, s), n)| (s, n))
            .collect();
        series.sort_by(|a, b| a.0.cmp(b.0));
        if series.is_empty() {
            return String::new();
        }
        let mut parts = Vec::new();
        for (name, set) in series.iter().take(20) {
            let shown = if name.is_empty() {
                "(utan serie)".to_string()
            } else {
                name.to_string()
            };
            let (Some((&lo, _)), Some((_, &hi))) =
                (set.ranges.iter().next(), set.ranges.iter().next_back())
            else {
                parts.push(shown);
                continue;
            };
            let gaps: Vec<String> = set
                .ranges
                .iter()
                .zip(set.ranges.iter().skip(1))
                .map(|((_, &e), (&s, _))| {
                    if s == e + 2 {
                        format!("{}", e + 1)
                    } else {
                        format!("{}–{}", e + 1, s - 1)
                    }
                })
                .collect();
            let nr = if lo == hi {
                format!("nr {lo}")
            } else {
                format!("nr {lo}–{hi}")
            };
            if gaps.is_empty() {
                parts.push(format!("{shown} ({nr})"));
            } else {
                let more = if gaps.len() > 5 {
                    format!(" och {} luckor till", gaps.len() - 5)
                } else {
                    String::new()
                };
                parts.push(format!(
                    "{shown} ({nr}; saknar nr {}{more})",
                    gaps[..gaps.len().min(5)].join(", ")
                ));
            }
        }
        let mut text = format!("Serier i filen: {}.", parts.join(", "));
        // Series named by single letters usually run A, B, C …: a letter missing between the
        // first and the last is probably a series left out of the export.
        let letters: Vec<u8> = series
            .iter()
            .filter(|(n, _)| n.len() == 1 && n.as_bytes()[0].is_ascii_uppercase())
            .map(|(n, _)| n.as_bytes()[0])
            .collect();
        if let (Some(&lo), Some(&hi)) = (letters.first(), letters.last()) {
            let missing: Vec<String> = (lo..=hi)
                .filter(|c| !letters.contains(c))
                .map(|c| (c as char).to_string())
                .collect();
            if !missing.is_empty() && missing.len() <= 5 {
                text.push_str(&format!(
                    " Serie {} saknas i filen och är troligen den som fattas.",
                    missing.join(", ")
                ));
            }
        }
        text
    }

    /// The warning about result accounts with amounts that no group of the mapping covers.
    fn ungrouped_finding(&self) -> Option<Finding> {
        let m = self.mapping.as_ref()?;
        let mut candidates: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
        candidates.extend(self.ungrouped_names.keys().map(String::as_str));
        candidates.extend(self.ungrouped_psaldo.keys().map(String::as_str));
        for y in self.summary.years.values() {
            candidates.extend(y.trans.keys().map(String::as_str));
            candidates.extend(y.res.keys().map(String::as_str));
        }
        let mut with_amount: Vec<String> = Vec::new();
        let mut without = 0u64;
        for a in candidates {
            if self.is_balance(a) || m.group_of(a).is_some() {
                continue;
            }
            // The year the file is about first, then earlier years: transactions, #RES or
            // #PSALDO, whichever has an amount.
            let found = self.summary.years.iter().rev().find_map(|(idx, y)| {
                let psaldo = || {
                    self.ungrouped_psaldo
                        .get(a)
                        .and_then(|v| v.iter().find(|(i, _)| i == idx).map(|(_, s)| *s))
                };
                [y.trans.get(a).copied(), y.res.get(a).copied(), psaldo()]
                    .into_iter()
                    .flatten()
                    .find(|v| !v.is_zero())
                    .map(|v| (*idx, v))
            });
            let found = found.or_else(|| {
                // #PSALDO for a year index the file has no other data for.
                self.ungrouped_psaldo
                    .get(a)
                    .and_then(|v| v.iter().rev().find(|(_, s)| !s.is_zero()).copied())
            });
            let Some((idx, amount)) = found else {
                without += 1;
                continue;
            };
            let name = self
                .ungrouped_names
                .get(a)
                .filter(|n| !n.is_empty())
                .map(|n| format!(" {n}"))
                .unwrap_or_default();
            let year = if idx == 0 {
                String::new()
            } else {
                format!(" (år −{})", -idx)
            };
            with_amount.push(format!("{a}{name} {amount} kr{year}"));
        }
        if with_amount.is_empty() {
            return None;
        }
        let n = with_amount.len();
        let mut list = with_amount[..n.min(20)].join("; ");
        if n > 20 {
            list.push_str(&format!("; och {} konton till", count((n - 20) as u64)));
        }
        if without > 0 {
            list.push_str(&format!(
                " (och {} {} utan belopp)",
                count(without),
                if without == 1 { "konto" } else { "konton" }
            ));
        }
        let noun = if n == 1 {
            "resultatkonto"
        } else {
            "resultatkonton"
        };
        Some(Finding::file(
            Severity::Warning,
            "ungrouped-account",
            format!(
                "{} {noun} hör inte till någon kontogrupp i \"{}\" och redovisas som \"{}\": \
                 {list}. Vill du ha dem i en kontogrupp: skriv indelningen till en fil med \
                 delar kontogrupper --skriv kontogrupper.toml, lägg kontonumren i en grupps \
                 ranges (till exempel ranges = [\"9000\"]) och läs in filen med delar \
                 kontogrupper kontogrupper.toml",
                count(n as u64),
                m.name,
                delar_core::accounts::UNGROUPED_NAME
            ),
        ))
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
    /// Read and validate `input`, also warning about result accounts with amounts that no
    /// group of `mapping` covers (`ungrouped-account`).
    pub fn with_mapping(input: R, opts: ReadOptions, mapping: AccountMapping) -> Self {
        SieStream {
            reader: SieReader::new(input, opts),
            validator: Validator::with_mapping(mapping),
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
        // Not an SIE file at all: nothing to check as a whole.
        let not_sie = findings
            .list()
            .iter()
            .any(|f| matches!(f.code, "not-sie" | "empty"));
        let stopped = self.reader.stopped()
            || not_sie
            || (self.strict && self.validator.findings.errors() > 0);
        let open_at_end = self.reader.open_at_end().cloned();
        self.validator.note_read_losses(
            self.reader.lost_accounts(),
            self.reader.lost_vouchers(),
            self.reader.truncated(),
            open_at_end.as_ref().map(|(c, _)| *c),
        );
        let (mut summary, mut vf) = self.validator.finish_with(!stopped);
        // The last voucher lacked only its `}`, the reader thought; the balances show the file
        // was cut there.
        if let Some((open, message)) = open_at_end {
            let cut = Cause {
                code: "truncated",
                line: open.line,
            };
            if vf.list().iter().any(|f| f.cause == Some(cut)) {
                findings.set_severity(Severity::Error, |f| f.as_cause() == open);
                for f in findings.list_mut() {
                    if f.as_cause() == open {
                        f.code = "truncated";
                        f.message = message.clone();
                    }
                }
            }
        }
        // "#RAR 0 without dates" already says where the year comes from.
        if findings
            .list()
            .iter()
            .any(|f| f.code == "rar-without-dates")
        {
            vf.retain(|f| f.code != "no-year");
        }
        // Strict mode reports the first error only.
        let mut error_seen = findings.errors() > 0;
        for f in vf.list() {
            if self.strict && f.severity == Severity::Error {
                if error_seen {
                    continue;
                }
                error_seen = true;
            }
            if f.code == "missing-vouchers" {
                findings.push_kept(f.clone());
            } else {
                findings.push(f.clone());
            }
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
