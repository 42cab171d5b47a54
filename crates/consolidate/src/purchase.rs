//! purchase
