//! `docs/layout.md` against the layout parser, so the reference cannot go
//! stale: every key the parser accepts is documented and every documented
//! key is accepted; every default written as a TOML value is the default
//! (writing it changes nothing); every value listed for a key with a fixed
//! set of choices is one, and every choice is listed.
//!
//! What the parser accepts is asked through the public API only: a layout
//! with an unknown key fails with "valid keys in \[TABLE\]: …", a value
//! that is not one of a key's choices with "choose one of: …".

mod common;

use std::collections::{BTreeMap, BTreeSet};

use handbill::spec::{self, LayoutSpec};

/// A documented key: its table ("" = top level) and the cells of its row.
#[derive(Debug)]
struct Row {
    table: String,
    key: String,
    values: String,
    default: String,
}

fn reference() -> String {
    std::fs::read_to_string(common::root("docs/layout.md")).expect("docs/layout.md")
}

/// The rows of the key tables, under headings `## Top level` and
/// ``## `[table]` ``.
fn rows(doc: &str) -> Vec<Row> {
    let mut table: Option<String> = None;
    let mut out = Vec::new();
    for line in doc.lines() {
        if line.starts_with('#') {
            table = if line.trim_start_matches('#').trim() == "Top level" {
                Some(String::new())
            } else {
                spans(line).into_iter().find_map(|s| {
                    s.strip_prefix('[').and_then(|s| s.strip_suffix(']')).map(str::to_owned)
                })
            };
            continue;
        }
        let Some(table) = &table else { continue };
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | `key` | values | default | meaning |
        if cells.len() != 6 || !cells[1].starts_with('`') {
            continue;
        }
        out.push(Row {
            table: table.clone(),
            key: cells[1].trim_matches('`').to_owned(),
            values: cells[2].to_owned(),
            default: cells[3].to_owned(),
        });
    }
    out
}

/// The `code` spans of a line.
fn spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// A layout with `key = value` in `table`.
fn layout_text(table: &str, key: &str, value: &str) -> String {
    if table.is_empty() {
        format!("{key} = {value}\n")
    } else {
        format!("[{table}]\n{key} = {value}\n")
    }
}

fn load(text: &str) -> Result<LayoutSpec, String> {
    spec::load_str("probe.toml", text, &[]).map_err(|e| e.to_string())
}

/// The list after `marker` in an error, up to its end or to ", or ".
fn list_after(error: &str, marker: &str) -> Option<BTreeSet<String>> {
    let rest = &error[error.find(marker)? + marker.len()..];
    let rest = rest.split(", or ").next().unwrap_or(rest);
    Some(rest.split(", ").map(|s| s.trim().to_owned()).collect())
}

/// The keys the parser accepts in `table` ("" = top level), or `None` when
/// `table` is not a table.
fn accepted_keys(table: &str) -> Option<BTreeSet<String>> {
    let e = load(&layout_text(table, "no-such-key", "1")).expect_err("an unknown key is an error");
    let place = if table.is_empty() { "at the top level".into() } else { format!("in [{table}]") };
    list_after(&e, &format!("valid keys {place}: "))
}

/// Every table the parser knows, with its keys: the top level, the tables
/// it names, and the tables those name.
fn accepted() -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![String::new()];
    while let Some(table) = todo.pop() {
        let keys = accepted_keys(&table).unwrap_or_else(|| panic!("[{table}] lists no keys"));
        for k in &keys {
            let sub = if table.is_empty() { k.clone() } else { format!("{table}.{k}") };
            if accepted_keys(&sub).is_some() {
                todo.push(sub);
            }
        }
        out.insert(table, keys);
    }
    out
}

#[test]
fn every_accepted_key_is_documented_and_every_documented_key_accepted() {
    let accepted = accepted();
    // The discovery found the tables a layout has.
    for t in ["", "page", "page.margin", "body", "headings", "masthead", "footer", "fit", "print"] {
        assert!(accepted.contains_key(t), "[{t}] not found: {accepted:?}");
    }
    let mut documented: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in rows(&reference()) {
        let fresh = documented.entry(r.table.clone()).or_default().insert(r.key.clone());
        assert!(fresh, "docs/layout.md documents `{}` in [{}] twice", r.key, r.table);
    }
    let mut problems = Vec::new();
    for (table, keys) in &accepted {
        let docs = documented.get(table).cloned().unwrap_or_default();
        // A table (`[page]`) is documented by its own section.
        let section = |k: &String| {
            documented.contains_key(&if table.is_empty() {
                k.clone()
            } else {
                format!("{table}.{k}")
            })
        };
        for k in keys.difference(&docs).filter(|k| !section(k)) {
            problems.push(format!("[{table}] `{k}` is accepted but not documented"));
        }
        for k in docs.difference(keys) {
            problems.push(format!("[{table}] `{k}` is documented but not accepted"));
        }
    }
    for table in documented.keys().filter(|t| !accepted.contains_key(*t)) {
        problems.push(format!("[{table}] is documented but is not a table of a layout"));
    }
    assert!(problems.is_empty(), "docs/layout.md is out of date:\n{}", problems.join("\n"));
}

/// A default written as one TOML value (`` `"10pt"` ``, `` `2` ``) gives
/// the same layout when written out as when left out. Defaults in words
/// ("the file name") are not checked.
#[test]
fn documented_defaults_are_the_defaults() {
    let default = load("").expect("an empty layout is valid");
    let mut checked = 0;
    let mut problems = Vec::new();
    for r in rows(&reference()) {
        let s = spans(&r.default);
        let literal = s.len() == 1 && r.default == format!("`{}`", s[0]);
        if !literal {
            continue;
        }
        checked += 1;
        match load(&layout_text(&r.table, &r.key, s[0])) {
            Ok(spec) if spec == default => {}
            Ok(_) => problems.push(format!("[{}] {} = {}: not the default", r.table, r.key, s[0])),
            Err(e) => problems.push(format!("[{}] {} = {}: {e}", r.table, r.key, s[0])),
        }
    }
    assert!(problems.is_empty(), "docs/layout.md defaults:\n{}", problems.join("\n"));
    // Nearly every key has its default written as a value.
    assert!(checked >= 40, "only {checked} defaults checked");
}

/// For a key with a fixed set of choices, the documented values are
/// exactly the choices (plus forms such as "W x H", which must load); for
/// any other key, every quoted value the reference shows must load.
#[test]
fn documented_values_are_accepted_and_choices_complete() {
    let mut choice_keys = 0;
    let mut problems = Vec::new();
    for r in rows(&reference()) {
        let shown: BTreeSet<String> = spans(&r.values)
            .into_iter()
            .filter(|s| s.starts_with('"') || *s == "true" || *s == "false")
            .map(str::to_owned)
            .collect();
        let probe = load(&layout_text(&r.table, &r.key, "\"no-such-choice\""));
        let choices = probe.err().and_then(|e| {
            list_after(&e, "choose one of: ").or_else(|| list_after(&e, "use one of "))
        });
        if let Some(choices) = &choices {
            choice_keys += 1;
            for c in choices {
                if !shown.contains(&format!("\"{c}\"")) {
                    problems.push(format!("[{}] {}: `\"{c}\"` is not listed", r.table, r.key));
                }
            }
        }
        for v in &shown {
            let a_choice = choices.as_ref().is_some_and(|c| c.contains(v.trim_matches('"')));
            if a_choice {
                continue;
            }
            if let Err(e) = load(&layout_text(&r.table, &r.key, v)) {
                problems.push(format!("[{}] {} = {v}: {e}", r.table, r.key));
            }
        }
    }
    assert!(problems.is_empty(), "docs/layout.md values:\n{}", problems.join("\n"));
    // orientation, size, bilingual, align, dir, quotes, on, color, sheet, duplex …
    assert!(choice_keys >= 10, "only {choice_keys} keys with choices found");
}

/// The README sends readers to the reference in the repository, and no
/// document to files outside it.
#[test]
fn docs_point_inside_the_repository() {
    let readme = std::fs::read_to_string(common::root("README.md")).expect("README.md");
    assert!(readme.contains("(docs/layout.md)"), "README.md does not link docs/layout.md");
    let mut docs = vec![common::root("README.md")];
    docs.extend(
        std::fs::read_dir(common::root("docs"))
            .expect("docs/")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "md")),
    );
    for path in docs {
        let text = std::fs::read_to_string(&path).expect("read");
        for outside in ["../shared", "CONTRACT.md"] {
            assert!(!text.contains(outside), "{} refers to {outside}", path.display());
        }
    }
}
