//! `handbill build`: statements × layouts → PDFs, through the same job
//! engine as `handbill batch`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use handbill::jobs::{Layout, Plan};
use handbill::{Error, Location};

use super::batch::run_plan;
use super::report;

/// Runs `handbill build`.
pub fn build(statements: &[PathBuf], layouts: &[String], out: &Path, sets: &[String]) -> ExitCode {
    let jobs = statements.len() * layouts.len();
    if jobs > 1 && out.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
        report(&Error::file(
            out,
            format!("--out names one file but there are {jobs} jobs"),
            "give a folder instead",
        ));
        return ExitCode::from(2);
    }
    let layouts = layouts.iter().map(|l| Layout::load(l, sets)).collect();
    let plan = Plan::new(statements.to_vec(), layouts, Vec::new(), Location::file(out), |n| {
        handbill::output_path(out, n.statement, n.layout)
    });
    match plan {
        Ok(plan) => run_plan(&plan, None),
        Err(e) => {
            report(&e);
            ExitCode::from(2)
        }
    }
}
