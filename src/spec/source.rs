//! Finding layout files, following `extends`, applying `--set`, and
//! remembering where every key came from so validation can point at it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};
use toml::{Table, Value};

use super::raw::{self, RawLayout};
use super::words::{did_you_mean, list};
use crate::error::{Error, Location, Result};

/// For each dotted key path, where the key that set it was written.
pub(crate) type Origins = HashMap<String, Location>;

/// The layouts embedded in the binary, so it works from any folder.
pub(crate) const SHIPPED: &[(&str, &str)] = &[
    ("a4-1sheet", include_str!("../../layouts/a4-1sheet.toml")),
    ("a4-2col", include_str!("../../layouts/a4-2col.toml")),
    ("a6-4up", include_str!("../../layouts/a6-4up.toml")),
    ("booklet-a5", include_str!("../../layouts/booklet-a5.toml")),
    ("booklet-half-letter", include_str!("../../layouts/booklet-half-letter.toml")),
    ("half-letter", include_str!("../../layouts/half-letter.toml")),
    ("half-letter-2up", include_str!("../../layouts/half-letter-2up.toml")),
    ("letter-1sheet", include_str!("../../layouts/letter-1sheet.toml")),
    ("letter-2col", include_str!("../../layouts/letter-2col.toml")),
    ("letter-bilingual", include_str!("../../layouts/letter-bilingual.toml")),
    ("tabloid-3col", include_str!("../../layouts/tabloid-3col.toml")),
    ("trifold-a4", include_str!("../../layouts/trifold-a4.toml")),
    ("trifold-letter", include_str!("../../layouts/trifold-letter.toml")),
    ("zfold-letter", include_str!("../../layouts/zfold-letter.toml")),
];

/// One layout file's text and where it came from.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    /// The name shown in error locations.
    pub label: PathBuf,
    /// File stem or shipped name.
    pub id: String,
    /// The file on disk; `None` for a shipped layout.
    pub path: Option<PathBuf>,
    pub text: Cow<'static, str>,
    /// What makes two sources the same, for cycle detection.
    identity: String,
}

impl Source {
    fn shipped(id: &str) -> Option<Source> {
        SHIPPED.iter().find(|(n, _)| *n == id).map(|(n, text)| Source::builtin(n, text))
    }

    /// A layout embedded in the binary.
    pub(crate) fn builtin(id: &str, text: &'static str) -> Source {
        Source {
            label: PathBuf::from(format!("builtin:{id}.toml")),
            id: id.to_owned(),
            path: None,
            text: Cow::Borrowed(text),
            identity: format!("builtin:{id}"),
        }
    }

    fn file(path: &Path) -> Result<Source> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::io(path, e, "read the layout file"))?;
        let identity = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        Ok(Source {
            label: path.to_path_buf(),
            id: stem(path),
            path: Some(path.to_path_buf()),
            text: Cow::Owned(text),
            identity: identity.to_string_lossy().into_owned(),
        })
    }

    /// A layout given as text, e.g. by tests or a future `--layout -`.
    pub(crate) fn text(label: &str, text: &str) -> Source {
        Source {
            label: PathBuf::from(label),
            id: stem(Path::new(label)),
            path: None,
            text: Cow::Owned(text.to_owned()),
            identity: format!("text:{label}"),
        }
    }

    /// A layout given as text that is to be saved as `path` (the studio's):
    /// it is read as that file will be, its `extends`, logos and font
    /// folders found from the file's folder.
    pub(crate) fn at(path: &Path, text: &str) -> Source {
        let identity = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        Source {
            label: path.to_path_buf(),
            id: stem(path),
            path: Some(path.to_path_buf()),
            text: Cow::Owned(text.to_owned()),
            identity: identity.to_string_lossy().into_owned(),
        }
    }

    fn dir(&self) -> Option<&Path> {
        self.path.as_deref().map(|p| p.parent().unwrap_or(Path::new("")))
    }

    fn loc(&self, offset: usize) -> Location {
        Location::from_offset(&self.label, &self.text, offset)
    }
}

fn stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

fn looks_like_path(s: &str) -> bool {
    s.ends_with(".toml") || s.contains('/') || s.contains('\\')
}

fn shipped_names() -> String {
    SHIPPED.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

fn unknown_layout(loc: Location, name: &str) -> Error {
    let names: Vec<&str> = SHIPPED.iter().map(|(n, _)| *n).collect();
    // Spelt out ("letter-2column", "a4 2 columns", "letter_1_sheet"), a
    // name is further from its short form than any typo.
    let short = name
        .to_lowercase()
        .replace(['_', ' '], "-")
        .replace("columns", "col")
        .replace("column", "col")
        .replace("1-sheet", "1sheet");
    let mut hint = match names.iter().find(|n| **n == short) {
        Some(n) if short != name => format!("did you mean `{n}`? "),
        _ => did_you_mean(&short, &names),
    };
    hint.push_str(&format!(
        "shipped layouts: {}; or give the path of a .toml file",
        shipped_names()
    ));
    Error::new(loc, format!("no layout named `{name}`"), hint)
}

/// Finds the layout the user named on the command line.
pub(crate) fn find(name_or_path: &str) -> Result<Source> {
    let path = Path::new(name_or_path);
    if path.is_file() || looks_like_path(name_or_path) {
        return Source::file(path);
    }
    let local = Path::new("layouts").join(format!("{name_or_path}.toml"));
    if local.is_file() {
        return Source::file(&local);
    }
    Source::shipped(name_or_path)
        .ok_or_else(|| unknown_layout(Location::file(name_or_path), name_or_path))
}

/// The files a layout is read from: its own and those it `extends`, in
/// order, as far as they can be found now. Reading stops at a file that is
/// not valid TOML (it is listed, so a watcher sees it mended) and at a
/// parent that is missing; a missing parent named by path is listed too,
/// as it may yet be written.
pub(crate) fn files(name_or_path: &str) -> Vec<PathBuf> {
    let Ok(mut src) = find(name_or_path) else {
        let path = Path::new(name_or_path);
        return if looks_like_path(name_or_path) { vec![path.to_path_buf()] } else { Vec::new() };
    };
    let mut out: Vec<PathBuf> = Vec::new();
    while let Some(path) = src.path.clone() {
        if out.contains(&path) {
            break;
        }
        out.push(path);
        let extends = src.text.parse::<Table>().ok().and_then(|mut t| match t.remove("extends") {
            Some(Value::String(s)) => Some(s),
            _ => None,
        });
        let Some(value) = extends else { break };
        match find_parent(&src, &value, &Location::default()) {
            Ok(parent) => src = parent,
            Err(_) => {
                if let (Some(dir), true) = (src.dir(), looks_like_path(&value)) {
                    out.push(dir.join(&value));
                }
                break;
            }
        }
    }
    out
}

/// Finds the parent named by `extends = "value"` in `from`.
fn find_parent(from: &Source, value: &str, at: &Location) -> Result<Source> {
    let Some(dir) = from.dir() else {
        // Shipped layouts only extend shipped layouts.
        return Source::shipped(value).ok_or_else(|| unknown_layout(at.clone(), value));
    };
    if looks_like_path(value) {
        let path = dir.join(value);
        if !path.is_file() {
            return Err(Error::new(
                at.clone(),
                format!("`extends` names `{value}`, but there is no file {}", path.display()),
                "paths in `extends` are relative to the folder of the file that says `extends`",
            ));
        }
        return Source::file(&path);
    }
    // A name: next to this file, then ./layouts/, then shipped. The file
    // itself is skipped so that layouts/letter-2col.toml can extend the
    // shipped letter-2col and change a few keys.
    let candidates =
        [dir.join(format!("{value}.toml")), Path::new("layouts").join(format!("{value}.toml"))];
    for c in candidates {
        if c.is_file() {
            let s = Source::file(&c)?;
            if s.identity != from.identity {
                return Ok(s);
            }
        }
    }
    Source::shipped(value).ok_or_else(|| unknown_layout(at.clone(), value))
}

/// One source, parsed and checked on its own, ready to merge.
struct Parsed {
    table: Table,
    origins: Origins,
    extends: Option<(String, Location)>,
}

/// Where a key and its value are in the text.
struct KeySpan {
    path: String,
    key: std::ops::Range<usize>,
    value: std::ops::Range<usize>,
}

fn parse(src: &Source) -> Result<Parsed> {
    let doc = DeTable::parse(&src.text).map_err(|e| syntax_error(src, &e))?;
    let mut spans = Vec::new();
    walk(src, doc.get_ref(), "", &mut spans)?;
    // Type check against the raw structs while the text (and so every
    // value's span) is still at hand; after merging it is too late.
    if let Err(e) = toml::from_str::<RawLayout>(&src.text) {
        let at = e.span().map_or(0, |s| s.start);
        let inner = spans
            .iter()
            .filter(|k| k.value.contains(&at) || k.key.contains(&at))
            .min_by_key(|k| k.value.len());
        let (loc, path) = match inner {
            Some(k) => (src.loc(k.key.start), k.path.as_str()),
            None => (src.loc(at), ""),
        };
        return Err(type_error(loc, path, e.message()));
    }
    let mut table: Table = src.text.parse().map_err(|e| syntax_error(src, &e))?;
    let mut origins: Origins =
        spans.iter().map(|k| (k.path.clone(), src.loc(k.key.start))).collect();
    let extends = match table.remove("extends") {
        Some(Value::String(s)) => Some((s, origins["extends"].clone())),
        _ => None,
    };
    normalize(&mut table, &mut origins, src.dir())?;
    Ok(Parsed { table, origins, extends })
}

fn syntax_error(src: &Source, e: &toml::de::Error) -> Error {
    let loc = src.loc(e.span().map_or(0, |s| s.start));
    let msg = e.message().trim().replace('\n', "; ");
    Error::new(
        loc,
        format!("this is not valid TOML: {msg}"),
        "text values need double quotes (size = \"letter\"); tables are written [page] on a line of their own",
    )
}

/// Checks every key against the raw structs, in file order, and records spans.
fn walk(src: &Source, table: &DeTable, path: &str, out: &mut Vec<KeySpan>) -> Result<()> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    let valid = raw::table_keys(path);
    for (k, v) in entries {
        let key: &str = k.get_ref();
        if let Some(valid) = valid {
            if !valid.contains(&key) {
                return Err(unknown_key(src.loc(k.span().start), path, key));
            }
        }
        let full = join(path, key);
        out.push(KeySpan { path: full.clone(), key: k.span(), value: v.span() });
        match v.get_ref() {
            DeValue::Table(t) if raw::table_keys(&full).is_some() => walk(src, t, &full, out)?,
            // Serde would read `[[page]]` as a struct from a list, with a baffling message.
            DeValue::Table(_) => {}
            _ if raw::table_keys(&full).is_some() && full != "page.margin" => {
                return Err(Error::new(
                    src.loc(k.span().start),
                    format!("`{full}` is a table of settings, not a single value"),
                    format!("write [{full}] on a line of its own and its keys below it"),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// "unknown key `colums` in \[page\] — did you mean `columns`? valid keys: …"
pub(crate) fn unknown_key(loc: Location, table: &str, key: &str) -> Error {
    let valid = raw::table_keys(table).unwrap_or(&[]);
    let place =
        if table.is_empty() { "at the top level".to_owned() } else { format!("in [{table}]") };
    let mut hint = did_you_mean(key, valid);
    if table.is_empty() {
        // A key that belongs in a table but was written above all tables.
        if let Some(t) = raw::TABLES.iter().find(|t| raw::table_keys(t).unwrap().contains(&key)) {
            hint = format!("`{key}` belongs in [{t}]: move it below the [{t}] line; ");
        }
    }
    hint.push_str(&format!("valid keys {place}: {}", list(valid)));
    Error::new(loc, format!("unknown key `{key}` {place}"), hint)
}

/// Rewords serde's type errors and says how to write the value.
fn type_error(loc: Location, path: &str, message: &str) -> Error {
    let name = if path.is_empty() { String::new() } else { format!("`{path}`: ") };
    if message.contains("expected struct") {
        return Error::new(
            loc,
            format!("`{path}` is a table of settings, not a single value"),
            format!("write [{path}] on a line of its own and its keys below it"),
        );
    }
    let hint = if message.contains("expected a string") {
        "put the value in double quotes, e.g. \"letter\""
    } else if message.contains("expected a boolean") {
        "write true or false, without quotes"
    } else if message.contains("expected i64") {
        "write a whole number without quotes, e.g. 2"
    } else if message.contains("expected a sequence") {
        "write a list in square brackets, e.g. [\"a\", \"b\"]"
    } else if message.contains("expected a length") {
        "write a length in double quotes, e.g. \"10pt\""
    } else {
        ""
    };
    let message = message.replace("i64", "a whole number").replace("a sequence", "a list");
    Error::new(loc, format!("{name}{}", message.trim()), hint)
}

/// Brings a source's table into the one shape merging expects: `margin` as
/// a table of sides, `font-dirs` relative to the working directory.
fn normalize(table: &mut Table, origins: &mut Origins, dir: Option<&Path>) -> Result<()> {
    if let Some(Value::Table(page)) = table.get_mut("page") {
        if let Some(m) = page.get_mut("margin") {
            if !m.is_table() {
                let at = origins.get("page.margin").cloned().unwrap_or_default();
                let [t, r, b, l] = split_margin(m).ok_or_else(|| {
                    Error::new(
                        at.clone(),
                        "`page.margin` has more than four lengths",
                        "give one length for all sides, or up to four (top right bottom left) separated by spaces",
                    )
                })?;
                let mut sides = Table::new();
                for (k, v) in [("top", t), ("right", r), ("bottom", b), ("left", l)] {
                    sides.insert(k.to_owned(), v);
                    origins.insert(format!("page.margin.{k}"), at.clone());
                }
                *m = Value::Table(sides);
            }
        }
    }
    if let (Some(dir), Some(Value::Array(dirs))) = (dir, table.get_mut("font-dirs")) {
        for d in dirs.iter_mut() {
            if let Value::String(s) = d {
                if Path::new(s.as_str()).is_relative() {
                    *s = dir.join(s.as_str()).to_string_lossy().into_owned();
                }
            }
        }
    }
    Ok(())
}

/// CSS-style margin shorthand: 1 to 4 lengths → top, right, bottom, left.
fn split_margin(v: &Value) -> Option<[Value; 4]> {
    let Value::String(s) = v else { return Some([v.clone(), v.clone(), v.clone(), v.clone()]) };
    // "0.5 in" is one length: a token of letters only joins the one before.
    let mut parts: Vec<String> = Vec::new();
    for tok in s.split_whitespace() {
        match parts.last_mut() {
            Some(last) if tok.chars().all(|c| c.is_ascii_alphabetic()) => last.push_str(tok),
            _ => parts.push(tok.to_owned()),
        }
    }
    let p = |i: usize| Value::String(parts[i].clone());
    Some(match parts.len() {
        0 | 1 => [v.clone(), v.clone(), v.clone(), v.clone()],
        2 => [p(0), p(1), p(0), p(1)],
        3 => [p(0), p(1), p(2), p(1)],
        4 => [p(0), p(1), p(2), p(3)],
        _ => return None,
    })
}

fn deep_merge(base: &mut Table, over: Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(Value::Table(b)), Value::Table(o)) => deep_merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// Everything `validate` needs: the merged raw layout and where each key was set.
pub(crate) struct Loaded {
    pub raw: RawLayout,
    pub origins: Origins,
    pub top: Source,
}

/// Reads `top`, its `extends` chain and the `--set` overrides into one raw layout.
pub(crate) fn load(top: Source, sets: &[String]) -> Result<Loaded> {
    let mut chain = vec![(top.clone(), parse(&top)?)];
    loop {
        let (src, parsed) = chain.last().unwrap();
        let Some((value, at)) = parsed.extends.clone() else { break };
        let parent = find_parent(src, &value, &at)?;
        if chain.iter().any(|(s, _)| s.identity == parent.identity) {
            let names: Vec<&str> = chain.iter().map(|(s, _)| s.id.as_str()).collect();
            return Err(Error::new(
                at,
                format!(
                    "layouts extend each other in a circle: {} → {}",
                    names.join(" → "),
                    parent.id
                ),
                "remove `extends` from one of them",
            ));
        }
        let parsed = parse(&parent)?;
        chain.push((parent, parsed));
    }

    let mut table = Table::new();
    let mut origins = Origins::new();
    let last = chain.len() - 1;
    for (i, (_, mut parsed)) in chain.into_iter().enumerate().rev() {
        // A name describes its own file, not the layouts built on it.
        if i != 0 {
            parsed.table.remove("name");
            parsed.table.remove("description");
        }
        if i == last {
            table = parsed.table;
        } else {
            deep_merge(&mut table, parsed.table);
        }
        origins.extend(parsed.origins);
    }

    for set in sets {
        let (path, value, at) = parse_set(set)?;
        let mut one = Table::new();
        let mut leaf = &mut one;
        for seg in &path[..path.len() - 1] {
            leaf = leaf
                .entry(seg.clone())
                .or_insert_with(|| Value::Table(Table::new()))
                .as_table_mut()
                .unwrap();
        }
        leaf.insert(path[path.len() - 1].clone(), value);
        if let Err(e) = Value::Table(one.clone()).try_into::<RawLayout>() {
            return Err(type_error(at, &path.join("."), e.message()));
        }
        let mut set_origins = Origins::new();
        record_plain(&one, "", &at, &mut set_origins);
        normalize(&mut one, &mut set_origins, None)?;
        deep_merge(&mut table, one);
        origins.extend(set_origins);
    }

    let raw = Value::Table(table)
        .try_into::<RawLayout>()
        .map_err(|e| Error::new(Location::file(&top.label), e.message().to_owned(), ""))?;
    Ok(Loaded { raw, origins, top })
}

fn record_plain(table: &Table, path: &str, at: &Location, out: &mut Origins) {
    for (k, v) in table {
        let full = join(path, k);
        out.insert(full.clone(), at.clone());
        if let Value::Table(t) = v {
            record_plain(t, &full, at, out);
        }
    }
}

/// Splits `KEY=VALUE`, checks KEY, and reads VALUE as TOML when it is TOML
/// (numbers, booleans, quoted strings, lists) and as plain text otherwise,
/// so `body.size=11pt` needs no shell quoting.
fn parse_set(arg: &str) -> Result<(Vec<String>, Value, Location)> {
    let at = Location { file: Some(PathBuf::from(format!("--set {arg}"))), line: None, col: None };
    let Some((key, text)) = arg.split_once('=') else {
        return Err(Error::new(at, "--set needs KEY=VALUE", "write e.g. --set body.size=11pt"));
    };
    let path: Vec<String> = key.trim().split('.').map(|s| s.trim().to_owned()).collect();
    if path.iter().any(String::is_empty) {
        return Err(Error::new(
            at,
            format!("`{key}` is not a key"),
            "write e.g. --set body.size=11pt",
        ));
    }
    if path[0] == "extends" {
        return Err(Error::new(
            at,
            "`extends` cannot be changed with --set",
            "name the layout to start from with --layout instead",
        ));
    }
    let mut table = String::new();
    for (i, seg) in path.iter().enumerate() {
        let keys = raw::table_keys(&table).ok_or_else(|| {
            Error::new(
                at.clone(),
                format!("`{table}` is a single value, not a table"),
                format!("write --set {table}=VALUE"),
            )
        })?;
        if !keys.contains(&seg.as_str()) {
            return Err(unknown_key(at, &table, seg));
        }
        if i + 1 < path.len() {
            table = join(&table, seg);
        }
    }
    let text = text.trim();
    let value = match format!("v = {text}").parse::<Table>() {
        // A date stays text; anything else TOML can read is taken as TOML.
        Ok(mut t) if t.len() == 1 && !matches!(t.get("v"), Some(Value::Datetime(_))) => {
            t.remove("v").unwrap_or_else(|| Value::String(text.to_owned()))
        }
        _ => Value::String(text.to_owned()),
    };
    if let Value::Table(t) = &value {
        check_plain(t, &join(&table, &path[path.len() - 1]), &at)?;
    }
    Ok((path, value, at))
}

/// `walk` for an inline table given on the command line.
fn check_plain(t: &Table, path: &str, at: &Location) -> Result<()> {
    let Some(valid) = raw::table_keys(path) else { return Ok(()) };
    for (k, v) in t {
        if !valid.contains(&k.as_str()) {
            return Err(unknown_key(at.clone(), path, k));
        }
        if let Value::Table(inner) = v {
            check_plain(inner, &join(path, k), at)?;
        }
    }
    Ok(())
}
