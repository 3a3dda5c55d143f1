//! Runs a job plan for `build`, `preview` and `batch`: progress on stderr,
//! a summary on stdout, the contact sheet if asked, and the exit code.

use std::collections::HashSet;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Duration;

use handbill::fonts::FontSearch;
use handbill::jobs::{self, Options, Plan, Progress};
use indicatif::{ProgressBar, ProgressStyle};

use super::build::Make;
use super::{load_book, print_out, report};

/// How the jobs run (`--jobs`, `--font-path`).
#[derive(Debug, Default)]
pub struct Settings {
    /// Worker threads; `None` = one per core.
    pub threads: Option<usize>,
    /// Font folders searched before the default ones, and whether system
    /// fonts may be used.
    pub fonts: FontSearch,
}

/// Runs a plan with progress on stderr and a summary on stdout; exit code 1
/// if any job failed, 2 if the run could not start.
pub fn run_plan(plan: &Plan, make: &Make, settings: &Settings) -> ExitCode {
    let mut options = Options {
        threads: settings.threads,
        pdf: make.pdf,
        preview_dpi: make.preview_dpi,
        thumbnails: make.contact_sheet.is_some(),
        ..Options::default()
    };
    if let Err(e) = options.source_date_epoch_from_env() {
        report(&e);
        return ExitCode::from(2);
    }
    let book = match load_book(&settings.fonts) {
        Ok((search, book)) => {
            options.fonts = search;
            book
        }
        Err(e) => {
            report(&e);
            return ExitCode::from(1);
        }
    };
    let reporter = Reporter::new(plan.jobs.len());
    let summary = jobs::run(plan, &book, &options, &|p| reporter.tell(p));
    reporter.finish();
    print_out(&summary.table());
    let mut status = match summary.interrupted {
        // As a shell reports a process the signal stopped: 130, 143.
        Some(signal) => ExitCode::from(super::process::exit_code(signal)),
        None if summary.failed() > 0 => ExitCode::from(1),
        None => ExitCode::SUCCESS,
    };
    // No sheet when every job failed: their errors say all there is.
    let pages = summary.thumbnails();
    if let Some(sheet) = make.contact_sheet.as_deref().filter(|_| !pages.is_empty()) {
        match handbill::preview::contact_sheet(&pages, sheet) {
            Ok(()) => eprintln!("wrote contact sheet {} ({} pages)", sheet.display(), pages.len()),
            Err(e) => {
                report(&jobs::name_file(e, sheet));
                status = ExitCode::from(1);
            }
        }
    }
    status
}

/// Progress on stderr: a bar on a terminal, one line per job otherwise.
struct Reporter {
    bar: Option<ProgressBar>,
    /// Errors shared by many jobs (a broken statement) are printed once.
    errors_told: Mutex<HashSet<String>>,
}

impl Reporter {
    fn new(total: usize) -> Reporter {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total as u64);
            if let Ok(style) =
                ProgressStyle::with_template("{bar:30.cyan/blue} {pos}/{len} {elapsed} {wide_msg}")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Reporter { bar, errors_told: Mutex::new(HashSet::new()) }
    }

    fn line(&self, text: String) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    fn tell(&self, p: Progress<'_>) {
        match p {
            Progress::Started { output } => {
                if let Some(bar) = &self.bar {
                    bar.set_message(output.display().to_string());
                }
            }
            Progress::Warning { warning, output: Some(out) } => {
                self.line(format!("warning: {warning} (in {})", out.display()));
            }
            Progress::Warning { warning, output: None } => self.line(format!("warning: {warning}")),
            Progress::Finished { done, total, report: r } => {
                match &r.result {
                    Ok(b) if self.bar.is_none() => self.line(format!(
                        "[{done}/{total}] wrote {} ({} {})",
                        r.label,
                        b.pages,
                        if b.pages == 1 { "page" } else { "pages" }
                    )),
                    Ok(_) => {}
                    Err(e) => {
                        // Keyed without the hint: the same cause may list
                        // its suggestions in another order from job to job.
                        let key = format!("{}: {}", e.location, e.message);
                        let first = self.errors_told.lock().map_or(true, |mut s| s.insert(key));
                        if first {
                            self.line(format!("error: {e}"));
                        }
                        if self.bar.is_none() {
                            self.line(format!("[{done}/{total}] failed {}", r.label));
                        }
                    }
                }
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
