//! Campaign files: statements × layouts × local events in one TOML file,
//! turned into a [`Plan`] of jobs for `handbill batch`.
//!
//! ```toml
//! statements = ["statements/*.md"]
//! layouts = ["letter-2col", "half-letter"]
//! output = "out/{event}/{statement}-{layout}.pdf"
//!
//! [[event]]
//! id = "minneapolis-jan-23"
//! name = "Day of action"
//! ```
//!
//! Paths in the file (statements, layout files, the output) are relative to
//! the campaign file's folder, so a campaign builds the same from anywhere.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Location, Result};
use crate::jobs::{Event, JobNames, Layout, Plan};
use crate::Vars;

/// The keys a campaign file may have at its top level.
pub const KEYS: &[&str] = &["statements", "layouts", "output", "set", "event"];

/// The placeholders an output pattern may use.
pub const OUTPUT_PLACEHOLDERS: &[&str] = &["{event}", "{statement}", "{layout}"];

/// A campaign file, read and checked; paths resolved against its folder.
#[derive(Debug, Clone)]
pub struct Campaign {
    /// The campaign file.
    pub path: PathBuf,
    /// Statement files matched by the `statements` globs, sorted.
    pub statements: Vec<PathBuf>,
    /// The same files in the order listed (each entry's matches sorted),
    /// repeats kept: bilingual layouts pair them two by two in this order.
    pub listed: Vec<PathBuf>,
    /// Layouts: shipped names as given, files resolved to paths.
    pub layouts: Vec<String>,
    /// The output pattern, e.g. `out/{event}/{statement}-{layout}.pdf`.
    pub output: String,
    /// Where `output` is in the file (for errors about output names).
    pub output_location: Location,
    /// Layout overrides applied to every layout (`--set` syntax).
    pub set: Vec<String>,
    /// The `[[event]]` tables, in order.
    pub events: Vec<Event>,
    /// The `statements` entries that are patterns (`*`, `?`), folder
    /// resolved: a file added that matches one joins the campaign (see
    /// [`Campaign::would_match`]).
    pub patterns: Vec<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    statements: Spanned<Vec<Spanned<String>>>,
    layouts: Spanned<Vec<Spanned<String>>>,
    output: Option<Spanned<String>>,
    #[serde(default)]
    set: Vec<Spanned<String>>,
    #[serde(default)]
    event: Vec<Spanned<BTreeMap<Spanned<String>, Spanned<toml::Value>>>>,
}

/// Reads a campaign file.
pub fn load(path: &Path) -> Result<Campaign> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e, "read the campaign"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::file(path, "the campaign is not UTF-8 text", "save it as UTF-8"))?;
    parse(path, &text)
}

/// Parses a campaign from text; `path` locates errors and is the folder
/// relative paths start from. Statement globs are expanded on disk.
pub fn parse(path: &Path, text: &str) -> Result<Campaign> {
    let at = |span: Range<usize>| Location::from_offset(path, text, span.start);
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let loc = e.span().map_or_else(|| Location::file(path), &at);
        let msg = e.message().lines().next().unwrap_or("invalid TOML").trim().to_string();
        let hint = if msg.starts_with("unknown field") {
            format!("valid keys: {}", KEYS.join(", "))
        } else if msg.starts_with("missing field") {
            "a campaign needs `statements` and `layouts`; see docs/campaigns.md".to_string()
        } else {
            "check the TOML syntax; see docs/campaigns.md".to_string()
        };
        Error::new(loc, msg, hint)
    })?;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));

    let mut statements = Vec::new();
    let mut patterns = Vec::new();
    for pat in raw.statements.get_ref() {
        let found = expand(dir, pat.get_ref())
            .map_err(|(msg, hint)| Error::new(at(pat.span()), msg, hint))?;
        statements.extend(found);
        if pat.get_ref().contains(['*', '?']) {
            patterns.push(normalize(&dir.join(pat.get_ref())));
        }
    }
    if statements.is_empty() {
        return Err(Error::new(
            at(raw.statements.span()),
            "no statements listed",
            "add files or patterns, e.g. statements = [\"statements/*.md\"]",
        ));
    }
    let listed = statements.clone();
    statements.sort();
    statements.dedup();

    let layouts: Vec<String> =
        raw.layouts.get_ref().iter().map(|l| resolve_layout(dir, l.get_ref())).collect();
    if layouts.is_empty() {
        return Err(Error::new(
            at(raw.layouts.span()),
            "no layouts listed",
            "add layout names or files, e.g. layouts = [\"letter-2col\"] (see `handbill layouts`)",
        ));
    }

    let mut events: Vec<Event> = Vec::new();
    for table in &raw.event {
        let mut vars = Vars::new();
        for (key, value) in table.get_ref() {
            let Some(s) = value.get_ref().as_str() else {
                return Err(Error::new(
                    at(value.span()),
                    format!("event value `{}` is not text", key.get_ref()),
                    "quote it, e.g. date = \"2026-01-23\"",
                ));
            };
            vars.insert(key.get_ref().clone(), s.to_string());
        }
        let Some(id) = vars.get("id").cloned() else {
            return Err(Error::new(
                at(table.span()),
                "this [[event]] has no `id`",
                "add a short name used in output names, e.g. id = \"minneapolis-jan-23\"",
            ));
        };
        let id_at = table
            .get_ref()
            .iter()
            .find(|(k, _)| k.get_ref() == "id")
            .map_or_else(|| at(table.span()), |(_, v)| at(v.span()));
        if !is_safe_id(&id) {
            return Err(Error::new(
                id_at,
                format!("event id `{id}` cannot be used in a file name"),
                "use letters, digits, `-`, `_` and `.` only, not starting with `.`",
            ));
        }
        if events.iter().any(|e| e.id == id) {
            return Err(Error::new(
                id_at,
                format!("event id `{id}` is used twice"),
                "give each event its own id",
            ));
        }
        events.push(Event { id, vars });
    }

    let (output, output_location) = match &raw.output {
        Some(o) => (o.get_ref().clone(), at(o.span())),
        None if events.is_empty() => ("{statement}-{layout}.pdf".to_string(), Location::file(path)),
        None => ("{event}/{statement}-{layout}.pdf".to_string(), Location::file(path)),
    };
    check_output(&output, !events.is_empty())
        .map_err(|(msg, hint)| Error::new(output_location.clone(), msg, hint))?;

    Ok(Campaign {
        path: path.to_path_buf(),
        statements,
        listed,
        layouts,
        output,
        output_location,
        set: raw.set.iter().map(|s| s.get_ref().clone()).collect(),
        events,
        patterns,
    })
}

impl Campaign {
    /// Whether a file at `path` would be one of the statements, were it
    /// there: a pattern's folder and name match, as [`expand`] takes them
    /// (hidden files only for a pattern that starts with `.`).
    pub fn would_match(&self, path: &Path) -> bool {
        self.patterns.iter().any(|p| matches(p, path))
    }

    /// Loads the layouts and makes the jobs. Outputs go below `out`, or
    /// below the campaign's folder when `out` is `None`.
    pub fn plan(&self, out: Option<&Path>) -> Result<Plan> {
        let base = match out {
            Some(o) => o.to_path_buf(),
            None => self.path.parent().unwrap_or(Path::new("")).to_path_buf(),
        };
        let layouts: Vec<Layout> =
            self.layouts.iter().map(|l| Layout::load(l, &self.set)).collect();
        // Sorted there for one-statement layouts; paired as listed for
        // bilingual ones.
        let mut plan = Plan::new(
            self.listed.clone(),
            layouts,
            self.events.clone(),
            self.output_location.clone(),
            |n| normalize(&base.join(fill_output(&self.output, n))),
        )?;
        plan.inputs.push(self.path.clone());
        Ok(plan)
    }
}

/// Fills `{event}`, `{statement}` and `{layout}` in an output pattern.
pub fn fill_output(pattern: &str, names: &JobNames<'_>) -> String {
    pattern
        .replace("{event}", names.event.unwrap_or(""))
        .replace("{statement}", names.statement)
        .replace("{layout}", names.layout)
}

fn check_output(pattern: &str, has_events: bool) -> std::result::Result<(), (String, String)> {
    for ph in crate::vars::placeholders(pattern) {
        let token = &pattern[ph.span];
        if !OUTPUT_PLACEHOLDERS.contains(&token) {
            return Err((
                format!("unknown placeholder `{token}` in the output pattern"),
                format!("use {}", OUTPUT_PLACEHOLDERS.join(" ")),
            ));
        }
        if token == "{event}" && !has_events {
            return Err((
                "the output pattern uses `{event}` but there are no [[event]] tables".into(),
                "add events or remove `{event}` from `output`".into(),
            ));
        }
    }
    if !pattern.to_ascii_lowercase().ends_with(".pdf") {
        return Err((
            format!("the output pattern `{pattern}` does not end in .pdf"),
            "e.g. output = \"out/{event}/{statement}-{layout}.pdf\"".into(),
        ));
    }
    Ok(())
}

/// A layout entry is a file (relative to the campaign) when one exists
/// there, or `layouts/NAME.toml` beside the campaign; otherwise a name for
/// [`crate::spec::load`] to look up.
fn resolve_layout(dir: &Path, entry: &str) -> String {
    let as_file = normalize(&dir.join(entry));
    if as_file.is_file() {
        return as_file.to_string_lossy().into_owned();
    }
    let named = normalize(&dir.join("layouts").join(format!("{entry}.toml")));
    if !entry.ends_with(".toml") && named.is_file() {
        return named.to_string_lossy().into_owned();
    }
    if entry.ends_with(".toml") || entry.contains('/') {
        // A path that does not exist: keep it relative to the campaign so
        // the error names the file the user meant.
        return as_file.to_string_lossy().into_owned();
    }
    entry.to_string()
}

fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('.')
        && id.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Expands one `statements` entry: a file, or a pattern whose last part
/// may use `*` and `?`. Folders in the pattern are taken literally.
fn expand(dir: &Path, pattern: &str) -> std::result::Result<Vec<PathBuf>, (String, String)> {
    let full = normalize(&dir.join(pattern));
    let (parent, name) = match (full.parent(), full.file_name()) {
        (Some(p), Some(n)) => (p.to_path_buf(), n.to_string_lossy().into_owned()),
        _ => {
            return Err((
                format!("`{pattern}` is not a file or pattern"),
                "e.g. \"statements/*.md\"".into(),
            ))
        }
    };
    if parent.to_string_lossy().contains(['*', '?']) {
        return Err((
            format!("`{pattern}`: `*` and `?` work in the file name only"),
            "list each folder separately, e.g. [\"a/*.md\", \"b/*.md\"]".into(),
        ));
    }
    if !name.contains(['*', '?']) {
        if full.is_file() {
            return Ok(vec![full]);
        }
        return Err((
            format!("statement `{}` not found", full.display()),
            "paths are relative to the campaign file's folder".into(),
        ));
    }
    let search = if parent.as_os_str().is_empty() { Path::new(".") } else { parent.as_path() };
    let entries = std::fs::read_dir(search).map_err(|e| {
        (
            format!("cannot read folder {}: {e}", search.display()),
            "paths are relative to the campaign file's folder".into(),
        )
    })?;
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        // Hidden files (editor backups, temp files) only when asked for.
        .filter(|n| !n.starts_with('.') || name.starts_with('.'))
        .filter(|n| wildcard(&name, n))
        .map(|n| parent.join(n))
        .filter(|p| p.is_file())
        .collect();
    if found.is_empty() {
        return Err((
            format!("no file matches `{}`", full.display()),
            "paths are relative to the campaign file's folder".into(),
        ));
    }
    found.sort();
    Ok(found)
}

/// Whether a file at `path` is one that `pattern` (a `statements` entry,
/// folder resolved as in [`Campaign::patterns`]) takes: the same folder,
/// and a name that matches, as [`expand`] takes them (hidden files only
/// for a pattern that starts with `.`).
pub fn matches(pattern: &Path, path: &Path) -> bool {
    let path = normalize(path);
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return false;
    };
    let name = name.to_string_lossy();
    let pattern = normalize(pattern);
    let Some(pname) = pattern.file_name().map(|n| n.to_string_lossy()) else {
        return false;
    };
    pattern.parent() == Some(dir)
        && (!name.starts_with('.') || pname.starts_with('.'))
        && wildcard(&pname, &name)
}

/// Matches `name` against a pattern with `*` (any run) and `?` (one char).
fn wildcard(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Drops `.` and `name/..` pairs so messages show `statements/a.md`, not
/// `campaigns/../statements/a.md`.
fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard("*.md", "a.md"));
        assert!(wildcard("2026-*-?.md", "2026-01-x.md"));
        assert!(!wildcard("*.md", "a.txt"));
        assert!(wildcard("*", ""));
        assert!(wildcard("a*b*c", "aXbYbc"));
        assert!(!wildcard("a?", "a"));
    }

    #[test]
    fn a_new_file_is_known_to_match_a_pattern() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("st")).unwrap();
        std::fs::write(dir.path().join("st/a.md"), "# A\n").unwrap();
        std::fs::write(dir.path().join("one.md"), "# One\n").unwrap();
        let file = dir.path().join("campaign.toml");
        let c =
            parse(&file, "statements = [\"st/*.md\", \"one.md\"]\nlayouts = [\"letter-2col\"]\n")
                .unwrap();
        assert!(c.would_match(&dir.path().join("st/b.md")));
        assert!(c.would_match(&dir.path().join("x/../st/b.md")));
        assert!(!c.would_match(&dir.path().join("st/.b.md")), "hidden");
        assert!(!c.would_match(&dir.path().join("st/b.md~")), "a backup");
        assert!(!c.would_match(&dir.path().join("two.md")), "a listed file is no pattern");
    }

    #[test]
    fn normalizes() {
        assert_eq!(
            normalize(Path::new("campaigns/../statements/./a.md")),
            Path::new("statements/a.md")
        );
        assert_eq!(normalize(Path::new("../x")), Path::new("../x"));
    }

    #[test]
    fn unknown_key_lists_valid_ones() {
        let text = "statements = [\"x.md\"]\nlayouts = [\"letter-2col\"]\noutptu = \"a.pdf\"\n";
        let e = parse(Path::new("c.toml"), text).unwrap_err().to_string();
        assert!(e.starts_with("c.toml:3:1: unknown field `outptu`"), "{e}");
        assert!(e.contains("valid keys: statements, layouts, output, set, event"), "{e}");
    }

    #[test]
    fn output_pattern_checked() {
        assert!(check_output("out/{event}/{statement}-{layout}.pdf", true).is_ok());
        assert!(check_output("{statement}-{layot}.pdf", false).unwrap_err().0.contains("{layot}"));
        assert!(check_output("{event}.pdf", false).is_err());
        assert!(check_output("{statement}", false).is_err());
    }

    #[test]
    fn event_ids_are_file_safe() {
        assert!(is_safe_id("minneapolis-jan-23"));
        for bad in ["", "../x", ".hidden", "a/b", "a b"] {
            assert!(!is_safe_id(bad), "{bad}");
        }
    }
}
