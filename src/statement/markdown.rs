//! Markdown (already rewritten from plain text if need be) to blocks, with
//! pulldown-cmark. An explicit stack of open containers keeps deep nesting
//! from recursing, and nesting beyond [`MAX_DEPTH`] is flattened.

use std::collections::HashMap;
use std::path::Path;

use pulldown_cmark::{
    Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

use crate::error::{Location, Warning};

use super::{Block, CellAlign, Inline, Span, Style};

/// Lists and quotes nested deeper than this are merged into the deepest level.
pub(super) const MAX_DEPTH: usize = 8;

/// Marks a soft line break inside span text until the title, author and
/// date lines have been picked out; then it becomes a space.
pub(super) const SOFT_BREAK: char = '\n';

/// A container being filled.
enum Container {
    Root(Vec<Block>),
    Quote { blocks: Vec<Block>, line: usize },
    List { start: Option<u64>, items: Vec<Vec<Block>>, line: usize },
    Footnote { label: String, blocks: Vec<Block>, line: usize },
}

impl Container {
    fn push(&mut self, block: Block) {
        match self {
            Container::Root(b)
            | Container::Quote { blocks: b, .. }
            | Container::Footnote { blocks: b, .. } => b.push(block),
            Container::List { items, .. } => match items.last_mut() {
                Some(item) => item.push(block),
                None => items.push(vec![block]),
            },
        }
    }
}

/// A leaf block being filled.
enum Leaf {
    Para { content: Vec<Inline>, line: usize },
    Heading { level: u8, content: Vec<Inline>, line: usize },
    Code { text: String, line: usize },
    Html { text: String, line: usize },
    Table(Table),
}

struct Table {
    aligns: Vec<CellAlign>,
    header: Vec<Vec<Inline>>,
    rows: Vec<Vec<Vec<Inline>>>,
    in_head: bool,
    cell: Option<Vec<Inline>>,
    line: usize,
}

struct Builder<'a> {
    path: &'a Path,
    /// Byte offset of each line start in the parsed text.
    line_starts: Vec<usize>,
    /// File line of each parsed line.
    line_map: &'a [usize],
    stack: Vec<Container>,
    /// For each open list or quote: whether it got its own container.
    opened: Vec<bool>,
    leaf: Option<Leaf>,
    italic: u32,
    bold: u32,
    strike: u32,
    links: Vec<Option<String>>,
    /// Open images: line and the text length at their start.
    images: Vec<(usize, usize)>,
    /// The open picture of a paragraph: file, caption, line, alt text so far.
    picture: Option<(String, String, usize, String)>,
    /// Pictures of the open paragraph, set after it.
    pictures: Vec<Block>,
    footnote_numbers: HashMap<String, usize>,
    footnotes: Vec<(String, Vec<Block>, usize)>,
    html_lines: Vec<usize>,
    /// Bytes of text added so far, to tell whether an image had alt text.
    text_len: usize,
    /// A picture has just ended: a `{.wide}` or `{.column}` right after it
    /// is its marker.
    after_picture: bool,
    flattened: bool,
    warnings: Vec<Warning>,
}

/// Parses Markdown `text` into blocks. `line_map[i]` is the file line of the
/// text's line `i`.
pub(super) fn convert(path: &Path, text: &str, line_map: &[usize]) -> (Vec<Block>, Vec<Warning>) {
    let mut b = Builder {
        path,
        line_starts: std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
        line_map,
        stack: vec![Container::Root(Vec::new())],
        opened: Vec::new(),
        leaf: None,
        italic: 0,
        bold: 0,
        strike: 0,
        links: Vec::new(),
        images: Vec::new(),
        picture: None,
        pictures: Vec::new(),
        footnote_numbers: HashMap::new(),
        footnotes: Vec::new(),
        html_lines: Vec::new(),
        text_len: 0,
        after_picture: false,
        flattened: false,
        warnings: Vec::new(),
    };
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_FOOTNOTES;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        let line = b.line(range.start);
        b.event(event, line);
    }
    b.finish()
}

impl Builder<'_> {
    /// Maps a byte offset to its file line.
    fn line(&self, offset: usize) -> usize {
        let idx = self.line_starts.partition_point(|&s| s <= offset).saturating_sub(1);
        self.line_map.get(idx).or(self.line_map.last()).copied().unwrap_or(1)
    }

    fn warn(&mut self, line: usize, msg: impl Into<String>) {
        self.warnings.push(Warning::new(Location::line(self.path, line), msg));
    }

    fn push_block(&mut self, block: Block) {
        if let Some(c) = self.stack.last_mut() {
            c.push(block);
        }
    }

    /// Finishes the open leaf block, if any.
    fn close_leaf(&mut self) {
        let Some(leaf) = self.leaf.take() else { return };
        let block = match leaf {
            Leaf::Para { content, line } => {
                let pictures = std::mem::take(&mut self.pictures);
                // A paragraph that was only its pictures leaves no text.
                let blank = |i: &Inline| match i {
                    Inline::Text(s) => s.text.trim().is_empty(),
                    Inline::LineBreak => true,
                };
                if !content.is_empty() && (pictures.is_empty() || !content.iter().all(blank)) {
                    self.push_block(Block::Paragraph { content, line });
                }
                for p in pictures {
                    self.push_block(p);
                }
                return;
            }
            Leaf::Heading { level, content, line } => Block::Heading { level, content, line },
            Leaf::Code { mut text, line } => {
                if text.ends_with('\n') {
                    text.pop();
                }
                Block::Code { text, line }
            }
            Leaf::Html { text, line } => {
                let words = html_text(&text);
                if words.is_empty() {
                    self.warn(line, "raw HTML skipped");
                    return;
                }
                self.warn(line, "raw HTML skipped (its text is kept)");
                Block::Paragraph { content: vec![Inline::text(words)], line }
            }
            Leaf::Table(t) => {
                Block::Table { aligns: t.aligns, header: t.header, rows: t.rows, line: t.line }
            }
        };
        self.push_block(block);
    }

    /// The inline list new text goes to, opening a paragraph if needed
    /// (tight list items have text without a paragraph).
    fn inlines(&mut self, line: usize) -> Option<&mut Vec<Inline>> {
        if !matches!(self.leaf, Some(Leaf::Para { .. } | Leaf::Heading { .. } | Leaf::Table(_))) {
            self.close_leaf();
            self.leaf = Some(Leaf::Para { content: Vec::new(), line });
        }
        match &mut self.leaf {
            Some(Leaf::Para { content, .. } | Leaf::Heading { content, .. }) => Some(content),
            Some(Leaf::Table(t)) => t.cell.as_mut(),
            _ => None,
        }
    }

    fn style(&self) -> Style {
        Style { italic: self.italic > 0, bold: self.bold > 0, strike: self.strike > 0, code: false }
    }

    fn push_text(&mut self, text: &str, style: Style, line: usize) {
        if let Some((.., alt)) = &mut self.picture {
            alt.push_str(text);
            return;
        }
        let mut text = text;
        if std::mem::take(&mut self.after_picture) {
            // `![…](map.png){.wide}`, as Pandoc writes attributes: the
            // picture spans the columns (`.column`: keeps to its column).
            for (marker, wide) in [("{.wide}", true), ("{.column}", false)] {
                if let Some(rest) = text.strip_prefix(marker) {
                    if let Some(Block::Image { wide: w, .. }) = self.pictures.last_mut() {
                        *w = Some(wide);
                    }
                    text = rest;
                    break;
                }
            }
            if text.is_empty() {
                return;
            }
        }
        let link = self.links.last().cloned().flatten();
        self.text_len += text.len();
        let Some(content) = self.inlines(line) else { return };
        if let Some(Inline::Text(last)) = content.last_mut() {
            if last.style == style && last.link == link {
                last.text.push_str(text);
                return;
            }
        }
        content.push(Inline::Text(Span { text: text.to_owned(), style, link }));
    }

    fn depth(&self) -> usize {
        self.stack
            .iter()
            .filter(|c| matches!(c, Container::Quote { .. } | Container::List { .. }))
            .count()
    }

    /// Opens a list or quote container unless nesting is already too deep.
    fn open(&mut self, container: Container, line: usize) {
        self.close_leaf();
        if self.depth() >= MAX_DEPTH {
            if !self.flattened {
                self.flattened = true;
                self.warn(
                    line,
                    format!("lists or quotes nested deeper than {MAX_DEPTH} levels were flattened"),
                );
            }
            self.opened.push(false);
        } else {
            self.stack.push(container);
            self.opened.push(true);
        }
    }

    fn close(&mut self) {
        self.close_leaf();
        if self.opened.pop() != Some(true) || self.stack.len() < 2 {
            return;
        }
        let block = match self.stack.pop() {
            Some(Container::Quote { blocks, line }) => Block::Quote { blocks, line },
            Some(Container::List { start, items, line }) => Block::List { start, items, line },
            Some(other) => {
                // Not ours to close (cannot happen with balanced events).
                self.stack.push(other);
                return;
            }
            None => return,
        };
        self.push_block(block);
    }

    fn event(&mut self, event: Event<'_>, line: usize) {
        match event {
            Event::Start(tag) => self.start(tag, line),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => match &mut self.leaf {
                Some(Leaf::Code { text, .. }) => text.push_str(&t),
                Some(Leaf::Html { text, .. }) => text.push_str(&t),
                _ => self.push_text(&t, self.style(), line),
            },
            Event::Code(t) => {
                let style = Style { code: true, ..self.style() };
                self.push_text(&t, style, line);
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.push_text(&t, self.style(), line),
            Event::Html(t) => match &mut self.leaf {
                Some(Leaf::Html { text, .. }) => text.push_str(&t),
                _ => self.inline_html(&t, line),
            },
            Event::InlineHtml(t) => self.inline_html(&t, line),
            Event::FootnoteReference(label) => {
                let next = self.footnote_numbers.len() + 1;
                let n = *self.footnote_numbers.entry(label.to_string()).or_insert(next);
                self.push_text(&format!("[{n}]"), self.style(), line);
            }
            Event::SoftBreak => self.push_text(&SOFT_BREAK.to_string(), self.style(), line),
            Event::HardBreak => {
                if let Some(content) = self.inlines(line) {
                    content.push(Inline::LineBreak);
                }
            }
            Event::Rule => {
                self.close_leaf();
                self.push_block(Block::Rule { line });
            }
            Event::TaskListMarker(done) => {
                self.push_text(if done { "☒ " } else { "☐ " }, self.style(), line)
            }
        }
    }

    fn inline_html(&mut self, html: &str, line: usize) {
        let tag = html.trim().to_ascii_lowercase();
        if matches!(tag.as_str(), "<br>" | "<br/>" | "<br />") {
            if let Some(content) = self.inlines(line) {
                content.push(Inline::LineBreak);
            }
            return;
        }
        // One warning per line is enough for `<b>…</b>`.
        if self.html_lines.last() != Some(&line) {
            self.html_lines.push(line);
            self.warn(line, "raw HTML skipped");
        }
    }

    fn start(&mut self, tag: Tag<'_>, line: usize) {
        match tag {
            Tag::Paragraph => {
                self.close_leaf();
                self.leaf = Some(Leaf::Para { content: Vec::new(), line });
            }
            Tag::Heading { level, .. } => {
                self.close_leaf();
                let level = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    HeadingLevel::H4 => 4,
                    HeadingLevel::H5 => 5,
                    HeadingLevel::H6 => 6,
                };
                self.leaf = Some(Leaf::Heading { level, content: Vec::new(), line });
            }
            Tag::BlockQuote(_) => self.open(Container::Quote { blocks: Vec::new(), line }, line),
            Tag::List(start) => self.open(Container::List { start, items: Vec::new(), line }, line),
            Tag::Item => {
                self.close_leaf();
                if let Some(Container::List { items, .. }) = self.stack.last_mut() {
                    items.push(Vec::new());
                }
            }
            Tag::CodeBlock(kind) => {
                self.close_leaf();
                // A fence's info line is not part of the code.
                let line = match kind {
                    CodeBlockKind::Fenced(_) => line + 1,
                    CodeBlockKind::Indented => line,
                };
                self.leaf = Some(Leaf::Code { text: String::new(), line });
            }
            Tag::HtmlBlock => {
                self.close_leaf();
                self.leaf = Some(Leaf::Html { text: String::new(), line });
            }
            Tag::FootnoteDefinition(label) => {
                self.close_leaf();
                self.stack.push(Container::Footnote {
                    label: label.to_string(),
                    blocks: Vec::new(),
                    line,
                });
            }
            Tag::Table(aligns) => {
                self.close_leaf();
                let aligns = aligns
                    .iter()
                    .map(|a| match a {
                        Alignment::Center => CellAlign::Center,
                        Alignment::Right => CellAlign::Right,
                        Alignment::Left | Alignment::None => CellAlign::Left,
                    })
                    .collect();
                self.leaf = Some(Leaf::Table(Table {
                    aligns,
                    header: Vec::new(),
                    rows: Vec::new(),
                    in_head: false,
                    cell: None,
                    line,
                }));
            }
            Tag::TableHead => {
                if let Some(Leaf::Table(t)) = &mut self.leaf {
                    t.in_head = true;
                }
            }
            Tag::TableRow => {
                if let Some(Leaf::Table(t)) = &mut self.leaf {
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                if let Some(Leaf::Table(t)) = &mut self.leaf {
                    t.cell = Some(Vec::new());
                }
            }
            Tag::Emphasis => self.italic += 1,
            Tag::Strong => self.bold += 1,
            Tag::Strikethrough => self.strike += 1,
            Tag::Link { link_type, dest_url, .. } => {
                let url = match link_type {
                    LinkType::Email if !dest_url.starts_with("mailto:") => {
                        format!("mailto:{dest_url}")
                    }
                    _ => dest_url.to_string(),
                };
                self.links.push((!url.is_empty()).then_some(url));
            }
            Tag::Image { dest_url, title, .. }
                if self.picture.is_none()
                    && !matches!(self.leaf, Some(Leaf::Heading { .. } | Leaf::Table(_))) =>
            {
                // A picture of running text: set as a block after its
                // paragraph (opened here if the picture stands alone).
                let _ = self.inlines(line);
                self.picture = Some((dest_url.to_string(), title.to_string(), line, String::new()));
            }
            Tag::Image { .. } => self.images.push((line, self.text_len)),
            // Not enabled; their text still arrives as Text events.
            Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript
            | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::CodeBlock
            | TagEnd::HtmlBlock
            | TagEnd::Table => self.close_leaf(),
            TagEnd::BlockQuote(_) | TagEnd::List(_) => self.close(),
            TagEnd::Item => self.close_leaf(),
            TagEnd::FootnoteDefinition => {
                self.close_leaf();
                if self.stack.len() > 1
                    && matches!(self.stack.last(), Some(Container::Footnote { .. }))
                {
                    if let Some(Container::Footnote { label, blocks, line }) = self.stack.pop() {
                        self.footnotes.push((label, blocks, line));
                    }
                }
            }
            TagEnd::TableHead => {
                if let Some(Leaf::Table(t)) = &mut self.leaf {
                    t.in_head = false;
                }
            }
            TagEnd::TableRow => {}
            TagEnd::TableCell => {
                if let Some(Leaf::Table(t)) = &mut self.leaf {
                    let cell = t.cell.take().unwrap_or_default();
                    if t.in_head {
                        t.header.push(cell);
                    } else if let Some(row) = t.rows.last_mut() {
                        row.push(cell);
                    } else {
                        t.rows.push(vec![cell]);
                    }
                }
            }
            TagEnd::Emphasis => self.italic = self.italic.saturating_sub(1),
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Strikethrough => self.strike = self.strike.saturating_sub(1),
            TagEnd::Link => {
                self.links.pop();
            }
            TagEnd::Image if self.images.is_empty() && self.picture.is_some() => {
                if let Some((src, caption, line, alt)) = self.picture.take() {
                    let alt = alt.replace(SOFT_BREAK, " ").trim().to_owned();
                    let caption = caption.trim().to_owned();
                    self.pictures.push(Block::Image {
                        src,
                        alt,
                        caption,
                        line,
                        picture: None,
                        wide: None,
                    });
                    self.after_picture = true;
                }
            }
            TagEnd::Image => {
                if let Some((start, before)) = self.images.pop() {
                    if self.text_len > before {
                        self.warn(start, "image skipped: alt text kept");
                    } else {
                        self.warn(start, "image skipped (it has no alt text)");
                    }
                }
            }
            TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::MetadataBlock(_) => {}
        }
    }

    /// Closes everything and appends footnotes as numbered paragraphs.
    fn finish(mut self) -> (Vec<Block>, Vec<Warning>) {
        self.close_leaf();
        while self.stack.len() > 1 {
            match self.stack.last() {
                Some(Container::Footnote { .. }) => {
                    if let Some(Container::Footnote { label, blocks, line }) = self.stack.pop() {
                        self.footnotes.push((label, blocks, line));
                    }
                }
                _ => {
                    self.opened.push(true);
                    self.close();
                }
            }
        }
        let mut blocks = match self.stack.pop() {
            Some(Container::Root(b)) => b,
            _ => Vec::new(),
        };
        let mut notes: Vec<(usize, String, Vec<Block>, usize)> = Vec::new();
        for (label, body, line) in std::mem::take(&mut self.footnotes) {
            let next = self.footnote_numbers.len() + 1;
            let n = *self.footnote_numbers.entry(label.clone()).or_insert(next);
            notes.push((n, label, body, line));
        }
        notes.sort_by_key(|n| n.0);
        for (n, label, mut body, line) in notes {
            let mark = Inline::text(format!("[{n}] "));
            match body.first_mut() {
                Some(Block::Paragraph { content, .. }) => content.insert(0, mark),
                _ => body.insert(0, Block::Paragraph { content: vec![mark], line }),
            }
            self.warn(line, format!("footnote [^{label}] set as note [{n}] at the end"));
            blocks.extend(body);
        }
        (blocks, self.warnings)
    }
}

/// The words of an HTML block: tags, comments, scripts and styles removed,
/// a few common entities decoded, white space collapsed.
fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        out.push(' ');
        rest = &rest[lt..];
        let lower = rest.get(..8).unwrap_or(rest).to_ascii_lowercase();
        let end = if rest.starts_with("<!--") {
            rest.find("-->").map(|i| i + 3)
        } else if lower.starts_with("<script") || lower.starts_with("<style") {
            let close = if lower.starts_with("<script") { "</script>" } else { "</style>" };
            rest.to_ascii_lowercase().find(close).map(|i| i + close.len())
        } else {
            // A tag left open (`<div id="x"` and no `>`) ends with its
            // line: the lines after it are text, not attributes.
            rest.find('>').map(|i| i + 1).or_else(|| rest.find('\n'))
        };
        rest = rest.get(end.unwrap_or(rest.len())..).unwrap_or("");
    }
    out.push_str(rest);
    let out = decode_entities(&out);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Named entities decoded in HTML blocks: the common ones of pasted web
/// text. (Outside HTML blocks the Markdown parser decodes all of them.)
const ENTITIES: &[(&str, &str)] = &[
    ("nbsp", "\u{A0}"),
    ("lt", "<"),
    ("gt", ">"),
    ("quot", "\""),
    ("apos", "’"),
    ("amp", "&"),
    ("mdash", "—"),
    ("ndash", "–"),
    ("hellip", "…"),
    ("lsquo", "‘"),
    ("rsquo", "’"),
    ("ldquo", "“"),
    ("rdquo", "”"),
    ("laquo", "«"),
    ("raquo", "»"),
    ("copy", "©"),
    ("shy", "\u{AD}"),
];

/// Decodes numeric entities (`&#35;`, `&#x23;`) and those of [`ENTITIES`];
/// anything else stays as written.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.get(1..).and_then(|r| {
            let end = r.find(';').filter(|&e| e <= 32)?;
            let name = &r[..end];
            let c = if let Some(num) = name.strip_prefix('#') {
                let code = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => num.parse::<u32>().ok()?,
                };
                // `&#39;` is the apostrophe of HTML; set it typographically.
                if code == 39 {
                    "’".to_owned()
                } else {
                    char::from_u32(code).filter(|&c| c != '\0')?.to_string()
                }
            } else {
                ENTITIES.iter().find(|(n, _)| *n == name)?.1.to_owned()
            };
            Some((c, end + 2))
        });
        match decoded {
            Some((c, len)) => {
                out.push_str(&c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_words_survive() {
        assert_eq!(html_text("<div class=x>Hello <b>all</b> &amp; you</div>"), "Hello all & you");
        assert_eq!(html_text("<!-- a note -->"), "");
        assert_eq!(html_text("<script>var x = 1 < 2;</script><p>ok</p>"), "ok");
        assert_eq!(html_text("<p>unclosed <b"), "unclosed");
        assert_eq!(html_text("<div id=\"x\"\n*hi*"), "*hi*");
        assert_eq!(html_text("<div\n class=\"x\">text</div>"), "text");
        assert_eq!(
            html_text("<p>&#35;1 &#x41; &mdash; &bogus; a&b &#39;s</p>"),
            "#1 A — &bogus; a&b ’s"
        );
    }

    #[test]
    fn lines_map_through_the_table() {
        let (blocks, _) = convert(Path::new("x"), "a\n\nb", &[10, 11, 12]);
        let lines: Vec<usize> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph { line, .. } => Some(*line),
                _ => None,
            })
            .collect();
        assert_eq!(lines, [10, 12]);
    }
}
