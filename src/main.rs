//! The `handbill` command: parses flags, calls the library, reports.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};

mod cmd;
mod studio;

use cmd::build::Make;

// Many small allocations: see `mimalloc` in Cargo.toml.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The version `--version` prints: the crate's, and the git commit it was
/// built from when built from a checkout, e.g. `0.1.0 (commit 1a2b3c4d5e)`
/// (see build.rs).
const VERSION: &str = env!("HANDBILL_VERSION");

/// Typesets statements into print-ready leaflets.
#[derive(Parser)]
#[command(name = "handbill", version = VERSION, about, long_about = None)]
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
        /// Also write images to share on phones next to each PDF
        /// (NAME-share-1.png, …; sizes from the layout's `share.sizes`).
        #[arg(long)]
        share: bool,
        #[command(flatten)]
        pictures: Pictures,
        #[command(flatten)]
        standards: Standards,
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
        /// Also write images to share on phones next to each PDF.
        #[arg(long)]
        share: bool,
        /// Keep running: rebuild the jobs whose inputs change (as `handbill watch`).
        #[arg(long)]
        watch: bool,
        #[command(flatten)]
        standards: Standards,
        #[command(flatten)]
        run: Run,
    },
    /// Build, then build again on every save of a statement, layout, font or campaign.
    ///
    /// Example: handbill watch statement.md --layout letter-2col --out out/
    ///
    /// With one campaign file instead of statements, watches the campaign
    /// (as `handbill batch --watch`). Ctrl-C stops.
    Watch {
        /// Statement files (Markdown or plain text), or one campaign file (.toml).
        #[arg(required = true, value_name = "STATEMENT_OR_CAMPAIGN")]
        inputs: Vec<PathBuf>,
        /// A layout name (see `handbill layouts`) or a .toml file; repeatable.
        #[arg(long = "layout", short = 'l')]
        layouts: Vec<String>,
        /// Override one layout key, e.g. --set body.size=11pt; repeatable.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
        /// Read the statements as "markdown" or "text" (pasted web text).
        #[arg(long, value_name = "markdown|text")]
        format: Option<handbill::statement::Format>,
        /// Output folder, or a .pdf file for a single job (default: the
        /// current folder; for a campaign, its own `output` pattern).
        #[arg(long, short = 'o')]
        out: Option<PathBuf>,
        /// Also write images to share on phones next to each PDF.
        #[arg(long)]
        share: bool,
        #[command(flatten)]
        standards: Standards,
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
    /// List the font families found, where each comes from and the scripts they cover.
    ///
    /// Example: handbill fonts
    Fonts {
        /// Print the licenses of the fonts bundled with handbill instead.
        #[arg(long)]
        licenses: bool,
        #[command(flatten)]
        fonts: FontPath,
    },
    /// Print a shell completion script.
    ///
    /// Example: handbill completions bash > ~/.local/share/bash-completion/completions/handbill
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff).
    ///
    /// Example: handbill manpage > ~/.local/share/man/man1/handbill.1
    Manpage,
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
    /// The studio's renderer: sets the edits `handbill studio` sends it on
    /// standard input, in a process of its own so that an edit that runs
    /// too long can be stopped.
    #[command(name = "__studio-render", hide = true)]
    StudioRender {
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
    /// Fill an event layout's {event.KEY} placeholders from one event of a
    /// campaign, e.g. --event campaign.toml:city-hall-feb-6.
    #[arg(long, value_name = "CAMPAIGN.toml:ID")]
    event: Option<String>,
    /// Give one {event.KEY} value, e.g. --var place="City Hall"; repeatable,
    /// and wins over --event's.
    #[arg(long = "var", value_name = "KEY=VALUE")]
    vars: Vec<String>,
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

/// The standards PDFs are checked against.
#[derive(Args)]
struct Standards {
    /// Check every PDF against a standard as it is written, in place of the
    /// layout's `print.standard`: pdf/ua-1, pdf/a-2b or pdf/a-2a;
    /// repeatable. A PDF that fails is not written.
    #[arg(long = "standard", value_name = "pdf/ua-1|pdf/a-2b|pdf/a-2a")]
    standard: Vec<handbill::spec::Standard>,
}

/// Font folders besides the default ones.
#[derive(Args)]
struct FontPath {
    /// A folder of fonts, searched before $HANDBILL_FONTS, ./fonts and the shipped fonts; repeatable.
    #[arg(long = "font-path", value_name = "DIR")]
    font_path: Vec<PathBuf>,
    /// Never use the system's fonts, for builds that give the same PDF on
    /// every machine (also: HANDBILL_IGNORE_SYSTEM_FONTS=1).
    #[arg(long)]
    ignore_system_fonts: bool,
}

impl FontPath {
    fn search(&self) -> handbill::fonts::FontSearch {
        handbill::fonts::FontSearch::new(self.font_path.clone(), self.ignore_system_fonts)
    }
}

fn main() -> ExitCode {
    cmd::process::setup();
    let cli = Cli::parse();
    match cli.command {
        Command::Build { inputs, out, preview, share, pictures, standards, run } => {
            let make = Make {
                pdf: true,
                preview_dpi: preview.then_some(pictures.dpi),
                contact_sheet: pictures.contact_sheet,
                share,
            };
            let settings = cmd::run::Settings { standards: standards.standard, ..run.settings() };
            build(&inputs, &out, &make, &settings)
        }
        Command::Preview { inputs, out, pictures, run } => {
            let make = Make {
                pdf: false,
                preview_dpi: Some(pictures.dpi),
                contact_sheet: pictures.contact_sheet,
                share: false,
            };
            build(&inputs, &out, &make, &run.settings())
        }
        Command::Batch { campaign, out, shard, share, watch: true, standards, run } => {
            let target = handbill::watch::Target::Campaign { file: campaign, out, shard };
            let settings = cmd::run::Settings { standards: standards.standard, ..run.settings() };
            cmd::watch::watch(target, share, &settings)
        }
        Command::Batch { campaign, out, shard, share, watch: false, standards, run } => {
            let settings = cmd::run::Settings { standards: standards.standard, ..run.settings() };
            cmd::batch::batch(&campaign, out.as_deref(), shard, share, &settings)
        }
        Command::Watch { inputs, layouts, sets, format, out, share, standards, run } => {
            let settings = cmd::run::Settings { standards: standards.standard, ..run.settings() };
            match cmd::watch::target(inputs, layouts, sets, format, out) {
                Ok(target) => cmd::watch::watch(target, share, &settings),
                Err(e) => {
                    cmd::report(&e);
                    ExitCode::from(2)
                }
            }
        }
        Command::Check { files, format, fonts } => {
            cmd::check::check(&files, format, &fonts.search())
        }
        Command::Layouts => cmd::layouts::list_layouts(),
        Command::Fonts { licenses, fonts } => cmd::fonts::list_fonts(&fonts.search(), licenses),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "handbill", &mut out);
            cmd::print_out(&String::from_utf8_lossy(&out));
            ExitCode::SUCCESS
        }
        Command::Manpage => {
            let mut out = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut out) {
                Ok(()) => {
                    cmd::print_out(&String::from_utf8_lossy(&out));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: cannot write the manual page: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Init { dir } => cmd::init::init(&dir),
        Command::Studio { dir, port, listen, open, render_limit, fonts } => {
            let opts = cmd::studio::Options { port, listen, open, render_limit };
            cmd::studio::studio(&dir, &opts, &fonts.search())
        }
        Command::StudioRender { fonts } => studio::render::child(&fonts.search()),
    }
}

fn build(
    inputs: &Inputs,
    out: &std::path::Path,
    make: &Make,
    settings: &cmd::run::Settings,
) -> ExitCode {
    let Inputs { statements, layouts, sets, format, event, vars } = inputs;
    let event = cmd::build::EventArgs { event: event.as_deref(), vars };
    cmd::build::build(statements, layouts, sets, *format, &event, out, make, settings)
}

impl Run {
    fn settings(&self) -> cmd::run::Settings {
        cmd::run::Settings {
            threads: self.jobs.map(usize::from),
            fonts: self.fonts.search(),
            ..cmd::run::Settings::default()
        }
    }
}
