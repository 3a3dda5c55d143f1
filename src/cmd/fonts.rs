//! `handbill fonts`: the font families found, their styles, and the scripts
//! each can set.

use std::collections::BTreeMap;
use std::process::ExitCode;

use handbill::fonts::{self, Face, FontBook, FontSearch};

use std::fmt::Write as _;

use super::{print_out, report};

/// Runs `handbill fonts`: every family with where it comes from, or with
/// `licenses` the bundled fonts' license texts.
pub fn list_fonts(search: &FontSearch, licenses: bool) -> ExitCode {
    if licenses {
        print_out(&print_licenses());
        return ExitCode::SUCCESS;
    }
    let book = match search.load_all() {
        Ok(b) => b,
        Err(e) => {
            report(&e);
            return ExitCode::from(1);
        }
    };
    print_out(&print_families(&book));
    ExitCode::SUCCESS
}

/// The license of every bundled family, each under its file's name.
fn print_licenses() -> String {
    let mut o = String::new();
    for (path, text) in fonts::licenses() {
        let _ = writeln!(o, "==> fonts/{path} <==");
        let _ = writeln!(o, "{}\n", text.trim_end());
    }
    o
}

fn print_families(book: &FontBook) -> String {
    let mut o = String::new();
    let mut families: BTreeMap<String, Vec<&Face>> = BTreeMap::new();
    // A system font that cannot be parsed is left out: it cannot be used.
    for f in (0..book.len()).filter_map(|id| book.try_face(id).ok()) {
        families.entry(f.family.clone()).or_default().push(f);
    }
    if families.is_empty() {
        let _ =
            writeln!(o, "No fonts found. Put .ttf or .otf files in ./fonts or set HANDBILL_FONTS.");
        return o;
    }
    let mut covered = std::collections::BTreeSet::new();
    for (family, faces) in families {
        // Where the family comes from, in the order it is searched (a
        // style found in two places is taken from the first).
        let mut places: Vec<String> = Vec::new();
        for f in &faces {
            let dir = f.path.parent().map(|p| p.display().to_string()).unwrap_or_default();
            let place = format!("{} ({dir})", f.origin);
            if !places.contains(&place) {
                places.push(place);
            }
        }
        let mut faces = faces;
        faces.sort_by_key(|f| (f.italic, f.weight));
        let mut styles: Vec<&str> = faces.iter().map(|f| f.style.as_str()).collect();
        styles.dedup();
        // A family covers what its upright regular face covers.
        let scripts = faces.first().map(|f| f.scripts()).unwrap_or_default();
        covered.extend(scripts.iter().copied());
        let folder = match places.as_slice() {
            [one] => one.clone(),
            [first, rest @ ..] => format!("{first}; also {}", rest.join("; ")),
            [] => String::new(),
        };
        let _ = writeln!(o, "{family}");
        let _ = writeln!(o, "    styles:  {}", styles.join(", "));
        let _ = writeln!(
            o,
            "    scripts: {}",
            if scripts.is_empty() { "none of the tested ones".into() } else { scripts.join(", ") }
        );
        let _ = writeln!(o, "    from:    {folder}");
    }
    let missing: Vec<&str> =
        fonts::SCRIPTS.iter().map(|(n, _)| *n).filter(|n| !covered.contains(n)).collect();
    if !missing.is_empty() {
        o.push('\n');
        let _ = writeln!(o, "No font here covers: {}.", missing.join(", "));
        let _ =
            writeln!(o,
            "For those, put a font (e.g. from the Noto family) in ./fonts or in a folder named \
             by `font-dirs` in the layout, and add its family to `body.fallback`."
        );
    }
    o
}
