//! `handbill check`: validate, print warnings, write nothing.

use std::path::PathBuf;
use std::process::ExitCode;

use handbill::{spec, statement};

use super::report;

/// Runs `handbill check`.
pub fn check(files: &[PathBuf]) -> ExitCode {
    let mut failed = 0;
    for f in files {
        let is_layout = f.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        let result = if is_layout {
            spec::load(&f.to_string_lossy(), &[]).map(|_| Vec::new())
        } else {
            statement::load(f).map(|s| s.warnings)
        };
        match result {
            Ok(ws) => {
                for w in &ws {
                    eprintln!("warning: {w}");
                }
                eprintln!("ok: {}", f.display());
            }
            Err(e) => {
                report(&e);
                failed += 1;
            }
        }
    }
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
