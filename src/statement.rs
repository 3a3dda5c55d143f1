//! Stage 1: a statement (Markdown with optional TOML front matter, or pasted
//! plain text) becomes a [`Statement`]: metadata plus a tree of blocks.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result, Warning};

/// A parsed statement, ready for layout.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Statement {
    /// The file it came from (for messages).
    pub path: PathBuf,
    /// The short name used in output file names (file stem).
    pub name: String,
    /// Title, author, date, language from front matter or the text itself.
    pub meta: Meta,
    /// The body, in reading order. The title heading (if it was taken from
    /// the first level-1 heading) is not repeated here.
    pub blocks: Vec<Block>,
    /// Things the user should know (skipped HTML, images, ...).
    pub warnings: Vec<Warning>,
}

/// Metadata of a statement.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    /// The headline.
    pub title: Option<String>,
    /// A line under the headline.
    pub subtitle: Option<String>,
    /// Who issues the statement.
    pub author: Option<String>,
    /// When, as the user wrote it.
    pub date: Option<String>,
    /// BCP 47 language tag, e.g. `en`, `es`, `ar`.
    pub lang: Option<String>,
    /// `rtl` or `ltr`, if given.
    pub dir: Option<String>,
}

/// A block-level element.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading, level 1..=6.
    Heading {
        /// 1..=6.
        level: u8,
        /// The heading text.
        content: Vec<Inline>,
        /// Source line (1-based).
        line: usize,
    },
    /// A paragraph of running text.
    Paragraph {
        /// The text.
        content: Vec<Inline>,
        /// Source line (1-based).
        line: usize,
    },
    /// A bullet (`start == None`) or numbered list.
    List {
        /// First number of a numbered list.
        start: Option<u64>,
        /// Each item is a sequence of blocks.
        items: Vec<Vec<Block>>,
        /// Source line (1-based).
        line: usize,
    },
    /// A block quote.
    Quote {
        /// The quoted blocks.
        blocks: Vec<Block>,
        /// Source line (1-based).
        line: usize,
    },
    /// A horizontal rule (`---`).
    Rule {
        /// Source line (1-based).
        line: usize,
    },
    /// A fenced or indented code block, set verbatim in the code font.
    Code {
        /// The literal text, lines separated by `\n`.
        text: String,
        /// Source line (1-based).
        line: usize,
    },
    /// A table: a header row and body rows of cells.
    Table {
        /// Column alignments.
        aligns: Vec<CellAlign>,
        /// The header row (may be empty).
        header: Vec<Vec<Inline>>,
        /// Body rows.
        rows: Vec<Vec<Vec<Inline>>>,
        /// Source line (1-based).
        line: usize,
    },
}

/// Horizontal alignment of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CellAlign {
    /// Default: start edge.
    #[default]
    Left,
    /// Centered.
    Center,
    /// End edge.
    Right,
}

/// Inline content.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// A run of text in one style.
    Text(Span),
    /// A hard line break.
    LineBreak,
}

/// A run of text with one style.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Span {
    /// The text (smart punctuation already applied).
    pub text: String,
    /// Its style.
    pub style: Style,
    /// The link target, if the run is (part of) a link.
    pub link: Option<String>,
}

/// Inline style flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Style {
    /// *emphasis*
    pub italic: bool,
    /// **strong**
    pub bold: bool,
    /// ~~strikethrough~~
    pub strike: bool,
    /// `inline code`
    pub code: bool,
}

impl Inline {
    /// Makes a plain text run.
    pub fn text(s: impl Into<String>) -> Self {
        Inline::Text(Span { text: s.into(), ..Span::default() })
    }
}

/// Collects the plain text of inline content (line breaks become spaces).
pub fn plain_text(content: &[Inline]) -> String {
    let mut s = String::new();
    for i in content {
        match i {
            Inline::Text(span) => s.push_str(&span.text),
            Inline::LineBreak => s.push(' '),
        }
    }
    s
}

/// Reads and parses a statement file.
pub fn load(path: &Path) -> Result<Statement> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e, "read the statement"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::file(path, "the statement is not UTF-8 text", "save it as UTF-8"))?;
    parse(path, &text)
}

/// Parses a statement from text. `path` is used for names and messages.
pub fn parse(path: &Path, text: &str) -> Result<Statement> {
    // Minimal version: blank-line paragraphs. Replaced by the full parser.
    let mut st = Statement {
        path: path.to_path_buf(),
        name: path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
        ..Statement::default()
    };
    for (i, para) in text.split("\n\n").enumerate() {
        let t = para.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            st.blocks.push(Block::Paragraph { content: vec![Inline::text(t)], line: i + 1 });
        }
    }
    Ok(st)
}
