//! `handbill fonts`: list font families.

use std::process::ExitCode;

use super::{load_book, report};

/// Runs `handbill fonts`.
pub fn list_fonts() -> ExitCode {
    match load_book() {
        Ok(book) => {
            for fam in book.families() {
                println!("{fam}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            report(&e);
            ExitCode::from(1)
        }
    }
}
