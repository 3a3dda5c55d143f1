//! Builds one flyer N times (default 1) after loading fonts, for profilers:
//! `valgrind --tool=callgrind target/release/examples/flyer 5`.

use std::path::Path;
use std::process::ExitCode;

use handbill::fonts;
use handbill::{spec, statement, Error, Location, Result, Vars};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = match args.next() {
        None => 1,
        Some(a) => a.parse().map_err(|_| {
            Error::new(
                Location::default(),
                format!("`{a}` is not a number of runs"),
                "usage: flyer [RUNS] [LAYOUT] [STATEMENT]",
            )
        })?,
    };
    let layout = args.next().unwrap_or_else(|| "letter-2col".into());
    let path =
        args.next().unwrap_or_else(|| "statements/2026-01-22-general-strike-against-ice.md".into());
    let book = fonts::FontSearch::default().load()?;
    let spec = spec::load(&layout, &[])?;
    let text =
        std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e, "read the statement"))?;
    // HANDBILL_STAGE=typeset stops before the PDF, to time the stages apart.
    let typeset_only = std::env::var("HANDBILL_STAGE").is_ok_and(|s| s == "typeset");
    let mut bytes = 0;
    for _ in 0..n {
        let st = statement::parse(Path::new(&path), &text)?;
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
