//! Parse an SIE file and print record and transaction counts: a profiling target for the
//! reader alone (`cargo run --release -p delar-sie --example parse -- FILE [--validate]`).

use delar_sie::{ReadOptions, Record, SieReader, SieStream};
use std::io::BufReader;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: parse FILE [--validate]");
    let validate = args.next().as_deref() == Some("--validate");
    let file = std::fs::File::open(&path).expect("open");
    let cap: usize = std::env::var("BUF")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1 << 16);
    let input = BufReader::with_capacity(cap, file);
    let start = std::time::Instant::now();
    if validate {
        let c = SieStream::new(input, ReadOptions::default()).finish();
        println!(
            "{} transactions, {} findings",
            c.summary.transactions,
            c.findings.list().len()
        );
    } else {
        let (mut records, mut trans) = (0u64, 0u64);
        for r in SieReader::new(input, ReadOptions::default()) {
            records += 1;
            if let Record::Voucher(v) = &r {
                trans += v.transactions.len() as u64;
            }
        }
        println!("{records} records, {trans} transactions");
    }
    eprintln!("{:.2} s", start.elapsed().as_secs_f64());
}
