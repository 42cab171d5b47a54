//! Write Exempelkommun's follow-up registers to a directory: `cargo run -p delar-demo
//! --example followup_files -- DIR`.
fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "uppfoljning".into());
    let opts = delar_demo::followup::FollowupOptions::default();
    for p in delar_demo::followup::write_followup(std::path::Path::new(&dir), &opts)? {
        println!("{}", p.display());
    }
    Ok(())
}
