//! Measure import speed on a generated SIE file:
//! `cargo run --release -p delar-store --example import_speed [transactions]`.

use delar_sie::{ReadOptions, SieStream};
use delar_store::{ImportOptions, SqliteStore, Store};
use std::io::{BufReader, BufWriter, Write};
use std::time::Instant;

/// CPU time of this thread in seconds (Linux; 0 elsewhere): steadier than wall time on a
/// busy machine.
fn cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|n| n.parse::<f64>().ok())
        })
        .map(|ns| ns / 1e9)
        .unwrap_or(0.0)
}

fn main() {
    let transactions: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temporary directory");
    let sie = dir.path().join("stor.se");
    let per_voucher = 5u64;
    {
        let mut w = BufWriter::new(std::fs::File::create(&sie).expect("create file"));
        writeln!(
            w,
            "#FLAGGA 0\n#FORMAT PC8\n#SIETYP 4\n#ORGNR 212000-0000\n#FNAMN \"Stora kommun\""
        )
        .unwrap();
        writeln!(w, "#RAR 0 20250101 20251231").unwrap();
        let accounts: Vec<u32> = (0..400).map(|i| 3000 + i * 13).collect();
        for a in &accounts {
            writeln!(w, "#KONTO {a} \"Konto {a}\"").unwrap();
        }
        writeln!(w, "#KONTO 1930 \"Bank\"").unwrap();
        for o in 0..200 {
            writeln!(w, "#OBJEKT 1 \"{}\" \"Enhet {o}\"", 1000 + o).unwrap();
        }
        let vouchers = transactions / per_voucher;
        for v in 0..vouchers {
            let month = v * 12 / vouchers.max(1) + 1;
            let day = v % 28 + 1;
            writeln!(
                w,
                "#VER A {} 2025{month:02}{day:02} \"Verifikation {v}\"\n{{",
                v + 1
            )
            .unwrap();
            let mut sum = 0i64;
            for t in 0..per_voucher - 1 {
                let acc = accounts[((v * 7 + t * 31) % accounts.len() as u64) as usize];
                let obj = 1000 + (v * 3 + t) % 200;
                let amount = ((v * 7919 + t * 104_729) % 1_000_000) as i64 + 1;
                sum += amount;
                writeln!(
                    w,
                    "#TRANS {acc} {{1 \"{obj}\"}} {}.{:02}",
                    amount / 100,
                    amount % 100
                )
                .unwrap();
            }
            writeln!(w, "#TRANS 1930 {{}} -{}.{:02}\n}}", sum / 100, sum % 100).unwrap();
        }
    }
    let size = std::fs::metadata(&sie).unwrap().len();
    println!(
        "fil: {:.1} MB, {} transaktioner",
        size as f64 / 1e6,
        transactions
    );

    let (t, c) = (Instant::now(), cpu());
    let file = std::fs::File::open(&sie).unwrap();
    let mut stream = SieStream::new(
        BufReader::with_capacity(1 << 16, file),
        ReadOptions::default(),
    );
    let n = stream.by_ref().count();
    let checked = stream.finish();
    let parse = t.elapsed().as_secs_f64();
    let parse_cpu = cpu() - c;
    println!(
        "bara läsning: {parse:.2} s (cpu {parse_cpu:.2} s; {n} poster, {} fel), {:.0} transaktioner/s",
        checked.findings.errors(),
        transactions as f64 / parse
    );

    let t = Instant::now();
    let sha = delar_store::sha256_file(&sie).unwrap();
    println!(
        "sha256: {:.2} s ({}…)",
        t.elapsed().as_secs_f64(),
        &sha[..12]
    );

    let db = dir.path().join("delar.db");
    let mut store = SqliteStore::create(&db).unwrap();
    let (t, c) = (Instant::now(), cpu());
    let report = store
        .import_sie(&sie, &ImportOptions::default(), None)
        .unwrap();
    let total = t.elapsed().as_secs_f64();
    let total_cpu = cpu() - c;
    println!("{report}");
    println!(
        "import: {total:.2} s (cpu {total_cpu:.2} s), {:.0} transaktioner/s (databas {:.1} MB)",
        transactions as f64 / total,
        std::fs::metadata(&db).unwrap().len() as f64 / 1e6
    );
    if std::env::args().nth(2).as_deref() == Some("fil") {
        return;
    }
    let mut mem = SqliteStore::open_in_memory().unwrap();
    let (t, c) = (Instant::now(), cpu());
    mem.import_sie(&sie, &ImportOptions::default(), None)
        .unwrap();
    let total = t.elapsed().as_secs_f64();
    let total_cpu = cpu() - c;
    println!(
        "import i minnet: {total:.2} s (cpu {total_cpu:.2} s), {:.0} transaktioner/s",
        transactions as f64 / total
    );

    let t = Instant::now();
    let again = store
        .import_sie(&sie, &ImportOptions::default(), None)
        .unwrap();
    println!("{again} ({:.2} s)", t.elapsed().as_secs_f64());
}
