//! `handbill build`: statements × layouts → PDFs, through the same job
//! engine as `handbill batch`. Bilingual layouts take the statements two by
//! two, in the order given.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use handbill::jobs::{Layout, Plan};
use handbill::statement::Format;
use handbill::{Error, Location};

use super::batch::{run_plan_with, Extras};
use super::report;

/// Runs `handbill build`.
pub fn build(
    statements: &[PathBuf],
    layouts: &[String],
    out: &Path,
    sets: &[String],
    extras: &Extras,
    format: Option<Format>,
) -> ExitCode {
    let layouts = layouts.iter().map(|l| Layout::load(l, sets)).collect();
    let plan = Plan::new(statements.to_vec(), layouts, Vec::new(), Location::file(out), |n| {
        handbill::output_path(out, n.statement, n.layout)
    });
    let mut plan = match plan {
        Ok(plan) => plan,
        Err(e) => {
            report(&e);
            return ExitCode::from(2);
        }
    };
    plan.format = format;
    // Counted on the plan: a bilingual layout makes one job per pair.
    let jobs = plan.jobs.len();
    if jobs > 1 && out.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
        report(&Error::file(
            out,
            format!("--out names one file but there are {jobs} jobs"),
            "give a folder instead",
        ));
        return ExitCode::from(2);
    }
    run_plan_with(&plan, None, extras)
}
