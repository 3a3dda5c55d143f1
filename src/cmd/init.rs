//! `handbill init DIR`: a starter folder a newcomer can build at once and
//! then edit.
//!
//! `layout.toml` builds on its own (`handbill build statement.md --layout
//! layout.toml`), so it uses no `{event.*}` placeholders: those only have
//! values in a campaign. `event.toml` extends it with the event fields and
//! is the layout `campaign.toml` uses.

use std::path::Path;
use std::process::ExitCode;

use handbill::Error;

use super::report;

/// The starter files: (name, contents).
pub const FILES: &[(&str, &str)] = &[
    ("statement.md", STATEMENT),
    ("layout.toml", LAYOUT),
    ("event.toml", EVENT_LAYOUT),
    ("campaign.toml", CAMPAIGN),
    ("README.md", README),
];

const STATEMENT: &str = r#"+++
title = "Defend public transit! Stop the cuts!"
subtitle = "Statement of the Transit Workers Rank-and-File Committee"
author = "Transit Workers Rank-and-File Committee"
date = "2026-02-01"
lang = "en"
contact = "Contact us: example.org/contact"
contact-link = "https://example.org/contact"
+++

The city plans to cut **forty bus routes** and lay off *six hundred* drivers
and mechanics. Replace this text with your statement: paste it from an
e-mail or a web page, keep a blank line between paragraphs.

## What we demand

- No cuts to service, no layoffs.
- Full funding for transit, paid for by taxing the banks.
- Safe staffing on every route.

## Join us

> An injury to one is an injury to all.

Come to the meeting, bring your co-workers. Contact us at
[example.org/contact](https://example.org/contact).
"#;

const LAYOUT: &str = r#"# Your layout: starts from the shipped `letter-2col` and changes a few keys.
# See every layout with `handbill layouts`, every font with `handbill fonts`.
name = "My leaflet"
extends = "letter-2col"

[body]
size = "10pt"

[masthead]
# A line above the title. `{date}` is the statement's date.
kicker = "{date}"

# The footer prints the statement's `contact` (and links to its
# `contact-link`). A footer of the layout's own wins, e.g. for an event (see
# event.toml and campaign.toml), with the event's fields:
# [footer]
# text = "Rally at {event.place}, {event.date} · {event.contact}"
# link = "https://{event.contact}"
"#;

const EVENT_LAYOUT: &str = r#"# The layout for events: everything from layout.toml, plus the event's
# name, date and place. Used by campaign.toml, which supplies the values.
name = "My leaflet, for an event"
extends = "layout.toml"

[masthead]
kicker = "{event.name} · {event.date}"

[footer]
text = "Join us at {event.place} · {event.contact}"
link = "https://{event.contact}"
"#;

const CAMPAIGN: &str = r#"# Every statement with every layout, once per event:
#   handbill batch campaign.toml
statements = ["statement.md"]
layouts = ["event.toml"]
output = "out/{event}/{statement}-{layout}.pdf"

[[event]]
id = "city-hall-feb-6"
name = "Rally against the cuts"
date = "Friday, February 6, 5 pm"
place = "City Hall steps"
contact = "example.org/contact"
"#;

const README: &str = r#"# My leaflet

Files:

- `statement.md`: the text. Markdown: a blank line between paragraphs,
  `## ` for headings, `- ` for bullets, `**bold**`, `*italic*`.
- `layout.toml`: paper, columns, fonts, footer. Starts from `letter-2col`.
- `event.toml` and `campaign.toml`: the same leaflet for one or more events.

Build the PDF:

    handbill build statement.md --layout layout.toml

Build the event leaflet for one event of the campaign:

    handbill build statement.md --layout event.toml --event campaign.toml:city-hall-feb-6

Check for problems without writing anything:

    handbill check statement.md layout.toml campaign.toml

Look at the pages as pictures:

    handbill preview statement.md --layout layout.toml --out preview/

Build for every event in campaign.toml:

    handbill batch campaign.toml
"#;

/// Runs `handbill init DIR`.
pub fn init(dir: &Path) -> ExitCode {
    match write_starter(dir) {
        Ok(()) => {
            eprintln!("created {} with {}", dir.display(), names().join(", "));
            eprintln!(
                "next: cd {} && handbill build statement.md --layout layout.toml",
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            report(&e);
            ExitCode::from(1)
        }
    }
}

fn names() -> Vec<&'static str> {
    FILES.iter().map(|(n, _)| *n).collect()
}

/// Writes the starter files into `dir`, creating it; refuses, before writing
/// anything, if any of them exists.
pub fn write_starter(dir: &Path) -> Result<(), Error> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::file(dir, "this is a file, not a folder", "name a new folder"));
    }
    let existing: Vec<String> = FILES
        .iter()
        .map(|(n, _)| dir.join(n))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(Error::file(
            dir,
            format!("will not overwrite {}", existing.join(", ")),
            "choose a new folder, or move those files away",
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e, "create the folder"))?;
    for (name, text) in FILES {
        let path = dir.join(name);
        // create_new: a file that appeared since the check is still not overwritten.
        let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path);
        let result = file.and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
        result.map_err(|e| Error::io(&path, e, "write the file"))?;
    }
    Ok(())
}
