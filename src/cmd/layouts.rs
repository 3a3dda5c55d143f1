//! `handbill layouts`: a table of the shipped layouts and of any in
//! `./layouts/`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use handbill::spec::{self, LayoutSpec};

use std::fmt::Write as _;

use super::{print_out, report};

const PT_PER_IN: f32 = 72.0;
const PT_PER_MM: f32 = 72.0 / 25.4;

/// Runs `handbill layouts`.
pub fn list_layouts() -> ExitCode {
    let mut rows = Vec::new();
    let mut status = ExitCode::SUCCESS;
    match spec::list() {
        Ok(specs) => rows.extend(specs.iter().map(|s| row(s, String::new()))),
        Err(e) => {
            report(&e);
            status = ExitCode::from(1);
        }
    }
    let shipped = spec::shipped();
    for path in local_layouts(Path::new("layouts")) {
        // The repository's own copies of the shipped layouts are not news.
        let same_as_shipped = std::fs::read_to_string(&path)
            .is_ok_and(|t| shipped.iter().any(|(_, s)| s.trim() == t.trim()));
        if same_as_shipped {
            continue;
        }
        match spec::load(&path.to_string_lossy(), &[]) {
            Ok(s) => {
                let note = if shipped.iter().any(|(id, _)| *id == s.id) {
                    format!("{} (replaces the shipped one here)", path.display())
                } else {
                    path.display().to_string()
                };
                rows.push(row(&s, note));
            }
            Err(e) => eprintln!("warning: skipped {}: {e}", path.display()),
        }
    }
    let mut o = print_table(&rows);
    o.push('\n');
    let _ = writeln!(o, "Use one with: handbill build STATEMENT.md --layout ID");
    let _ =
        writeln!(o, "Make your own: a .toml file with `extends = \"ID\"` and the keys to change.");
    print_out(&o);
    status
}

/// `./layouts/*.toml`, sorted.
fn local_layouts(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut v: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("toml")))
        .collect();
    v.sort();
    v
}

struct Row {
    id: String,
    name: String,
    paper: String,
    columns: String,
    description: String,
}

fn row(s: &LayoutSpec, source: String) -> Row {
    let mut description = s.description.clone();
    if !source.is_empty() {
        description =
            if description.is_empty() { source } else { format!("{description} [{source}]") };
    }
    Row {
        id: s.id.clone(),
        name: s.name.clone(),
        paper: match s.print.sheet {
            // A folded leaflet is known by its sheet, not its panels.
            Some((w, h)) if s.fold.panels() => format!("{}, 6 panels", paper_name(w, h)),
            _ => paper_name(s.page.width, s.page.height),
        },
        columns: s.page.columns.to_string(),
        description,
    }
}

/// Names a page size the way a print shop would: `Letter 8.5×11 in`,
/// `A4 210×297 mm`, or just the measures.
pub fn paper_name(w: f32, h: f32) -> String {
    let near = |a: f32, b: f32| (a - b).abs() < 1.0;
    let (pw, ph, landscape) = if w > h { (h, w, true) } else { (w, h, false) };
    let known = spec::papers().iter().find(|(_, a, b)| near(*a, pw) && near(*b, ph));
    let turn = if landscape { " landscape" } else { "" };
    let inches = |n: &str| format!("{n} {}×{} in{turn}", num(w / PT_PER_IN), num(h / PT_PER_IN));
    let mm = |n: &str| format!("{n} {}×{} mm{turn}", num(w / PT_PER_MM), num(h / PT_PER_MM));
    match known {
        Some((id, ..)) if id.starts_with('a') => mm(&id.to_uppercase()),
        Some((id, ..)) => {
            let mut name = id.replace('-', " ");
            if let Some(first) = name.get(..1) {
                name = first.to_uppercase() + name.get(1..).unwrap_or("");
            }
            inches(&name)
        }
        None => {
            // Custom sizes: whichever unit gives rounder numbers.
            let round_in = [w, h].iter().all(|v| ((v / PT_PER_IN) * 4.0).fract().abs() < 0.01);
            if round_in {
                inches("Custom")
            } else {
                mm("Custom")
            }
        }
    }
}

/// Formats a measure with at most two decimals and no trailing zeros.
fn num(v: f32) -> String {
    let s = format!("{:.2}", v);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn print_table(rows: &[Row]) -> String {
    let mut o = String::new();
    let head = Row {
        id: "ID".into(),
        name: "NAME".into(),
        paper: "PAPER".into(),
        columns: "COLS".into(),
        description: "DESCRIPTION".into(),
    };
    let all: Vec<&Row> = std::iter::once(&head).chain(rows).collect();
    let width =
        |f: fn(&Row) -> &String| all.iter().map(|r| f(r).chars().count()).max().unwrap_or(0);
    let (wi, wn, wp, wc) =
        (width(|r| &r.id), width(|r| &r.name), width(|r| &r.paper), width(|r| &r.columns));
    for r in all {
        let _ = writeln!(
            o,
            "{:wi$}  {:wn$}  {:wp$}  {:>wc$}  {}",
            r.id, r.name, r.paper, r.columns, r.description
        );
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_papers() {
        assert_eq!(paper_name(612.0, 792.0), "Letter 8.5×11 in");
        assert_eq!(paper_name(595.28, 841.89), "A4 210×297 mm");
        assert_eq!(paper_name(792.0, 612.0), "Letter 11×8.5 in landscape");
        assert_eq!(paper_name(396.0, 612.0), "Half letter 5.5×8.5 in");
    }
}
