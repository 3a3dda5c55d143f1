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
