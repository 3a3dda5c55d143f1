//! `handbill studio`: starts the local web page (see `handbill::studio`).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use handbill::fonts::FontSearch;

use crate::studio;

use super::{load_book, report};

/// The command line's choices.
pub struct Options {
    /// Port (0: any free one).
    pub port: u16,
    /// Address other than the loopback one.
    pub listen: Option<IpAddr>,
    /// Open the browser.
    pub open: bool,
    /// Seconds a render may take.
    pub render_limit: f64,
}

/// Serves `dir` until the process is stopped.
pub fn studio(dir: &Path, opts: &Options, search: &FontSearch) -> ExitCode {
    let (font_dirs, book) = match load_book(search) {
        Ok(x) => x,
        Err(e) => {
            report(&e);
            return ExitCode::FAILURE;
        }
    };
    let ip = opts.listen.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    if !ip.is_loopback() {
        eprintln!(
            "warning: listening on {ip}: anyone who can reach this machine on that network can \
             use the studio, read the statements and layouts in {} and save into it",
            dir.display()
        );
    }
    let limit = if opts.render_limit.is_finite() && opts.render_limit > 0.0 {
        Duration::from_secs_f64(opts.render_limit.min(3600.0))
    } else {
        Duration::from_secs(10)
    };
    let config = studio::Config {
        dir: dir.to_path_buf(),
        addr: SocketAddr::new(ip, opts.port),
        book,
        font_dirs,
        render_limit: limit,
    };
    let started = match studio::start(config) {
        Ok(s) => s,
        Err(e) => {
            report(&e);
            return ExitCode::FAILURE;
        }
    };
    println!("handbill studio: {} (stop with Ctrl-C)", started.url);
    if opts.open {
        open_browser(&started.url);
    }
    match started.serve() {
        Some(signal) => ExitCode::from(super::process::exit_code(signal)),
        None => ExitCode::SUCCESS,
    }
}

/// Opens `url` with the desktop's opener; a failure only says so.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener).arg(url).spawn() {
        eprintln!("warning: could not open a browser ({opener}: {e}); open {url} yourself");
    }
}
