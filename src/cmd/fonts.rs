//! `handbill fonts`: the font families found, their styles, and the scripts
//! each can set.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use handbill::fonts::{self, Face, FontBook};

use std::fmt::Write as _;

use super::{load_book, print_out, report};

/// Runs `handbill fonts`.
pub fn list_fonts(font_path: &[PathBuf]) -> ExitCode {
    let book = match load_book(font_path) {
        Ok((_, b)) => b,
        Err(e) => {
            report(&e);
            return ExitCode::from(1);
        }
    };
    print_out(&print_families(&book));
    ExitCode::SUCCESS
}

fn print_families(book: &FontBook) -> String {
    let mut o = String::new();
    let mut families: BTreeMap<String, Vec<&Face>> = BTreeMap::new();
    for f in book.faces() {
        families.entry(f.family.clone()).or_default().push(f);
    }
    if families.is_empty() {
        let _ =
            writeln!(o, "No fonts found. Put .ttf or .otf files in ./fonts or set HANDBILL_FONTS.");
        return o;
    }
    let mut covered = std::collections::BTreeSet::new();
    for (family, mut faces) in families {
        faces.sort_by_key(|f| (f.italic, f.weight));
        let styles: Vec<&str> = faces.iter().map(|f| f.style.as_str()).collect();
        // A family covers what its upright regular face covers.
        let scripts = faces.first().map(|f| f.scripts()).unwrap_or_default();
        covered.extend(scripts.iter().copied());
        let folder = faces
            .first()
            .and_then(|f| f.path.parent())
            .map(|p| p.display().to_string())
            .unwrap_or_default();
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
