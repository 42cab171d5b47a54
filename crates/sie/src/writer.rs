//! Writing SIE records: what [`crate::SieReader`] reads back gives the same records.

use crate::encoding::Encoding;
use crate::model::*;
use crate::reader::Crc32;
use crate::token::{FieldKind, RawField};
use std::borrow::Cow;
use std::io::{self, Write};

/// Writes SIE records to any output, in CP437 (the standard) or UTF-8.
pub struct SieWriter<W: Write> {
    out: W,
    encoding: Encoding,
    crc: Option<Crc32>,
    line: Vec<u8>,
}

/// One field to write: quoted text, bare token or object list.
enum Out<'a> {
    Bare(Cow<'a, str>),
    Text(&'a str),
    Objects(&'a [ObjectRef]),
}

impl<W: Write> SieWriter<W> {
    /// A writer using the standard's encoding, CP437.
    pub fn new(out: W) -> Self {
        SieWriter::with_encoding(out, Encoding::Cp437)
    }

    /// A writer using `encoding` (CP437, UTF-8, Windows-1252 or ISO-8859-1).
    pub fn with_encoding(out: W, encoding: Encoding) -> Self {
        SieWriter {
            out,
            encoding,
            crc: None,
            line: Vec::with_capacity(256),
        }
    }

    /// Flush and return the output.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }

    fn quote(&self, s: &str, buf: &mut Vec<u8>) {
        quote(self.encoding, s, buf)
    }

    fn emit(&mut self, label: &str, fields: &[Out<'_>]) -> io::Result<()> {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        line.extend_from_slice(label.as_bytes());
        for f in fields {
            line.push(b' ');
            match f {
                Out::Bare(s) => line.extend_from_slice(&self.encoding.encode(s)),
                Out::Text(s) => self.quote(s, &mut line),
                Out::Objects(objs) => {
                    line.push(b'{');
                    for (i, o) in objs.iter().enumerate() {
                        if i > 0 {
                            line.push(b' ');
                        }
                        line.extend_from_slice(o.dim.to_string().as_bytes());
                        line.push(b' ');
                        self.quote(&o.code, &mut line);
                    }
                    line.push(b'}');
                }
            }
        }
        if let Some(crc) = self.crc.as_mut() {
            // Feed exactly what the reader will feed: label and field contents.
            let mut raws: Vec<RawField<'_>> = vec![RawField {
                kind: FieldKind::Bare,
                bytes: Cow::Borrowed(label.as_bytes()),
            }];
            let enc = self.encoding;
            for f in fields {
                raws.push(match f {
                    Out::Bare(s) => RawField {
                        kind: FieldKind::Bare,
                        bytes: Cow::Owned(enc.encode(s).into_owned()),
                    },
                    Out::Text(s) => RawField {
                        kind: FieldKind::Quoted,
                        bytes: Cow::Owned(enc.encode(s).into_owned()),
                    },
                    Out::Objects(objs) => {
                        let mut inner = Vec::new();
                        for o in objs.iter() {
                            inner.extend_from_slice(o.dim.to_string().as_bytes());
                            inner.push(b' ');
                            let mut q = Vec::new();
                            quote(enc, &o.code, &mut q);
                            inner.extend_from_slice(&q);
                            inner.push(b' ');
                        }
                        RawField {
                            kind: FieldKind::Objects,
                            bytes: Cow::Owned(inner),
                        }
                    }
                });
            }
            crc.feed_fields(&raws);
        }
        line.extend_from_slice(b"\r\n");
        let r = self.out.write_all(&line);
        self.line = line;
        r
    }

    fn brace(&mut self, b: &'static [u8]) -> io::Result<()> {
        // Braces are not part of the #KSUMMA checksum.
        self.out.write_all(b)?;
        self.out.write_all(b"\r\n")
    }

    /// Start the checksummed part: writes `#KSUMMA`; [`SieWriter::end_checksum`] closes it.
    pub fn begin_checksum(&mut self) -> io::Result<()> {
        self.emit("#KSUMMA", &[])?;
        self.crc = Some(Crc32::new());
        Ok(())
    }

    /// Close the checksummed part: writes `#KSUMMA <crc>`.
    pub fn end_checksum(&mut self) -> io::Result<()> {
        if let Some(crc) = self.crc.take() {
            let v = crc.value();
            self.emit("#KSUMMA", &[Out::Bare(Cow::Owned(v.to_string()))])?;
        }
        Ok(())
    }

    /// Write one record.
    pub fn write(&mut self, r: &Record) -> io::Result<()> {
        use Out::*;
        fn b<'a>(s: &'a str) -> Out<'a> {
            Bare(Cow::Borrowed(s))
        }
        fn own<'a>(s: String) -> Out<'a> {
            Bare(Cow::Owned(s))
        }
        fn opt<S: AsRef<str>>(s: &Option<S>) -> Out<'_> {
            Text(s.as_ref().map_or("", |s| s.as_ref()))
        }
        fn qty<'a>(q: Option<f64>) -> Option<Out<'a>> {
            q.map(|q| own(format_quantity(q)))
        }
        match r {
            Record::Flag(f) => self.emit("#FLAGGA", &[own(f.to_string())]),
            Record::Program { name, version } => {
                self.emit("#PROGRAM", &[Text(name), Text(version)])
            }
            Record::Format(f) => self.emit("#FORMAT", &[b(f)]),
            Record::Generated { date, sign } => {
                let mut v = vec![own(date.to_yyyymmdd())];
                if let Some(s) = sign {
                    v.push(Text(s));
                }
                self.emit("#GEN", &v)
            }
            Record::SieType(t) => self.emit("#SIETYP", &[own(t.to_string())]),
            Record::Prose(p) => self.emit("#PROSA", &[Text(p)]),
            Record::CompanyType(t) => self.emit("#FTYP", &[Text(t)]),
            Record::CompanyId(t) => self.emit("#FNR", &[Text(t)]),
            Record::OrgNumber { orgnr, acq, act } => {
                let mut v = vec![Text(orgnr)];
                if acq.is_some() || act.is_some() {
                    v.push(opt(acq));
                }
                if act.is_some() {
                    v.push(opt(act));
                }
                self.emit("#ORGNR", &v)
            }
            Record::IndustryCode(c) => self.emit("#BKOD", &[Text(c)]),
            Record::Address {
                contact,
                street,
                postal,
                phone,
            } => self.emit(
                "#ADRESS",
                &[Text(contact), Text(street), Text(postal), Text(phone)],
            ),
            Record::CompanyName(n) => self.emit("#FNAMN", &[Text(n)]),
            Record::FinancialYear { index, start, end } => self.emit(
                "#RAR",
                &[
                    own(index.to_string()),
                    own(start.to_yyyymmdd()),
                    own(end.to_yyyymmdd()),
                ],
            ),
            Record::TaxYear(y) => self.emit("#TAXAR", &[own(y.to_string())]),
            Record::Extent(d) => self.emit("#OMFATTN", &[own(d.to_yyyymmdd())]),
            Record::ChartType(t) => self.emit("#KPTYP", &[Text(t)]),
            Record::Currency(c) => self.emit("#VALUTA", &[b(c)]),
            Record::Account { account, name } => self.emit("#KONTO", &[b(account), Text(name)]),
            Record::AccountType { account, kind } => self.emit("#KTYP", &[b(account), b(kind)]),
            Record::AccountUnit { account, unit } => self.emit("#ENHET", &[b(account), Text(unit)]),
            Record::Sru { account, code } => self.emit("#SRU", &[b(account), b(code)]),
            Record::Dimension { dim, name } => {
                self.emit("#DIM", &[own(dim.to_string()), Text(name)])
            }
            Record::SubDimension { dim, name, parent } => self.emit(
                "#UNDERDIM",
                &[own(dim.to_string()), Text(name), own(parent.to_string())],
            ),
            Record::Object { dim, code, name } => {
                self.emit("#OBJEKT", &[own(dim.to_string()), Text(code), Text(name)])
            }
            Record::Balance {
                kind,
                year,
                account,
                amount,
                quantity,
            } => {
                let label = match kind {
                    BalanceKind::Opening => "#IB",
                    BalanceKind::Closing => "#UB",
                    BalanceKind::Result => "#RES",
                };
                let mut v = vec![own(year.to_string()), b(account), own(amount.to_sie())];
                v.extend(qty(*quantity));
                self.emit(label, &v)
            }
            Record::ObjectBalance {
                kind,
                year,
                account,
                object,
                amount,
                quantity,
            } => {
                let label = if *kind == BalanceKind::Opening {
                    "#OIB"
                } else {
                    "#OUB"
                };
                let objs = std::slice::from_ref(object);
                let mut v = vec![
                    own(year.to_string()),
                    b(account),
                    Objects(objs),
                    own(amount.to_sie()),
                ];
                v.extend(qty(*quantity));
                self.emit(label, &v)
            }
            Record::Period {
                kind,
                year,
                period,
                account,
                objects,
                amount,
                quantity,
            } => {
                let label = if *kind == PeriodKind::Outcome {
                    "#PSALDO"
                } else {
                    "#PBUDGET"
                };
                let mut v = vec![
                    own(year.to_string()),
                    own(if *kind == PeriodKind::AnnualBudget {
                        period.year().to_string()
                    } else {
                        period.to_yyyymm()
                    }),
                    b(account),
                    Objects(objects),
                    own(amount.to_sie()),
                ];
                v.extend(qty(*quantity));
                self.emit(label, &v)
            }
            Record::Voucher(vo) => {
                let mut v = vec![
                    Text(&vo.series),
                    opt(&vo.number),
                    own(vo.date.to_yyyymmdd()),
                    opt(&vo.text),
                ];
                if vo.reg_date.is_some() || vo.sign.is_some() {
                    v.push(
                        vo.reg_date
                            .map(|d| own(d.to_yyyymmdd()))
                            .unwrap_or(Text("")),
                    );
                }
                if vo.sign.is_some() {
                    v.push(opt(&vo.sign));
                }
                self.emit("#VER", &v)?;
                self.brace(b"{")?;
                for t in &vo.transactions {
                    let label = match t.kind {
                        TransKind::Normal => "#TRANS",
                        TransKind::Added => "#RTRANS",
                        TransKind::Removed => "#BTRANS",
                    };
                    let mut v = vec![
                        b(&t.account),
                        Objects(&t.objects),
                        own(t.amount.to_sie()),
                        Text(""),
                        opt(&t.text),
                    ];
                    if let Some(d) = t.date {
                        v[3] = own(d.to_yyyymmdd());
                    }
                    if t.quantity.is_some() || t.sign.is_some() {
                        v.push(
                            t.quantity
                                .map(|q| own(format_quantity(q)))
                                .unwrap_or(Text("")),
                        );
                    }
                    if t.sign.is_some() {
                        v.push(opt(&t.sign));
                    }
                    self.emit(label, &v)?;
                    if t.kind == TransKind::Added {
                        // Older readers ignore #RTRANS; the standard repeats it as #TRANS.
                        v[0] = b(&t.account);
                        self.emit("#TRANS", &v)?;
                    }
                }
                self.brace(b"}")
            }
            Record::Checksum(None) => self.begin_checksum(),
            Record::Checksum(Some(_)) => self.end_checksum(),
        }
    }
}

fn quote(enc: Encoding, s: &str, buf: &mut Vec<u8>) {
    buf.push(b'"');
    for &b in enc.encode(s).iter() {
        if b == b'"' {
            buf.push(b'\\');
        }
        buf.push(b);
    }
    buf.push(b'"');
}

/// A quantity as SIE writes it: decimal point, no exponent.
pub fn format_quantity(q: f64) -> String {
    let s = format!("{q}");
    if s.contains('e') || s.contains('E') {
        format!("{q:.6}")
    } else {
        s
    }
}
