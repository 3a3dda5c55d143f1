//! One module per subcommand; `run` is the job runner `build`, `preview`
//! and `batch` share.

pub mod batch;
pub mod build;
pub mod check;
pub mod fonts;
pub mod init;
pub mod layouts;
pub mod process;
pub mod run;
pub mod studio;
pub mod watch;

use handbill::fonts::{FontBook, FontSearch};
use handbill::Error;

/// Prints an error as one line.
pub fn report(e: &Error) {
    eprintln!("error: {e}");
}

/// Loads the fonts of the folders given with `--font-path`, the default
/// ones and the bundled ones; returns the search too, as layouts with
/// `font-dirs` or system families start from it.
pub fn load_book(search: &FontSearch) -> Result<(FontSearch, FontBook), Error> {
    let book = search.load()?;
    Ok((search.clone(), book))
}

/// Writes `text` to standard output. A closed pipe (`handbill fonts | head`)
/// is not an error worth a crash: the reader has what it wanted.
pub fn print_out(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}
