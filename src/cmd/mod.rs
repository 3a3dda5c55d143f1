//! One module per subcommand.

pub mod batch;
pub mod build;
pub mod check;
pub mod fonts;
pub mod init;
pub mod layouts;
pub mod preview;

use handbill::fonts::{self as font_book, FontBook};
use handbill::Error;

/// Prints an error as one line.
pub fn report(e: &Error) {
    eprintln!("error: {e}");
}

/// Loads the fonts from the default folders.
pub fn load_book() -> Result<FontBook, Error> {
    FontBook::load(&font_book::default_dirs())
}

/// Writes `text` to standard output. A closed pipe (`handbill fonts | head`)
/// is not an error worth a crash: the reader has what it wanted.
pub fn print_out(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}
