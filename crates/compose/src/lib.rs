//! Builds the report model ([`delar_report::Report`]) from data already read from the store:
//! the organisation, outcome and budget per node × kontogrupp, forecast lines of this and the
//! previous round, and the follow-up registers. Pure: the CLI gathers the inputs.

pub mod programme;
