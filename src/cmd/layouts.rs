//! `handbill layouts`: list the shipped layouts.

use std::process::ExitCode;

/// Runs `handbill layouts`.
pub fn list_layouts() -> ExitCode {
    ExitCode::SUCCESS
}
