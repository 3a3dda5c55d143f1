//! Stage 2: a layout (TOML) becomes a validated [`LayoutSpec`] with every
//! length resolved to points. Later stages never see raw TOML or units, and
//! check nothing about the layout: colors are values ([`Rgb`]), links are
//! trimmed, the bleed is never negative, and the masthead band and the
//! footer's QR code are placed ([`LayoutSpec::resolve`]). The one check
//! that needs the fonts is [`LayoutSpec::check_fonts`].

use std::path::PathBuf;

use crate::error::{Location, Result, Warning};

pub use color::Rgb;
pub use families::FontCheck;

mod color;
mod families;
mod raw;
mod resolve;
mod source;
#[cfg(test)]
mod tests;
mod validate;
mod words;

/// Edit distance between two names (a swap of neighbours counts as one
/// edit), for "did you mean" in messages outside the layout.
pub(crate) fn words_distance(a: &str, b: &str) -> usize {
    words::distance(a, b)
}

/// Points per inch.
pub const PT_PER_IN: f32 = 72.0;
/// Points per millimetre.
pub const PT_PER_MM: f32 = 72.0 / 25.4;

/// A validated layout. All lengths are in PostScript points (1/72 in).
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutSpec {
    /// Short name (file stem), used in output names.
    pub id: String,
    /// Human name, shown by `handbill layouts`.
    pub name: String,
    /// One-line description.
    pub description: String,
    /// The file it was read from, if any.
    pub path: Option<PathBuf>,
    /// Extra font folders (absolute or relative to the working directory).
    pub font_dirs: Vec<PathBuf>,
    /// Paper, margins, columns.
    pub page: PageSpec,
    /// Running text.
    pub body: BodySpec,
    /// Headings.
    pub headings: HeadingSpec,
    /// Title block on page 1.
    pub masthead: MastheadSpec,
    /// Contact line at the foot of pages.
    pub footer: FooterSpec,
    /// Fit to a page count.
    pub fit: FitSpec,
    /// Print production.
    pub print: PrintSpec,
    /// Folding and binding: tri-folds, z-folds, saddle-stitched booklets.
    pub fold: FoldSpec,
    /// The legal imprint ("Printed and published by …").
    pub imprint: ImprintSpec,
    /// Images to share on phones (`--share`).
    pub share: ShareSpec,
    /// Pictures (`[images]`).
    pub images: ImagesSpec,
    /// Things worth telling the user that do not stop the build (a footer
    /// link that is not a URL, very small type), each pointing at its key.
    pub warnings: Vec<Warning>,
    /// Where each key that was written came from: where later messages
    /// about a key point.
    pub origins: KeyOrigins,
}

/// Where each key of a layout was written (file, line, column), by dotted
/// name (`body.font`). Not part of what a layout says: two layouts that
/// say the same are equal wherever they said it.
#[derive(Debug, Clone, Default)]
pub struct KeyOrigins(std::collections::HashMap<String, Location>);

impl KeyOrigins {
    /// Keeps the origins validation worked from.
    pub(crate) fn new(origins: std::collections::HashMap<String, Location>) -> Self {
        KeyOrigins(origins)
    }

    /// Where `key` (dotted, e.g. `body.font`) was written, if it was.
    pub fn get(&self, key: &str) -> Option<&Location> {
        self.0.get(key)
    }
}

impl PartialEq for KeyOrigins {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Page geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct PageSpec {
    /// Trim width (orientation applied).
    pub width: f32,
    /// Trim height (orientation applied).
    pub height: f32,
    /// Margins inside the trim.
    pub margin: Sides,
    /// Number of text columns, >= 1.
    pub columns: u32,
    /// Space between columns.
    pub gutter: f32,
    /// Width of a rule drawn between columns; 0 = none.
    pub column_rule: f32,
    /// Bleed beyond the trim on every side; never negative.
    pub bleed: f32,
    /// Balance the columns of the last page.
    pub balance: bool,
    /// How a layout for two statements puts them on the page.
    pub bilingual: Bilingual,
}

/// How a bilingual layout sets its two statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Bilingual {
    /// One statement per layout (the usual case).
    #[default]
    No,
    /// Column pairs: the first statement on the left, the second on the
    /// right, level at each heading.
    SideBySide,
    /// The second statement on the back (from page 2).
    FrontBack,
}

/// Four lengths.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Sides {
    /// Top.
    pub top: f32,
    /// Right.
    pub right: f32,
    /// Bottom.
    pub bottom: f32,
    /// Left.
    pub left: f32,
}

/// Text alignment of running text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Both edges flush.
    Justify,
    /// Ragged right (ragged left in right-to-left text).
    Left,
}

/// Running text.
#[derive(Debug, Clone, PartialEq)]
pub struct BodySpec {
    /// Font family name.
    pub font: String,
    /// Font size.
    pub size: f32,
    /// Baseline to baseline.
    pub leading: f32,
    /// Justified or ragged.
    pub align: Align,
    /// Hyphenate running text.
    pub hyphenate: bool,
    /// Language when the statement has none (BCP 47).
    pub language: String,
    /// Extra space between paragraphs.
    pub paragraph_spacing: f32,
    /// Indent of a paragraph's first line.
    pub first_line_indent: f32,
    /// Minimum lines of a paragraph left at the top of a column.
    pub widows: u32,
    /// Minimum lines of a paragraph left at the foot of a column.
    pub orphans: u32,
    /// Keep every baseline on the body text grid.
    pub grid: bool,
    /// Families tried, in order, for characters the body font lacks.
    pub fallback: Vec<String>,
    /// Text direction when the statement sets none; `Auto` follows the
    /// statement's language.
    pub dir: crate::script::Dir,
    /// Quotation marks when the statement asks for none.
    pub quotes: crate::statement::Quotes,
    /// Font for inline and block code.
    pub code_font: String,
}

/// Headings.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadingSpec {
    /// Font family name.
    pub font: String,
    /// Sizes for levels 1.. (levels beyond the list use the last one).
    pub sizes: Vec<f32>,
    /// Space above a heading.
    pub space_before: f32,
    /// Space below a heading.
    pub space_after: f32,
}

/// The title block across all columns of page 1.
#[derive(Debug, Clone, PartialEq)]
pub struct MastheadSpec {
    /// Whether to show it.
    pub show: bool,
    /// Font of the title (defaults to the heading font).
    pub font: String,
    /// Size of the title.
    pub title_size: f32,
    /// Size of subtitle, author and date lines.
    pub meta_size: f32,
    /// Text of a kicker line above the title (may use `{event.*}`); empty = none.
    pub kicker: String,
    /// Background band color; `None` = no band.
    pub background: Option<Rgb>,
    /// The band of `background` as drawn (resolved, see
    /// [`LayoutSpec::resolve`]).
    pub band: Option<Band>,
    /// The group's logo, a picture file relative to the layout file (may
    /// use `{event.*}`); empty = none.
    pub logo: String,
    /// The logo's height.
    pub logo_size: f32,
    /// Which side of the title the logo stands on.
    pub logo_side: LogoSide,
    /// The logo, loaded by the picture stage ([`crate::picture::attach_logo`]).
    pub logo_picture: Option<std::sync::Arc<crate::picture::Picture>>,
}

/// Which side of the masthead a logo stands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoSide {
    /// Left of the title.
    Left,
    /// Right of the title.
    Right,
}

/// The masthead's background band on page 1, resolved from
/// `masthead.background`, the bleed and the leading. Its bottom edge
/// depends on the masthead as set, so render takes it from the page: `air`
/// below the masthead's rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// The color.
    pub color: Rgb,
    /// Left edge, in trim coordinates: the bleed's edge.
    pub x: f32,
    /// Top edge, in trim coordinates: the bleed's edge.
    pub y: f32,
    /// The page's width plus the bleed on both sides.
    pub width: f32,
    /// How far below the masthead's rule the band ends: 0.4 of the
    /// layout's leading (as written, not as fitting scales it).
    pub air: f32,
    /// Text and rules on the band print white: the band is dark.
    pub white_text: bool,
}

/// Where the footer appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FooterOn {
    /// On every page.
    EveryPage,
    /// Only on the last page.
    LastPage,
}

/// The footer.
#[derive(Debug, Clone, PartialEq)]
pub struct FooterSpec {
    /// The text (may use placeholders); empty = no footer.
    pub text: String,
    /// A URL the footer links to, trimmed; empty = none.
    pub link: String,
    /// Draw a QR code of `link`.
    pub qr: bool,
    /// Which pages.
    pub on: FooterOn,
    /// Font size of the footer text.
    pub size: f32,
    /// A logo at the footer's left, relative to the layout file (may use
    /// `{event.*}`); empty = none.
    pub logo: String,
    /// The footer logo's height.
    pub logo_size: f32,
    /// The footer logo, loaded by the picture stage.
    pub logo_picture: Option<std::sync::Arc<crate::picture::Picture>>,
    /// The QR code of `link`, if the footer has one (resolved, see
    /// [`LayoutSpec::resolve`]).
    pub qr_code: Option<QrCode>,
    /// Warnings about the QR code (a link too long to encode, margins too
    /// narrow for its quiet zone): told with every PDF, since they concern
    /// what is printed, not the layout file.
    pub qr_warnings: Vec<Warning>,
}

impl FooterSpec {
    /// The side of the square the QR code takes at the right end of the
    /// footer area, bottom at the bottom margin: the code plus its quiet
    /// zone towards the text; 0 without a code.
    ///
    /// Flow shortens the footer's measure by this much and makes the footer
    /// at least this tall, so text never runs into the code.
    pub fn qr_room(&self) -> f32 {
        self.qr_code.as_ref().map_or(0.0, |q| q.room)
    }
}

/// The footer's QR code, resolved: the matrix of `footer.link` and where
/// it goes on a page with a footer, in trim coordinates.
///
/// The dark modules are flush with the right and bottom margins; the quiet
/// zone on those two sides lies in the page margins, and on the two sides
/// facing the text it is part of the square of side `room`.
#[derive(Debug, Clone, PartialEq)]
pub struct QrCode {
    /// The modules.
    pub matrix: crate::qr::Matrix,
    /// Side of one module.
    pub module: f32,
    /// Left edge of the dark modules.
    pub x: f32,
    /// Top edge of the dark modules.
    pub y: f32,
    /// Side of the dark modules.
    pub side: f32,
    /// Right edge: the right margin.
    pub right: f32,
    /// Bottom edge: the bottom margin.
    pub bottom: f32,
    /// Width of the quiet zone the code needs around it.
    pub quiet: f32,
    /// The square the footer leaves for the code (see
    /// [`FooterSpec::qr_room`]).
    pub room: f32,
}

/// Images of the pages to share on phones (`--share`).
#[derive(Debug, Clone, PartialEq)]
pub struct ShareSpec {
    /// The sizes to draw, in the order written, without repeats.
    pub sizes: Vec<ShareSize>,
}

/// One size of image to share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareSize {
    /// 1080 × 1350 (a portrait post): every page whole.
    Portrait,
    /// 1080 × 1080: the top of page 1 at the width of the page.
    Square,
    /// 1080 × 1920 (a story or status): every page whole.
    Story,
}

impl ShareSize {
    /// Width and height in pixels.
    pub fn pixels(self) -> (u32, u32) {
        match self {
            ShareSize::Portrait => (1080, 1350),
            ShareSize::Square => (1080, 1080),
            ShareSize::Story => (1080, 1920),
        }
    }

    /// The name written in `share.sizes`.
    pub fn name(self) -> &'static str {
        match self {
            ShareSize::Portrait => "portrait",
            ShareSize::Square => "square",
            ShareSize::Story => "story",
        }
    }
}

/// Fitting to a page count.
#[derive(Debug, Clone, PartialEq)]
pub struct FitSpec {
    /// 0 = as many pages as needed.
    pub pages: u32,
    /// Smallest body size allowed.
    pub min_size: f32,
    /// Largest body size allowed.
    pub max_size: f32,
    /// Without `pages`: a last page of a few lines is pulled back onto the
    /// page before by setting the body a little smaller (see
    /// [`crate::fit::pull_back`]).
    pub pull_back: bool,
    /// With `pages`: the narrowest column, in em of the fitted body size,
    /// that fitting may set; where larger type would make the columns
    /// narrower, it sets one column fewer (0 = never).
    pub min_measure: f32,
}

/// Ink mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorMode {
    /// RGB accents allowed.
    Color,
    /// Black ink only (DeviceGray).
    Gray,
    /// Accents as CMYK.
    Cmyk,
}

/// Duplex printing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplex {
    /// Flip on the long edge.
    LongEdge,
    /// Flip on the short edge.
    ShortEdge,
    /// One-sided.
    None,
}

/// Print production.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintSpec {
    /// The standards the PDF must meet, checked when it is written
    /// (`print.standard`); the PDF is tagged either way.
    pub standards: Vec<Standard>,
    /// Ink mode.
    pub color: ColorMode,
    /// Draw crop marks outside the bleed.
    pub crop_marks: bool,
    /// Sheet size (width, height) for n-up imposition; `None` = one page per sheet.
    pub sheet: Option<(f32, f32)>,
    /// Duplex mode.
    pub duplex: Duplex,
}

/// How the printed sheet is folded or bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoldStyle {
    /// Flat: pages as they are, or n-up to cut.
    None,
    /// Letter fold (tri-fold, roll fold): six panels on a landscape sheet,
    /// outside 5 | 6 | 1, inside 2 | 3 | 4, the flap (5, with 4 behind
    /// it) `fold.fold-in` narrower so it folds inside.
    Letter,
    /// Z-fold (accordion): six equal panels, numbered like the letter fold.
    Z,
    /// Saddle-stitched booklet: two pages a side on `print.sheet`, sheets
    /// nested and stapled in the fold.
    Booklet,
}

/// What the back of a folded leaflet or booklet carries: panel 6, or a
/// booklet's back cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Back {
    /// The contact block (footer text and QR code) and the imprint, no text.
    Contact,
    /// The text runs on to the back; contact and imprint end it.
    Text,
}

/// Folding and binding (`[fold]`).
#[derive(Debug, Clone, PartialEq)]
pub struct FoldSpec {
    /// The fold.
    pub style: FoldStyle,
    /// Letter fold: how much narrower the panel that folds in is.
    pub fold_in: f32,
    /// What the back carries.
    pub back: Back,
    /// The back of the sheet is turned 180° (head to head), for printers
    /// that turn the sheet over its top edge.
    pub tumble: bool,
    /// Booklet: how far each sheet's pages move towards the spine, per
    /// sheet counted from the outside (about the paper's thickness), so
    /// the fore-edges line up after trimming.
    pub creep: f32,
    /// Booklet: page numbers on the inner pages.
    pub page_numbers: bool,
}

impl FoldSpec {
    /// Tells whether the sheet is folded into panels (letter or z-fold).
    pub fn panels(&self) -> bool {
        matches!(self.style, FoldStyle::Letter | FoldStyle::Z)
    }
}

/// The legal imprint (`[imprint]`).
#[derive(Debug, Clone, PartialEq)]
pub struct ImprintSpec {
    /// The text; empty = none.
    pub text: String,
    /// Refuse to build while `text` is empty.
    pub required: bool,
}

/// A PDF standard a leaflet can be checked against when it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standard {
    /// PDF/UA-1: accessible (tagged, titled, every picture described).
    Ua1,
    /// PDF/A-2b: archival, the pages look the same forever.
    A2b,
    /// PDF/A-2a: archival and tagged, the text reads back in order.
    A2a,
}

impl Standard {
    /// Every standard with its name, as `print.standard` and `--standard`
    /// spell it.
    pub const ALL: [(&'static str, Standard); 3] =
        [("pdf/ua-1", Standard::Ua1), ("pdf/a-2b", Standard::A2b), ("pdf/a-2a", Standard::A2a)];

    /// The standard's name, e.g. `pdf/ua-1`.
    pub fn name(self) -> &'static str {
        Standard::ALL.iter().find(|(_, s)| *s == self).map_or("", |(n, _)| n)
    }

    /// Tells whether it is a PDF/A level.
    pub fn archival(self) -> bool {
        matches!(self, Standard::A2b | Standard::A2a)
    }

    /// Reads a list of standard names (case and spaces do not matter);
    /// `""` and `"none"` stand for none. Errors name what is allowed: at
    /// most one PDF/A level, known names only.
    pub fn parse_list<S: AsRef<str>>(names: &[S]) -> std::result::Result<Vec<Standard>, String> {
        let mut out: Vec<Standard> = Vec::new();
        for n in names {
            let norm = n.as_ref().trim().to_ascii_lowercase();
            if norm.is_empty() || norm == "none" {
                continue;
            }
            let Some((_, s)) = Standard::ALL.iter().find(|(name, _)| *name == norm) else {
                return Err(format!(
                    "`{}` is not a standard handbill checks: write \"pdf/ua-1\", \"pdf/a-2b\" or \"pdf/a-2a\" (PDF/X is not offered)",
                    n.as_ref()
                ));
            };
            if s.archival() && out.iter().any(|o| o.archival() && o != s) {
                return Err(
                    "a PDF can claim one PDF/A level only: choose \"pdf/a-2b\" or \"pdf/a-2a\""
                        .into(),
                );
            }
            if !out.contains(s) {
                out.push(*s);
            }
        }
        Ok(out)
    }
}

impl std::str::FromStr for Standard {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Standard, String> {
        Standard::parse_list(&[s])?.first().copied().ok_or_else(|| "no standard given".into())
    }
}

/// Pictures (`[images]`).
#[derive(Debug, Clone, PartialEq)]
pub struct ImagesSpec {
    /// Pictures may be read from outside the statement's folder.
    pub allow_outside: bool,
    /// Pictures smaller than the column are enlarged to its width (past
    /// their natural size of 150 ppi).
    pub upscale: bool,
    /// The smallest share of their size `fit.pages` may set pictures at
    /// before it sets the type smaller (1 = pictures keep their size).
    pub fit_scale: f32,
    /// The share of their size pictures are set at: 1, but where fitting
    /// made them smaller (not a key).
    pub scale: f32,
    /// Which pictures span all the columns (`images.span`).
    pub span: ImageSpan,
}

/// Which pictures of the text span all the columns (`images.span`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageSpan {
    /// A picture that would be set much larger across the page than in a
    /// column (a landscape photo, a wide map) spans; others keep to one.
    Auto,
    /// Every picture keeps to its column.
    Column,
    /// Every picture spans the columns.
    Page,
}

impl LayoutSpec {
    /// Where a message about the layout as a whole points: its file, or
    /// for a shipped layout (compiled in, no file), its name.
    pub fn location(&self) -> Location {
        match &self.path {
            Some(p) => Location::file(p),
            None => Location::file(format!("{} (shipped layout)", self.id)),
        }
    }

    /// The width of one text column.
    pub fn column_width(&self) -> f32 {
        let p = &self.page;
        let inner = p.width - p.margin.left - p.margin.right;
        (inner - p.gutter * (p.columns.saturating_sub(1)) as f32) / p.columns.max(1) as f32
    }

    /// Returns a copy with the body size set to `size`, scaling leading,
    /// heading sizes and em-based spacing with it, and the masthead too
    /// when the body grows (used by fitting).
    pub fn scaled_to(&self, size: f32) -> LayoutSpec {
        let k = size / self.body.size;
        let mut s = self.clone();
        s.body.size = size;
        s.body.leading *= k;
        s.body.paragraph_spacing *= k;
        s.body.first_line_indent *= k;
        for h in &mut s.headings.sizes {
            *h *= k;
        }
        s.headings.space_before *= k;
        s.headings.space_after *= k;
        // A body set larger takes the masthead with it, so the title still
        // heads the page; set smaller (to fit more), the masthead keeps its
        // size: the title is what is read from afar.
        let up = k.max(1.0);
        s.masthead.title_size *= up;
        s.masthead.meta_size *= up;
        s
    }
}

impl Default for LayoutSpec {
    fn default() -> Self {
        LayoutSpec {
            id: "default".into(),
            name: "Letter, two columns".into(),
            description: String::new(),
            path: None,
            font_dirs: Vec::new(),
            page: PageSpec {
                width: 8.5 * PT_PER_IN,
                height: 11.0 * PT_PER_IN,
                margin: Sides { top: 36.0, right: 36.0, bottom: 36.0, left: 36.0 },
                columns: 2,
                gutter: 18.0,
                column_rule: 0.0,
                bleed: 0.0,
                balance: true,
                bilingual: Bilingual::No,
            },
            body: BodySpec {
                font: "Source Serif 4 SmText".into(),
                size: 10.0,
                leading: 12.5,
                align: Align::Justify,
                hyphenate: true,
                language: "en".into(),
                paragraph_spacing: 4.0,
                first_line_indent: 0.0,
                widows: 2,
                orphans: 2,
                grid: false,
                fallback: Vec::new(),
                dir: crate::script::Dir::Auto,
                quotes: crate::statement::Quotes::Auto,
                code_font: "Source Code Pro".into(),
            },
            headings: HeadingSpec {
                font: "Oswald".into(),
                sizes: vec![20.0, 14.0, 11.0],
                space_before: 10.0,
                space_after: 4.0,
            },
            masthead: MastheadSpec {
                show: true,
                font: "Oswald".into(),
                title_size: 28.0,
                meta_size: 10.0,
                kicker: String::new(),
                background: None,
                band: None,
                logo: String::new(),
                logo_size: 54.0,
                logo_side: LogoSide::Left,
                logo_picture: None,
            },
            footer: FooterSpec {
                text: String::new(),
                link: String::new(),
                qr: false,
                on: FooterOn::EveryPage,
                size: 8.5,
                logo: String::new(),
                logo_size: 24.0,
                logo_picture: None,
                qr_code: None,
                qr_warnings: Vec::new(),
            },
            fit: FitSpec {
                pages: 0,
                min_size: 8.0,
                max_size: 12.0,
                pull_back: true,
                min_measure: 0.0,
            },
            print: PrintSpec {
                standards: Vec::new(),
                color: ColorMode::Color,
                crop_marks: false,
                sheet: None,
                duplex: Duplex::LongEdge,
            },
            fold: FoldSpec {
                style: FoldStyle::None,
                fold_in: PT_PER_IN / 16.0,
                back: Back::Contact,
                tumble: false,
                creep: 0.0,
                page_numbers: true,
            },
            imprint: ImprintSpec { text: String::new(), required: false },
            share: ShareSpec { sizes: vec![ShareSize::Portrait, ShareSize::Square] },
            images: ImagesSpec {
                allow_outside: false,
                upscale: false,
                fit_scale: 0.7,
                scale: 1.0,
                span: ImageSpan::Auto,
            },
            warnings: Vec::new(),
            origins: KeyOrigins::default(),
        }
    }
}

/// Loads a layout by path or by name, applying `overrides` (`key.path=value`,
/// as given to `--set`).
///
/// A path to an existing file, or anything ending in `.toml`, is read as a
/// file; otherwise `layouts/NAME.toml` in the working directory; otherwise
/// the shipped layout of that name. Warnings are in [`LayoutSpec::warnings`].
pub fn load(name_or_path: &str, overrides: &[String]) -> Result<LayoutSpec> {
    validate::validate(source::load(source::find(name_or_path)?, overrides)?)
}

/// The layout files `name_or_path` is read from: its own file and the
/// files it `extends`, in order (shipped layouts have none). What
/// `handbill watch` watches; see also [`load`].
pub fn layout_files(name_or_path: &str) -> Vec<PathBuf> {
    source::files(name_or_path)
}

/// Loads a layout from TOML text; `label` names it in error locations and
/// gives its id. `extends` may name shipped layouts only.
pub fn load_str(label: &str, text: &str, overrides: &[String]) -> Result<LayoutSpec> {
    validate::validate(source::load(source::Source::text(label, text), overrides)?)
}

/// Loads a layout from TOML text as if it were the file `path`, which may
/// not exist yet: `extends`, logos and font folders are found from the
/// file's folder, as they will be once the text is saved there.
pub fn load_str_at(path: &std::path::Path, text: &str, overrides: &[String]) -> Result<LayoutSpec> {
    validate::validate(source::load(source::Source::at(path, text), overrides)?)
}

/// The layouts built into the binary: (id, TOML text), sorted by id.
pub fn shipped() -> Vec<(&'static str, &'static str)> {
    source::SHIPPED.to_vec()
}

/// Every shipped layout, validated, for `handbill layouts`.
pub fn list() -> Result<Vec<LayoutSpec>> {
    source::SHIPPED
        .iter()
        .map(|(id, text)| validate::validate(source::load(source::Source::builtin(id, text), &[])?))
        .collect()
}

/// The named paper sizes `page.size` and `print.sheet` accept, with their
/// portrait (width, height) in points.
pub fn papers() -> &'static [(&'static str, f32, f32)] {
    validate::PAPERS
}
