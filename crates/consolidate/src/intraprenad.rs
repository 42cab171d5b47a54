//! intraprenad
