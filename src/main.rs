//! The `handbill` command: parses flags, calls the library, reports.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use handbill::fonts::{self, FontBook};
use handbill::{spec, statement, Error, Vars};

/// Typesets statements into print-ready leaflets.
#[derive(Parser)]
#[command(name = "handbill", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build PDFs: every statement with every layout.
    ///
    /// Example: handbill build statements/*.md --layout letter-2col --out out/
    Build {
        /// Statement files (Markdown or plain text).
        #[arg(required = true)]
        statements: Vec<PathBuf>,
        /// A layout name (see `handbill layouts`) or a .toml file; repeatable.
        #[arg(long = "layout", short = 'l', required = true)]
        layouts: Vec<String>,
        /// Output folder, or a .pdf file for a single job.
        #[arg(long, short = 'o', default_value = ".")]
        out: PathBuf,
        /// Override one layout key, e.g. --set body.size=11pt; repeatable.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
    },
    /// Validate statements and layouts, print warnings, write nothing.
    ///
    /// Example: handbill check statements/my-statement.md layouts/my-event.toml
    Check {
        /// Statement (.md, .txt) or layout (.toml) files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List the shipped layouts.
    ///
    /// Example: handbill layouts
    Layouts,
    /// List the font families found and the scripts they cover.
    ///
    /// Example: handbill fonts
    Fonts,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { statements, layouts, out, sets } => {
            build(&statements, &layouts, &out, &sets)
        }
        Command::Check { files } => check(&files),
        Command::Layouts => list_layouts(),
        Command::Fonts => list_fonts(),
    }
}

fn report(e: &Error) {
    eprintln!("error: {e}");
}

fn load_book() -> Result<FontBook, Error> {
    FontBook::load(&fonts::default_dirs())
}

fn build(statements: &[PathBuf], layouts: &[String], out: &Path, sets: &[String]) -> ExitCode {
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
            Ok(s) => specs.push(s),
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

fn check(files: &[PathBuf]) -> ExitCode {
    let mut failed = 0;
    for f in files {
        let is_layout = f.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        let result = if is_layout {
            spec::load(&f.to_string_lossy(), &[]).map(|_| Vec::new())
        } else {
            statement::load(f).map(|s| s.warnings)
        };
        match result {
            Ok(ws) => {
                for w in &ws {
                    eprintln!("warning: {w}");
                }
                eprintln!("ok: {}", f.display());
            }
            Err(e) => {
                report(&e);
                failed += 1;
            }
        }
    }
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn list_layouts() -> ExitCode {
    ExitCode::SUCCESS
}

fn list_fonts() -> ExitCode {
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
