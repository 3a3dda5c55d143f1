//! The `handbill` command: parses flags, calls the library, reports.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

// Many small allocations: see `mimalloc` in Cargo.toml.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        /// Also write a PNG of every page next to each PDF (NAME-1.png, …).
        #[arg(long)]
        preview: bool,
        /// Resolution of the previews.
        #[arg(long, default_value_t = 100.0, value_parser = parse_dpi)]
        dpi: f32,
        /// Write one PNG with thumbnails of every page of every output.
        #[arg(long, value_name = "FILE.png")]
        contact_sheet: Option<PathBuf>,
        /// Read the statements as "markdown" or "text" (pasted web text),
        /// whatever their front matter says or they look like.
        #[arg(long, value_name = "markdown|text")]
        format: Option<handbill::statement::Format>,
    },
    /// Build a campaign: statements × layouts × local events, on all cores.
    ///
    /// Example: handbill batch campaigns/example.toml --out build/ --jobs 4 --shard 1/3
    Batch {
        /// The campaign file (TOML; see docs/campaigns.md).
        campaign: PathBuf,
        /// Folder the campaign's `output` pattern is relative to (default: the campaign's folder).
        #[arg(long, short = 'o')]
        out: Option<PathBuf>,
        /// Worker threads (default: one per core).
        #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
        /// Run only every N-th job starting at K (1-based), e.g. --shard 2/4.
        #[arg(long, value_name = "K/N")]
        shard: Option<handbill::jobs::Shard>,
    },
    /// Validate statements and layouts, print warnings, write nothing.
    ///
    /// Example: handbill check statements/my-statement.md layouts/my-event.toml
    Check {
        /// Statement (.md, .txt) or layout (.toml) files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Read the statements as "markdown" or "text" (pasted web text),
        /// whatever their front matter says or they look like.
        #[arg(long, value_name = "markdown|text")]
        format: Option<handbill::statement::Format>,
    },
    /// List the shipped layouts.
    ///
    /// Example: handbill layouts
    Layouts,
    /// List the font families found and the scripts they cover.
    ///
    /// Example: handbill fonts
    Fonts,
    /// Start a new folder with a sample statement, layout and campaign.
    ///
    /// Example: handbill init my-leaflet
    Init {
        /// The folder to create (or an empty one).
        dir: PathBuf,
    },
    /// Draw the pages as PNG pictures (one per page), without making a PDF.
    ///
    /// Example: handbill preview statement.md --layout letter-2col --out preview/
    Preview {
        /// Statement files (Markdown or plain text).
        #[arg(required = true)]
        statements: Vec<PathBuf>,
        /// A layout name (see `handbill layouts`) or a .toml file; repeatable.
        #[arg(long = "layout", short = 'l', required = true)]
        layouts: Vec<String>,
        /// Output folder; files are named {statement}-{layout}-{page}.png.
        #[arg(long, short = 'o', default_value = ".")]
        out: PathBuf,
        /// Resolution in dots per inch.
        #[arg(long, default_value_t = handbill::preview::DEFAULT_DPI)]
        dpi: f32,
        /// Also write one PNG with small pictures of every page.
        #[arg(long, value_name = "FILE")]
        contact_sheet: Option<PathBuf>,
        /// Override one layout key, e.g. --set body.size=11pt; repeatable.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
        /// Read the statements as "markdown" or "text" (pasted web text),
        /// whatever their front matter says or they look like.
        #[arg(long, value_name = "markdown|text")]
        format: Option<handbill::statement::Format>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { statements, layouts, out, sets, preview, dpi, contact_sheet, format } => {
            let extras = cmd::batch::Extras { preview_dpi: preview.then_some(dpi), contact_sheet };
            cmd::build::build(&statements, &layouts, &out, &sets, &extras, format)
        }
        Command::Batch { campaign, out, jobs, shard } => {
            cmd::batch::batch(&campaign, out.as_deref(), jobs.map(usize::from), shard)
        }
        Command::Check { files, format } => cmd::check::check(&files, format),
        Command::Layouts => cmd::layouts::list_layouts(),
        Command::Fonts => cmd::fonts::list_fonts(),
        Command::Init { dir } => cmd::init::init(&dir),
        Command::Preview { statements, layouts, out, dpi, contact_sheet, sets, format } => {
            cmd::preview::preview(&cmd::preview::Args {
                statements: &statements,
                layouts: &layouts,
                out: &out,
                dpi,
                contact_sheet: contact_sheet.as_deref(),
                sets: &sets,
                format,
            })
        }
    }
}

/// Reads a preview resolution: a number from 1 to 2400.
fn parse_dpi(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(v) if (1.0..=2400.0).contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a usable resolution: give dots per inch from 1 to 2400")),
    }
}
