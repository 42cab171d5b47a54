//! The streaming SIE reader: lines in, [`Record`]s out.

use crate::encoding::{Detector, Encoding};
use crate::finding::{Cause, Finding, Findings, Severity};
use crate::intern::{FxHashMap, Interner};
use crate::model::*;
use crate::token::{object_fields, FieldKind, RawField, Tokenizer};
use delar_core::accounts::check_account_number;
use delar_core::{Amount, Date, YearMonth};
use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::BufRead;

/// How the reader reacts to errors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Stop at the first error (strict); otherwise collect findings and keep going (lenient).
    pub strict: bool,
}

/// Longest line accepted; longer lines are cut (a guard against binary files).
pub const MAX_LINE: usize = 1 << 20;

/// Most transaction lines kept for one voucher (a guard against a missing `}`).
pub const MAX_VOUCHER_LINES: usize = 1_000_000;

/// The labels of SIE 4B; others are skipped as the standard says.
pub const KNOWN_LABELS: &[&str] = &[
    "#FLAGGA",
    "#PROGRAM",
    "#FORMAT",
    "#GEN",
    "#SIETYP",
    "#PROSA",
    "#FTYP",
    "#FNR",
    "#ORGNR",
    "#BKOD",
    "#ADRESS",
    "#FNAMN",
    "#RAR",
    "#TAXAR",
    "#OMFATTN",
    "#KPTYP",
    "#VALUTA",
    "#KONTO",
    "#KTYP",
    "#ENHET",
    "#SRU",
    "#DIM",
    "#UNDERDIM",
    "#OBJEKT",
    "#IB",
    "#UB",
    "#OIB",
    "#OUB",
    "#RES",
    "#PSALDO",
    "#PBUDGET",
    "#VER",
    "#TRANS",
    "#RTRANS",
    "#BTRANS",
    "#KSUMMA",
];

/// CRC-32 (IEEE, reflected) as #KSUMMA uses it.
#[derive(Clone, Debug)]
pub struct Crc32 {
    table: [u32; 256],
    value: u32,
}

impl Default for Crc32 {
    fn default() -> Self {
        Crc32::new()
    }
}

impl Crc32 {
    /// A fresh checksum.
    pub fn new() -> Crc32 {
        let mut table = [0u32; 256];
        for (i, e) in table.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    (c >> 1) ^ 0xEDB8_8320
                } else {
                    c >> 1
                };
            }
            *e = c;
        }
        Crc32 {
            table,
            value: 0xFFFF_FFFF,
        }
    }
    /// Feed bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.value = (self.value >> 8) ^ self.table[((self.value ^ b as u32) & 0xFF) as usize];
        }
    }
    /// The checksum of everything fed so far.
    pub fn value(&self) -> u32 {
        self.value ^ 0xFFFF_FFFF
    }
    /// Feed one record's fields as #KSUMMA counts them (SIE 4B): the label and each field's
    /// content without quotes, separators or braces; an object list by its fields' contents.
    pub fn feed_fields(&mut self, fields: &[RawField<'_>]) {
        for f in fields {
            match f.kind {
                FieldKind::Objects => {
                    for of in object_fields(&f.bytes).0 {
                        self.update(&of.bytes);
                    }
                }
                FieldKind::Open | FieldKind::Close => {}
                _ => self.update(&f.bytes),
            }
        }
    }
}

struct OpenVoucher {
    voucher: Voucher,
    /// More lines than [`MAX_VOUCHER_LINES`] were met; the rest were dropped.
    overflowed: bool,
    /// The #VER line has been followed by its `{`.
    opened: bool,
    /// The last #RTRANS, whose compatibility #TRANS copy should be skipped.
    last_added: Option<usize>,
}

/// Reads SIE records one at a time from any buffered input.
pub struct SieReader<R: BufRead> {
    input: R,
    /// A line that did not lie whole in the input's buffer (or needs cleaning) is copied here.
    buf: Vec<u8>,
    st: State,
}

/// Everything the reader keeps but the input: lines are handed to it as byte slices, most of
/// them straight from the input's buffer.
struct State {
    line_no: u64,
    bytes_read: u64,
    detector: Detector,
    findings: Findings,
    opts: ReadOptions,
    stopped: bool,
    eof: bool,
    out: VecDeque<Record>,
    voucher: Option<OpenVoucher>,
    crc: Option<Crc32>,
    checksum_seen: bool,
    unknown_labels: u64,
    unknown_names: Vec<(String, u64, u64)>,
    declared_format: Option<String>,
    records: u64,
    /// A #VER could not be read: its block is skipped quietly.
    skipping: bool,
    /// Shared account numbers, object sets and texts.
    interners: Interners,
    /// The field buffer, kept between lines so tokenizing allocates nothing.
    field_buf: Vec<RawField<'static>>,
    /// Use the fast path for plain #TRANS lines (off only in tests comparing the paths).
    fast: bool,
    /// The start of the input has been looked at for a foreign format (HTML, ZIP …).
    sniffed: bool,
    /// The input is not SIE text (it was reported as what it looks like).
    foreign: bool,
    /// Lines with NUL bytes (the first is reported, the rest counted).
    nul_lines: u64,
    /// Whether the last line read ended with a line break.
    last_terminated: bool,
    /// Whether the last line processed gave an error or had an unknown label (a record cut
    /// short, when the file ends without a line break).
    last_line_error: bool,
    /// The finding that made the reader skip the lines of an unreadable #VER.
    skip_cause: Option<Cause>,
    /// Accounts whose amounts were (partly) lost because a line could not be used, with the
    /// finding that says so: the validator lists balance mismatches on them as its follow-ons.
    lost: FxHashMap<String, Cause>,
    /// The file ends in the middle of a voucher or record.
    truncated: Option<Cause>,
    /// Vouchers (by the line of their #VER) that lost a transaction line, with the finding.
    lost_vouchers: FxHashMap<u64, Cause>,
    /// The file's last voucher lacks its `}` but balances: the warning, and the message to
    /// use if the balances show the file was cut there.
    open_at_end: Option<(Cause, String)>,
}

/// Most accounts remembered in [`SieReader::lost_accounts`].
const MAX_LOST: usize = 100_000;

/// Labels whose records have no bearing on amounts: a field that cannot be read there is a
/// warning (the record is skipped), not an error that refuses the file.
const HARMLESS_LABELS: &[&str] = &[
    "#FLAGGA",
    "#PROGRAM",
    "#FORMAT",
    "#GEN",
    "#SIETYP",
    "#PROSA",
    "#FTYP",
    "#FNR",
    "#ORGNR",
    "#BKOD",
    "#ADRESS",
    "#FNAMN",
    "#TAXAR",
    "#OMFATTN",
    "#KPTYP",
    "#VALUTA",
    "#KONTO",
    "#KTYP",
    "#ENHET",
    "#SRU",
    "#DIM",
    "#UNDERDIM",
    "#OBJEKT",
];

/// The reader's interners: one per kind of repeated value; texts per encoding (the same
/// bytes decode differently in CP437 and Windows-1252).
#[derive(Default)]
pub(crate) struct Interners {
    pub(crate) accounts: Interner<Code>,
    pub(crate) objects: Interner<ObjectSet>,
    pub(crate) texts: [Interner<Code>; 6],
}

impl Interners {
    /// A shared text for `raw` bytes in `enc`.
    #[inline]
    pub(crate) fn text(&mut self, raw: &[u8], enc: Encoding) -> Code {
        let i = if raw.is_ascii() { 0 } else { enc as usize };
        let r: Result<Code, std::convert::Infallible> =
            self.texts[i].get_or(raw, || Ok(Code::from(enc.decode(raw).as_ref())));
        match r {
            Ok(c) => c,
            Err(e) => match e {},
        }
    }
}

/// Whether `line` is all ASCII and whether it holds a NUL byte, in one pass over eight
/// bytes at a time (lines are short: two separate scans cost two calls per line).
#[inline]
fn scan_line(line: &[u8]) -> (bool, bool) {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let (mut high, mut zero) = (0u64, 0u64);
    let mut chunks = line.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        high |= w;
        // Non-zero exactly when some byte of `w` is 0.
        zero |= w.wrapping_sub(LO) & !w & HI;
    }
    let (mut ascii, mut nul) = (high & HI == 0, zero != 0);
    for &b in chunks.remainder() {
        ascii &= b < 0x80;
        nul |= b == 0;
    }
    (ascii, nul)
}

/// Parse result of one record line.
type Parsed = Result<Option<Record>, Finding>;

impl<R: BufRead> SieReader<R> {
    /// A reader over `input`.
    pub fn new(input: R, opts: ReadOptions) -> Self {
        SieReader {
            input,
            buf: Vec::with_capacity(256),
            st: State {
                line_no: 0,
                bytes_read: 0,
                detector: Detector::new(),
                findings: Findings::default(),
                opts,
                stopped: false,
                eof: false,
                out: VecDeque::new(),
                voucher: None,
                crc: None,
                checksum_seen: false,
                unknown_labels: 0,
                unknown_names: Vec::new(),
                declared_format: None,
                records: 0,
                skipping: false,
                interners: Interners::default(),
                field_buf: Vec::new(),
                fast: true,
                sniffed: false,
                foreign: false,
                nul_lines: 0,
                last_terminated: true,
                last_line_error: false,
                skip_cause: None,
                lost: FxHashMap::default(),
                truncated: None,
                lost_vouchers: FxHashMap::default(),
                open_at_end: None,
            },
        }
    }

    /// The same reader without the fast path for plain `#TRANS` lines: every line goes
    /// through the general tokenizer. For tests that compare the two paths.
    #[doc(hidden)]
    pub fn without_fast_path(mut self) -> Self {
        self.st.fast = false;
        self
    }

    /// The current line number (1-based; the last line read).
    pub fn line(&self) -> u64 {
        self.st.line_no
    }
    /// Bytes consumed so far.
    pub fn bytes_read(&self) -> u64 {
        self.st.bytes_read
    }
    /// The encoding detected so far (final once the reader is exhausted).
    pub fn encoding(&self) -> Encoding {
        self.st.detector.encoding()
    }
    /// The findings so far.
    pub fn findings(&self) -> &Findings {
        &self.st.findings
    }
    /// Take the findings, leaving none.
    pub fn take_findings(&mut self) -> Findings {
        std::mem::take(&mut self.st.findings)
    }
    /// True when strict mode stopped at an error.
    pub fn stopped(&self) -> bool {
        self.st.stopped
    }
    /// Records with unknown labels that were skipped.
    pub fn unknown_labels(&self) -> u64 {
        self.st.unknown_labels
    }
    /// The character set the file declares in #FORMAT, if any.
    pub fn declared_format(&self) -> Option<&str> {
        self.st.declared_format.as_deref()
    }
    /// True when the file had a #KSUMMA record.
    pub fn has_checksum(&self) -> bool {
        self.st.checksum_seen
    }
    /// Accounts whose amounts were partly lost because a line could not be used (a #TRANS
    /// with an unreadable amount, the lines of an unreadable #VER …), each with the finding
    /// that reported it.
    pub fn lost_accounts(&self) -> &FxHashMap<String, Cause> {
        &self.st.lost
    }
    /// Vouchers (by the line of their #VER) that lost a transaction line that could not be
    /// read, with the finding that reported it: their imbalance is a follow-on of it.
    pub fn lost_vouchers(&self) -> &FxHashMap<u64, Cause> {
        &self.st.lost_vouchers
    }
    /// The warning about a last voucher without `}` that balances, with the message to give
    /// instead when the balances show the file was cut there.
    pub fn open_at_end(&self) -> Option<&(Cause, String)> {
        self.st.open_at_end.as_ref()
    }
    /// The finding saying the file ends in the middle of a voucher or a record (it looks cut
    /// off), once the reader is exhausted.
    pub fn truncated(&self) -> Option<Cause> {
        self.st.truncated
    }

    /// Look at the first line with content (in `buf`, and what follows it in the input's
    /// buffer) once: a
    /// file that is not SIE text (HTML, a ZIP or Excel file, a PDF …) gets one error naming
    /// what it looks like, and nothing more is read. The verdict comes from the first line, so
    /// it does not depend on the input's buffer size.
    fn sniff(&mut self) -> bool {
        let first = self.buf.as_slice();
        if first.iter().all(u8::is_ascii_whitespace) {
            return false; // decided on the first line with content
        }
        self.st.sniffed = true;
        if crate::sniff::foreign_format(first).is_none() {
            return false;
        }
        let mut head = first.to_vec();
        head.push(b'\n');
        if let Ok(rest) = self.input.fill_buf() {
            let room = crate::sniff::SNIFF_BYTES.saturating_sub(head.len());
            head.extend_from_slice(&rest[..rest.len().min(room)]);
        }
        let (what, todo) = crate::sniff::foreign_format(&head)
            .or_else(|| crate::sniff::foreign_format(first))
            .expect("the first line alone was foreign");
        // What reading the first line reported (NUL bytes, its length) is noise now.
        self.st.findings = Findings::default();
        self.st.findings.push_kept(Finding::file(
            Severity::Error,
            "not-sie",
            format!("filen är inte en SIE-fil utan {what}; {todo}"),
        ));
        self.st.stopped = true;
        self.st.foreign = true;
        true
    }
    /// Read the next line and process it. False at the end of the input.
    fn next_line(&mut self) -> bool {
        // The common case: the whole line lies in the input's buffer and needs no cleaning
        // (not up to the first line with content, which may carry a BOM and is looked at for
        // a foreign format; no NUL; not too long), so it is processed where it lies.
        if self.st.sniffed {
            if let Ok(avail) = self.input.fill_buf() {
                if let Some(i) = memchr::memchr(b'\n', avail) {
                    let mut line = &avail[..i];
                    if let Some(stripped) = line.strip_suffix(b"\r") {
                        line = stripped;
                    }
                    let (ascii, nul) = scan_line(line);
                    if line.len() <= MAX_LINE && !nul {
                        self.st.line_no += 1;
                        self.st.bytes_read += i as u64 + 1;
                        self.st.last_terminated = true;
                        self.st.process_line(line, ascii);
                        self.input.consume(i + 1);
                        return true;
                    }
                }
            }
        }
        if !self.read_line() {
            return false;
        }
        if !self.st.sniffed && self.sniff() {
            return false;
        }
        let line = std::mem::take(&mut self.buf);
        self.st.process_line(&line, line.is_ascii());
        self.buf = line;
        true
    }

    /// Read the next line into `buf` (without line ending). False at end of input.
    fn read_line(&mut self) -> bool {
        self.buf.clear();
        let mut got_any = false;
        let mut truncated = false;
        let mut terminated = false;
        loop {
            let avail = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let f = Finding::file(
                        Severity::Error,
                        "io",
                        format!(
                            "filen kunde inte läsas efter rad {}: {e}; kontrollera att den \
                             finns kvar och går att läsa (inte låst eller på en frånkopplad \
                             enhet) och försök igen",
                            self.st.line_no
                        ),
                    );
                    self.st.report(f);
                    self.st.stopped = true;
                    return false;
                }
            };
            if avail.is_empty() {
                break;
            }
            got_any = true;
            // Never hold more than MAX_LINE bytes of one line, however long it is.
            let (take, done) = match memchr::memchr(b'\n', avail) {
                Some(i) => (i + 1, true),
                None => (avail.len(), false),
            };
            let room = (MAX_LINE + 2).saturating_sub(self.buf.len());
            if take > room {
                truncated = true;
            }
            self.buf.extend_from_slice(&avail[..take.min(room)]);
            self.input.consume(take);
            self.st.bytes_read += take as u64;
            if done {
                terminated = true;
                break;
            }
        }
        if !got_any {
            return false;
        }
        self.st.line_no += 1;
        self.st.last_terminated = terminated;
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        if self.st.line_no == 1 && self.buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
            self.buf.drain(..3);
            self.st.detector.saw_bom();
        }
        if truncated || self.buf.len() > MAX_LINE {
            self.buf.truncate(MAX_LINE);
            let l = self.st.line_no;
            self.st.report(Finding::error(
                l,
                "line-too-long",
                format!(
                    "raden är längre än {MAX_LINE} byte och kortades, vilket en SIE-fil aldrig \
                     har; kontrollera att det är rätt fil och exportera den igen"
                ),
            ));
        }
        if memchr::memchr(0, &self.buf).is_some() {
            self.st.nul_lines += 1;
            if self.st.nul_lines == 1 {
                let l = self.st.line_no;
                self.st.report(Finding::error(
                    l,
                    "binary",
                    "raden innehåller NUL-tecken, som en SIE-fil inte har: filen är skadad \
                     eller inte en textfil; exportera SIE-filen igen",
                ));
            }
            self.buf.retain(|&b| b != 0);
        }
        true
    }
}

impl State {
    fn report(&mut self, f: Finding) {
        if self.opts.strict && f.severity == Severity::Error {
            self.stopped = true;
        }
        self.findings.push(f);
    }

    fn finish_voucher(&mut self, closed: bool) {
        if let Some(ov) = self.voucher.take() {
            if !closed {
                let l = ov.voucher.line;
                self.report(Finding::error(
                    l,
                    "voucher-not-closed",
                    format!(
                        "verifikationen {} saknar avslutande }}; raderna efter #VER togs med så \
                         långt de räckte. Lägg till }} efter verifikationens sista #TRANS eller \
                         exportera filen igen",
                        voucher_label(&ov.voucher)
                    ),
                ));
            }
            self.out.push_back(Record::Voucher(ov.voucher));
        }
    }

    /// Remember that `account` lost an amount, because of the finding `cause`.
    fn lose(&mut self, account: &[u8], cause: Cause) {
        if account.is_empty()
            || !account.iter().all(u8::is_ascii_digit)
            || self.lost.len() >= MAX_LOST
        {
            return;
        }
        let account = String::from_utf8_lossy(account);
        if !self.lost.contains_key(account.as_ref()) {
            self.lost.insert(account.into_owned(), cause);
        }
    }

    /// Process one line (without its line end); `ascii` tells whether all its bytes are.
    fn process_line(&mut self, line: &[u8], ascii: bool) {
        let line_no = self.line_no;
        let errors_before = self.findings.errors();
        let unknown_before = self.unknown_labels;
        let enc = if ascii {
            self.detector.encoding()
        } else {
            self.detector.observe(line, line_no)
        };
        if !self.fast_trans(line, enc, line_no) {
            let mut tok = Tokenizer::new(line);
            let mut fields = recycle(std::mem::take(&mut self.field_buf));
            fields.extend(tok.by_ref());
            let harmless = fields
                .first()
                .is_some_and(|f| f.kind == FieldKind::Bare && is_harmless(&f.bytes));
            for e in std::mem::take(&mut tok.errors) {
                self.report(if harmless {
                    Finding::warning(
                        line_no,
                        "quoting",
                        format!("{}; raden påverkar inga belopp", e.message),
                    )
                } else {
                    Finding::error(
                        line_no,
                        "quoting",
                        format!(
                            "{}; kontrollera citattecknen på raden (ett citattecken inne i en \
                             text skrivs \\\") och exportera filen igen",
                            e.message
                        ),
                    )
                });
            }
            self.handle_fields(&fields, enc, line_no);
            self.field_buf = recycle(fields);
        }
        self.last_line_error =
            self.findings.errors() > errors_before || self.unknown_labels > unknown_before;
    }

    /// The hot path: a plain `#TRANS` line inside an open voucher, parsed straight from the
    /// bytes. Anything unusual (escapes, odd spacing inside the object list, a checksum being
    /// computed, a full voucher) returns false and goes the general way, which gives the same
    /// result for every line this path accepts.
    fn fast_trans(&mut self, line: &[u8], enc: Encoding, line_no: u64) -> bool {
        if self.crc.is_some() || !self.fast {
            return false;
        }
        if let Some(b) = crate::fast::brace_line(line) {
            return match (b, self.voucher.as_mut()) {
                (crate::fast::Simple::Open, Some(ov)) if !ov.opened => {
                    ov.opened = true;
                    true
                }
                (crate::fast::Simple::Close, Some(ov)) if ov.opened => {
                    self.finish_voucher(true);
                    true
                }
                _ => false,
            };
        }
        if self.voucher.as_ref().is_none_or(|ov| ov.opened) {
            if let Some(v) = crate::fast::parse_ver_line(line, enc, line_no) {
                self.skipping = false;
                if self.voucher.is_some() {
                    self.finish_voucher(false);
                }
                self.voucher = Some(OpenVoucher {
                    voucher: v,
                    overflowed: false,
                    opened: false,
                    last_added: None,
                });
                self.records += 1;
                return true;
            }
        }
        let Some(ov) = self.voucher.as_mut() else {
            return false;
        };
        if !ov.opened || ov.voucher.transactions.len() >= MAX_VOUCHER_LINES {
            return false;
        }
        let Some(t) = crate::fast::parse_trans_line(line, enc, line_no, &mut self.interners) else {
            return false;
        };
        // #RTRANS is followed by an identical #TRANS for older readers: the general path
        // handles that pair.
        if ov.last_added.is_some() {
            return false;
        }
        ov.voucher.transactions.push(t);
        true
    }

    fn handle_fields(&mut self, fields: &[RawField<'_>], enc: Encoding, line_no: u64) {
        let Some(first) = fields.first() else { return };
        // A DOS end-of-file mark (Ctrl-Z) that old programs put last.
        if first.kind == FieldKind::Bare
            && fields.len() == 1
            && first.bytes.iter().all(|&b| b == 0x1A)
        {
            return;
        }
        // Checksum over everything between the opening and the closing #KSUMMA.
        let is_ksumma =
            first.kind == FieldKind::Bare && first.bytes.eq_ignore_ascii_case(b"#KSUMMA");
        if !is_ksumma {
            if let Some(c) = self.crc.as_mut() {
                c.feed_fields(fields);
            }
        }
        match first.kind {
            FieldKind::Open => {
                match self.voucher.as_mut() {
                    Some(ov) if !ov.opened => ov.opened = true,
                    _ if self.skipping => {}
                    _ => self.report(Finding::error(
                        line_no,
                        "stray-brace",
                        "{ utan föregående #VER; raden hoppades över. Ta bort raden eller lägg \
                         till den #VER som saknas, och exportera filen igen",
                    )),
                }
                return;
            }
            FieldKind::Close => {
                if self.voucher.as_ref().is_some_and(|ov| ov.opened) {
                    self.finish_voucher(true);
                } else if self.skipping {
                    self.skipping = false;
                } else {
                    self.report(Finding::error(
                        line_no,
                        "stray-brace",
                        "} utan öppnad verifikation; raden hoppades över. Ta bort raden eller \
                         lägg till den #VER som saknas, och exportera filen igen",
                    ));
                }
                return;
            }
            FieldKind::Quoted | FieldKind::Objects => {
                self.report(Finding::warning(
                    line_no,
                    "no-label",
                    "raden börjar inte med en etikett (#...) och hoppades över; ta bort den om den \
                 inte hör till filen",
                ));
                return;
            }
            FieldKind::Bare => {}
        }
        let label_bytes = first.bytes.as_ref();
        if !label_bytes.starts_with(b"#") {
            self.report(Finding::warning(
                line_no,
                "no-label",
                "raden börjar inte med en etikett (#...) och hoppades över; ta bort den om den \
                 inte hör till filen",
            ));
            return;
        }
        // Labels are upper-case ASCII in practice: borrow them; normalise only when needed.
        let label: Cow<'_, str> = match std::str::from_utf8(label_bytes) {
            Ok(l) if !l.bytes().any(|b| b.is_ascii_lowercase()) => Cow::Borrowed(l),
            _ => Cow::Owned(String::from_utf8_lossy(label_bytes).to_ascii_uppercase()),
        };
        let label: &str = &label;
        let rest = &fields[1..];
        let mut f = Fields {
            fields: rest,
            idx: 0,
            enc,
            line: line_no,
            label,
        };

        // Transaction lines belong to the open voucher.
        if matches!(label, "#TRANS" | "#RTRANS" | "#BTRANS") {
            let kind = match label {
                "#TRANS" => TransKind::Normal,
                "#RTRANS" => TransKind::Added,
                _ => TransKind::Removed,
            };
            let account: &[u8] = rest.first().map(|f| f.bytes.as_ref()).unwrap_or(b"");
            if self.voucher.is_none() && self.skipping {
                // A line of a #VER that could not be read (already reported): its amount is
                // lost with the voucher.
                if let Some(cause) = self.skip_cause {
                    if kind != TransKind::Removed {
                        self.lose(account, cause);
                    }
                }
                return;
            }
            if self.voucher.is_none() {
                let e = Finding::error(
                    line_no,
                    "trans-outside-voucher",
                    format!(
                        "{label} utanför en verifikation (#VER … {{ }}); raden hoppades över och \
                         dess belopp räknas inte. Flytta raden in i sin verifikation eller \
                         exportera filen igen"
                    ),
                );
                if kind != TransKind::Removed {
                    self.lose(account, e.as_cause());
                }
                self.report(e);
                return;
            }
            if self.voucher.as_ref().is_some_and(|ov| !ov.opened) {
                self.report(Finding::warning(
                    line_no,
                    "missing-open-brace",
                    "{ saknas efter #VER; transaktionerna läses ändå",
                ));
                if let Some(ov) = self.voucher.as_mut() {
                    ov.opened = true;
                }
            }
            match parse_trans(&mut f, kind, &mut self.interners) {
                Ok(t) => {
                    let ov = self.voucher.as_mut().expect("checked above");
                    if ov.voucher.transactions.len() >= MAX_VOUCHER_LINES {
                        if !ov.overflowed {
                            ov.overflowed = true;
                            let l = ov.voucher.line;
                            let e = Finding::error(
                                l,
                                "voucher-too-long",
                                format!(
                                    "verifikationen {} har fler än {} transaktionsrader; resten \
                                     hoppades över. Troligen saknas ett }} efter en \
                                     verifikation: lägg till det eller exportera filen igen",
                                    voucher_label(&ov.voucher),
                                    crate::finding::count(MAX_VOUCHER_LINES as u64)
                                ),
                            );
                            self.report(e);
                        }
                        if let Some(ov) = self.voucher.as_ref() {
                            let cause = Cause {
                                code: "voucher-too-long",
                                line: Some(ov.voucher.line),
                            };
                            self.lose(account, cause);
                        }
                        return;
                    }
                    // #RTRANS is followed by an identical #TRANS for older readers: skip it.
                    if kind == TransKind::Normal {
                        if let Some(i) = ov.last_added.take() {
                            let a = &ov.voucher.transactions[i];
                            if a.account == t.account
                                && a.objects == t.objects
                                && a.amount == t.amount
                            {
                                return;
                            }
                        }
                    } else {
                        ov.last_added = None;
                    }
                    if kind == TransKind::Added {
                        ov.last_added = Some(ov.voucher.transactions.len());
                    }
                    ov.voucher.transactions.push(t);
                }
                Err(e) => {
                    let e = skipped(label, e);
                    if kind != TransKind::Removed {
                        self.lose(account, e.as_cause());
                        if let Some(ov) = self.voucher.as_ref() {
                            if self.lost_vouchers.len() < MAX_LOST {
                                self.lost_vouchers
                                    .entry(ov.voucher.line)
                                    .or_insert(e.as_cause());
                            }
                        }
                    }
                    self.report(e)
                }
            }
            return;
        }
        // An unknown label inside a voucher block is skipped without closing the voucher.
        if self.voucher.as_ref().is_some_and(|ov| ov.opened) && !KNOWN_LABELS.contains(&label) {
            self.note_unknown(label, line_no);
            return;
        }
        self.skipping = false;
        // Any other label ends an open voucher.
        if self.voucher.is_some() {
            self.finish_voucher(false);
        }
        let parsed = self.parse_record(label, &mut f);
        match parsed {
            Ok(Some(Record::Voucher(v))) => {
                self.voucher = Some(OpenVoucher {
                    voucher: v,
                    overflowed: false,
                    opened: false,
                    last_added: None,
                });
            }
            Ok(Some(Record::Checksum(c))) => {
                self.checksum_seen = true;
                match (c, self.crc.take()) {
                    (None, None) => self.crc = Some(Crc32::new()),
                    (None, Some(_)) => {
                        self.report(Finding::warning(line_no, "checksum-twice", "#KSUMMA utan värde förekommer två gånger; kontrollsumman räknas om härifrån"));
                        self.crc = Some(Crc32::new());
                    }
                    (Some(v), Some(crc)) => {
                        let computed = crc.value() as i64;
                        if computed != v {
                            self.report(Finding::warning(
                                line_no,
                                "checksum-mismatch",
                                format!("kontrollsumman (#KSUMMA) stämmer inte: filen anger {v}, innehållet ger {computed}; filen kan ha ändrats efter exporten"),
                            ));
                        }
                    }
                    (Some(_), None) => self.report(Finding::warning(
                        line_no,
                        "checksum-unopened",
                        "#KSUMMA med värde utan inledande #KSUMMA; kontrollsumman kan inte prövas",
                    )),
                }
                self.out.push_back(Record::Checksum(c));
            }
            Ok(Some(r)) => {
                if let Record::Format(fmt) = &r {
                    self.declared_format = Some(fmt.clone());
                }
                self.out.push_back(r);
            }
            Ok(None) => {}
            Err(e) => {
                let e = skipped(label, e);
                if label == "#VER" {
                    self.skipping = true;
                    self.skip_cause = Some(e.as_cause());
                }
                self.report(e)
            }
        }
    }

    fn note_unknown(&mut self, label: &str, line: u64) {
        self.unknown_labels += 1;
        if let Some(e) = self.unknown_names.iter_mut().find(|(n, _, _)| n == label) {
            e.1 += 1;
        } else if self.unknown_names.len() < 100 {
            self.unknown_names.push((label.to_string(), 1, line));
        }
    }

    fn parse_record(&mut self, label: &str, f: &mut Fields<'_, '_>) -> Parsed {
        let l = f.line;
        let r = match label {
            "#FLAGGA" => {
                let v = f.req_str("flagga")?;
                match v.as_str() {
                    "0" => Record::Flag(0),
                    "1" => Record::Flag(1),
                    _ => {
                        return Err(Finding::error(
                            l,
                            "bad-field",
                            format!("#FLAGGA ska vara 0 eller 1, inte \"{v}\""),
                        ))
                    }
                }
            }
            "#PROGRAM" => Record::Program {
                name: f.req_str("programnamn")?,
                version: f.opt_str().unwrap_or_default(),
            },
            "#FORMAT" => Record::Format(f.req_str("format")?),
            "#GEN" => Record::Generated {
                date: f.req_date("datum")?,
                sign: f.opt_str(),
            },
            "#SIETYP" => {
                let v = f.req_str("typnummer")?;
                match v.as_str() {
                    "1" | "2" | "3" | "4" => Record::SieType(v.parse().unwrap_or(4)),
                    _ => {
                        return Err(Finding::error(
                            l,
                            "bad-sie-type",
                            format!("#SIETYP ska vara 1, 2, 3 eller 4, inte \"{v}\""),
                        ))
                    }
                }
            }
            "#PROSA" => Record::Prose(f.opt_str().unwrap_or_default()),
            "#FTYP" => Record::CompanyType(f.req_str("företagstyp")?),
            "#FNR" => Record::CompanyId(f.req_str("företagsid")?),
            "#ORGNR" => Record::OrgNumber {
                orgnr: f.req_str("organisationsnummer")?,
                acq: f.opt_str(),
                act: f.opt_str(),
            },
            "#BKOD" => Record::IndustryCode(f.req_str("SNI-kod")?),
            "#ADRESS" => Record::Address {
                contact: f.opt_str().unwrap_or_default(),
                street: f.opt_str().unwrap_or_default(),
                postal: f.opt_str().unwrap_or_default(),
                phone: f.opt_str().unwrap_or_default(),
            },
            "#FNAMN" => Record::CompanyName(f.req_str("företagsnamn")?),
            "#RAR" => {
                let index = f.req_year_index()?;
                // Some exporters (subsystems writing 4I) leave the dates out or write zeros.
                let no_date = |s: &Option<String>| {
                    s.as_deref()
                        .is_none_or(|d| d.trim().is_empty() || d.bytes().all(|b| b == b'0'))
                };
                let (start, end) = (f.peek_ascii(0), f.peek_ascii(1));
                if no_date(&start) && no_date(&end) {
                    return Err(Finding::warning(
                        l,
                        "rar-without-dates",
                        format!(
                            "#RAR {index} saknar datum; räkenskapsåret tas i stället från \
                             verifikationernas datum. Skriv start- och slutdatum (till exempel \
                             #RAR {index} 20250101 20251231) för att slippa varningen"
                        ),
                    ));
                }
                let start = f.req_date("startdatum")?;
                let end = f.req_date("slutdatum")?;
                if end < start {
                    return Err(Finding::error(
                        l,
                        "bad-year",
                        format!("räkenskapsåret {index} slutar ({end}) före det börjar ({start})"),
                    ));
                }
                Record::FinancialYear { index, start, end }
            }
            "#TAXAR" => Record::TaxYear(f.req_int("taxeringsår")?),
            "#OMFATTN" => Record::Extent(f.req_date("datum")?),
            "#KPTYP" => Record::ChartType(f.req_str("kontoplanstyp")?),
            "#VALUTA" => Record::Currency(f.req_str("valutakod")?),
            "#KONTO" => Record::Account {
                account: f.req_account()?,
                name: f.opt_str().unwrap_or_default(),
            },
            "#KTYP" => {
                let account = f.req_account()?;
                let kind = f.req_str("kontotyp")?.to_ascii_uppercase();
                if !matches!(kind.as_str(), "T" | "S" | "K" | "I") {
                    return Err(Finding::error(
                        l,
                        "bad-field",
                        format!(
                            "kontotypen för {account} ska vara T, S, K eller I, inte \"{kind}\""
                        ),
                    ));
                }
                Record::AccountType { account, kind }
            }
            "#ENHET" => Record::AccountUnit {
                account: f.req_account()?,
                unit: f.req_str("enhet")?,
            },
            "#SRU" => Record::Sru {
                account: f.req_account()?,
                code: f.req_str("SRU-kod")?,
            },
            "#DIM" => Record::Dimension {
                dim: f.req_dim()?,
                name: f.opt_str().unwrap_or_default(),
            },
            "#UNDERDIM" => Record::SubDimension {
                dim: f.req_dim()?,
                name: f.opt_str().unwrap_or_default(),
                parent: f.req_dim()?,
            },
            "#OBJEKT" => Record::Object {
                dim: f.req_dim()?,
                code: f.req_str("objektkod")?,
                name: f.opt_str().unwrap_or_default(),
            },
            "#IB" | "#UB" | "#RES" => {
                let kind = match label {
                    "#IB" => BalanceKind::Opening,
                    "#UB" => BalanceKind::Closing,
                    _ => BalanceKind::Result,
                };
                Record::Balance {
                    kind,
                    year: f.req_year_index()?,
                    account: f.req_account()?,
                    amount: f.req_amount()?,
                    quantity: f.opt_quantity()?,
                }
            }
            "#OIB" | "#OUB" => {
                let kind = if label == "#OIB" {
                    BalanceKind::Opening
                } else {
                    BalanceKind::Closing
                };
                let year = f.req_year_index()?;
                let account = f.req_account()?;
                let objects = f.objects()?;
                if objects.len() != 1 {
                    return Err(Finding::error(
                        l,
                        "bad-objects",
                        format!("{label} ska ha exakt ett objekt, har {}", objects.len()),
                    ));
                }
                let object = objects.into_iter().next().expect("one object");
                Record::ObjectBalance {
                    kind,
                    year,
                    account,
                    object,
                    amount: f.req_amount()?,
                    quantity: f.opt_quantity()?,
                }
            }
            "#PSALDO" | "#PBUDGET" => {
                let kind = if label == "#PSALDO" {
                    PeriodKind::Outcome
                } else {
                    PeriodKind::Budget
                };
                let year = f.req_year_index()?;
                let p = f.req_str("period")?;
                // A #PBUDGET for the whole year: the period is the year alone.
                let annual = kind == PeriodKind::Budget
                    && p.len() == 4
                    && p.bytes().all(|b| b.is_ascii_digit());
                let period = if annual {
                    YearMonth::new(p.parse().unwrap_or(0), 1)
                } else {
                    YearMonth::parse(&p)
                }
                .map_err(|e| Finding::error(l, "bad-period", format!("{label}: {e}")))?;
                let kind = if annual {
                    PeriodKind::AnnualBudget
                } else {
                    kind
                };
                let account = f.req_account()?;
                let objects = f.objects()?;
                Record::Period {
                    kind,
                    year,
                    period,
                    account,
                    objects,
                    amount: f.req_amount()?,
                    quantity: f.opt_quantity()?,
                }
            }
            "#VER" => {
                let series = f.opt_str().unwrap_or_default();
                let number = f.opt_str();
                let date = f.req_date("verifikationsdatum")?;
                let text = f.opt_str();
                let reg_date = f.opt_date()?;
                let sign = f.opt_str();
                Record::Voucher(Voucher {
                    series,
                    number,
                    date,
                    text,
                    reg_date,
                    sign,
                    transactions: Vec::new(),
                    line: l,
                })
            }
            "#KSUMMA" => {
                let v = f.opt_str();
                match v {
                    None => Record::Checksum(None),
                    Some(s) => match s.parse::<i64>() {
                        Ok(n) => Record::Checksum(Some(n)),
                        Err(_) => {
                            return Err(Finding::error(
                                l,
                                "bad-field",
                                format!("#KSUMMA ska vara ett heltal, inte \"{s}\""),
                            ))
                        }
                    },
                }
            }
            _ => {
                self.note_unknown(label, l);
                return Ok(None);
            }
        };
        self.records += 1;
        Ok(Some(r))
    }

    /// Report a file that looks cut off (kept whatever the cap on findings); what the cut
    /// last line itself gave (a missing field, an open quote) becomes its follow-on.
    fn report_truncated(&mut self, f: Finding) {
        if self.opts.strict {
            self.stopped = true;
        }
        let cause = f.as_cause();
        if !self.last_terminated {
            let last = Some(self.line_no);
            for e in self.findings.list_mut() {
                if e.line == last && e.severity == Severity::Error && e.cause.is_none() {
                    e.cause = Some(cause);
                }
            }
        }
        self.truncated = Some(cause);
        self.findings.push_kept(f);
    }

    fn finish(&mut self) {
        if let Some(ov) = self.voucher.take() {
            let v = &ov.voucher;
            let unbalanced = v.balance() != Some(delar_core::Amount::ZERO);
            let cut = truncated_in_voucher(v);
            if unbalanced || !self.last_terminated || v.transactions.is_empty() {
                // The file stops inside a voucher: it was cut off, and whatever followed
                // (other vouchers, the rest of this one) is missing.
                self.report_truncated(Finding::error(v.line, "truncated", cut));
            } else {
                // Balanced and ended by a line break: perhaps only the `}` is missing, perhaps
                // the file was cut right there; the validator decides by the balances
                // (SieStream makes this the `truncated` error when they do not add up).
                let f = Finding::warning(
                    v.line,
                    "voucher-not-closed",
                    format!(
                        "verifikationen {} i slutet av filen saknar avslutande }}; den lästes \
                         ändå. Lägg till }} sist i filen för att slippa varningen",
                        voucher_label(v)
                    ),
                );
                self.open_at_end = Some((f.as_cause(), cut));
                self.report(f);
            }
            self.out.push_back(Record::Voucher(ov.voucher));
        } else if !self.last_terminated && self.last_line_error && self.line_no > 0 {
            let l = self.line_no;
            let f = Finding::error(
                l,
                "truncated",
                format!(
                    "filen verkar avbruten: sista raden (rad {}) är ofullständig och saknar \
                     radslut. {TRUNCATED_TODO}",
                    crate::finding::count(l)
                ),
            );
            self.report_truncated(f);
        }
        if self.crc.is_some() {
            let f = Finding::file(
                Severity::Warning,
                "checksum-unclosed",
                "#KSUMMA öppnades men avslutas aldrig med en kontrollsumma; kontrollera att \
                 hela filen kom med",
            );
            let f = match self.truncated {
                Some(c) => f.caused_by(c),
                None => f,
            };
            self.report(f);
            self.crc = None;
        }
        if self.nul_lines > 1 {
            let n = self.nul_lines;
            if let Some(f) = self
                .findings
                .list_mut()
                .iter_mut()
                .find(|f| f.code == "binary")
            {
                f.message.push_str(&format!(
                    " ({} rader med NUL-tecken, visas en gång)",
                    crate::finding::count(n)
                ));
            }
        }
        for (name, n, first) in std::mem::take(&mut self.unknown_names) {
            self.findings.push(Finding::info(
                first,
                "unknown-label",
                format!(
                    "okänd etikett {name} hoppades över ({n} gånger), som standarden föreskriver"
                ),
            ));
        }
        let enc = self.detector.encoding();
        if let Some(bad) = self.detector.first_bad_line {
            self.findings.push(Finding::warning(
                bad,
                "mixed-encoding",
                format!("{} rader är inte giltig UTF-8 fast filen i övrigt är det; de lästes som en teckentabell med en byte per tecken", self.detector.bad_lines),
            ));
        }
        let declared_pc8 = self
            .declared_format
            .as_deref()
            .is_some_and(|f| f.eq_ignore_ascii_case("PC8"));
        if declared_pc8
            && matches!(
                enc,
                Encoding::Utf8 | Encoding::Utf8Bom | Encoding::Windows1252 | Encoding::Latin1
            )
        {
            self.findings.push(Finding::new(
                Severity::Warning,
                self.detector.decided_on_line,
                "encoding-mismatch",
                format!(
                    "filen anger #FORMAT PC8 (CP437) men innehållet är {}; den lästes som {}",
                    enc.label(),
                    enc.label()
                ),
            ));
        }
        if self.line_no == 0 {
            self.findings.push(Finding::file(
                Severity::Error,
                "empty",
                "filen är tom; exportera SIE-filen igen och kontrollera att exporten blev klar",
            ));
        } else if self.records == 0 {
            // Nothing SIE in it: one finding, not one per line.
            self.findings.retain(|f| f.code == "io");
            self.findings.push(Finding::file(
                Severity::Error,
                "not-sie",
                "filen innehåller inga SIE-poster (#FLAGGA, #KONTO, #VER …) och är ingen \
                 SIE-fil; välj filen som ekonomisystemet exporterar som SIE (typ 4)",
            ));
        }
    }
}

/// What to do about a file that looks cut off.
const TRUNCATED_TODO: &str = "Kontrollera att hela filen kom med (kopiering, nedladdning, \
                              diskutrymme) eller exportera den igen";

/// The message of a file that stops inside voucher `v`.
fn truncated_in_voucher(v: &Voucher) -> String {
    format!(
        "filen verkar avbruten: den slutar mitt i verifikationen {} (rad {}), som saknar \
         avslutande }}; det som kom efter saknas, så saldon och resultat stämmer inte med \
         transaktionerna. {TRUNCATED_TODO}",
        voucher_label(v),
        crate::finding::count(v.line)
    )
}

/// True for a label whose records have no bearing on amounts ([`HARMLESS_LABELS`]).
fn is_harmless(label: &[u8]) -> bool {
    HARMLESS_LABELS
        .iter()
        .any(|l| l.as_bytes().eq_ignore_ascii_case(label))
}

/// `A 12` for a voucher (series and number), `(utan serie och nummer)` when both are empty.
pub(crate) fn voucher_label(v: &Voucher) -> String {
    match (v.series.is_empty(), v.number.as_deref()) {
        (true, None) => format!("(utan serie och nummer, {})", v.date),
        (true, Some(n)) => n.to_string(),
        (false, None) => format!("{} (utan nummer)", v.series),
        (false, Some(n)) => format!("{} {n}", v.series),
    }
}

/// A record that could not be read and was skipped: what it means and what to do. Records
/// with no bearing on amounts ([`HARMLESS_LABELS`]) give a warning, not an error.
fn skipped(label: &str, mut e: Finding) -> Finding {
    if e.severity != Severity::Error {
        return e;
    }
    const FIX: &str = "rätta den i ekonomisystemet och exportera filen igen";
    let suffix = if is_harmless(label.as_bytes()) {
        e.severity = Severity::Warning;
        "raden påverkar inga belopp och hoppades över".to_string()
    } else {
        match label {
            "#VER" => format!("verifikationen och dess rader hoppades över; {FIX}"),
            "#TRANS" | "#RTRANS" | "#BTRANS" => {
                format!("raden hoppades över, så verifikationen blir ofullständig; {FIX}")
            }
            _ => format!("raden hoppades över; {FIX}"),
        }
    };
    e.message = format!("{}; {suffix}", e.message);
    e
}

impl<R: BufRead> Iterator for SieReader<R> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        loop {
            if self.st.stopped {
                self.st.out.clear();
                return None;
            }
            if let Some(r) = self.st.out.pop_front() {
                return Some(r);
            }
            if self.st.eof {
                return None;
            }
            if !self.next_line() {
                self.st.eof = true;
                // A file found to be something else (HTML, ZIP …) has its one finding.
                if !self.st.foreign {
                    self.st.finish();
                }
            }
        }
    }
}

/// A cursor over a record's fields with typed accessors that produce Swedish findings.
struct Fields<'f, 'a> {
    fields: &'f [RawField<'a>],
    idx: usize,
    enc: Encoding,
    line: u64,
    label: &'f str,
}

impl Fields<'_, '_> {
    fn next_raw(&mut self) -> Option<&RawField<'_>> {
        let f = self.fields.get(self.idx);
        if f.is_some() {
            self.idx += 1;
        }
        f
    }

    /// The text of the field `ahead` places after the cursor, without moving it.
    fn peek_ascii(&self, ahead: usize) -> Option<String> {
        self.fields
            .get(self.idx + ahead)
            .filter(|f| f.kind != FieldKind::Objects)
            .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
    }

    fn peek_kind(&self) -> Option<FieldKind> {
        self.fields.get(self.idx).map(|f| f.kind)
    }

    fn missing(&self, what: &str) -> Finding {
        Finding::error(
            self.line,
            "missing-field",
            format!("{} saknar fältet {what}", self.label),
        )
    }

    fn text(&self, f: &RawField<'_>) -> String {
        self.enc.decode(&f.bytes).into_owned()
    }

    fn req_str(&mut self, what: &str) -> Result<String, Finding> {
        let enc = self.enc;
        match self.next_raw() {
            Some(f) if f.kind != FieldKind::Objects => Ok(enc.decode(&f.bytes).into_owned()),
            _ => Err(self.missing(what)),
        }
    }

    /// An optional text field; empty (`""`) reads as absent.
    fn opt_str(&mut self) -> Option<String> {
        if self.peek_kind() == Some(FieldKind::Objects) {
            return None;
        }
        let f = self.fields.get(self.idx)?;
        self.idx += 1;
        let s = self.text(f);
        if s.is_empty() {
            None
        } else {
            Some(s)
        }
    }

    fn ascii<'b>(&self, f: &'b RawField<'_>) -> Cow<'b, str> {
        String::from_utf8_lossy(&f.bytes)
    }

    fn req_account(&mut self) -> Result<String, Finding> {
        let line = self.line;
        let label = self.label;
        let Some(f) = self.fields.get(self.idx) else {
            return Err(self.missing("kontonummer"));
        };
        self.idx += 1;
        let s = self.ascii(f).into_owned();
        check_account_number(&s)
            .map_err(|e| Finding::error(line, "bad-account", format!("{label}: {e}")))?;
        Ok(s)
    }

    fn req_account_interned(&mut self, interner: &mut Interner<Code>) -> Result<Code, Finding> {
        let line = self.line;
        let label = self.label;
        let Some(f) = self.fields.get(self.idx) else {
            return Err(self.missing("kontonummer"));
        };
        self.idx += 1;
        interner.get_or(&f.bytes, || {
            let s = String::from_utf8_lossy(&f.bytes);
            check_account_number(&s)
                .map_err(|e| Finding::error(line, "bad-account", format!("{label}: {e}")))?;
            Ok(Code::from(s.as_ref()))
        })
    }

    /// An optional text as a shared value; empty (`""`) reads as absent.
    fn opt_text_interned(&mut self, interners: &mut Interners) -> Option<Code> {
        if self.peek_kind() == Some(FieldKind::Objects) {
            return None;
        }
        let f = self.fields.get(self.idx)?;
        self.idx += 1;
        if f.bytes.is_empty() {
            return None;
        }
        Some(interners.text(&f.bytes, self.enc))
    }

    /// The object list as a shared set.
    fn objects_interned(
        &mut self,
        interner: &mut Interner<ObjectSet>,
    ) -> Result<ObjectSet, Finding> {
        if self.peek_kind() != Some(FieldKind::Objects) {
            return Ok(ObjectSet::empty());
        }
        let raw: &[u8] = &self.fields[self.idx].bytes;
        // Non-ASCII object codes decode per encoding: those are not shared.
        if !raw.is_ascii() {
            return self.objects().map(ObjectSet::from);
        }
        if let Some(set) = interner.lookup(raw) {
            self.idx += 1;
            return Ok(set);
        }
        let key = raw.to_vec();
        let set = ObjectSet::from(self.objects()?);
        interner.insert(&key, set.clone());
        Ok(set)
    }

    fn req_date(&mut self, what: &str) -> Result<Date, Finding> {
        let line = self.line;
        let label = self.label;
        let Some(f) = self.fields.get(self.idx) else {
            return Err(self.missing(what));
        };
        self.idx += 1;
        let s = self.ascii(f);
        Date::parse_yyyymmdd(&s)
            .map_err(|e| Finding::error(line, "bad-date", format!("{label}: {what}: {e}")))
    }

    /// The next optional field's text: `None` when absent, empty (`""`) or an object list.
    fn opt_ascii(&mut self) -> Option<String> {
        let f = self.fields.get(self.idx)?;
        if f.kind == FieldKind::Objects {
            return None;
        }
        self.idx += 1;
        if f.bytes.is_empty() {
            return None;
        }
        Some(String::from_utf8_lossy(&f.bytes).into_owned())
    }

    fn opt_date(&mut self) -> Result<Option<Date>, Finding> {
        let line = self.line;
        let label = self.label;
        let Some(s) = self.opt_ascii() else {
            return Ok(None);
        };
        Date::parse_yyyymmdd(&s)
            .map(Some)
            .map_err(|e| Finding::error(line, "bad-date", format!("{label}: {e}")))
    }

    fn req_int(&mut self, what: &str) -> Result<i32, Finding> {
        let line = self.line;
        let label = self.label;
        let Some(f) = self.fields.get(self.idx) else {
            return Err(self.missing(what));
        };
        self.idx += 1;
        let s = self.ascii(f);
        s.parse::<i32>().map_err(|_| {
            Finding::error(
                line,
                "bad-number",
                format!("{label}: {what} ska vara ett heltal, inte \"{s}\""),
            )
        })
    }

    fn req_year_index(&mut self) -> Result<i32, Finding> {
        let v = self.req_int("årsnummer")?;
        if !(-99..=0).contains(&v) {
            return Err(Finding::error(
                self.line,
                "bad-year-index",
                format!("{}: årsnumret ska vara 0, −1, −2 …, inte {v}", self.label),
            ));
        }
        Ok(v)
    }

    fn req_dim(&mut self) -> Result<u32, Finding> {
        let v = self.req_int("dimensionsnummer")?;
        u32::try_from(v).ok().filter(|d| *d >= 1).ok_or_else(|| {
            Finding::error(
                self.line,
                "bad-dimension",
                format!(
                    "{}: dimensionsnumret ska vara ett positivt heltal, inte {v}",
                    self.label
                ),
            )
        })
    }

    fn req_amount(&mut self) -> Result<Amount, Finding> {
        let line = self.line;
        let label = self.label;
        let Some(f) = self.fields.get(self.idx) else {
            return Err(self.missing("belopp"));
        };
        self.idx += 1;
        let s = self.ascii(f);
        Amount::parse_sie(&s)
            .map_err(|e| Finding::error(line, "bad-amount", format!("{label}: {e}")))
    }

    fn opt_quantity(&mut self) -> Result<Option<f64>, Finding> {
        let line = self.line;
        let label = self.label;
        let Some(s) = self.opt_ascii() else {
            return Ok(None);
        };
        let s = s.replace(',', ".");
        match s.parse::<f64>() {
            Ok(q) if q.is_finite() => Ok(Some(q)),
            _ => Err(Finding::error(
                line,
                "bad-quantity",
                format!("{label}: kvantiteten \"{s}\" är inget tal"),
            )),
        }
    }

    /// The object list, if the next field is one (some exporters omit an empty `{}`).
    fn objects(&mut self) -> Result<Vec<ObjectRef>, Finding> {
        if self.peek_kind() != Some(FieldKind::Objects) {
            return Ok(Vec::new());
        }
        let f = &self.fields[self.idx];
        self.idx += 1;
        parse_object_list(&f.bytes, self.enc, self.label, self.line)
    }
}

/// Parse an object list's inner bytes (`1 "100" 2 "510"`) into sorted, deduplicated
/// references; `label` and `line` go into the finding on error.
pub(crate) fn parse_object_list(
    inner: &[u8],
    enc: Encoding,
    label: &str,
    line: u64,
) -> Result<Vec<ObjectRef>, Finding> {
    let (of, errs) = object_fields(inner);
    if let Some(e) = errs.first() {
        return Err(Finding::error(
            line,
            "bad-objects",
            format!("{}: {}", label, e.message),
        ));
    }
    if of.len() % 2 != 0 {
        return Err(Finding::error(
            line,
            "bad-objects",
            format!(
                "{}: objektlistan ska bestå av par (dimension objekt), men har {} fält",
                label,
                of.len()
            ),
        ));
    }
    let mut v: Vec<ObjectRef> = Vec::with_capacity(of.len() / 2);
    for pair in of.chunks(2) {
        let d = String::from_utf8_lossy(&pair[0].bytes);
        let dim = d.parse::<u32>().ok().filter(|d| *d >= 1).ok_or_else(|| {
            Finding::error(
                line,
                "bad-objects",
                format!(
                    "{}: dimensionen \"{d}\" i objektlistan är inget positivt heltal",
                    label
                ),
            )
        })?;
        let code = enc.decode(&pair[1].bytes).into_owned();
        if code.is_empty() {
            return Err(Finding::error(
                line,
                "bad-objects",
                format!("{}: tom objektkod för dimension {dim}", label),
            ));
        }
        v.push(ObjectRef { dim, code });
    }
    v.sort();
    v.dedup();
    Ok(v)
}

fn parse_trans(
    f: &mut Fields<'_, '_>,
    kind: TransKind,
    interners: &mut Interners,
) -> Result<Transaction, Finding> {
    let account = f.req_account_interned(&mut interners.accounts)?;
    let objects = f.objects_interned(&mut interners.objects)?;
    let amount = f.req_amount()?;
    let date = f.opt_date()?;
    let text = f.opt_text_interned(interners);
    let quantity = f.opt_quantity()?;
    let sign = f.opt_text_interned(interners);
    Ok(Transaction {
        kind,
        account,
        objects,
        amount,
        date,
        text,
        quantity,
        sign,
        line: f.line,
    })
}

/// An empty vector of fields of any lifetime, reusing `v`'s allocation (the in-place
/// collect of an empty iterator keeps the buffer).
fn recycle<'a>(mut v: Vec<RawField<'_>>) -> Vec<RawField<'a>> {
    v.clear();
    v.into_iter().map(|_| unreachable!("cleared")).collect()
}

#[cfg(test)]
mod scan_tests {
    use super::scan_line;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn scan_line_agrees_with_the_plain_checks(bytes in proptest::collection::vec(prop_oneof![Just(0u8), Just(0x80u8), Just(0x01u8), any::<u8>(), 0x20u8..0x7f], 0..40)) {
            prop_assert_eq!(scan_line(&bytes), (bytes.is_ascii(), bytes.contains(&0)));
        }
    }
}
