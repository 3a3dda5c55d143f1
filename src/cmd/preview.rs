//! `handbill preview`: PNG pictures of the pages, without making a PDF.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use handbill::preview::{self, GrayImage};
use handbill::{spec, statement, Error, Vars};

use super::{load_book, report};

/// What `handbill preview` was asked to do.
pub struct Args<'a> {
    /// Statement files.
    pub statements: &'a [PathBuf],
    /// Layout names or files.
    pub layouts: &'a [String],
    /// Output folder.
    pub out: &'a Path,
    /// Resolution.
    pub dpi: f32,
    /// Where to write a contact sheet of every page, if anywhere.
    pub contact_sheet: Option<&'a Path>,
    /// `--set` overrides.
    pub sets: &'a [String],
    /// How to read the statements (`--format`), if not as detected.
    pub format: Option<statement::Format>,
}

/// Runs `handbill preview`.
pub fn preview(args: &Args<'_>) -> ExitCode {
    let book = match load_book() {
        Ok(b) => b,
        Err(e) => {
            report(&e);
            return ExitCode::from(1);
        }
    };
    if args
        .out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf") || e.eq_ignore_ascii_case("png"))
    {
        report(&Error::file(
            args.out,
            "--out must be a folder for previews",
            "e.g. --out preview/",
        ));
        return ExitCode::from(2);
    }
    let jobs = args.statements.len() * args.layouts.len();
    let mut failed = 0;
    let mut specs = Vec::new();
    for l in args.layouts {
        match spec::load(l, args.sets) {
            Ok(s) => {
                for w in &s.warnings {
                    eprintln!("warning: {w}");
                }
                specs.push(s);
            }
            Err(e) => {
                report(&e);
                failed += args.statements.len();
            }
        }
    }
    let mut sheet: Vec<(String, GrayImage)> = Vec::new();
    let vars = Vars::new();
    for path in args.statements {
        let st = match statement::load_as(path, args.format) {
            Ok(s) => s,
            Err(e) => {
                report(&e);
                failed += specs.len();
                continue;
            }
        };
        for w in &st.warnings {
            eprintln!("warning: {w}");
        }
        for sp in &specs {
            let result = (|| -> Result<(Vec<PathBuf>, Vec<GrayImage>), Error> {
                let mut own = None;
                if !sp.font_dirs.is_empty() {
                    let mut b = load_book()?;
                    b.add_dirs(&sp.font_dirs)?;
                    own = Some(b);
                }
                let book = own.as_ref().unwrap_or(&book);
                let (doc, ws) = handbill::typeset(&st, sp, book, &vars)?;
                for w in &ws {
                    eprintln!("warning: {w}");
                }
                let images = preview::render_pages(&doc, book, args.dpi)?;
                let pdf = handbill::output_path(args.out, &st.name, &sp.id);
                let paths = preview::preview_paths(&pdf, images.len());
                if let Some(p) = paths.iter().find(|p| same_file(p, path)) {
                    return Err(Error::file(
                        p,
                        "the preview would overwrite an input file",
                        "choose another --out",
                    ));
                }
                for (p, img) in paths.iter().zip(&images) {
                    preview::write_png(img, p)?;
                }
                Ok((paths, images))
            })();
            match result {
                Ok((paths, images)) => {
                    let label = format!("{}-{}", st.name, sp.id);
                    if args.contact_sheet.is_some() {
                        sheet.extend(images.into_iter().map(|i| (label.clone(), i)));
                    }
                    match (paths.first(), paths.last()) {
                        (Some(a), Some(b)) if paths.len() > 1 => {
                            eprintln!(
                                "wrote {} … {} ({} pages)",
                                a.display(),
                                b.display(),
                                paths.len()
                            )
                        }
                        (Some(a), _) => eprintln!("wrote {} (1 page)", a.display()),
                        _ => eprintln!("warning: {}: no pages", path.display()),
                    }
                }
                Err(e) => {
                    report(&e);
                    failed += 1;
                }
            }
        }
    }
    if let Some(out) = args.contact_sheet {
        if !sheet.is_empty() {
            match preview::contact_sheet(&sheet, out) {
                Ok(()) => eprintln!("wrote {} ({} pages)", out.display(), sheet.len()),
                Err(e) => {
                    report(&e);
                    failed += 1;
                }
            }
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {jobs} previews failed");
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}
