//! The rows of the bare denominator server (`examples/bare.rs`), which the load generator looks up.

/// How many rows the bare server holds.
pub const ROWS: usize = 200;

/// The tracking number and phone of row `n`.
pub fn bare_row(n: usize) -> (String, String) {
    (format!("{n:014}"), format!("139{n:08}"))
}
