//! `handbill build`: statements × layouts → PDFs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use handbill::{spec, statement, Error, Vars};

use super::{load_book, report};

/// Runs `handbill build`.
pub fn build(statements: &[PathBuf], layouts: &[String], out: &Path, sets: &[String]) -> ExitCode {
    let book = match load_book() {
        Ok(b) => b,
        Err(e) => {
            report(&e);
            return ExitCode::from(1);
        }
    };
    let jobs = statements.len() * layouts.len();
    if jobs > 1 && out.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
        report(&Error::file(
            out,
            format!("--out names one file but there are {jobs} jobs"),
            "give a folder instead",
        ));
        return ExitCode::from(2);
    }
    let mut failed = 0;
    let mut specs = Vec::new();
    for l in layouts {
        match spec::load(l, sets) {
            Ok(s) => {
                for w in &s.warnings {
                    eprintln!("warning: {w}");
                }
                specs.push(s)
            }
            Err(e) => {
                report(&e);
                failed += statements.len();
            }
        }
    }
    let vars = Vars::new();
    for path in statements {
        let st = match statement::load(path) {
            Ok(s) => s,
            Err(e) => {
                report(&e);
                failed += specs.len();
                continue;
            }
        };
        for sp in &specs {
            let mut book_here;
            let book_ref = if sp.font_dirs.is_empty() {
                &book
            } else {
                book_here = match load_book() {
                    Ok(b) => b,
                    Err(e) => {
                        report(&e);
                        failed += 1;
                        continue;
                    }
                };
                if let Err(e) = book_here.add_dirs(&sp.font_dirs) {
                    report(&e);
                    failed += 1;
                    continue;
                }
                &book_here
            };
            let target = handbill::output_path(out, &st.name, &sp.id);
            if is_same_file(&target, path)
                || sp.path.as_deref().is_some_and(|p| is_same_file(&target, p))
            {
                report(&Error::file(
                    &target,
                    "the output would overwrite an input file",
                    "choose another --out",
                ));
                failed += 1;
                continue;
            }
            match handbill::build(&st, sp, book_ref, &vars) {
                Ok(o) => {
                    for w in &o.warnings {
                        eprintln!("warning: {w}");
                    }
                    if let Err(e) = handbill::render::write_atomic(&target, &o.pdf) {
                        report(&e);
                        failed += 1;
                        continue;
                    }
                    eprintln!("wrote {} ({} pages)", target.display(), o.document.pages.len());
                }
                Err(e) => {
                    report(&e);
                    failed += 1;
                }
            }
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {jobs} jobs failed");
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn is_same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
