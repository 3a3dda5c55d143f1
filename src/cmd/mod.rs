//! One module per subcommand; `run` is the job runner `build`, `preview`
//! and `batch` share.

pub mod batch;
pub mod build;
pub mod check;
pub mod fonts;
pub mod init;
pub mod layouts;
pub mod run;
pub mod studio;

use std::path::PathBuf;

use handbill::fonts::{self as font_book, FontBook};
use handbill::Error;

/// Prints an error as one line.
pub fn report(e: &Error) {
    eprintln!("error: {e}");
}

/// Loads the fonts of the folders given with `--font-path` and the default
/// ones; returns the folders searched too, as layouts with `font-dirs`
/// start from them.
pub fn load_book(font_path: &[PathBuf]) -> Result<(Vec<PathBuf>, FontBook), Error> {
    let dirs = font_book::search_dirs(font_path);
    let book = FontBook::load(&dirs)?;
    Ok((dirs, book))
}

/// Writes `text` to standard output. A closed pipe (`handbill fonts | head`)
/// is not an error worth a crash: the reader has what it wanted.
pub fn print_out(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}
