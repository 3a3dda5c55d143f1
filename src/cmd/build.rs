//! `handbill build` and `handbill preview`: statements × layouts → PDFs,
//! page pictures, or both, through the same job engine as `handbill
//! batch`. Bilingual layouts take the statements two by two, in the order
//! given.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use handbill::jobs::{Layout, Plan};
use handbill::statement::Format;

use super::report;
use super::run::{run_plan, Settings};

/// What each job writes, and what the run writes besides.
#[derive(Debug)]
pub struct Make {
    /// The PDF (`build`); without it only pictures (`preview`).
    pub pdf: bool,
    /// A PNG of every page, at this DPI.
    pub preview_dpi: Option<f32>,
    /// One PNG with thumbnails of every page of every output.
    pub contact_sheet: Option<PathBuf>,
    /// Images to share on phones next to each PDF (`--share`).
    pub share: bool,
}

/// Runs `handbill build` or `handbill preview`.
pub fn build(
    statements: &[PathBuf],
    layouts: &[String],
    sets: &[String],
    format: Option<Format>,
    out: &Path,
    make: &Make,
    settings: &Settings,
) -> ExitCode {
    let layouts = layouts.iter().map(|l| Layout::load(l, sets)).collect();
    match Plan::for_folder(statements.to_vec(), layouts, out, make.pdf) {
        Ok(mut plan) => {
            plan.format = format;
            run_plan(&plan, make, settings)
        }
        Err(e) => {
            report(&e);
            ExitCode::from(2)
        }
    }
}
