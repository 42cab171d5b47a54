//! The workflow's state machine: any sequence of actions (three bytes each: who, which unit,
//! what) by unit managers, a controller, an auditor and a stranger on a small round must do
//! exactly what the rules allow, leave the stored states equal to the model's, and change
//! nothing once the round is locked (`delar_app::workflow_check`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Long sequences add little: the model has few states, and each case builds a database.
    let data = &data[..data.len().min(3 * 64)];
    let ops = delar_app::workflow_check::Op::decode(data);
    delar_app::workflow_check::check(&ops);
});
