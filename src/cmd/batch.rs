//! `handbill batch`: a campaign file → every statement × layout × event,
//! on all cores, with progress and a summary.

use std::path::Path;
use std::process::ExitCode;

use handbill::campaign;
use handbill::jobs::Shard;

use super::build::Make;
use super::report;
use super::run::{run_plan, Settings};

/// Runs `handbill batch`.
pub fn batch(
    campaign_file: &Path,
    out: Option<&Path>,
    shard: Option<Shard>,
    share: bool,
    settings: &Settings,
) -> ExitCode {
    let plan = campaign::load(campaign_file).and_then(|c| c.plan(out));
    let mut plan = match plan {
        Ok(p) => p,
        Err(e) => {
            report(&e);
            return ExitCode::from(2);
        }
    };
    if let Some(s) = shard {
        plan.shard(s);
    }
    let pdfs = Make { pdf: true, preview_dpi: None, contact_sheet: None, share };
    run_plan(&plan, &pdfs, settings)
}
