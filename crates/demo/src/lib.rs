//! Synthetic data for delar: a deterministic PRNG and a streaming generator of large SIE 4E
//! files for a welfare committee of the example municipality (Exempelkommun).

pub mod bigsie;
pub mod followup;
pub mod kommun;
pub mod rng;

pub use bigsie::{big_sie_to_path, write_big_sie, BigSieOptions, BigSieStats};
