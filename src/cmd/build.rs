//! `handbill build` and `handbill preview`: statements × layouts → PDFs,
//! page pictures, or both, through the same job engine as `handbill
//! batch`. Bilingual layouts take the statements two by two, in the order
//! given.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use handbill::jobs::{Event, Layout, Plan};
use handbill::statement::Format;
use handbill::{Error, Location};

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
}

/// The values of an event layout's `{event.KEY}` placeholders, as given
/// on the command line.
#[derive(Debug)]
pub struct EventArgs<'a> {
    /// `--event CAMPAIGN.toml:ID`: one event of a campaign.
    pub event: Option<&'a str>,
    /// `--var KEY=VALUE`, each winning over the event's value.
    pub vars: &'a [String],
}

impl EventArgs<'_> {
    /// The event these flags describe, if they give any value.
    pub fn event(&self) -> Result<Option<Event>, Error> {
        let mut event = match self.event {
            Some(arg) => Some(campaign_event(arg)?),
            None => None,
        };
        for var in self.vars {
            let Some((key, value)) = var.split_once('=') else {
                return Err(Error::new(
                    Location::default(),
                    format!("--var {var}: no `=`"),
                    "write --var KEY=VALUE, e.g. --var place=\"City Hall\"",
                ));
            };
            let key = key.trim().trim_start_matches("event.");
            let e = event.get_or_insert_with(Event::default);
            e.vars.insert(key.to_string(), value.to_string());
        }
        Ok(event)
    }
}

/// `campaign.toml:ID`: the event with that id in that campaign.
fn campaign_event(arg: &str) -> Result<Event, Error> {
    let Some((file, id)) = arg.rsplit_once(':').filter(|(f, id)| !f.is_empty() && !id.is_empty())
    else {
        return Err(Error::new(
            Location::default(),
            format!("--event {arg}: no event id"),
            "write --event CAMPAIGN.toml:ID, e.g. --event campaign.toml:city-hall-feb-6",
        ));
    };
    let campaign = handbill::campaign::load(Path::new(file))?;
    let ids: Vec<&str> = campaign.events.iter().map(|e| e.id.as_str()).collect();
    match campaign.events.iter().find(|e| e.id == id) {
        Some(e) => Ok(e.clone()),
        None => Err(Error::file(
            file,
            format!("no event with id `{id}`"),
            if ids.is_empty() {
                "the campaign has no [[event]]".to_string()
            } else {
                format!("its events: {}", ids.join(", "))
            },
        )),
    }
}

/// Runs `handbill build` or `handbill preview`.
#[allow(clippy::too_many_arguments)]
pub fn build(
    statements: &[PathBuf],
    layouts: &[String],
    sets: &[String],
    format: Option<Format>,
    event: &EventArgs<'_>,
    out: &Path,
    make: &Make,
    settings: &Settings,
) -> ExitCode {
    let event = match event.event() {
        Ok(e) => e,
        Err(e) => {
            report(&e);
            return ExitCode::from(2);
        }
    };
    let layouts = layouts.iter().map(|l| Layout::load(l, sets)).collect();
    match Plan::for_folder(statements.to_vec(), layouts, out, make.pdf) {
        Ok(mut plan) => {
            plan.format = format;
            if let Some(event) = event {
                plan.events = vec![event];
                for job in &mut plan.jobs {
                    job.event = Some(0);
                }
            }
            run_plan(&plan, make, settings)
        }
        Err(e) => {
            report(&e);
            ExitCode::from(2)
        }
    }
}
