//! Build script: puts the bundled fonts and their licenses inside the
//! binary, and records the git commit for `handbill --version`.
//!
//! The fonts are listed into `$OUT_DIR/bundled_fonts.rs` as `include_bytes!`
//! of each file under `fonts/`, so an installed or copied `handbill` needs
//! nothing next to it; `fonts/` stays the source, with the licenses.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    bundle_fonts(&root.join("fonts"), &out.join("bundled_fonts.rs"));
    commit(&root);
}

/// Lists every font and license file under `dir`, sorted by path.
fn bundle_fonts(dir: &Path, dest: &Path) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.sort();
    let mut fonts = String::new();
    let mut licenses = String::new();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let rel = file.strip_prefix(dir).expect("under the folder");
        // Forward slashes on every platform: the name is shown to people.
        let rel: Vec<String> =
            rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let rel = rel.join("/");
        let name = file.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        let abs = file.display().to_string();
        if name.ends_with(".ttf") || name.ends_with(".otf") {
            let _ = writeln!(fonts, "    ({rel:?}, include_bytes!({abs:?})),");
        } else if name.starts_with("license") || name.starts_with("ofl") {
            let _ = writeln!(licenses, "    ({rel:?}, include_str!({abs:?})),");
        }
    }
    let code = format!(
        "/// The bundled font files: path under `fonts/`, bytes.\n\
         pub static FONTS: &[(&str, &[u8])] = &[\n{fonts}];\n\
         /// The bundled fonts' license files: path under `fonts/`, text.\n\
         pub static LICENSES: &[(&str, &str)] = &[\n{licenses}];\n"
    );
    if std::fs::read_to_string(dest).ok().as_deref() != Some(code.as_str()) {
        std::fs::write(dest, code).expect("write the font list");
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Sets `HANDBILL_VERSION` to the crate's version and, when built from a
/// git checkout, the short commit (not from a crates.io or tarball build).
fn commit(root: &Path) {
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git").args(args).current_dir(root).output().ok()?;
        let s = String::from_utf8(out.stdout).ok()?;
        (out.status.success() && !s.trim().is_empty()).then(|| s.trim().to_string())
    };
    // Rebuild the version string when HEAD moves (a worktree's HEAD lives
    // in its own git folder; the branch ref in the common one).
    if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
        let dir = root.join(dir);
        println!("cargo:rerun-if-changed={}", dir.join("HEAD").display());
        if let Some(head) = git(&["symbolic-ref", "-q", "HEAD"]) {
            if let Some(common) = git(&["rev-parse", "--git-common-dir"]) {
                println!("cargo:rerun-if-changed={}", root.join(common).join(head).display());
            }
        }
    }
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let version = match git(&["rev-parse", "--short=10", "HEAD"]) {
        Some(hash) => format!("{version} (commit {hash})"),
        None => version,
    };
    println!("cargo:rustc-env=HANDBILL_VERSION={version}");
}
