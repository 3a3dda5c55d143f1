//! The laid-out document: pages of positioned glyph runs, rules and links.
//! Plain data, produced by `flow` and consumed by `render`; tests read it
//! directly without a PDF.

use crate::fonts::FaceId;
use crate::shape::Glyph;
use crate::statement::Meta;

/// A color for text and rules; the render stage maps it to the ink mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ink {
    /// Text black.
    Black,
    /// A gray, 0 = black .. 255 = white.
    Gray(u8),
    /// An accent color (links, bands), RGB.
    Accent(u8, u8, u8),
}

/// A run of glyphs in one face and size, at a baseline position.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    /// Left end of the baseline, from the page's top-left corner (trim box).
    pub x: f32,
    /// Baseline, from the top of the page.
    pub y: f32,
    /// The face.
    pub face: FaceId,
    /// Size in points.
    pub size: f32,
    /// The glyphs; `text` ranges index into [`TextRun::text`].
    pub glyphs: Vec<Glyph>,
    /// The characters of the run, in logical order (spaces included).
    pub text: String,
    /// Right to left: the glyphs (always in visual order) run against the
    /// text.
    pub rtl: bool,
    /// Color.
    pub ink: Ink,
    /// Horizontal scale of the glyph shapes (glyph expansion of justified
    /// lines, within ±2 %); 1 = as designed. Advances and offsets above are
    /// on the page, so they already include it.
    pub expand: f32,
    /// Where the text belongs in the document's structure (tagged PDF);
    /// `None` for text that is not part of it.
    pub mark: Option<Mark>,
}

impl TextRun {
    /// Sums the glyph advances.
    pub fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.advance).sum()
    }
}

/// Something drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Element {
    /// Text.
    Text(TextRun),
    /// A straight line.
    Rule {
        /// Start x.
        x0: f32,
        /// Start y.
        y0: f32,
        /// End x.
        x1: f32,
        /// End y.
        y1: f32,
        /// Stroke width.
        width: f32,
        /// Color.
        ink: Ink,
    },
    /// A filled rectangle.
    Rect {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
        /// Color.
        ink: Ink,
    },
    /// A picture, scaled into its box (aspect kept by whoever made it).
    Image {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
        /// The picture.
        picture: std::sync::Arc<crate::picture::Picture>,
        /// What it shows (for tagged PDF, and readers who cannot see it).
        alt: String,
        /// Where the picture belongs in the document's structure (a
        /// `Figure` block); `None` for a logo, which is not read.
        mark: Option<Mark>,
    },
}

/// A clickable area.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Left.
    pub x: f32,
    /// Top.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
    /// Target URL.
    pub url: String,
    /// The block whose text carries the link.
    pub mark: Option<Mark>,
}

/// What kind of block a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Running text (paragraphs, list items, quotes).
    Body,
    /// A heading.
    Heading,
    /// The masthead.
    Masthead,
    /// The footer.
    Footer,
    /// Code or table text.
    Other,
}

/// Facts about one set line, for tests and reports.
#[derive(Debug, Clone, PartialEq)]
pub struct LineInfo {
    /// Which block-level paragraph (counted over the whole document).
    pub paragraph: usize,
    /// Index of the line within its paragraph.
    pub index: usize,
    /// Number of lines of the paragraph.
    pub count: usize,
    /// Column on the page (0-based); 0 for full-width material.
    pub column: usize,
    /// Adjustment ratio of the glue.
    pub ratio: f32,
    /// Ends with an inserted hyphen.
    pub hyphen: bool,
    /// Left edge of the line's measure.
    pub x: f32,
    /// Baseline.
    pub y: f32,
    /// Width of the measure.
    pub width: f32,
    /// Width actually covered by glyphs (hanging punctuation excluded).
    pub natural: f32,
    /// Kind of block.
    pub kind: LineKind,
    /// The line's text.
    pub text: String,
}

/// One laid-out page (trim size; bleed is added by the render stage).
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Trim width.
    pub width: f32,
    /// Trim height.
    pub height: f32,
    /// Drawn elements, in reading order.
    pub elements: Vec<Element>,
    /// Clickable areas.
    pub links: Vec<Link>,
    /// Every set line.
    pub lines: Vec<LineInfo>,
    /// Bottom of the text area (column foot) on this page.
    pub column_bottom: f32,
    /// Top of the columns on this page.
    pub column_top: f32,
    /// Bottom of the masthead (page 1), or 0 where there is none.
    pub masthead_bottom: f32,
    /// The footer's QR code, on a page that shows the footer: drawn by
    /// the PDF writer and the previews alike.
    pub qr: Option<crate::spec::QrCode>,
}

impl Page {
    /// The masthead band on page 1 (index 0) and its bottom edge, as the
    /// PDF and the images to share draw it: `air` below the masthead's
    /// rule, within the masthead.
    pub fn masthead_band<'a>(
        &self,
        index: usize,
        spec: &'a crate::spec::LayoutSpec,
    ) -> Option<(&'a crate::spec::Band, f32)> {
        if index != 0 || self.masthead_bottom <= 0.0 {
            return None;
        }
        let band = spec.masthead.band.as_ref()?;
        let rule = self
            .elements
            .iter()
            .filter_map(|e| match e {
                Element::Rule { y0, y1, .. } if y0.max(*y1) < self.masthead_bottom => {
                    Some(y0.max(*y1))
                }
                _ => None,
            })
            .reduce(f32::max);
        let bottom =
            rule.map_or(self.masthead_bottom, |y| (y + band.air).min(self.masthead_bottom));
        Some((band, bottom))
    }
}

/// A laid-out document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Pages in order.
    pub pages: Vec<Page>,
    /// Title, author and language for PDF metadata.
    pub meta: Meta,
    /// The body size used (after fitting).
    pub body_size: f32,
    /// The logical structure of each statement on the leaflet (one, or two
    /// for a bilingual leaflet), which the runs' [`Mark`]s point into.
    pub structure: Vec<Structure>,
}

impl Document {
    /// The lines of each column of page `page` (masthead and footer left
    /// out), top to bottom: what flow rules are checked on.
    pub fn columns(&self, page: usize) -> Vec<Vec<&LineInfo>> {
        let mut cols: Vec<Vec<&LineInfo>> = Vec::new();
        let lines = self.pages.get(page).map_or(&[][..], |p| &p.lines[..]);
        for l in lines.iter().filter(|l| !matches!(l.kind, LineKind::Masthead | LineKind::Footer)) {
            if cols.len() <= l.column {
                cols.resize(l.column + 1, Vec::new());
            }
            cols[l.column].push(l);
        }
        for c in &mut cols {
            c.sort_by(|a, b| a.y.total_cmp(&b.y));
        }
        cols
    }
}

/// Where a run of text belongs in the document's logical structure: which
/// statement, which block of it (the block's [`LineInfo::paragraph`]
/// number), and which part of the block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mark {
    /// The statement (0, or 1 for the second of a bilingual leaflet).
    pub statement: u8,
    /// The block: an index into [`Structure::blocks`].
    pub block: usize,
    /// The part of the block.
    pub part: Part,
}

/// A part of a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// Its text.
    Text,
    /// Cell `n` of a table row.
    Cell(u16),
    /// The marker of the list item that opens at this block, the item
    /// being scope `n` (0-based) of the block's [`BlockRole::scopes`].
    Label(u8),
}

/// The logical structure of one statement: what each numbered block is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Structure {
    /// The statement's file (for messages).
    pub source: std::path::PathBuf,
    /// The statement's language (BCP 47).
    pub lang: String,
    /// The blocks by number ([`Mark::block`]); numbers that mark nothing
    /// are `None`.
    pub blocks: Vec<Option<BlockRole>>,
}

/// What one block is, and what it sits in.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockRole {
    /// The kind of block.
    pub kind: BlockKind,
    /// The containers it sits in, outermost first.
    pub scopes: Vec<Scope>,
    /// Its text, for headings (a heading's title in the PDF outline); a
    /// picture's alternate text.
    pub title: Option<String>,
    /// Source line in the statement (1-based; 0 for layout text).
    pub line: usize,
}

/// A kind of block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// The statement's title in the masthead.
    Title,
    /// Other masthead text: kicker, subtitle, byline.
    Masthead,
    /// A heading of level 1..=6.
    Heading(u8),
    /// A paragraph.
    Paragraph,
    /// A code block.
    Code,
    /// A table row; `header` for the header row.
    Row {
        /// The header row.
        header: bool,
    },
    /// The footer.
    Footer,
    /// A picture; its alternate text is [`BlockRole::title`] (none: not
    /// described, which PDF/UA refuses).
    Figure,
}

/// A container of blocks. Two scopes are the same container when kind
/// and `id` agree at the same depth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// What kind of container.
    pub kind: ScopeKind,
    /// The number of its first block.
    pub id: usize,
}

/// A kind of container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    /// A list; numbered or bulleted.
    List {
        /// Numbered.
        numbered: bool,
    },
    /// One item of a list.
    Item,
    /// A block quotation.
    Quote,
    /// A table.
    Table,
}
