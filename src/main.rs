//! The `handbill` command: parses flags, calls the library, reports.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

mod cmd;
mod studio;

use cmd::build::Make;

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
        #[command(flatten)]
        inputs: Inputs,
        /// Output folder, or a .pdf file for a single job.
        #[arg(long, short = 'o', default_value = ".")]
        out: PathBuf,
        /// Also write a PNG of every page next to each PDF (NAME-1.png, …).
        #[arg(long)]
        preview: bool,
        #[command(flatten)]
        pictures: Pictures,
        #[command(flatten)]
        run: Run,
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
        /// Run only every N-th job starting at K (1-based), e.g. --shard 2/4.
        #[arg(long, value_name = "K/N")]
        shard: Option<handbill::jobs::Shard>,
        #[command(flatten)]
        run: Run,
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
        #[command(flatten)]
        fonts: FontPath,
    },
    /// List the shipped layouts.
    ///
    /// Example: handbill layouts
    Layouts,
    /// List the font families found and the scripts they cover.
    ///
    /// Example: handbill fonts
    Fonts {
        #[command(flatten)]
        fonts: FontPath,
    },
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
        #[command(flatten)]
        inputs: Inputs,
        /// Output folder; files are named {statement}-{layout}-{page}.png.
        #[arg(long, short = 'o', default_value = ".")]
        out: PathBuf,
        #[command(flatten)]
        pictures: Pictures,
        #[command(flatten)]
        run: Run,
    },
    /// Open a page in the browser to paste a statement, change the layout,
    /// watch the leaflet and download it; served from this machine only.
    ///
    /// Example: handbill studio my-leaflet --open
    Studio {
        /// The folder whose statements and layouts it opens and saves to.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The port to listen on (default: any free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Listen on this address instead of 127.0.0.1, e.g. 0.0.0.0 for
        /// every network: anyone on that network can then use the studio.
        #[arg(long, value_name = "ADDR")]
        listen: Option<std::net::IpAddr>,
        /// Open the page in the default browser.
        #[arg(long)]
        open: bool,
        /// Stop a render that takes longer than this many seconds.
        #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
        render_limit: f64,
        #[command(flatten)]
        fonts: FontPath,
    },
}

/// The statements and layouts of `build` and `preview`.
#[derive(Args)]
struct Inputs {
    /// Statement files (Markdown or plain text).
    #[arg(required = true)]
    statements: Vec<PathBuf>,
    /// A layout name (see `handbill layouts`) or a .toml file; repeatable.
    #[arg(long = "layout", short = 'l', required = true)]
    layouts: Vec<String>,
    /// Override one layout key, e.g. --set body.size=11pt; repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
    /// Read the statements as "markdown" or "text" (pasted web text),
    /// whatever their front matter says or they look like.
    #[arg(long, value_name = "markdown|text")]
    format: Option<handbill::statement::Format>,
}

/// How pages are drawn as pictures.
#[derive(Args)]
struct Pictures {
    /// Resolution of the previews, in dots per inch.
    #[arg(long, default_value_t = handbill::preview::DEFAULT_DPI, value_parser = handbill::preview::parse_dpi)]
    dpi: f32,
    /// Also write one PNG with thumbnails of every page of every output.
    #[arg(long, value_name = "FILE.png")]
    contact_sheet: Option<PathBuf>,
}

/// How the jobs run: threads and fonts.
#[derive(Args)]
struct Run {
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    #[command(flatten)]
    fonts: FontPath,
}

/// Font folders besides the default ones.
#[derive(Args)]
struct FontPath {
    /// A folder of fonts, searched before $HANDBILL_FONTS, ./fonts and the shipped fonts; repeatable.
    #[arg(long = "font-path", value_name = "DIR")]
    font_path: Vec<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { inputs, out, preview, pictures, run } => {
            let make = Make {
                pdf: true,
                preview_dpi: preview.then_some(pictures.dpi),
                contact_sheet: pictures.contact_sheet,
            };
            build(&inputs, &out, &make, &run)
        }
        Command::Preview { inputs, out, pictures, run } => {
            let make = Make {
                pdf: false,
                preview_dpi: Some(pictures.dpi),
                contact_sheet: pictures.contact_sheet,
            };
            build(&inputs, &out, &make, &run)
        }
        Command::Batch { campaign, out, shard, run } => {
            cmd::batch::batch(&campaign, out.as_deref(), shard, &run.settings())
        }
        Command::Check { files, format, fonts } => {
            cmd::check::check(&files, format, &fonts.font_path)
        }
        Command::Layouts => cmd::layouts::list_layouts(),
        Command::Fonts { fonts } => cmd::fonts::list_fonts(&fonts.font_path),
        Command::Init { dir } => cmd::init::init(&dir),
        Command::Studio { dir, port, listen, open, render_limit, fonts } => {
            let opts = cmd::studio::Options { port, listen, open, render_limit };
            cmd::studio::studio(&dir, &opts, &fonts.font_path)
        }
    }
}

fn build(inputs: &Inputs, out: &std::path::Path, make: &Make, run: &Run) -> ExitCode {
    let Inputs { statements, layouts, sets, format } = inputs;
    cmd::build::build(statements, layouts, sets, *format, out, make, &run.settings())
}

impl Run {
    fn settings(&self) -> cmd::run::Settings {
        cmd::run::Settings {
            threads: self.jobs.map(usize::from),
            font_path: self.fonts.font_path.clone(),
        }
    }
}
