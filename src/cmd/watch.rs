//! `handbill watch` and `handbill batch --watch`: build, then rebuild on
//! every save, one line per rebuild on stderr, until Ctrl-C.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Duration;

use handbill::jobs::{Options, Progress, Summary};
use handbill::statement::Format;
use handbill::watch::{Rebuild, Session, Target, Wake, Watcher};
use handbill::Error;

use super::report;
use super::run::Settings;

/// Makes the target of `handbill watch`: statements with `--layout`, or one
/// campaign file.
pub fn target(
    inputs: Vec<PathBuf>,
    layouts: Vec<String>,
    sets: Vec<String>,
    format: Option<Format>,
    out: Option<PathBuf>,
) -> Result<Target, Error> {
    let is_toml = |p: &PathBuf| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    match inputs.as_slice() {
        [campaign] if is_toml(campaign) && layouts.is_empty() => {
            if !sets.is_empty() || format.is_some() {
                return Err(Error::file(
                    campaign,
                    "--set and --format are for statements, not a campaign",
                    "write them into the campaign file (`set = [...]`)",
                ));
            }
            Ok(Target::Campaign { file: campaign.clone(), out, shard: None })
        }
        _ if layouts.is_empty() => Err(Error::file(
            inputs.first().map_or(Path::new("."), PathBuf::as_path),
            "no layout to build with",
            "add --layout NAME (see `handbill layouts`), or give one campaign file",
        )),
        _ => Ok(Target::Leaflets {
            statements: inputs,
            layouts,
            sets,
            format,
            out: out.unwrap_or_else(|| PathBuf::from(".")),
        }),
    }
}

/// Runs the watch until Ctrl-C: exit 0 then, 2 when it cannot start.
pub fn watch(target: Target, share: bool, settings: &Settings) -> ExitCode {
    let mut options = Options {
        threads: settings.threads,
        share,
        standards: settings.standards.clone(),
        ..Options::default()
    };
    if let Err(e) = options.source_date_epoch_from_env() {
        report(&e);
        return ExitCode::from(2);
    }
    let mut session = match Session::new(target, &settings.fonts, options) {
        Ok(s) => s,
        Err(e) => {
            report(&e);
            return ExitCode::from(2);
        }
    };
    let mut watcher = match Watcher::new() {
        Ok(w) => w,
        Err(e) => {
            report(&e);
            return ExitCode::from(2);
        }
    };
    let mut changed: Vec<PathBuf> = Vec::new();
    loop {
        // Watched before the build reads them, so that a save during the
        // build is not missed; again after, for inputs found by the build
        // (fonts, layouts it extends). Told after that: once the line is
        // out, every save is seen.
        if let Err(e) = watch_inputs(&mut watcher, &session) {
            report(&e);
            return ExitCode::from(2);
        }
        let told = Told::default();
        let rebuild = session.rebuild(&changed, &|p| told.tell(p));
        if let Err(e) = watch_inputs(&mut watcher, &session) {
            report(&e);
            return ExitCode::from(2);
        }
        tell(&rebuild, &changed, &told);
        changed = loop {
            match watcher.wait(&|| handbill::jobs::stopped().is_some()) {
                Ok(Wake::Changed(files)) => break files,
                Ok(Wake::Gone(files)) => eprintln!(
                    "{} gone; waiting for {} to come back",
                    names(&files),
                    if files.len() == 1 { "it" } else { "them" }
                ),
                Ok(Wake::Stopped) => {
                    eprintln!("stopped watching");
                    return ExitCode::SUCCESS;
                }
                Err(e) => {
                    report(&e);
                    return ExitCode::from(1);
                }
            }
        };
    }
}

/// Watches what the session reads, and the files its campaign's globs
/// would take.
fn watch_inputs(watcher: &mut Watcher, session: &Session) -> Result<(), Error> {
    watcher.set_patterns(session.patterns())?;
    watcher.set(session.inputs())
}

/// What the jobs of one rebuild told while they ran, printed after its line.
#[derive(Default)]
struct Told {
    lines: Mutex<Vec<String>>,
}

impl Told {
    fn push(&self, line: String) {
        if let Ok(mut l) = self.lines.lock() {
            if !l.contains(&line) {
                l.push(line);
            }
        }
    }

    fn tell(&self, p: Progress<'_>) {
        match p {
            Progress::Warning { warning, .. } => self.push(format!("  warning: {warning}")),
            Progress::Finished { report: r, .. } => {
                if let Err(e) = &r.result {
                    self.push(format!("  error: {e}"));
                }
            }
            Progress::Started { .. } => {}
        }
    }
}

/// Files named for people: the working directory left off where it can be.
fn names(files: &[PathBuf]) -> String {
    let here = std::env::current_dir().ok();
    let short = |p: &PathBuf| {
        here.as_deref().and_then(|h| p.strip_prefix(h).ok()).unwrap_or(p).display().to_string()
    };
    match files {
        [] => String::new(),
        [one] => short(one),
        [first, rest @ ..] => format!("{} and {} more", short(first), rest.len()),
    }
}

/// An output named for people: `out/a.pdf`, or `a.pdf` in the current
/// folder (not `./a.pdf`).
fn shown(path: &Path) -> String {
    path.strip_prefix(".").unwrap_or(path).display().to_string()
}

fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

/// Why a rebuild ran: `a.md changed: `, and for a campaign whose globs
/// took a file more or one fewer, `c.md added: ` or `c.md removed: `.
fn cause(rebuild: &Rebuild, changed: &[PathBuf]) -> String {
    let (added, rest): (Vec<PathBuf>, Vec<PathBuf>) =
        changed.iter().cloned().partition(|f| rebuild.added.iter().any(|a| same(a, f)));
    let (dropped, rest): (Vec<PathBuf>, Vec<PathBuf>) =
        rest.into_iter().partition(|f| rebuild.dropped.iter().any(|d| same(d, f)));
    let parts: Vec<String> = [(added, "added"), (dropped, "removed"), (rest, "changed")]
        .into_iter()
        .filter(|(files, _)| !files.is_empty())
        .map(|(files, what)| format!("{} {what}", names(&files)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}: ", parts.join(", "))
    }
}

/// Whether two paths name the same file, one perhaps relative.
fn same(a: &Path, b: &Path) -> bool {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    abs(a) == abs(b)
}

/// Prints the one line of a rebuild, then its warnings and errors.
fn tell(rebuild: &Rebuild, changed: &[PathBuf], told: &Told) {
    let cause = cause(rebuild, changed);
    let fonts = if rebuild.fonts_reloaded { " (fonts loaded again)" } else { "" };
    let line = match &rebuild.result {
        Err(e) => {
            told.push(format!("  error: {e}"));
            format!(
                "{cause}could not plan the build in {}; the last good files stay",
                ms(rebuild.elapsed)
            )
        }
        Ok(s) => summary_line(s, rebuild.jobs, rebuild.elapsed, fonts, &cause),
    };
    eprintln!("{line}");
    if let Ok(lines) = told.lines.lock() {
        for l in lines.iter() {
            eprintln!("{l}");
        }
    }
}

fn summary_line(s: &Summary, total: usize, elapsed: Duration, fonts: &str, cause: &str) -> String {
    let warnings: usize =
        s.reports.iter().filter_map(|r| r.result.as_ref().ok()).map(|b| b.warnings).sum();
    let warned = match warnings {
        0 => "no warnings".to_owned(),
        1 => "1 warning".to_owned(),
        n => format!("{n} warnings"),
    };
    let ok: Vec<_> = s.reports.iter().filter_map(|r| Some((r, r.result.as_ref().ok()?))).collect();
    let failed: Vec<&Path> =
        s.reports.iter().filter(|r| r.result.is_err()).map(|r| r.output.as_path()).collect();
    let took = ms(elapsed);
    let wrote = match ok.as_slice() {
        [] => String::new(),
        [(r, b)] => {
            let extra = b.files.len().saturating_sub(1);
            let pictures = match extra {
                0 => String::new(),
                1 => " + 1 image".to_owned(),
                n => format!(" + {n} images"),
            };
            let pages = if b.pages == 1 { "page" } else { "pages" };
            format!("wrote {} ({} {pages}{pictures})", shown(&r.output), b.pages)
        }
        many => format!("wrote {} of {total} PDFs", many.len()),
    };
    let kept = match failed.as_slice() {
        [] => String::new(),
        [one] if one.exists() => format!(
            "{}failed; kept the last good {}",
            if wrote.is_empty() { "" } else { "; " },
            shown(one)
        ),
        [one] => {
            format!("{}failed; no {} yet", if wrote.is_empty() { "" } else { "; " }, shown(one))
        }
        many => format!(
            "{}{} failed; kept their last good PDFs",
            if wrote.is_empty() { "" } else { "; " },
            many.len()
        ),
    };
    if s.reports.is_empty() {
        return format!("{cause}nothing to rebuild ({took}); {total} PDFs in all");
    }
    format!("{cause}{wrote}{kept} in {took}{fonts}; {warned}")
}
