//! Errors and warnings as values, each pointing at the input that caused it.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in a user's file something went wrong (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// The file, as the user named it.
    pub file: Option<PathBuf>,
    /// 1-based line, if known.
    pub line: Option<usize>,
    /// 1-based column, if known.
    pub col: Option<usize>,
}

impl Location {
    /// Points at a whole file.
    pub fn file(path: impl AsRef<Path>) -> Self {
        Self { file: Some(path.as_ref().to_path_buf()), line: None, col: None }
    }

    /// Points at a line and column in a file.
    pub fn at(path: impl AsRef<Path>, line: usize, col: usize) -> Self {
        Self { file: Some(path.as_ref().to_path_buf()), line: Some(line), col: Some(col) }
    }

    /// Points at a line in a file.
    pub fn line(path: impl AsRef<Path>, line: usize) -> Self {
        Self { file: Some(path.as_ref().to_path_buf()), line: Some(line), col: None }
    }

    /// Computes the 1-based line and column of a byte offset into `text`.
    pub fn from_offset(path: impl AsRef<Path>, text: &str, offset: usize) -> Self {
        let offset = offset.min(text.len());
        let before = text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Self::at(path, line, col)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(p) => write!(f, "{}", p.display())?,
            None => write!(f, "<input>")?,
        }
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.col {
                write!(f, ":{c}")?;
            }
        }
        Ok(())
    }
}

/// A failure that stops one job: what is wrong, where, and what to do about it.
///
/// Displays as `FILE:LINE:COL: what is wrong — what to do`, the form the
/// command line prints after `error: `.
#[derive(Debug)]
pub struct Error {
    /// Where the problem is.
    pub location: Location,
    /// What is wrong, in plain words.
    pub message: String,
    /// What to do about it; may be empty.
    pub hint: String,
    /// The underlying cause, if any (I/O, font parsing, PDF writing).
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// Creates an error at `location` with a message and a hint.
    pub fn new(location: Location, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self { location, message: message.into(), hint: hint.into(), source: None }
    }

    /// Creates an error about a file as a whole.
    pub fn file(
        path: impl AsRef<Path>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Self::new(Location::file(path), message, hint)
    }

    /// Creates an error from an I/O failure on `path`, in plain words (no
    /// "(os error 2)"); a missing file's hint names the file of nearly that
    /// name in the same folder, if there is one.
    pub fn io(path: impl AsRef<Path>, err: std::io::Error, doing: &str) -> Self {
        let path = path.as_ref();
        let (what, hint) = match err.kind() {
            std::io::ErrorKind::NotFound => {
                let hint = match near_miss(path) {
                    Some(p) => format!("did you mean {}?", p.display()),
                    None => "check the path and spelling".to_string(),
                };
                ("there is no such file".to_string(), hint)
            }
            std::io::ErrorKind::PermissionDenied => {
                ("permission denied".to_string(), "check the file's permissions".to_string())
            }
            _ => (plain_io(&err), String::new()),
        };
        let mut e = Self::file(path, format!("cannot {doing}: {what}"), hint);
        e.source = Some(Box::new(err));
        e
    }

    /// Attaches the underlying cause.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)?;
        if !self.hint.is_empty() {
            write!(f, " — {}", self.hint)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e.as_ref() as &(dyn std::error::Error + 'static))
    }
}

/// An I/O error's text without the operating system's code
/// ("Is a directory (os error 21)" → "is a directory").
fn plain_io(err: &std::io::Error) -> String {
    let text = err.to_string();
    let text = match text.rfind(" (os error") {
        Some(i) => &text[..i],
        None => &text[..],
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The file in `path`'s folder whose name is nearest to `path`'s (one or
/// two letters off, same extension), for "did you mean".
fn near_miss(path: &Path) -> Option<std::path::PathBuf> {
    let name = path.file_name()?.to_str()?.to_lowercase();
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let ext = path.extension().map(|e| e.to_ascii_lowercase());
    let mut best: Option<(usize, String)> = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let Some(other) = entry.file_name().to_str().map(str::to_owned) else { continue };
        let other_path = Path::new(&other);
        if other_path.extension().map(|e| e.to_ascii_lowercase()) != ext {
            continue;
        }
        let d = crate::spec::words_distance(&name, &other.to_lowercase());
        // One or two letters off, and not so loose that short names match.
        if d > 0 && d <= 2 && d * 3 <= name.chars().count() && best.as_ref().is_none_or(|b| d < b.0)
        {
            best = Some((d, other));
        }
    }
    best.map(|(_, n)| path.with_file_name(n))
}

/// Shorthand for results whose error is an [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Something worth telling the user that does not stop the build.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// Where the cause is.
    pub location: Location,
    /// What happened, in plain words.
    pub message: String,
}

impl Warning {
    /// Creates a warning at `location`.
    pub fn new(location: Location, message: impl Into<String>) -> Self {
        Self { location, message: message.into() }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_file_line_col_and_hint() {
        let e = Error::new(
            Location::at("a.toml", 3, 7),
            "unknown key `colums`",
            "did you mean `columns`?",
        );
        assert_eq!(e.to_string(), "a.toml:3:7: unknown key `colums` — did you mean `columns`?");
    }

    #[test]
    fn offset_to_line_col() {
        let loc = Location::from_offset("x", "ab\ncde\nf", 5);
        assert_eq!((loc.line, loc.col), (Some(2), Some(3)));
    }
}
