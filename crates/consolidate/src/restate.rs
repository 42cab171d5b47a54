//! restate
