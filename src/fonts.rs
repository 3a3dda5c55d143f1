//! Font discovery: families found by name in font folders, loaded once and
//! shared by every job.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use read_fonts::model::attribute::Style as ModelStyle;
use read_fonts::model::Font as ModelFont;
use read_fonts::types::NameId;

use crate::error::{Error, Result};

/// Index of a face in a [`FontBook`].
pub type FaceId = usize;

/// One font file: a family member of some weight and slant.
pub struct Face {
    /// Family name as the font states it (typographic family if present).
    pub family: String,
    /// Style name, e.g. `Bold Italic`.
    pub style: String,
    /// 100..900.
    pub weight: u16,
    /// Italic or oblique.
    pub italic: bool,
    /// Where it was read from.
    pub path: PathBuf,
    /// The font for shaping and metrics.
    pub font: ModelFont,
    /// The same font for PDF embedding.
    pub pdf: krilla::text::Font,
    /// Units per em.
    pub upem: f32,
    /// Ascender in em (positive).
    pub ascender: f32,
    /// Descender in em (positive, below the baseline).
    pub descender: f32,
    /// Cap height in em.
    pub cap_height: f32,
}

impl std::fmt::Debug for Face {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Face({} {})", self.family, self.style)
    }
}

impl Face {
    /// Tells whether the font maps `c` to a glyph.
    pub fn covers(&self, c: char) -> bool {
        self.font.charmap().map_unicode(c).is_some()
    }

    /// Names the scripts of [`SCRIPTS`] the font covers.
    pub fn scripts(&self) -> Vec<&'static str> {
        SCRIPTS
            .iter()
            .filter(|(_, cs)| cs.iter().all(|&c| self.covers(c)))
            .map(|(n, _)| *n)
            .collect()
    }
}

/// Scripts and a few letters each that a font must have to count as
/// covering it (common letters, so a font with only one stray glyph of a
/// script does not count).
pub const SCRIPTS: &[(&str, &[char])] = &[
    ("Latin", &['A', 'z', 'é', 'ß', 'ñ']),
    ("Latin Extended", &['ő', 'ł', 'ș', 'ğ', 'ř']),
    ("Greek", &['Α', 'λ', 'ω']),
    ("Cyrillic", &['Д', 'ж', 'я']),
    ("Armenian", &['Ա', 'ն']),
    ("Hebrew", &['א', 'ש', 'ת']),
    ("Arabic", &['ا', 'ب', 'ع', 'ی']),
    ("Devanagari", &['क', 'ह', 'ि']),
    ("Bengali", &['ক', 'ব']),
    ("Tamil", &['க', 'த']),
    ("Thai", &['ก', 'ข']),
    ("Georgian", &['ა', 'ბ']),
    ("Ethiopic", &['ሀ', 'አ', 'ወ']),
    ("CJK (Chinese)", &['中', '国', '人']),
    ("Japanese kana", &['あ', 'カ']),
    ("Korean", &['한', '글']),
];

/// Every font found, grouped by family.
#[derive(Debug, Default)]
pub struct FontBook {
    faces: Vec<Face>,
    /// Lower-cased family name → faces.
    families: BTreeMap<String, Vec<FaceId>>,
}

/// The font folder shipped with handbill.
pub fn shipped_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts"))
}

/// The folders searched by default: `$HANDBILL_FONTS`, `./fonts`, then the
/// shipped folder.
pub fn default_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("HANDBILL_FONTS") {
        dirs.extend(std::env::split_paths(&d));
    }
    dirs.push(PathBuf::from("fonts"));
    dirs.push(shipped_dir());
    dirs
}

/// The folders a run searches: `extra` first (`--font-path`), then the
/// default ones (see [`default_dirs`]). Earlier folders win when two hold
/// the same family.
pub fn search_dirs(extra: &[PathBuf]) -> Vec<PathBuf> {
    extra.iter().cloned().chain(default_dirs()).collect()
}

/// The fonts one layout is set with: the book every layout shares, or one
/// of its own for a layout that adds `font-dirs`.
#[derive(Debug)]
pub enum LayoutBook<'a> {
    /// The shared book (the layout adds no folders).
    Shared(&'a FontBook),
    /// A book of the run's folders and the layout's `font-dirs`.
    Own(FontBook),
}

impl std::ops::Deref for LayoutBook<'_> {
    type Target = FontBook;

    fn deref(&self) -> &FontBook {
        match self {
            LayoutBook::Shared(b) => b,
            LayoutBook::Own(b) => b,
        }
    }
}

/// Gives the fonts for a layout whose `font-dirs` are `layout_dirs`:
/// `shared` (the book loaded from `dirs`) when it names none, else a book
/// loaded from `dirs` with the layout's folders added after them.
pub fn for_layout<'a>(
    shared: &'a FontBook,
    dirs: &[PathBuf],
    layout_dirs: &[PathBuf],
) -> Result<LayoutBook<'a>> {
    if layout_dirs.is_empty() {
        return Ok(LayoutBook::Shared(shared));
    }
    let mut book = FontBook::load(dirs)?;
    book.add_dirs(layout_dirs)?;
    Ok(LayoutBook::Own(book))
}

impl FontBook {
    /// Loads every `.ttf`/`.otf` file below the given folders. Folders that do
    /// not exist are skipped; a file that is not a font is an error.
    pub fn load(dirs: &[PathBuf]) -> Result<FontBook> {
        let mut book = FontBook::default();
        let mut seen = std::collections::HashSet::new();
        for dir in dirs {
            let Ok(canon) = dir.canonicalize() else { continue };
            if !seen.insert(canon.clone()) {
                continue;
            }
            let mut files = Vec::new();
            collect_font_files(&canon, &mut files, 0);
            files.sort();
            for f in files {
                book.add_file(&f)?;
            }
        }
        Ok(book)
    }

    /// Adds the folders of a layout (`font-dirs`) to an existing book.
    pub fn add_dirs(&mut self, dirs: &[PathBuf]) -> Result<()> {
        for dir in dirs {
            if !dir.is_dir() {
                return Err(Error::file(
                    dir,
                    "font folder not found",
                    "check `font-dirs` in the layout (paths are relative to the layout file)",
                ));
            }
            let mut files = Vec::new();
            collect_font_files(dir, &mut files, 0);
            files.sort();
            for f in files {
                if self.faces.iter().any(|face| face.path == f) {
                    continue;
                }
                self.add_file(&f)?;
            }
        }
        Ok(())
    }

    /// Reads one font file and registers it under its family.
    pub fn add_file(&mut self, path: &Path) -> Result<FaceId> {
        let data = std::fs::read(path).map_err(|e| Error::io(path, e, "read the font"))?;
        self.add_data(path, data)
    }

    /// Registers font data read from `path`.
    pub fn add_data(&mut self, path: &Path, data: Vec<u8>) -> Result<FaceId> {
        let not_a_font = || {
            Error::file(
                path,
                "this file is not a font handbill can read",
                "use a TrueType or OpenType file (.ttf, .otf)",
            )
        };
        let data = Arc::new(data);
        let blob: Arc<dyn AsRef<[u8]> + Send + Sync> = data.clone();
        let font = ModelFont::new(blob, 0).ok_or_else(not_a_font)?;
        let pdf = krilla::text::Font::new(data.clone().into(), 0).ok_or_else(not_a_font)?;
        let names = font.names();
        let get = |id: NameId| -> Option<String> {
            let name = names.get(id)?;
            let s: String = name.english_or_first()?.name().chars().collect();
            (!s.trim().is_empty()).then(|| s.trim().to_string())
        };
        let family = get(NameId::TYPOGRAPHIC_FAMILY_NAME)
            .or_else(|| get(NameId::FAMILY_NAME))
            .ok_or_else(not_a_font)?;
        let style = get(NameId::TYPOGRAPHIC_SUBFAMILY_NAME)
            .or_else(|| get(NameId::SUBFAMILY_NAME))
            .unwrap_or_else(|| "Regular".into());
        let attrs = font.default_attributes();
        let metrics = font.metrics();
        let upem = f32::from(metrics.units_per_em.max(1));
        let line = metrics.typo_line.or(metrics.hhea_line);
        let (asc, desc) = line
            .map(|l| (l.ascender.to_f32(), -l.descender.to_f32()))
            .unwrap_or((0.8 * upem, 0.2 * upem));
        let cap = metrics.cap_height.map(|c| c.to_f32()).unwrap_or(0.7 * upem);
        let weight = attrs.weight.value().round().clamp(1.0, 1000.0) as u16;
        let italic = !matches!(attrs.style, ModelStyle::Normal);
        let face = Face {
            family: family.clone(),
            style,
            weight,
            italic,
            path: path.to_path_buf(),
            font,
            pdf,
            upem,
            ascender: asc / upem,
            descender: desc / upem,
            cap_height: cap / upem,
        };
        let id = self.faces.len();
        self.faces.push(face);
        self.families.entry(family.to_lowercase()).or_default().push(id);
        Ok(id)
    }

    /// Returns a face by id.
    ///
    /// # Panics
    /// Panics if `id` did not come from this book.
    pub fn face(&self, id: FaceId) -> &Face {
        &self.faces[id]
    }

    /// Returns every face.
    pub fn faces(&self) -> &[Face] {
        &self.faces
    }

    /// Returns the family names, sorted.
    pub fn families(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .families
            .values()
            .filter_map(|ids| ids.first())
            .map(|&i| self.faces[i].family.clone())
            .collect();
        v.sort();
        v
    }

    /// Tells whether a family is known.
    pub fn has_family(&self, family: &str) -> bool {
        self.families.contains_key(&family.to_lowercase())
    }

    /// Picks the member of `family` closest to the wanted weight and slant.
    pub fn select(&self, family: &str, bold: bool, italic: bool) -> Result<FaceId> {
        let ids = self.families.get(&family.to_lowercase()).ok_or_else(|| {
            Error::file(
                "<layout>",
                format!("font family `{family}` not found"),
                format!("available: {}", self.families().join(", ")),
            )
        })?;
        let want = if bold { 700 } else { 400 };
        let best = ids.iter().copied().min_by_key(|&i| {
            let f = &self.faces[i];
            let slant = if f.italic == italic { 0 } else { 1000 };
            slant + (i32::from(f.weight) - want).unsigned_abs()
        });
        best.ok_or_else(|| {
            Error::file("<layout>", format!("font family `{family}` has no fonts"), "")
        })
    }
}

fn collect_font_files(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 4 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_font_files(&p, out, depth + 1);
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| x.eq_ignore_ascii_case("ttf") || x.eq_ignore_ascii_case("otf"))
        {
            out.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_shipped_families() {
        let book = FontBook::load(&[shipped_dir()]).unwrap();
        let fams = book.families();
        for f in ["Source Serif 4 SmText", "Source Sans 3", "Oswald", "Anton", "Source Code Pro"] {
            assert!(fams.iter().any(|x| x == f), "{f} missing from {fams:?}");
        }
        let b = book.select("Source Serif 4 SmText", true, true).unwrap();
        assert!(book.face(b).italic && book.face(b).weight >= 600);
        let r = book.select("source serif 4 smtext", false, false).unwrap();
        assert!(!book.face(r).italic && book.face(r).weight == 400);
    }

    #[test]
    fn scripts_a_face_covers() {
        let book = FontBook::load(&[shipped_dir()]).unwrap();
        let regular = |family: &str| book.face(book.select(family, false, false).unwrap());
        assert_eq!(
            regular("Source Serif 4 SmText").scripts(),
            ["Latin", "Latin Extended", "Greek", "Cyrillic"]
        );
        assert!(regular("Noto Naskh Arabic").scripts().contains(&"Arabic"));
        assert!(!regular("Anton").scripts().contains(&"Arabic"));
    }

    #[test]
    fn unknown_family_lists_available() {
        let book = FontBook::load(&[shipped_dir()]).unwrap();
        let e = book.select("Comic Sans", false, false).unwrap_err().to_string();
        assert!(e.contains("Comic Sans") && e.contains("Oswald"), "{e}");
    }

    #[test]
    fn a_layout_without_font_dirs_shares_the_book() {
        let dirs = [shipped_dir()];
        let book = FontBook::load(&dirs).unwrap();
        let fonts = for_layout(&book, &dirs, &[]).unwrap();
        assert!(matches!(fonts, LayoutBook::Shared(b) if std::ptr::eq(b, &book)));
    }

    #[test]
    fn a_layout_with_font_dirs_gets_the_run_fonts_and_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let own = dir.path().join("myfonts");
        std::fs::create_dir(&own).unwrap();
        let anton = shipped_dir().join("anton/Anton_400Regular.ttf");
        std::fs::copy(anton, own.join("Anton.ttf")).unwrap();
        // The run's folders hold no fonts here: only the layout's count.
        let empty = dir.path().join("none");
        let shared = FontBook::load(std::slice::from_ref(&empty)).unwrap();
        let fonts = for_layout(&shared, &[empty], &[own]).unwrap();
        assert!(matches!(fonts, LayoutBook::Own(_)));
        assert_eq!(fonts.families(), ["Anton"]);
        let e = for_layout(&shared, &[], &[dir.path().join("gone")]).unwrap_err();
        assert!(e.to_string().contains("font folder not found"), "{e}");
    }

    #[test]
    fn font_path_comes_before_the_default_folders() {
        let dirs = search_dirs(&[PathBuf::from("mine")]);
        assert_eq!(dirs.first(), Some(&PathBuf::from("mine")));
        assert_eq!(dirs.last(), Some(&shipped_dir()));
    }

    #[test]
    fn not_a_font_is_an_error() {
        let mut book = FontBook::default();
        let e = book.add_data(Path::new("x.ttf"), b"hello".to_vec()).unwrap_err();
        assert!(e.to_string().contains("not a font"));
    }
}
