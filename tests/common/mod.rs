//! Helpers shared by the integration tests: the font book, the shipped
//! statements and layouts, words as a reader sees them, running the
//! binary, and the external PDF tools.
//!
//! Each test file is its own crate and uses a part of this module; the rest
//! would be "never used" there.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use handbill::fonts::{shipped_dir, FontBook};
use handbill::pages::{Document, LineInfo, LineKind};
use handbill::spec::{self, LayoutSpec};
use handbill::statement::{self, Statement};

/// The repository.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The `handbill` binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_handbill");

/// `rel` below the repository.
pub fn root(rel: &str) -> PathBuf {
    Path::new(ROOT).join(rel)
}

/// The shipped fonts, loaded once per test binary. Only the shipped folder
/// (not `$HANDBILL_FONTS`), so results do not depend on the machine.
pub fn book() -> &'static FontBook {
    static BOOK: OnceLock<FontBook> = OnceLock::new();
    BOOK.get_or_init(|| FontBook::load(&[shipped_dir()]).expect("shipped fonts load"))
}

/// The five statements in `statements/`, sorted by name.
pub fn statements() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root("statements"))
        .expect("statements/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    v.sort();
    assert_eq!(v.len(), 5, "expected the five statements: {v:?}");
    v
}

/// Loads a statement file; `path` is absolute or relative to the repository.
pub fn load(path: impl AsRef<Path>) -> Statement {
    let path = root_relative(path.as_ref());
    statement::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn root_relative(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        Path::new(ROOT).join(path)
    }
}

/// Loads a layout by name or path with `--set` style overrides.
pub fn layout(name: &str, sets: &[&str]) -> LayoutSpec {
    spec::load(name, &strings(sets)).unwrap_or_else(|e| panic!("{name} {sets:?}: {e}"))
}

/// Every shipped layout, loaded.
pub fn shipped_layouts() -> Vec<LayoutSpec> {
    spec::shipped().iter().map(|(id, _)| layout(id, &[])).collect()
}

/// `&[&str]` to the `Vec<String>` the library takes.
pub fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

// ---- words ---------------------------------------------------------------

/// Lower-cased runs of letters and digits, as a reader sees words.
pub fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The words of a statement, as [`tokens`].
pub fn statement_tokens(st: &Statement) -> Vec<String> {
    tokens(&handbill::flow::statement_words(st).join(" "))
}

/// Whether a line is the statement's own text (not masthead or footer).
pub fn is_text(l: &LineInfo) -> bool {
    matches!(l.kind, LineKind::Body | LineKind::Heading | LineKind::Other)
}

/// The text of `lines` read in order, a word split by an inserted hyphen
/// joined again.
pub fn joined_text<'a>(lines: impl IntoIterator<Item = &'a LineInfo>) -> String {
    let mut text = String::new();
    for l in lines {
        if l.hyphen {
            text.push_str(l.text.trim_end().trim_end_matches('-'));
        } else {
            text.push_str(&l.text);
            text.push(' ');
        }
    }
    text
}

/// The statement's own lines of a document, page by page.
pub fn text_lines(doc: &Document) -> impl Iterator<Item = &LineInfo> {
    doc.pages.iter().flat_map(|p| &p.lines).filter(|l| is_text(l))
}

// ---- external tools ----------------------------------------------------------

/// The package that installs each external tool the tests use.
const PACKAGES: &[(&str, &str)] = &[
    ("pdftotext", "poppler-utils"),
    ("pdffonts", "poppler-utils"),
    ("pdfinfo", "poppler-utils"),
    ("pdftoppm", "poppler-utils"),
    ("qpdf", "qpdf"),
    ("gs", "ghostscript"),
];

/// The external tools that come from PyPI rather than Debian.
const PIP_PACKAGES: &[(&str, &str)] = &[("pdfua", "pdfua")];

/// Whether the tests run under continuous integration (`CI=true`, as set by
/// GitHub Actions, GitLab CI and most others).
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Whether `name` (poppler, qpdf, Ghostscript) can be run. Missing, it
/// fails the test under CI, where a skipped check would pass unseen; on a
/// developer's machine it prints what to install and returns false, and
/// the caller skips the part that needs it.
pub fn require_tool(name: &str) -> bool {
    tool_check(name, under_ci())
}

/// [`require_tool`] with the CI decision given, so it can be tested both ways.
pub fn tool_check(name: &str, ci: bool) -> bool {
    // Only whether it starts matters; each of these prints its version for
    // `--version` (Ghostscript would read a program from stdin for an
    // unknown option, but `output()` gives it none).
    if Command::new(name).arg("--version").output().is_ok() {
        return true;
    }
    let what = match PIP_PACKAGES.iter().find(|(t, _)| *t == name) {
        Some((_, package)) => {
            format!("`{name}` is not installed: install {package} (pip install {package})")
        }
        None => {
            let package = PACKAGES.iter().find(|(t, _)| *t == name).map_or(name, |(_, p)| p);
            format!("`{name}` is not installed: install {package} (apt-get install {package})")
        }
    };
    assert!(!ci, "{what}; it is required when CI=true");
    eprintln!("skipped (not under CI): {what}");
    false
}

/// Runs a tool that must succeed and returns its standard output.
pub fn run_tool(cmd: &str, args: &[&str]) -> String {
    let o = Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(o.status.success(), "{cmd} {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Reads a binary PGM (P5, 8 bits), as written by `pdftoppm -gray`.
pub fn read_pgm(bytes: &[u8]) -> Option<(usize, usize, &[u8])> {
    // Header: P5, width, height, maxval, each followed by whitespace;
    // `#` comments between them.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes.get(i)?.is_ascii_whitespace() {
            i += 1;
        }
        if bytes[i] == b'#' {
            while *bytes.get(i)? != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        while !bytes.get(i)?.is_ascii_whitespace() {
            i += 1;
        }
        fields.push(std::str::from_utf8(bytes.get(start..i)?).ok()?);
    }
    if fields[0] != "P5" || fields[3] != "255" {
        return None;
    }
    let (w, h): (usize, usize) = (fields[1].parse().ok()?, fields[2].parse().ok()?);
    let pixels = bytes.get(i + 1..i + 1 + w * h)?;
    Some((w, h, pixels))
}

// ---- the binary ----------------------------------------------------------

/// What one run of the binary did.
pub struct Run {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `handbill args` in `dir`, with no font folder or date from the
/// environment, and fails on a panic or a backtrace hint.
pub fn run(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("HANDBILL_FONTS")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run handbill");
    let r = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!r.stderr.contains("panicked"), "panic for {args:?}:\n{}", r.stderr);
    assert!(!r.stderr.contains("RUST_BACKTRACE"), "backtrace hint for {args:?}:\n{}", r.stderr);
    r
}

impl Run {
    /// The `error:` lines.
    pub fn errors(&self) -> Vec<&str> {
        self.stderr.lines().filter(|l| l.starts_with("error:")).collect()
    }

    /// The `warning:` lines.
    pub fn warnings(&self) -> Vec<&str> {
        self.stderr.lines().filter(|l| l.starts_with("warning:")).collect()
    }

    /// The first `error:` line, or failing that the first `warning:` line.
    pub fn message(&self) -> String {
        let lines = || self.stderr.lines();
        lines()
            .find(|l| l.starts_with("error:"))
            .or_else(|| lines().find(|l| l.starts_with("warning:")))
            .unwrap_or("")
            .to_string()
    }

    /// Standard output and error together.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// A temporary folder, removed when dropped.
pub fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Writes `bytes` to `dir/name`, creating folders.
pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&p, bytes).expect("write");
    p
}

/// Copies `rel` (below the repository) to `dir/name`.
pub fn copy(dir: &Path, rel: &str, name: &str) -> PathBuf {
    let to = dir.join(name);
    std::fs::copy(root(rel), &to).unwrap_or_else(|e| panic!("copy {rel}: {e}"));
    to
}

/// Every PDF (and leftover `.tmp` file) below `dir`, sorted.
pub fn pdfs(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "pdf" || x == "tmp") {
                v.push(p);
            }
        }
    }
    v.sort();
    v
}

/// The file names of the PDFs directly in `dir`, sorted.
pub fn pdf_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pdf"))
        .collect();
    v.sort();
    v
}
