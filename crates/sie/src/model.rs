//! The records of an SIE file (SIE 4B), as the reader yields them and the writer takes them.

pub use crate::intern::{Code, ObjectSet};
use delar_core::{Amount, Date};
use serde::Serialize;

/// A reference to an object in a dimension, as in `{1 "100" 6 "P10"}`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjectRef {
    /// Dimension number (1 = kostnadsställe/ansvar, 6 = projekt, 20+ free).
    pub dim: u32,
    /// Object code within the dimension.
    pub code: String,
}

/// Which kind of transaction line: plain, added afterwards (#RTRANS) or removed (#BTRANS).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum TransKind {
    /// #TRANS
    Normal,
    /// #RTRANS: added after the voucher was first registered; counts in balances.
    Added,
    /// #BTRANS: removed after registration; kept for the audit trail, does not count.
    Removed,
}

/// One transaction line of a voucher. Account, objects, text and signature are shared
/// values ([`Code`], [`ObjectSet`]): the reader allocates each distinct one once.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Transaction {
    /// Plain, added or removed.
    pub kind: TransKind,
    /// Account number.
    pub account: Code,
    /// Objects the amount is booked on (may be empty), sorted by dimension.
    pub objects: ObjectSet,
    /// Amount, debit positive.
    pub amount: Amount,
    /// Transaction date when it differs from the voucher's (often empty).
    pub date: Option<Date>,
    /// Transaction text (often empty).
    pub text: Option<Code>,
    /// Quantity, when given.
    pub quantity: Option<f64>,
    /// Signature of whoever registered the line.
    pub sign: Option<Code>,
    /// Line number of the record in the file (0 when not read from a file).
    #[serde(skip)]
    pub line: u64,
}

impl Transaction {
    /// True when the line counts in balances (#TRANS and #RTRANS, not #BTRANS).
    pub fn counts(&self) -> bool {
        self.kind != TransKind::Removed
    }
}

/// A voucher (#VER) with its transactions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Voucher {
    /// Series (`A`, `""` when the exporter leaves it empty).
    pub series: String,
    /// Voucher number; may be empty in SIE 4I files, where the receiver numbers them.
    pub number: Option<String>,
    /// Voucher date.
    pub date: Date,
    /// Voucher text.
    pub text: Option<String>,
    /// Registration date.
    pub reg_date: Option<Date>,
    /// Signature.
    pub sign: Option<String>,
    /// Transaction lines in file order.
    pub transactions: Vec<Transaction>,
    /// Line number of the #VER record in the file.
    pub line: u64,
}

impl Voucher {
    /// Sum of the lines that count; zero for a balanced voucher.
    pub fn balance(&self) -> Option<Amount> {
        self.transactions
            .iter()
            .filter(|t| t.counts())
            .try_fold(Amount::ZERO, |s, t| s.checked_add(t.amount))
    }
}

/// The kind of balance record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum BalanceKind {
    /// #IB opening balance of a balance account.
    Opening,
    /// #UB closing balance of a balance account.
    Closing,
    /// #RES result of a result account for the year.
    Result,
}

/// The kind of period record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum PeriodKind {
    /// #PSALDO outcome for the period (the month's change, or balance for balance accounts).
    Outcome,
    /// #PBUDGET budget for the period.
    Budget,
    /// #PBUDGET for a whole year (the period written as the year alone, `2025`): an annual
    /// amount that delar periodises when the budget is read. The record's `period` is the
    /// year's January.
    AnnualBudget,
}

/// One record of an SIE file. Headers come first, then the chart, balances, periods, vouchers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Record {
    /// #FLAGGA 0|1: whether the file has been read (imported) before.
    Flag(u8),
    /// #PROGRAM name version
    Program {
        /// Program name.
        name: String,
        /// Version.
        version: String,
    },
    /// #FORMAT PC8 (the character set the file declares).
    Format(String),
    /// #GEN date [sign]
    Generated {
        /// When the file was generated.
        date: Date,
        /// Who generated it.
        sign: Option<String>,
    },
    /// #SIETYP 1–4.
    SieType(u8),
    /// #PROSA free text.
    Prose(String),
    /// #FTYP company type (AB, E, HB, KB, EK, KHF, BRF, BF, SF, I, S, FAB, FL, BAB, MB, SB, BFL,
    /// FOF, EGTS, ENS, EEIG, OFB, ORS, K, ... kommun is "K").
    CompanyType(String),
    /// #FNR internal company id in the exporting program.
    CompanyId(String),
    /// #ORGNR orgnr [förvaltningsnummer [verksamhetsnummer]]
    OrgNumber {
        /// Organisation number, e.g. `212000-1355`.
        orgnr: String,
        /// Acquisition number.
        acq: Option<String>,
        /// Activity number.
        act: Option<String>,
    },
    /// #BKOD SNI industry code.
    IndustryCode(String),
    /// #ADRESS contact street postal phone
    Address {
        /// Contact person.
        contact: String,
        /// Street address.
        street: String,
        /// Postal address.
        postal: String,
        /// Phone.
        phone: String,
    },
    /// #FNAMN company name.
    CompanyName(String),
    /// #RAR index start end: financial year 0 (current), −1 (previous), …
    FinancialYear {
        /// Year index: 0 is the current year, −1 the one before.
        index: i32,
        /// First day.
        start: Date,
        /// Last day.
        end: Date,
    },
    /// #TAXAR tax assessment year.
    TaxYear(i32),
    /// #OMFATTN date the balances in the file extend to.
    Extent(Date),
    /// #KPTYP chart type (BAS95, BAS96, EUBAS97, BAS2000, ..., or a municipal name).
    ChartType(String),
    /// #VALUTA currency code (SEK).
    Currency(String),
    /// #KONTO account name
    Account {
        /// Account number.
        account: String,
        /// Name.
        name: String,
    },
    /// #KTYP account T|S|K|I (asset, liability, cost, revenue).
    AccountType {
        /// Account number.
        account: String,
        /// T, S, K or I.
        kind: String,
    },
    /// #ENHET account unit (unit of the quantity field).
    AccountUnit {
        /// Account number.
        account: String,
        /// Unit.
        unit: String,
    },
    /// #SRU account code (tax form code).
    Sru {
        /// Account number.
        account: String,
        /// SRU code.
        code: String,
    },
    /// #DIM dim name
    Dimension {
        /// Dimension number.
        dim: u32,
        /// Name.
        name: String,
    },
    /// #UNDERDIM dim name parent
    SubDimension {
        /// Dimension number.
        dim: u32,
        /// Name.
        name: String,
        /// Parent dimension.
        parent: u32,
    },
    /// #OBJEKT dim code name
    Object {
        /// Dimension number.
        dim: u32,
        /// Object code.
        code: String,
        /// Name.
        name: String,
    },
    /// #IB / #UB / #RES year account amount [quantity]
    Balance {
        /// Opening, closing or result.
        kind: BalanceKind,
        /// Year index (0, −1, …).
        year: i32,
        /// Account.
        account: String,
        /// Amount.
        amount: Amount,
        /// Quantity.
        quantity: Option<f64>,
    },
    /// #OIB / #OUB year account {dim obj} amount [quantity]
    ObjectBalance {
        /// Opening (#OIB) or closing (#OUB).
        kind: BalanceKind,
        /// Year index.
        year: i32,
        /// Account.
        account: String,
        /// The object.
        object: ObjectRef,
        /// Amount.
        amount: Amount,
        /// Quantity.
        quantity: Option<f64>,
    },
    /// #PSALDO / #PBUDGET year period account {objects} amount [quantity]
    Period {
        /// Outcome or budget.
        kind: PeriodKind,
        /// Year index.
        year: i32,
        /// Month.
        period: delar_core::YearMonth,
        /// Account.
        account: String,
        /// Objects (empty for the account's total).
        objects: Vec<ObjectRef>,
        /// Amount.
        amount: Amount,
        /// Quantity.
        quantity: Option<f64>,
    },
    /// #VER with its transactions.
    Voucher(Voucher),
    /// #KSUMMA [checksum]: without a value it opens the checksummed part, with one it closes it.
    Checksum(Option<i64>),
}
