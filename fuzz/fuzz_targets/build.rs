//! Statement text and layout text in, no panic out.
//!
//! The input is split at the first 0xFF byte (never part of UTF-8 text):
//! before it the statement, after it a layout. Without a separator, or when
//! the layout does not load, the statement is laid out with `letter-2col`.

#![no_main]

use std::path::Path;

use handbill::fonts::{self, FontBook};
use handbill::{preview, spec, statement, Vars};
use libfuzzer_sys::fuzz_target;

thread_local! {
    static BOOK: FontBook = FontBook::load(&[fonts::shipped_dir()]).unwrap_or_default();
    static DEFAULT: Option<spec::LayoutSpec> = spec::load("letter-2col", &[]).ok();
}

fuzz_target!(|data: &[u8]| {
    let (st_bytes, layout_bytes) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let text = String::from_utf8_lossy(st_bytes);
    let Ok(st) = statement::parse(Path::new("fuzz.md"), &text) else { return };
    let sp = match layout_bytes {
        Some(l) => match spec::load_str("fuzz", &String::from_utf8_lossy(l), &[]) {
            Ok(sp) => sp,
            Err(_) => return,
        },
        None => match DEFAULT.with(Clone::clone) {
            Some(sp) => sp,
            None => return,
        },
    };
    BOOK.with(|book| {
        if let Ok((doc, _)) = handbill::typeset(&st, &sp, book, &Vars::new()) {
            // A coarse preview of page 1 exercises the rasterizer too.
            let _ = preview::render_page(&doc, 0, book, 12.0);
        }
    });
});
