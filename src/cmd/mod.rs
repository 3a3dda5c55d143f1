//! One module per subcommand.

pub mod batch;
pub mod build;
pub mod check;
pub mod fonts;
pub mod layouts;

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
