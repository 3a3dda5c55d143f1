//! Font discovery: the families bundled inside handbill, those in the font
//! folders a run names, and, for families found nowhere else, the system's;
//! shared by every job.
//!
//! A book knows every face by name from the start, but reads and parses a
//! face only when a job first uses it ([`FontBook::face`]): a flyer set in
//! one family never parses the Arabic or Ethiopic faces.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use read_fonts::model::attribute::Style as ModelStyle;
use read_fonts::model::Font as ModelFont;
use read_fonts::tables::name::Name;
use read_fonts::tables::os2::{Os2, SelectionFlags};
use read_fonts::types::NameId;
use read_fonts::{FontData, FontRead};

use crate::error::{Error, Result};

mod bundled {
    /// A font inside the program, with the names the build read from it.
    pub struct Bundled {
        /// Path under `fonts/`.
        pub path: &'static str,
        /// Where its bytes are in the program's one block of fonts.
        pub start: usize,
        pub len: usize,
        pub family: &'static str,
        pub style: &'static str,
        pub weight: u16,
        pub italic: bool,
    }

    include!(concat!(env!("OUT_DIR"), "/bundled_fonts.rs"));

    impl Bundled {
        /// The font file's bytes.
        pub fn data(&self) -> &'static [u8] {
            &BLOB[self.start..self.start + self.len]
        }
    }
}

/// Index of a face in a [`FontBook`].
pub type FaceId = usize;

/// Where a face was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// A folder given with `--font-path`.
    FontPath,
    /// A folder of `$HANDBILL_FONTS`.
    Env,
    /// `./fonts` in the folder handbill runs in.
    FontsFolder,
    /// Inside the handbill program (the source is `fonts/`).
    Bundled,
    /// A folder named by the layout's `body.font-dirs`.
    Layout,
    /// The system's font folders (as fontconfig knows them).
    System,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Origin::FontPath => "--font-path",
            Origin::Env => "HANDBILL_FONTS",
            Origin::FontsFolder => "./fonts",
            Origin::Bundled => "bundled with handbill",
            Origin::Layout => "the layout's font-dirs",
            Origin::System => "system fonts",
        })
    }
}

/// One font: a family member of some weight and slant, parsed.
pub struct Face {
    /// Family name as the font states it (typographic family if present).
    pub family: String,
    /// Style name, e.g. `Bold Italic`.
    pub style: String,
    /// 100..900.
    pub weight: u16,
    /// Italic or oblique.
    pub italic: bool,
    /// Where it was read from (for a bundled face, its path under `fonts/`).
    pub path: PathBuf,
    /// Where it was found.
    pub origin: Origin,
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
    bytes: Bytes,
    index: u32,
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

    /// The font file's bytes (a collection's whole file).
    pub fn bytes(&self) -> &[u8] {
        self.bytes.as_ref()
    }

    /// The face's index in its file (0 unless the file is a collection).
    pub fn index(&self) -> u32 {
        self.index
    }

    /// The font file's bytes for krilla, shared, not copied.
    pub(crate) fn data(&self) -> krilla::Data {
        self.bytes.data()
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

/// A font file's bytes: inside the program, or read from disk.
#[derive(Clone)]
enum Bytes {
    Static(&'static [u8]),
    Shared(Arc<Vec<u8>>),
}

impl Bytes {
    /// The bytes for krilla, shared, not copied.
    fn data(&self) -> krilla::Data {
        match self {
            Bytes::Static(b) => (*b).into(),
            Bytes::Shared(b) => b.clone().into(),
        }
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            Bytes::Static(b) => b,
            Bytes::Shared(b) => b,
        }
    }
}

/// What a face is known by before it is parsed.
#[derive(Debug, Clone)]
pub struct FaceInfo {
    /// Family name (typographic family if present).
    pub family: String,
    /// Style name, e.g. `Bold Italic`.
    pub style: String,
    /// 100..900.
    pub weight: u16,
    /// Italic or oblique.
    pub italic: bool,
    /// The file (for a bundled face, its path under `fonts/`).
    pub path: PathBuf,
    /// Where it was found.
    pub origin: Origin,
}

/// One face of a book: known by name, parsed on first use.
struct Entry {
    info: FaceInfo,
    index: u32,
    /// The bytes, when already in memory (bundled and folder fonts); system
    /// fonts are only read when used.
    bytes: Option<Bytes>,
    face: OnceLock<Face>,
}

/// Every font found, grouped by family.
#[derive(Default)]
pub struct FontBook {
    entries: Vec<Entry>,
    /// Lower-cased family name → faces.
    families: BTreeMap<String, Vec<FaceId>>,
}

impl fmt::Debug for FontBook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FontBook").field("families", &self.families.len()).finish()
    }
}

/// The source folder of the bundled fonts. The program does not read it
/// (the fonts are inside it); tests use it to load them as files.
pub fn shipped_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts"))
}

/// The license files of the bundled fonts: path under `fonts/`, text.
pub fn licenses() -> &'static [(&'static str, &'static str)] {
    bundled::LICENSES
}

/// Environment variable that, set to anything but `0` or empty, keeps
/// system fonts out of a run (like `--ignore-system-fonts`).
pub const IGNORE_SYSTEM_FONTS_ENV: &str = "HANDBILL_IGNORE_SYSTEM_FONTS";

/// Where a run looks for fonts besides the bundled ones.
#[derive(Debug, Clone, Default)]
pub struct FontSearch {
    /// Folders given with `--font-path`, searched first.
    pub font_path: Vec<PathBuf>,
    /// Look in the system's font folders for families a layout names that
    /// are found nowhere else. Off by default in the library; the command
    /// line turns it on unless told `--ignore-system-fonts`.
    pub system: bool,
}

impl FontSearch {
    /// The search of the command line: `--font-path` folders, system fonts
    /// unless `ignore_system` or `$HANDBILL_IGNORE_SYSTEM_FONTS` says not.
    pub fn new(font_path: Vec<PathBuf>, ignore_system: bool) -> FontSearch {
        let env =
            std::env::var_os(IGNORE_SYSTEM_FONTS_ENV).is_some_and(|v| !v.is_empty() && v != "0");
        FontSearch { font_path, system: !ignore_system && !env }
    }

    /// The folders searched before the bundled fonts, in order:
    /// `--font-path`, `$HANDBILL_FONTS`, then `./fonts`. Earlier folders
    /// win when two hold the same family.
    pub fn folders(&self) -> Vec<(PathBuf, Origin)> {
        let mut dirs: Vec<(PathBuf, Origin)> =
            self.font_path.iter().map(|d| (d.clone(), Origin::FontPath)).collect();
        if let Some(d) = std::env::var_os("HANDBILL_FONTS") {
            dirs.extend(std::env::split_paths(&d).map(|d| (d, Origin::Env)));
        }
        dirs.push((PathBuf::from("fonts"), Origin::FontsFolder));
        dirs
    }

    /// Loads the folders' fonts, then the bundled ones. System fonts are
    /// only added for a layout that needs them ([`for_layout`]), so that
    /// they never change what a layout set in bundled families looks like.
    pub fn load(&self) -> Result<FontBook> {
        let mut book = FontBook::default();
        for (dir, origin) in self.folders() {
            book.add_folder(&dir, origin, true)?;
        }
        book.add_bundled();
        Ok(book)
    }

    /// Loads everything [`FontSearch::load`] does and, when
    /// [`FontSearch::system`] is on, every system family not found there:
    /// what `handbill fonts` lists.
    pub fn load_all(&self) -> Result<FontBook> {
        let mut book = self.load()?;
        if self.system {
            book.add_system(&system_dirs());
        }
        Ok(book)
    }
}

/// The system's font folders, as fontconfig, macOS and Windows have them.
pub fn system_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if cfg!(target_os = "macos") {
        dirs.extend(["/Library/Fonts", "/System/Library/Fonts"].map(PathBuf::from));
        dirs.extend(home.iter().map(|h| h.join("Library/Fonts")));
    } else if cfg!(windows) {
        if let Some(w) = std::env::var_os("WINDIR") {
            dirs.push(PathBuf::from(w).join("Fonts"));
        }
        if let Some(l) = std::env::var_os("LOCALAPPDATA") {
            dirs.push(PathBuf::from(l).join("Microsoft/Windows/Fonts"));
        }
    } else {
        // fontconfig's defaults (fonts.conf): the two shared folders, the
        // XDG data folder's `fonts`, and the old `~/.fonts`.
        dirs.extend(["/usr/share/fonts", "/usr/local/share/fonts"].map(PathBuf::from));
        let data = std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".local/share")));
        dirs.extend(data.map(|d| d.join("fonts")));
        dirs.extend(home.iter().map(|h| h.join(".fonts")));
    }
    dirs
}

/// The fonts one layout is set with: the book every layout shares, or one
/// of its own for a layout that adds `font-dirs` or names a system family.
#[derive(Debug)]
pub enum LayoutBook<'a> {
    /// The shared book (the layout adds no folders).
    Shared(&'a FontBook),
    /// A book of the run's fonts, the layout's `font-dirs` and, for
    /// families found in neither, the system's.
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

/// Gives the fonts for a layout naming `families` with `font-dirs`
/// `layout_dirs`: `shared` (the book `search` loaded) when it names no
/// folder and every family is in it; else a book of `search`'s fonts, the
/// layout's folders after them and, when `search.system` is on and a family
/// is still missing, the system fonts of families found nowhere else.
pub fn for_layout<'a>(
    shared: &'a FontBook,
    search: &FontSearch,
    families: &[&str],
    layout_dirs: &[PathBuf],
) -> Result<LayoutBook<'a>> {
    let missing = |book: &FontBook| families.iter().any(|f| !f.is_empty() && !book.has_family(f));
    if layout_dirs.is_empty() && !(search.system && missing(shared)) {
        return Ok(LayoutBook::Shared(shared));
    }
    let mut book = search.load()?;
    book.add_dirs(layout_dirs)?;
    if search.system && missing(&book) {
        book.add_system(&system_dirs());
    }
    Ok(LayoutBook::Own(book))
}

impl FontBook {
    /// The fonts bundled with handbill, and nothing else.
    pub fn bundled() -> FontBook {
        let mut book = FontBook::default();
        book.add_bundled();
        book
    }

    /// Loads every `.ttf`/`.otf` file below the given folders, and nothing
    /// else. Folders that do not exist are skipped; a file that is not a
    /// font is an error.
    pub fn load(dirs: &[PathBuf]) -> Result<FontBook> {
        let mut book = FontBook::default();
        for dir in dirs {
            book.add_folder(dir, Origin::FontPath, false)?;
        }
        Ok(book)
    }

    /// Adds the bundled fonts; a file a folder already gave (same name and
    /// size) is not added twice.
    fn add_bundled(&mut self) {
        for b in bundled::FONTS {
            let name = Path::new(b.path).file_name();
            if self.entries.iter().any(|e| {
                e.info.path.file_name() == name
                    && e.bytes.as_ref().is_some_and(|x| x.as_ref().len() == b.len)
            }) {
                continue;
            }
            // Known by the names the build read: the bytes of a face are
            // first touched when it is used.
            let info = FaceInfo {
                family: b.family.to_string(),
                style: b.style.to_string(),
                weight: b.weight,
                italic: b.italic,
                path: Path::new("fonts").join(b.path),
                origin: Origin::Bundled,
            };
            self.push(info, 0, Some(Bytes::Static(b.data())));
        }
    }

    /// Adds the fonts below `dir`, if it exists. With `skip_bundled`, a
    /// file whose name and size are those of a bundled font is left to the
    /// bundled one (the repository's own `fonts/` read as `./fonts`).
    fn add_folder(&mut self, dir: &Path, origin: Origin, skip_bundled: bool) -> Result<()> {
        let Ok(canon) = dir.canonicalize() else { return Ok(()) };
        if self.entries.iter().any(|e| e.info.path.starts_with(&canon)) {
            return Ok(());
        }
        let mut files = Vec::new();
        collect_font_files(&canon, &mut files, false, 0);
        files.sort();
        for f in files {
            if skip_bundled && is_bundled_copy(&f) {
                continue;
            }
            self.add_file_from(&f, origin)?;
        }
        Ok(())
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
            collect_font_files(dir, &mut files, false, 0);
            files.sort();
            for f in files {
                if self.entries.iter().any(|e| e.info.path == f) {
                    continue;
                }
                self.add_file_from(&f, Origin::Layout)?;
            }
        }
        Ok(())
    }

    /// Adds the faces in `dirs` (the system's font folders) of every family
    /// the book does not have yet: a family found in the bundled fonts or
    /// a named folder always comes from there. Only the files' name and
    /// style tables are read here; a face's file is read when it is used.
    /// Files that cannot be read are skipped, as a system may hold fonts of
    /// kinds handbill cannot set.
    pub fn add_system(&mut self, dirs: &[PathBuf]) {
        let mut files = Vec::new();
        for dir in dirs {
            collect_font_files(dir, &mut files, true, 0);
        }
        files.sort();
        files.dedup();
        let known: std::collections::HashSet<String> = self.families.keys().cloned().collect();
        for f in files {
            for (index, info) in scan_file(&f) {
                if !known.contains(&info.family.to_lowercase()) {
                    self.push(info, index, None);
                }
            }
        }
    }

    /// Reads one font file and registers it under its family.
    pub fn add_file(&mut self, path: &Path) -> Result<FaceId> {
        self.add_file_from(path, Origin::FontPath)
    }

    fn add_file_from(&mut self, path: &Path, origin: Origin) -> Result<FaceId> {
        let data = std::fs::read(path).map_err(|e| Error::io(path, e, "read the font"))?;
        self.add_data_from(path, data, origin)
    }

    /// Registers font data read from `path`.
    pub fn add_data(&mut self, path: &Path, data: Vec<u8>) -> Result<FaceId> {
        self.add_data_from(path, data, Origin::FontPath)
    }

    fn add_data_from(&mut self, path: &Path, data: Vec<u8>, origin: Origin) -> Result<FaceId> {
        let bytes = Bytes::Shared(Arc::new(data));
        let info = read_info(path, &bytes, origin)?;
        // Parsed now: a font from a folder is checked as it is found, so
        // its error names the file before any job starts.
        let face = parse(&info, bytes.clone(), 0).ok_or_else(|| not_a_font(path))?;
        let id = self.push(info, 0, Some(bytes));
        let _ = self.entries[id].face.set(face);
        Ok(id)
    }

    fn push(&mut self, info: FaceInfo, index: u32, bytes: Option<Bytes>) -> FaceId {
        let id = self.entries.len();
        self.families.entry(info.family.to_lowercase()).or_default().push(id);
        self.entries.push(Entry { info, index, bytes, face: OnceLock::new() });
        id
    }

    /// How many faces the book has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Tells whether the book has no faces.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// What a face is known by, without parsing it.
    ///
    /// # Panics
    /// Panics if `id` did not come from this book.
    pub fn info(&self, id: FaceId) -> &FaceInfo {
        &self.entries[id].info
    }

    /// Returns a face by id, parsing it on first use.
    ///
    /// # Panics
    /// Panics if `id` did not come from this book, or if a system font
    /// that was readable when the book was made cannot be read now (a job
    /// using it then fails with that message; the others go on).
    pub fn face(&self, id: FaceId) -> &Face {
        self.try_face(id).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Returns a face by id, parsing it on first use; the error names the
    /// file when it cannot be read (a system font removed since).
    ///
    /// # Panics
    /// Panics if `id` did not come from this book.
    pub fn try_face(&self, id: FaceId) -> Result<&Face> {
        let entry = &self.entries[id];
        if let Some(face) = entry.face.get() {
            return Ok(face);
        }
        let info = &entry.info;
        let bytes = match &entry.bytes {
            Some(b) => b.clone(),
            None => {
                let data = std::fs::read(&info.path)
                    .map_err(|e| Error::io(&info.path, e, "read the font"))?;
                Bytes::Shared(Arc::new(data))
            }
        };
        let face = parse(info, bytes, entry.index).ok_or_else(|| not_a_font(&info.path))?;
        // Two threads may parse the same face at once; either result is
        // the same face.
        Ok(entry.face.get_or_init(|| face))
    }

    /// Returns the family names, sorted: those found in the bundled fonts
    /// and font folders first, then the system's. Fallback for characters
    /// a layout's own fonts lack tries them in this order, so a system
    /// family is only ever the last resort.
    pub fn families(&self) -> Vec<String> {
        let mut v: Vec<(bool, String)> = self
            .families
            .values()
            .filter_map(|ids| ids.first())
            .map(|&i| {
                let info = &self.entries[i].info;
                (info.origin == Origin::System, info.family.clone())
            })
            .collect();
        v.sort();
        v.into_iter().map(|(_, f)| f).collect()
    }

    /// Tells whether a family is known.
    pub fn has_family(&self, family: &str) -> bool {
        self.families.contains_key(&family.to_lowercase())
    }

    /// Picks the member of `family` closest to the wanted weight and slant.
    /// The error has no file: the caller knows which layout named it.
    pub fn select(&self, family: &str, bold: bool, italic: bool) -> Result<FaceId> {
        let ids = self.families.get(&family.to_lowercase()).ok_or_else(|| {
            Error::new(
                Default::default(),
                format!("font family `{family}` not found"),
                format!("available: {}", self.families().join(", ")),
            )
        })?;
        let want = if bold { 700 } else { 400 };
        let best = ids.iter().copied().min_by_key(|&i| {
            let f = &self.entries[i].info;
            let slant = if f.italic == italic { 0 } else { 1000 };
            slant + (i32::from(f.weight) - want).unsigned_abs()
        });
        best.ok_or_else(|| {
            Error::new(Default::default(), format!("font family `{family}` has no fonts"), "")
        })
    }
}

fn not_a_font(path: &Path) -> Error {
    Error::file(
        path,
        "this file is not a font handbill can read",
        "use a TrueType or OpenType file (.ttf, .otf)",
    )
}

/// Whether `file` is a copy of a bundled font: same file name and size.
fn is_bundled_copy(file: &Path) -> bool {
    let Some(name) = file.file_name() else { return false };
    let len = || std::fs::metadata(file).map(|m| m.len()).ok();
    bundled::FONTS
        .iter()
        .any(|b| Path::new(b.path).file_name() == Some(name) && len() == Some(b.len as u64))
}

/// Reads a font's names, weight and slant (cheap: the font's caches are
/// filled only when used).
fn read_info(path: &Path, bytes: &Bytes, origin: Origin) -> Result<FaceInfo> {
    let font = model_font(bytes, 0).ok_or_else(|| not_a_font(path))?;
    info_of(&font, path, origin).ok_or_else(|| not_a_font(path))
}

fn model_font(bytes: &Bytes, index: u32) -> Option<ModelFont> {
    match bytes {
        // A bundled font is read in place: no copy.
        Bytes::Static(b) => ModelFont::new(*b, index),
        Bytes::Shared(b) => {
            let blob: Arc<dyn AsRef<[u8]> + Send + Sync> = b.clone();
            ModelFont::new(blob, index)
        }
    }
}

fn info_of(font: &ModelFont, path: &Path, origin: Origin) -> Option<FaceInfo> {
    let names = font.names();
    let get = |id: NameId| -> Option<String> {
        let name = names.get(id)?;
        let s: String = name.english_or_first()?.name().chars().collect();
        (!s.trim().is_empty()).then(|| s.trim().to_string())
    };
    let family = get(NameId::TYPOGRAPHIC_FAMILY_NAME).or_else(|| get(NameId::FAMILY_NAME))?;
    let style = get(NameId::TYPOGRAPHIC_SUBFAMILY_NAME)
        .or_else(|| get(NameId::SUBFAMILY_NAME))
        .unwrap_or_else(|| "Regular".into());
    let attrs = font.default_attributes();
    Some(FaceInfo {
        family,
        style,
        weight: attrs.weight.value().round().clamp(1.0, 1000.0) as u16,
        italic: !matches!(attrs.style, ModelStyle::Normal),
        path: path.to_path_buf(),
        origin,
    })
}

/// Parses a face for shaping, metrics and PDF embedding.
fn parse(info: &FaceInfo, bytes: Bytes, index: u32) -> Option<Face> {
    let font = model_font(&bytes, index)?;
    let pdf = krilla::text::Font::new(bytes.data(), index)?;
    let metrics = font.metrics();
    let upem = f32::from(metrics.units_per_em.max(1));
    let line = metrics.typo_line.or(metrics.hhea_line);
    let (asc, desc) = line
        .map(|l| (l.ascender.to_f32(), -l.descender.to_f32()))
        .unwrap_or((0.8 * upem, 0.2 * upem));
    let cap = metrics.cap_height.map(|c| c.to_f32()).unwrap_or(0.7 * upem);
    Some(Face {
        family: info.family.clone(),
        style: info.style.clone(),
        weight: info.weight,
        italic: info.italic,
        path: info.path.clone(),
        origin: info.origin,
        font,
        pdf,
        upem,
        ascender: asc / upem,
        descender: desc / upem,
        cap_height: cap / upem,
        bytes,
        index,
    })
}

/// Reads the names, weight and slant of every face in a font file from
/// its `name` and `OS/2` tables alone (a few kilobytes, whatever the size
/// of the file): how system folders are scanned without reading them.
fn scan_file(path: &Path) -> Vec<(u32, FaceInfo)> {
    let Ok(mut file) = std::fs::File::open(path) else { return Vec::new() };
    let mut read_at = |offset: u64, len: usize| -> Option<Vec<u8>> {
        // No table we read is anywhere near this; a bigger one is damage.
        if len > 4 << 20 {
            return None;
        }
        file.seek(SeekFrom::Start(offset)).ok()?;
        let mut buf = vec![0; len];
        file.read_exact(&mut buf).ok()?;
        Some(buf)
    };
    let be32 = |b: &[u8], at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
    };
    let be16 = |b: &[u8], at: usize| -> Option<u16> {
        Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
    };
    let Some(head) = read_at(0, 12) else { return Vec::new() };
    let offsets: Vec<u64> = if head.starts_with(b"ttcf") {
        let n = be32(&head, 8).unwrap_or(0).min(256) as usize;
        match read_at(12, 4 * n) {
            Some(b) => (0..n).filter_map(|i| be32(&b, 4 * i)).map(u64::from).collect(),
            None => return Vec::new(),
        }
    } else {
        vec![0]
    };
    let mut faces = Vec::new();
    for (index, offset) in offsets.into_iter().enumerate() {
        let face = (|| {
            let header = read_at(offset, 12)?;
            // TrueType or CFF outlines; `true` is old Apple TrueType.
            if !matches!(&header[..4], [0, 1, 0, 0] | b"OTTO" | b"true") {
                return None;
            }
            let count = usize::from(be16(&header, 4)?);
            let records = read_at(offset + 12, 16 * count)?;
            let table = |tag: &[u8; 4]| -> Option<(u64, usize)> {
                (0..count).map(|i| 16 * i).find(|&r| records.get(r..r + 4) == Some(tag)).and_then(
                    |r| Some((u64::from(be32(&records, r + 8)?), be32(&records, r + 12)? as usize)),
                )
            };
            let (at, len) = table(b"name")?;
            let name_bytes = read_at(at, len)?;
            let os2_bytes = table(b"OS/2").and_then(|(at, len)| read_at(at, len));
            scan_tables(path, &name_bytes, os2_bytes.as_deref())
        })();
        if let Some(info) = face {
            faces.push((index as u32, info));
        }
    }
    faces
}

/// A face's names, weight and slant from its `name` and `OS/2` tables.
fn scan_tables(path: &Path, name: &[u8], os2: Option<&[u8]>) -> Option<FaceInfo> {
    let name = Name::read(FontData::new(name)).ok()?;
    let strings = name.string_data();
    let get = |id: NameId| -> Option<String> {
        let records = name.name_record().iter().filter(|r| r.name_id() == id);
        // English first (Windows US English, then Macintosh English), as
        // the parsed font's names are read.
        let english = |r: &&read_fonts::tables::name::NameRecord| {
            matches!((r.platform_id(), r.language_id()), (3, 0x409) | (1, 0) | (0, _))
        };
        let record = records.clone().find(english).or_else(|| records.clone().next())?;
        let s: String = record.string(strings).ok()?.chars().collect();
        (!s.trim().is_empty()).then(|| s.trim().to_string())
    };
    let family = get(NameId::TYPOGRAPHIC_FAMILY_NAME).or_else(|| get(NameId::FAMILY_NAME))?;
    let style = get(NameId::TYPOGRAPHIC_SUBFAMILY_NAME)
        .or_else(|| get(NameId::SUBFAMILY_NAME))
        .unwrap_or_else(|| "Regular".into());
    let os2 = os2.and_then(|b| Os2::read(FontData::new(b)).ok());
    let weight = os2.as_ref().map_or(400, |t| t.us_weight_class()).clamp(1, 1000);
    let slanted = SelectionFlags::ITALIC | SelectionFlags::OBLIQUE;
    let italic = os2.as_ref().is_some_and(|t| t.fs_selection().intersects(slanted))
        || style.to_lowercase().contains("italic")
        || style.to_lowercase().contains("oblique");
    Some(FaceInfo {
        family,
        style,
        weight,
        italic,
        path: path.to_path_buf(),
        origin: Origin::System,
    })
}

/// Lists the font files below `dir`: `.ttf` and `.otf`, and with
/// `collections` also `.ttc` and `.otc` (system folders hold those).
fn collect_font_files(dir: &Path, out: &mut Vec<PathBuf>, collections: bool, depth: usize) {
    if depth > 4 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let exts: &[&str] = if collections { &["ttf", "otf", "ttc", "otc"] } else { &["ttf", "otf"] };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_font_files(&p, out, collections, depth + 1);
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| exts.iter().any(|e| x.eq_ignore_ascii_case(e)))
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
        let book = FontBook::bundled();
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
        let book = FontBook::bundled();
        let search = FontSearch::default();
        let fonts = for_layout(&book, &search, &["Oswald"], &[]).unwrap();
        assert!(matches!(fonts, LayoutBook::Shared(b) if std::ptr::eq(b, &book)));
    }

    #[test]
    fn a_layout_with_font_dirs_gets_the_run_fonts_and_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let own = dir.path().join("myfonts");
        std::fs::create_dir(&own).unwrap();
        // Renamed: a copy under its bundled name is left to the bundled one.
        let anton = shipped_dir().join("anton/Anton_400Regular.ttf");
        std::fs::copy(anton, own.join("Mine.ttf")).unwrap();
        let search = FontSearch::default();
        let shared = search.load().unwrap();
        let fonts = for_layout(&shared, &search, &[], std::slice::from_ref(&own)).unwrap();
        assert!(matches!(fonts, LayoutBook::Own(_)));
        let id = fonts.select("Anton", false, false).unwrap();
        assert_eq!(fonts.info(id).origin, Origin::Bundled, "the bundled face comes first");
        assert!((0..fonts.len()).any(|i| fonts.info(i).origin == Origin::Layout));
        let e = for_layout(&shared, &search, &[], &[dir.path().join("gone")]).unwrap_err();
        assert!(e.to_string().contains("font folder not found"), "{e}");
    }

    #[test]
    fn font_path_comes_before_the_default_folders() {
        let search = FontSearch { font_path: vec![PathBuf::from("mine")], system: false };
        let dirs = search.folders();
        assert_eq!(dirs.first(), Some(&(PathBuf::from("mine"), Origin::FontPath)));
        assert_eq!(dirs.last(), Some(&(PathBuf::from("fonts"), Origin::FontsFolder)));
    }

    #[test]
    fn bundled_fonts_need_no_folder_and_are_parsed_when_used() {
        let book = FontBook::bundled();
        assert_eq!(book.len(), bundled::FONTS.len());
        assert!(book.entries.iter().all(|e| e.face.get().is_none()), "nothing parsed yet");
        let id = book.select("Oswald", true, false).unwrap();
        assert_eq!(book.face(id).family, "Oswald");
        let parsed = book.entries.iter().filter(|e| e.face.get().is_some()).count();
        assert_eq!(parsed, 1, "only the face used was parsed");
    }

    #[test]
    fn bundled_names_are_those_of_the_files() {
        // The same faces, names, weights and slants as loading fonts/.
        let files = FontBook::load(&[shipped_dir()]).unwrap();
        let bundled = FontBook::bundled();
        let key = |b: &FontBook| -> Vec<(String, String, u16, bool)> {
            let mut v: Vec<_> = (0..b.len())
                .map(|i| {
                    let f = b.info(i);
                    (f.family.clone(), f.style.clone(), f.weight, f.italic)
                })
                .collect();
            v.sort();
            v
        };
        assert_eq!(key(&files), key(&bundled));
        for id in 0..bundled.len() {
            assert!(bundled.try_face(id).is_ok(), "{:?}", bundled.info(id).path);
        }
        assert!(licenses().len() >= 8, "a license per bundled family");
    }

    #[test]
    fn system_fonts_never_replace_a_family_found_before() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["anton/Anton_400Regular.ttf", "oswald/Oswald_700Bold.ttf"] {
            let name = Path::new(f).file_name().unwrap();
            std::fs::copy(shipped_dir().join(f), dir.path().join(name)).unwrap();
        }
        let mut book = FontBook::load(&[shipped_dir().join("anton")]).unwrap();
        book.add_system(&[dir.path().to_path_buf()]);
        let anton = book.select("Anton", false, false).unwrap();
        assert_eq!(book.info(anton).origin, Origin::FontPath);
        assert_eq!(book.families(), ["Anton", "Oswald"]);
        let oswald = book.select("Oswald", true, false).unwrap();
        // Known by its tables alone, read when used.
        assert_eq!(book.info(oswald).origin, Origin::System);
        assert_eq!(book.info(oswald).weight, 700);
        assert!(book.entries[oswald].face.get().is_none());
        assert_eq!(book.face(oswald).family, "Oswald");
    }

    #[test]
    fn system_families_come_last() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(shipped_dir().join("anton/Anton_400Regular.ttf"), dir.path().join("a.ttf"))
            .unwrap();
        let mut book = FontBook::load(&[shipped_dir().join("oswald")]).unwrap();
        book.add_system(&[dir.path().to_path_buf()]);
        // Alphabetically Anton is first; as a system family it comes after.
        assert_eq!(book.families(), ["Oswald", "Anton"]);
    }

    #[test]
    fn a_layout_naming_a_system_family_gets_it_only_when_allowed() {
        let shared = FontBook::bundled();
        let off = FontSearch { font_path: Vec::new(), system: false };
        let fonts = for_layout(&shared, &off, &["No Such Family"], &[]).unwrap();
        assert!(matches!(fonts, LayoutBook::Shared(_)), "no system fonts when off");
        let on = FontSearch { font_path: Vec::new(), system: true };
        // Every family bundled: the shared book, whatever the system has.
        let fonts = for_layout(&shared, &on, &["Source Serif 4 SmText", "Oswald"], &[]).unwrap();
        assert!(matches!(fonts, LayoutBook::Shared(_)));
    }

    #[test]
    fn not_a_font_is_an_error() {
        let mut book = FontBook::default();
        let e = book.add_data(Path::new("x.ttf"), b"hello".to_vec()).unwrap_err();
        assert!(e.to_string().contains("not a font"));
    }
}
