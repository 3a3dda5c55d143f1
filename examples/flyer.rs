//! Builds one flyer N times (default 1) after loading fonts, for profilers:
//! `valgrind --tool=callgrind target/release/examples/flyer 5`.

use handbill::fonts::{self, FontBook};
use handbill::{spec, statement, Vars};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(Ok(1), |a| a.parse())?;
    let layout = args.next().unwrap_or_else(|| "letter-2col".into());
    let path =
        args.next().unwrap_or_else(|| "statements/2026-01-22-general-strike-against-ice.md".into());
    let book = FontBook::load(&fonts::default_dirs())?;
    let spec = spec::load(&layout, &[])?;
    let text = std::fs::read_to_string(&path)?;
    // HANDBILL_STAGE=typeset stops before the PDF, to time the stages apart.
    let typeset_only = std::env::var("HANDBILL_STAGE").is_ok_and(|s| s == "typeset");
    let mut bytes = 0;
    for _ in 0..n {
        let st = statement::parse(std::path::Path::new(&path), &text)?;
        if typeset_only {
            bytes = handbill::typeset(&st, &spec, &book, &Vars::new())?.0.pages.len();
        } else {
            bytes = handbill::build(&st, &spec, &book, &Vars::new())?.pdf.len();
        }
    }
    println!("{n} x {layout}: {bytes} bytes");
    Ok(())
}

// Profile with the allocator the `handbill` command uses.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
