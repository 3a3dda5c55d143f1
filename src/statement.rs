//! Stage 1: a statement (Markdown with optional TOML front matter, or pasted
//! plain text) becomes a [`Statement`]: metadata plus a tree of blocks.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result, Warning};

mod front;
mod input;
mod markdown;
mod plain;
mod quotes;

pub use quotes::{localize_quotes, Quotes};
mod title;

/// The largest statement file accepted: 2 MiB (about 300,000 words, some
/// 600 Letter pages). A leaflet's text is a few kilobytes; anything this big
/// is the wrong file, and refusing it at once beats minutes of layout.
pub const MAX_STATEMENT_BYTES: u64 = 2 * 1024 * 1024;

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
    /// Quotation marks asked for (`quotes = "guillemets"`), if any.
    pub quotes: Option<Quotes>,
    /// How to reach the group that issues the statement, printed in the
    /// footer (`contact = "Write to us: example.org/contact"`) unless the
    /// layout has its own `footer.text`.
    pub contact: Option<String>,
    /// The web address the contact line links to and the QR code encodes
    /// (`contact-link = "https://example.org/contact"`).
    pub contact_link: Option<String>,
    /// How the body is read: as given by `format` in the front matter
    /// (or, after [`parse_as`], by the caller), else as detected.
    pub format: Option<Format>,
}

/// How the body of a statement is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CommonMark, with tables, strikethrough and footnotes.
    Markdown,
    /// Text pasted from a web page or an e-mail: printed as written, its
    /// bullet lines made lists, page debris dropped.
    Text,
}

impl Format {
    /// The name used in front matter and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Text => "text",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Format, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "markdown" | "md" => Ok(Format::Markdown),
            "text" | "txt" | "plain" => Ok(Format::Text),
            _ => Err(format!(
                "`{s}` is not a statement format: write \"markdown\" or \"text\" (pasted web text)"
            )),
        }
    }
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
    /// A picture, `![alt](src "caption")`, on a paragraph of its own or
    /// after the paragraph that names it.
    Image {
        /// The file, relative to the statement's folder.
        src: String,
        /// What it shows, for readers who cannot see it.
        alt: String,
        /// The caption set under it (the Markdown title); may be empty.
        caption: String,
        /// Source line (1-based).
        line: usize,
        /// The loaded picture (by [`crate::picture::attach`]); `None`
        /// straight from the parser.
        picture: Option<std::sync::Arc<crate::picture::Picture>>,
        /// Whether it spans the columns, as its marker says (`{.wide}`
        /// or `{.column}` right after it); `None`: as `images.span` says.
        wide: Option<bool>,
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
///
/// Accepts UTF-8 (with or without byte order mark), UTF-16 with a byte order
/// mark and Windows-1252 text, with any line ends; refuses binary files,
/// empty statements and files over [`MAX_STATEMENT_BYTES`].
pub fn load(path: &Path) -> Result<Statement> {
    load_as(path, None)
}

/// Like [`load`], reading the body as `format` if given (this overrides
/// the front matter's `format`), else as the front matter says or as
/// detected.
pub fn load_as(path: &Path, format: Option<Format>) -> Result<Statement> {
    if let Ok(meta) = std::fs::metadata(path) {
        input::check_size(path, meta.len())?;
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e, "read the statement"))?;
    let mut warnings = Vec::new();
    let text = input::decode(path, &bytes, &mut warnings)?;
    let mut st = parse_as(path, &text, format)?;
    warnings.append(&mut st.warnings);
    st.warnings = warnings;
    Ok(st)
}

/// Parses a statement from text. `path` is used for names and messages.
///
/// The body is Markdown or pasted plain text as the front matter's
/// `format` says; without it, Markdown if any line has Markdown in it
/// (headings, emphasis, code spans, links, entities, HTML, …).
pub fn parse(path: &Path, text: &str) -> Result<Statement> {
    parse_as(path, text, None)
}

/// Like [`parse`], reading the body as `format` if given (this overrides
/// the front matter's `format`).
pub fn parse_as(path: &Path, text: &str, format: Option<Format>) -> Result<Statement> {
    let mut warnings = Vec::new();
    let text = input::normalize(path, text, &mut warnings);
    if text.trim().is_empty() {
        return Err(Error::file(path, "the statement is empty", "write some text"));
    }
    let (mut meta, body_start) = front::split(path, &text, &mut warnings)?;
    let first_line = text.get(..body_start).map_or(0, |t| t.matches('\n').count()) + 1;
    let mut lines: Vec<plain::SrcLine> = text
        .get(body_start..)
        .unwrap_or("")
        .split('\n')
        .enumerate()
        .map(|(i, t)| plain::SrcLine { text: t.to_owned(), line: first_line + i })
        .collect();
    plain::drop_debris(path, &mut lines, &mut warnings);
    let format = format.or(meta.format).unwrap_or(if plain::looks_like_markdown(&lines) {
        Format::Markdown
    } else {
        Format::Text
    });
    meta.format = Some(format);
    let is_plain = format == Format::Text;
    let lines = plain::prepare(lines, is_plain);
    let line_map: Vec<usize> = lines.iter().map(|l| l.line).collect();
    let source = lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n");
    let (mut blocks, mut md_warnings) = markdown::convert(path, &source, &line_map);
    warnings.append(&mut md_warnings);
    title::take_title(&mut meta, &mut blocks, is_plain);
    title::join_split_paragraphs(path, &mut blocks, &mut warnings);
    title::tidy(&mut blocks);
    let lang = meta.lang.as_deref().unwrap_or("en");
    localize_quotes(&mut blocks, lang, meta.quotes.unwrap_or_default());
    limit_warnings(&mut warnings);
    if blocks.is_empty() && meta.title.is_none() {
        let hint = if body_start > 0 {
            "write the statement below the closing `+++` line"
        } else {
            "write some text"
        };
        return Err(Error::file(path, "the statement is empty", hint));
    }
    Ok(Statement {
        path: path.to_path_buf(),
        name: path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
        meta,
        blocks,
        warnings,
    })
}

/// How many warnings with the same message are listed one by one.
const SAME_WARNINGS_SHOWN: usize = 10;

/// Keeps the first few warnings of each kind and sums up the rest, so a
/// page of pasted images does not bury the other messages.
fn limit_warnings(warnings: &mut Vec<Warning>) {
    let mut seen: Vec<(String, usize, Option<Warning>)> = Vec::new();
    let mut kept = Vec::with_capacity(warnings.len());
    for w in warnings.drain(..) {
        match seen.iter_mut().find(|(m, ..)| *m == w.message) {
            Some((_, n, last)) => {
                *n += 1;
                if *n <= SAME_WARNINGS_SHOWN {
                    kept.push(w);
                } else {
                    *last = Some(w);
                }
            }
            None => {
                seen.push((w.message.clone(), 1, None));
                kept.push(w);
            }
        }
    }
    for (message, n, last) in seen {
        if let Some(last) = last {
            let more = n - SAME_WARNINGS_SHOWN;
            let loc = crate::error::Location { line: None, col: None, ..last.location };
            kept.push(Warning::new(loc, format!("{more} more like this: {message}")));
        }
    }
    *warnings = kept;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders inline content compactly: `*it*`, `**bold**`, `~~x~~`,
    /// `` `code` ``, `[text](url)`, `⏎` for a line break.
    fn inl(content: &[Inline]) -> String {
        let mut s = String::new();
        for i in content {
            match i {
                Inline::LineBreak => s.push('⏎'),
                Inline::Text(span) => {
                    let mut t = span.text.clone();
                    if span.style.code {
                        t = format!("`{t}`");
                    }
                    if span.style.italic {
                        t = format!("*{t}*");
                    }
                    if span.style.bold {
                        t = format!("**{t}**");
                    }
                    if span.style.strike {
                        t = format!("~~{t}~~");
                    }
                    if let Some(url) = &span.link {
                        t = format!("[{t}]({url})");
                    }
                    s.push_str(&t);
                }
            }
        }
        s
    }

    /// Renders blocks compactly: `H2:x|P:y|UL[P:a|P:b+UL[P:c]]|OL3[..]|Q[..]|HR|CODE:x|T[h/c]`.
    /// Items are separated by `|`, blocks inside one item by `+`.
    fn tree(blocks: &[Block]) -> String {
        blocks.iter().map(block).collect::<Vec<_>>().join("|")
    }

    fn block(b: &Block) -> String {
        match b {
            Block::Heading { level, content, .. } => format!("H{level}:{}", inl(content)),
            Block::Paragraph { content, .. } => format!("P:{}", inl(content)),
            Block::List { start, items, .. } => {
                let kind = start.map_or("UL".to_owned(), |n| format!("OL{n}"));
                let items: Vec<String> = items
                    .iter()
                    .map(|it| it.iter().map(block).collect::<Vec<_>>().join("+"))
                    .collect();
                format!("{kind}[{}]", items.join("|"))
            }
            Block::Quote { blocks, .. } => format!("Q[{}]", tree(blocks)),
            Block::Rule { .. } => "HR".to_owned(),
            Block::Code { text, .. } => format!("CODE:{text}"),
            Block::Image { src, alt, caption, .. } => format!("IMG:{src}|{alt}|{caption}"),
            Block::Table { aligns, header, rows, .. } => {
                let a: String = aligns
                    .iter()
                    .map(|a| match a {
                        CellAlign::Left => 'l',
                        CellAlign::Center => 'c',
                        CellAlign::Right => 'r',
                    })
                    .collect();
                let row =
                    |r: &Vec<Vec<Inline>>| r.iter().map(|c| inl(c)).collect::<Vec<_>>().join(",");
                let rows: Vec<String> = rows.iter().map(row).collect();
                format!("T{a}[{}/{}]", row(header), rows.join("/"))
            }
        }
    }

    fn st(text: &str) -> Statement {
        match parse(Path::new("s.md"), text) {
            Ok(s) => s,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }

    fn err(text: &str) -> String {
        parse(Path::new("s.md"), text).err().map(|e| e.to_string()).unwrap_or_default()
    }

    fn warns(s: &Statement) -> Vec<String> {
        s.warnings.iter().map(|w| w.to_string()).collect()
    }

    fn lines(blocks: &[Block]) -> Vec<usize> {
        blocks
            .iter()
            .map(|b| match b {
                Block::Heading { line, .. }
                | Block::Paragraph { line, .. }
                | Block::List { line, .. }
                | Block::Quote { line, .. }
                | Block::Rule { line }
                | Block::Code { line, .. }
                | Block::Table { line, .. }
                | Block::Image { line, .. } => *line,
            })
            .collect()
    }

    #[test]
    fn markdown_blocks_and_styles() {
        let s = st("## Sub *one*\n\nA **b** _c_ ~~d~~ `e` [f](http://x.org) \\$5 \\*not\\*.\n\n\
                    ###### Six\n\n---\n\n> quoted\n> more\n\n```\ncode\n  here\n```\n\nend  \nnext line");
        assert_eq!(
            tree(&s.blocks),
            "H2:Sub *one*|P:A **b** *c* ~~d~~ `e` [f](http://x.org) $5 *not*.|H6:Six|HR|\
             Q[P:quoted more]|CODE:code\n  here|P:end⏎next line"
        );
        assert_eq!(lines(&s.blocks), [1, 3, 5, 7, 9, 13, 17]);
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    }

    #[test]
    fn smart_punctuation() {
        let s = st("# T\n\n\"Quoted\" -- it's 'so'... ok --- yes");
        assert_eq!(tree(&s.blocks), "P:“Quoted” – it’s ‘so’… ok — yes");
    }

    #[test]
    fn lists_nested_and_numbered() {
        let s = st(
            "# T\n\n- a\n- b\n  - c\n  - d\n\n3. x\n4. y\n\nPara\n\n1. loose\n\n   more\n2. two",
        );
        assert_eq!(
            tree(&s.blocks),
            "UL[P:a|P:b+UL[P:c|P:d]]|OL3[P:x|P:y]|P:Para|OL1[P:loose+P:more|P:two]"
        );
    }

    #[test]
    fn table_with_alignment() {
        let s = st("# T\n\n| A | *B* | C |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n| 4 | 5 | 6 |");
        assert_eq!(tree(&s.blocks), "Tlcr[A,*B*,C/1,2,3/4,5,6]");
    }

    #[test]
    fn html_is_skipped_and_pictures_follow_their_paragraph() {
        let s = st("# T\n\n<div>\nKeep <b>these</b> words\n</div>\n\n<!-- note -->\n\n\
                    Hi <span>there</span><br>you ![Crowd at *City Hall*](p.jpg \"The rally\") \
                    ![](x.png)\n\n![Alone](a.svg)\n\n## Map ![the map](m.png) ![](n.png)");
        assert_eq!(
            tree(&s.blocks),
            "P:Hi there⏎you|IMG:p.jpg|Crowd at City Hall|The rally|IMG:x.png||\
             |IMG:a.svg|Alone||H2:Map the map"
                .replace("P:Hi", "P:Keep these words|P:Hi")
        );
        assert_eq!(
            warns(&s),
            [
                "s.md:3: raw HTML skipped (its text is kept)",
                "s.md:7: raw HTML skipped",
                "s.md:9: raw HTML skipped",
                "s.md:13: image skipped: alt text kept",
                "s.md:13: image skipped (it has no alt text)",
            ]
        );
    }

    #[test]
    fn footnotes_become_numbered_notes_at_the_end() {
        let s =
            st("# T\n\nClaim[^src] and more[^2].\n\n[^2]: Second.\n[^src]: The source.\n\nLast.");
        assert_eq!(
            tree(&s.blocks),
            "P:Claim[1] and more[2].|P:Last.|P:[1] The source.|P:[2] Second."
        );
        assert_eq!(
            warns(&s),
            [
                "s.md:6: footnote [^src] set as note [1] at the end",
                "s.md:5: footnote [^2] set as note [2] at the end"
            ]
        );
    }

    #[test]
    fn title_author_date_from_markdown() {
        let s = st("\n\n# For a *general* strike!\n\nSocialist Equality Party (US)  \n22 January 2026\n\nBody.");
        assert_eq!(s.meta.title.as_deref(), Some("For a general strike!"));
        assert_eq!(s.meta.author.as_deref(), Some("Socialist Equality Party (US)"));
        assert_eq!(s.meta.date.as_deref(), Some("22 January 2026"));
        assert_eq!(tree(&s.blocks), "P:Body.");
        // Separate paragraphs, and a date alone.
        let s = st("# T\n\nDavid North\n\nJanuary 24, 2026\n\nBody.");
        assert_eq!(
            (s.meta.author.as_deref(), s.meta.date.as_deref()),
            (Some("David North"), Some("January 24, 2026"))
        );
        let s = st("# T\n\n2026-01-24\n\nBody.");
        assert_eq!((s.meta.author, s.meta.date.as_deref()), (None, Some("2026-01-24")));
    }

    #[test]
    fn byline_is_conservative() {
        for text in [
            "# T\n\nThis is a sentence.\n22 January 2026\n\nBody.",
            "# T\n\nDavid North\nsometime in January\n\nBody.",
            "# T\n\nDavid North\n\nBody.",
        ] {
            let s = st(text);
            assert_eq!((s.meta.author.as_deref(), s.meta.date.as_deref()), (None, None), "{text}");
        }
    }

    #[test]
    fn front_matter_title_keeps_the_heading() {
        let s = st("+++\ntitle = \"Front\"\ndate = \"2026-01-22\"\n+++\n# Heading\n\nText *x*");
        assert_eq!(s.meta.title.as_deref(), Some("Front"));
        assert_eq!(tree(&s.blocks), "H1:Heading|P:Text *x*");
        // Lines count from the top of the file, front matter included.
        assert_eq!(lines(&s.blocks), [5, 7]);
    }

    #[test]
    fn front_matter_errors_point_into_the_file() {
        assert!(err("+++\ntitle = [1]\n+++\nText")
            .starts_with("s.md:2:9: front matter: `title` must be text, not array"));
        assert!(err("+++\ntitle = \"x\n+++\nText").starts_with("s.md:2:"));
        let s = st("+++\nauthr = \"Me\"\n+++\nText");
        assert_eq!(
            warns(&s),
            ["s.md:2: unknown front matter key `authr` on line 2 ignored (did you mean `author`?)"]
        );
    }

    #[test]
    fn plain_text_paragraphs_bullets_title() {
        let text = "English\n\nStop the war now!\n\nFirst para\nwraps here.\n\nWe demand:\n\u{2022} one\n  \u{2022} two <b>\n\
                    - three\n– four\nAfter 5 * 3 and_under_scores.\n\n1. numbered\n2. list\n\nLoading";
        let s = st(text);
        assert_eq!(s.meta.title.as_deref(), Some("Stop the war now!"));
        assert_eq!(
            tree(&s.blocks),
            "P:First para wraps here.|P:We demand:|UL[P:one|P:two <b>|P:three|P:four]|\
             P:After 5 * 3 and_under_scores.|OL1[P:numbered|P:list]"
        );
        assert_eq!(
            warns(&s),
            [
                "s.md:1: dropped the line “English” at the top (left over from a web page's language menu)",
                "s.md:18: dropped the line “Loading” at the end (left over from a web page)",
            ]
        );
        assert_eq!(lines(&s.blocks), [5, 8, 9, 13, 15]);
    }

    #[test]
    fn plain_title_with_byline_lines_right_under_it() {
        let s = st("Hands off Venezuela!\nBy Jane Doe\nMarch 3, 2026\n\nText.");
        assert_eq!(s.meta.title.as_deref(), Some("Hands off Venezuela!"));
        assert_eq!(s.meta.author.as_deref(), Some("Jane Doe"));
        assert_eq!(s.meta.date.as_deref(), Some("March 3, 2026"));
        assert_eq!(tree(&s.blocks), "P:Text.");
        // Not a byline: the lines stay a paragraph.
        let s = st("Hands off Venezuela!\nWe say no\n\nText.");
        assert_eq!(s.meta.title, None);
        assert_eq!(tree(&s.blocks), "P:Hands off Venezuela! We say no|P:Text.");
    }

    #[test]
    fn plain_first_line_must_look_like_a_title() {
        let s = st("This is a first sentence.\n\nSecond.");
        assert_eq!(s.meta.title, None);
        assert_eq!(tree(&s.blocks), "P:This is a first sentence.|P:Second.");
        let s = st(&format!("{}\n\nSecond.", "word ".repeat(50)));
        assert_eq!(s.meta.title, None);
    }

    #[test]
    fn split_paragraph_is_joined() {
        let s = st("# T\n\nagainst the attempt to\n\nestablish a dictatorship.\n\nNew one.");
        assert_eq!(
            tree(&s.blocks),
            "P:against the attempt to establish a dictatorship.|P:New one."
        );
        assert_eq!(
            warns(&s),
            ["s.md:5: joined a paragraph that was split mid-sentence by a blank line"]
        );
    }

    #[test]
    fn empty_statements_are_refused() {
        assert_eq!(err(""), "s.md: the statement is empty — write some text");
        assert_eq!(err(" \n\t\r\n "), "s.md: the statement is empty — write some text");
        assert_eq!(
            err("+++\nauthor = \"x\"\n+++\n\n"),
            "s.md: the statement is empty — write the statement below the closing `+++` line"
        );
    }

    #[test]
    fn line_ends_are_normalized() {
        let s = st("# T\r\n\r\nOne\r\ntwo\r\n\r\nThree\rfour");
        assert_eq!(tree(&s.blocks), "P:One two|P:Three four");
        assert_eq!(lines(&s.blocks), [3, 6]);
    }

    #[test]
    fn hostile_inputs_do_not_panic() {
        let long = "word ".repeat(20_000);
        let s = st(&format!("# T\n\n{long}"));
        assert_eq!(
            plain_text(match &s.blocks[..] {
                [Block::Paragraph { content, .. }] => content,
                _ => panic!("one paragraph expected"),
            })
            .len(),
            99_999
        );

        let mut deep = String::new();
        for i in 0..200 {
            deep.push_str(&format!("{}- level {i}\n", "  ".repeat(i)));
        }
        let s = st(&format!("# T\n\n{deep}"));
        assert!(depth(&s.blocks) <= markdown::MAX_DEPTH, "depth {}", depth(&s.blocks));
        assert_eq!(count_words(&s.blocks, "level"), 200);
        assert_eq!(
            warns(&s),
            ["s.md:11: lists or quotes nested deeper than 8 levels were flattened"]
        );

        let quotes = format!("{} deep\n", ">".repeat(200));
        let s = st(&format!("# T\n\n{quotes}"));
        assert!(depth(&s.blocks) <= markdown::MAX_DEPTH);
        assert_eq!(count_words(&s.blocks, "deep"), 1);

        let mixed =
            (0..200).map(|i| if i % 2 == 0 { "> " } else { "- " }).collect::<String>() + "x";
        assert!(depth(&st(&format!("# T\n\n{mixed}")).blocks) <= markdown::MAX_DEPTH);

        let heads = (0..5000).map(|i| format!("## H{i}\n\ntext\n\n")).collect::<String>();
        assert_eq!(st(&heads).blocks.len(), 10_000);

        for junk in [
            "[", "*", "<", "`", "|", "\\", "+++", "+++\n+++", "# ", "-", "•", "[^x]: y", "![",
            "```",
        ] {
            let _ = parse(Path::new("s.md"), junk);
        }
    }

    fn depth(blocks: &[Block]) -> usize {
        blocks
            .iter()
            .map(|b| match b {
                Block::List { items, .. } => 1 + items.iter().map(|i| depth(i)).max().unwrap_or(0),
                Block::Quote { blocks, .. } => 1 + depth(blocks),
                _ => 0,
            })
            .max()
            .unwrap_or(0)
    }

    fn count_words(blocks: &[Block], word: &str) -> usize {
        all_text(blocks).matches(word).count()
    }

    /// All the text of the blocks, in reading order.
    fn all_text(blocks: &[Block]) -> String {
        let mut out = String::new();
        for b in blocks {
            match b {
                Block::Heading { content, .. } | Block::Paragraph { content, .. } => {
                    out.push_str(&plain_text(content));
                }
                Block::List { items, .. } => items.iter().for_each(|i| out.push_str(&all_text(i))),
                Block::Quote { blocks, .. } => out.push_str(&all_text(blocks)),
                Block::Code { text, .. } => out.push_str(text),
                Block::Table { header, rows, .. } => {
                    for c in header.iter().chain(rows.iter().flatten()) {
                        out.push_str(&plain_text(c));
                        out.push(' ');
                    }
                }
                Block::Rule { .. } | Block::Image { .. } => {}
            }
            out.push(' ');
        }
        out
    }

    fn words(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Checks that the model holds exactly the words of the raw text.
    fn same_words(raw: &str, s: &Statement) {
        let meta = [&s.meta.title, &s.meta.author, &s.meta.date];
        let mut model: String =
            meta.iter().filter_map(|m| m.as_deref()).collect::<Vec<_>>().join(" ");
        model.push(' ');
        model.push_str(&all_text(&s.blocks));
        let (want, got) = (words(raw), words(&model));
        if want != got {
            let at = want
                .iter()
                .zip(&got)
                .position(|(a, b)| a != b)
                .unwrap_or(want.len().min(got.len()));
            panic!(
                "words differ at {at}: want {:?}, got {:?}",
                want.get(at..at + 5),
                got.get(at..at + 5)
            );
        }
    }

    fn list_lengths(blocks: &[Block]) -> Vec<usize> {
        blocks
            .iter()
            .filter_map(|b| match b {
                Block::List { items, .. } => Some(items.len()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn seed_000_pasted_with_dash_bullets() {
        let raw = include_str!("../tests/fixtures/seeds/000_c24ff14edc484165.txt");
        let s = st(raw);
        assert_eq!(
            s.meta.title.as_deref(),
            Some("Stop ICE murders and repression! Build a rank-and-file movement for a general strike!")
        );
        assert_eq!(s.meta.author.as_deref(), Some("David North"));
        assert_eq!(s.meta.date.as_deref(), Some("24 January 2026"));
        assert_eq!(list_lengths(&s.blocks), [4]);
        assert!(matches!(&s.blocks[0], Block::Paragraph { line: 8, .. }));
        let t = all_text(&s.blocks);
        assert!(t.contains("denounced opponents of ICE’s violent rampage as “far-left agitators.”"));
        assert!(t.contains("the attempt to establish a dictatorship"));
        assert!(t.ends_with(
            "To contact the WSWs and the Socialist Equality Party visit: wsws.org/contact "
        ));
        same_words(raw, &s);
        assert_eq!(
            warns(&s),
            ["s.md:40: joined a paragraph that was split mid-sentence by a blank line"]
        );
    }

    #[test]
    fn seed_003_pasted_with_debris() {
        let raw = include_str!("../tests/fixtures/seeds/003_9826d0a7419dff84.txt");
        let s = st(raw);
        assert_eq!(
            s.meta.title.as_deref(),
            Some("For a general strike to stop Trump’s occupation of Minneapolis!")
        );
        assert_eq!((s.meta.author.as_deref(), s.meta.date.as_deref()), (None, None));
        assert_eq!(list_lengths(&s.blocks), Vec::<usize>::new());
        let t = all_text(&s.blocks);
        assert!(t.contains("[AP Photo/John Locher]"));
        assert!(t.contains("“When [Trump] says he’ll do something, he means it.”"));
        let debris =
            raw.trim_start().trim_start_matches("English").trim_end().trim_end_matches("Loading");
        same_words(debris, &s);
        assert_eq!(
            warns(&s),
            [
                "s.md:1: dropped the line “English” at the top (left over from a web page's language menu)",
                "s.md:63: dropped the line “Loading” at the end (left over from a web page)",
            ]
        );
    }

    #[test]
    fn seed_004_pasted_with_glyph_bullets() {
        let raw = include_str!("../tests/fixtures/seeds/004_9f396b50d82121c8.txt");
        let s = st(raw);
        assert_eq!(
            s.meta.title.as_deref(),
            Some(
                "US immigration thugs accelerate ethnic cleansing campaign, as sentiment for \
                 Minneapolis general strike grows among workers"
            )
        );
        assert_eq!(list_lengths(&s.blocks), [7]);
        let Some(Block::List { items, start: None, line: 77 }) = s.blocks.last() else {
            panic!("ends with the list of demands: {}", tree(&s.blocks));
        };
        assert_eq!(tree(&items[0]), "P:The immediate arrest and prosecution of all those responsible for the murder of Renée Nicole Good");
        let debris =
            raw.trim_start().trim_start_matches("English").trim_end().trim_end_matches("Loading");
        same_words(debris, &s);
        assert_eq!(s.warnings.len(), 2);
    }

    #[test]
    fn the_seeds_keep_their_format() {
        let seeds = [
            (include_str!("../tests/fixtures/seeds/000_c24ff14edc484165.txt"), Format::Text),
            (include_str!("../tests/fixtures/seeds/001_86acad7a959e0f43.txt"), Format::Markdown),
            (include_str!("../tests/fixtures/seeds/002_3b462c42e30a451f.txt"), Format::Markdown),
            (include_str!("../tests/fixtures/seeds/003_9826d0a7419dff84.txt"), Format::Text),
            (include_str!("../tests/fixtures/seeds/004_9f396b50d82121c8.txt"), Format::Text),
        ];
        for (i, (raw, format)) in seeds.into_iter().enumerate() {
            assert_eq!(st(raw).meta.format, Some(format), "seed {i:03}");
        }
    }

    /// One paragraph of inline Markdown: no heading, list or blank line
    /// tells it from pasted text, only its inline marks.
    #[test]
    fn inline_markdown_alone_is_markdown() {
        for (text, want) in [
            ("Fish &amp; chips", "P:Fish & chips"),
            ("A hash: &#35; and &#x41;.", "P:A hash: # and A."),
            ("Run `make` first", "P:Run `make` first"),
            ("5*6*78", "P:5*6*78"),
            ("Read <https://wsws.org> daily", "P:Read [https://wsws.org](https://wsws.org) daily"),
            ("See [the site][w].\n\n[w]: https://wsws.org", "P:See [the site](https://wsws.org)."),
        ] {
            let s = st(text);
            assert_eq!(s.meta.format, Some(Format::Markdown), "{text}");
            assert_eq!(tree(&s.blocks), want, "{text}");
        }
        // `5*6*78`: the 6 is emphasized, the asterisks gone.
        let s = st("5*6*78");
        let Some(Block::Paragraph { content, .. }) = s.blocks.first() else {
            panic!("{}", tree(&s.blocks))
        };
        let italic: Vec<&str> = content
            .iter()
            .filter_map(|i| match i {
                Inline::Text(span) if span.style.italic => Some(span.text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(italic, ["6"]);
    }

    #[test]
    fn pasted_text_with_look_alikes_stays_text() {
        for text in [
            "Profits & wages; AT&T and R&D.",
            "don`t and can`t",
            "Rates: 5 * 3 = 15 and snake_case_name",
            "wages < prices and 3 > 2",
        ] {
            assert_eq!(st(text).meta.format, Some(Format::Text), "{text}");
        }
    }

    #[test]
    fn html_block_text_is_kept() {
        let s = st("<div id=\"x\"\n*hi*");
        assert_eq!(s.meta.format, Some(Format::Markdown));
        assert_eq!(tree(&s.blocks), "P:*hi*");
        assert_eq!(warns(&s), ["s.md:1: raw HTML skipped (its text is kept)"]);
        let s = st("<div class=\"note\">\nFish &amp; chips &#35;1\n</div>");
        assert_eq!(tree(&s.blocks), "P:Fish & chips #1");
    }

    #[test]
    fn format_is_chosen_by_front_matter_or_caller() {
        let text = "+++\nformat = \"text\"\ntitle = \"T\"\n+++\nFish &amp; *chips*";
        let s = st(text);
        assert_eq!(s.meta.format, Some(Format::Text));
        assert_eq!(tree(&s.blocks), "P:Fish &amp; *chips*");
        // The caller's choice wins over the front matter's.
        let s = parse_as(Path::new("s.md"), text, Some(Format::Markdown)).expect("parses");
        assert_eq!(
            (s.meta.format, tree(&s.blocks)),
            (Some(Format::Markdown), "P:Fish & *chips*".into())
        );
        // Plain-looking text read as Markdown: a `-` line is a list.
        let s = parse_as(Path::new("s.md"), "Demands\n\n- one", Some(Format::Markdown))
            .expect("parses");
        assert_eq!(tree(&s.blocks), "P:Demands|UL[P:one]");
        let s = parse_as(Path::new("s.md"), "# Not a heading", Some(Format::Text)).expect("parses");
        assert_eq!(s.meta.title.as_deref(), Some("# Not a heading"));
        assert_eq!("Markdown".parse::<Format>(), Ok(Format::Markdown));
        assert!("html".parse::<Format>().is_err());
    }

    /// Writes `bytes` to a fresh temporary file named `name`.
    fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("handbill-statement-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(name);
        if let Err(e) = std::fs::write(&path, bytes) {
            panic!("cannot write {}: {e}", path.display());
        }
        path
    }

    fn load_ok(name: &str, bytes: &[u8]) -> Statement {
        let path = temp_file(name, bytes);
        let r = load(&path);
        let _ = std::fs::remove_file(&path);
        match r {
            Ok(s) => s,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }

    fn load_err(name: &str, bytes: &[u8]) -> String {
        let path = temp_file(name, bytes);
        let r = load(&path);
        let _ = std::fs::remove_file(&path);
        let e = r.err().map(|e| e.to_string()).unwrap_or_default();
        e.rsplit_once(&format!("{name}: ")).map(|(_, m)| m.to_owned()).unwrap_or(e)
    }

    #[test]
    fn load_reads_encodings() {
        let s = load_ok("bom.md", "\u{FEFF}# Grève\r\n\r\nText".as_bytes());
        assert_eq!(
            (s.meta.title.as_deref(), tree(&s.blocks)),
            (Some("Grève"), "P:Text".to_owned())
        );
        assert!(s.warnings.is_empty());
        assert_eq!(s.name, "bom");

        let mut utf16 = vec![0xFF, 0xFE];
        "# Huelga\n\nTexto".encode_utf16().for_each(|u| utf16.extend(u.to_le_bytes()));
        let s = load_ok("utf16.md", &utf16);
        assert_eq!(s.meta.title.as_deref(), Some("Huelga"));
        assert_eq!(s.warnings.len(), 1);
        assert!(s.warnings[0].message.contains("UTF-16"));

        let s = load_ok("latin.txt", b"Gr\xe8ve g\xe9n\xe9rale!\r\n\r\n\x93Now\x94 \x96 today.");
        assert_eq!(s.meta.title.as_deref(), Some("Grève générale!"));
        assert_eq!(tree(&s.blocks), "P:“Now” – today.");
        assert_eq!(s.warnings.len(), 1);
        assert!(s.warnings[0]
            .message
            .starts_with("the statement is not UTF-8; read it as Windows-1252"));
    }

    #[test]
    fn load_refuses_what_is_not_a_statement() {
        assert_eq!(load_err("empty.md", b""), "the statement is empty — write some text");
        assert_eq!(
            load_err("blank.md", b"\xEF\xBB\xBF \r\n\t\n"),
            "the statement is empty — write some text"
        );
        assert!(load_err("pic.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
            .starts_with("this is not a text file"));
        // A sparse file: over the limit without writing 20 MiB.
        let big = temp_file("big.md", b"");
        let sized = std::fs::OpenOptions::new()
            .write(true)
            .open(&big)
            .and_then(|f| f.set_len(MAX_STATEMENT_BYTES + 1));
        let e = load(&big).err().map(|e| e.to_string()).unwrap_or_default();
        let _ = std::fs::remove_file(&big);
        assert!(sized.is_ok());
        assert!(e.contains("big.md: the statement is 2.0 MiB, over the limit of 2 MiB — "), "{e}");
        let nowhere = load(Path::new("/nonexistent/handbill/none.md")).err().map(|e| e.to_string());
        assert!(nowhere.is_some_and(|e| e.contains("cannot read the statement")
            && e.ends_with("check the path and spelling")));
    }

    #[test]
    fn random_markdown_soup_does_not_panic() {
        const PIECES: &[&str] = &[
            "#",
            "# ",
            "*",
            "**",
            "_",
            "`",
            "```",
            "~~",
            "[",
            "]",
            "(",
            ")",
            "![",
            "<",
            ">",
            "> ",
            "- ",
            "• ",
            "1. ",
            "|",
            "---",
            "\\",
            "\n",
            "\n\n",
            "  ",
            "\t",
            "+++",
            "[^a]",
            "[^a]: ",
            "<br>",
            "<div>",
            "&amp;",
            "word",
            "é",
            "’",
            "English",
            "Loading",
            "24 January 2026",
            "\r",
            "\u{A0}",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..3000 {
            let mut text = String::new();
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let len = (seed >> 33) % 60;
            for _ in 0..len {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let i = usize::try_from((seed >> 33) % PIECES.len() as u64).unwrap_or(0);
                text.push_str(PIECES[i]);
            }
            if let Ok(s) = parse(Path::new("fuzz.md"), &text) {
                assert!(depth(&s.blocks) <= markdown::MAX_DEPTH);
            }
        }
    }

    #[test]
    fn repeated_warnings_are_summed_up() {
        let s = st(&format!("# T\n\n{}", "Hi <span>x</span>\n\n".repeat(25)));
        let w = warns(&s);
        assert_eq!(w.len(), 11);
        assert_eq!(w[9], "s.md:21: raw HTML skipped");
        assert_eq!(w[10], "s.md: 15 more like this: raw HTML skipped");
    }
}
