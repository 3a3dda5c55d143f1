//! Tagged PDF: the structure tree, artifacts and the outline.
//!
//! Text runs carry a [`Mark`]: which block of which statement they belong
//! to (flow fills it in). While the pages are drawn, every marked run is
//! written as marked content and its identifier filed under its mark;
//! everything else (rules, bands, crop and cut marks, footers repeated on
//! each page, the extra copies of an imposed sheet) is an artifact. When
//! all pages are drawn, the tree is built from the document's
//! [`Structure`](crate::pages::Structure), statement by statement in
//! reading order (masthead, body, footer), whatever the column and page
//! each piece landed on: the structure, not the page, says what is read
//! after what.
//!
//! The tree: the title and headings as `H1`–`H6` with their text as title;
//! paragraphs, masthead and footer lines as `P`; lists as `L` of `LI`
//! (`Lbl` marker, `LBody`); quotes as `BlockQuote`; tables as `Table` of
//! `TR` with `TH`/`TD` cells; each link's text and annotations in a
//! `Link` inside the block that carries it (a link's words are runs of
//! their own, found by the link's box); the footer's QR code as a `Figure` whose
//! alternate text is its URL, in a `Link` with the code's annotations.
//! A picture (a block of kind `Figure`) is a `Figure` with its
//! alternate text the same way. The
//! two statements of a bilingual leaflet are a `Sect` each, with its
//! language.

use std::collections::HashMap;
use std::num::{NonZeroU16, NonZeroU64};

use krilla::destination::XyzDestination;
use krilla::geom::Point;
use krilla::outline::{Outline, OutlineNode};
use krilla::surface::Location as PdfLocation;
use krilla::tagging::{
    Identifier, ListNumbering, Node, TableHeaderScope, Tag, TagGroup, TagKind, TagTree,
};

use crate::error::Location;
use crate::pages::{BlockKind, BlockRole, Document, Mark, Part, Scope, ScopeKind};

/// A block of a statement: statement and block number.
type BlockKey = (u8, usize);

/// Link annotations by URL, in the order the URLs first appear.
type Links = Vec<(String, Vec<Identifier>)>;

/// One link of a leaflet page: the page and the link's place in its
/// `links`. Its text and its annotations (one per line it spans, and one
/// per copy on an imposed sheet) share it.
pub(super) type LinkKey = (usize, usize);

/// A piece of marked content: leaflet page, drawing order, identifier,
/// and the link whose text it is.
type Content = (usize, usize, Identifier, Option<LinkKey>);

/// What the drawing of the pages hands over for the tree: marked content,
/// annotations and where each block starts.
#[derive(Default)]
pub(super) struct Tagger {
    /// Marked content by mark, with the leaflet page it is on and the
    /// drawing order: the order it is read in (an imposed sheet may hold
    /// pages out of order).
    /// Content that is a link's text carries the link.
    content: HashMap<Mark, Vec<Content>>,
    /// Leaflet pages already drawn as content: further copies of them are
    /// artifacts.
    drawn: std::collections::HashSet<usize>,
    /// Link annotations by the block whose text carries the link, with
    /// the link they belong to and their URL, in drawing order; `None` for
    /// the QR code's.
    links: Vec<(Option<BlockKey>, Option<LinkKey>, String, Identifier)>,
    /// The QR code's marked content.
    figure: Vec<Identifier>,
    /// Where each block's text starts: PDF page and point.
    anchors: HashMap<BlockKey, (usize, Point)>,
    /// Drawing order.
    seq: usize,
}

impl Tagger {
    /// Tells whether leaflet page `page` is drawn for the first time, and
    /// notes that it is: only its first copy is read.
    pub(super) fn first_copy(&mut self, page: usize) -> bool {
        self.drawn.insert(page)
    }

    /// Files a piece of marked content of leaflet page `page`, drawn on
    /// PDF page `pdf_page` with its text starting at `at` (PDF page
    /// coordinates); `link`: the link whose text it is.
    pub(super) fn content(
        &mut self,
        mark: Mark,
        page: usize,
        pdf_page: usize,
        at: Point,
        id: Identifier,
        link: Option<LinkKey>,
    ) {
        self.seq += 1;
        self.content.entry(mark).or_default().push((page, self.seq, id, link));
        if mark.part == Part::Text {
            self.anchors.entry((mark.statement, mark.block)).or_insert((pdf_page, at));
        }
    }

    /// Files a link annotation of link `key` of the text marked `mark`
    /// (`None`: the QR code's).
    pub(super) fn link(
        &mut self,
        mark: Option<Mark>,
        key: Option<LinkKey>,
        url: &str,
        id: Identifier,
    ) {
        self.links.push((mark.map(|m| (m.statement, m.block)), key, url.to_string(), id));
    }

    /// Files the QR code's marked content.
    pub(super) fn figure(&mut self, id: Identifier) {
        self.figure.push(id);
    }

    /// The marked content of `mark`, in reading order.
    fn ids(&self, mark: Mark) -> Vec<Node> {
        self.text(mark, &mut HashMap::new())
    }

    /// The marked content of `mark`, in reading order, a link's text in a
    /// `Link` element with the link's annotations (taken from `annots`):
    /// the text next to the annotations, as PDF/UA wants a link. A link
    /// that runs on into the next line is one element.
    fn text(&self, mark: Mark, annots: &mut HashMap<LinkKey, Vec<Identifier>>) -> Vec<Node> {
        let mut v = self.content.get(&mark).cloned().unwrap_or_default();
        v.sort_by_key(|&(page, seq, _, _)| (page, seq));
        let mut out: Vec<Node> = Vec::new();
        // The open Link element and the URL of its link.
        let mut open: Option<(TagGroup, &str)> = None;
        for (_, _, id, link) in v {
            let url = link.and_then(|k| self.url(k));
            match (open.take(), url, link) {
                (Some((mut g, u)), Some(url), Some(k)) if u == url => {
                    g.push(id);
                    g.children.extend(annots.remove(&k).into_iter().flatten().map(Node::Leaf));
                    open = Some((g, u));
                }
                (before, url, link) => {
                    if let Some((g, _)) = before {
                        out.push(g.into());
                    }
                    match (url, link) {
                        (Some(url), Some(k)) => {
                            let mut g = TagGroup::new(Tag::Link);
                            g.push(id);
                            g.children
                                .extend(annots.remove(&k).into_iter().flatten().map(Node::Leaf));
                            open = Some((g, url));
                        }
                        _ => out.push(Node::Leaf(id)),
                    }
                }
            }
        }
        if let Some((g, _)) = open {
            out.push(g.into());
        }
        out
    }

    /// The URL of link `key`, from its annotations.
    fn url(&self, key: LinkKey) -> Option<&str> {
        self.links.iter().find(|l| l.1 == Some(key)).map(|l| l.2.as_str())
    }

    /// Builds the structure tree of `doc` in `lang`, and the `Link`
    /// elements of annotations no block took (`qr`: the QR code's URL).
    pub(super) fn tree(&self, doc: &Document, lang: &str, qr: &str) -> TagTree {
        let mut tree = TagTree::new().with_lang(Some(lang.to_string()));
        let mut links: HashMap<BlockKey, Links> = HashMap::new();
        let mut loose: Links = Vec::new();
        // Annotations of links whose text was drawn go into the text's
        // Link element; the others into a Link of their own.
        let with_text: std::collections::HashSet<LinkKey> =
            self.content.values().flatten().filter_map(|c| c.3).collect();
        let mut annots: HashMap<LinkKey, Vec<Identifier>> = HashMap::new();
        for (owner, key, url, id) in &self.links {
            if let Some(k) = key.filter(|k| with_text.contains(k)) {
                annots.entry(k).or_default().push(*id);
                continue;
            }
            let list = match owner {
                Some(key) => links.entry(*key).or_default(),
                None => &mut loose,
            };
            match list.iter_mut().find(|(u, _)| u == url) {
                Some((_, ids)) => ids.push(*id),
                None => list.push((url.clone(), vec![*id])),
            }
        }
        let several = doc.structure.len() > 1;
        for (si, st) in doc.structure.iter().enumerate() {
            let si = si as u8;
            let mut order: Vec<(u8, usize, &BlockRole)> = st
                .blocks
                .iter()
                .enumerate()
                .filter_map(|(b, r)| r.as_ref().map(|r| (rank(r.kind), b, r)))
                .collect();
            order.sort_by_key(|&(rank, b, _)| (rank, b));
            let mut builder = Builder { si, tagger: self, stack: Vec::new(), out: Vec::new() };
            for (_, b, role) in order {
                let mut block_links = links.remove(&(si, b)).unwrap_or_default();
                let Some(group) = self.leaf(si, b, role, &mut block_links, &mut annots) else {
                    loose.extend(block_links);
                    continue;
                };
                builder.enter(&role.scopes);
                builder.push(group.into());
            }
            let nodes = builder.finish();
            if several {
                let tag = TagKind::from(Tag::Section).with_lang(Some(st.lang.clone()));
                tree.push(TagGroup::with_children(tag, nodes));
            } else {
                for n in nodes {
                    tree.push(n);
                }
            }
        }
        // Annotations of links whose text no element took.
        let mut rest: Vec<(LinkKey, Vec<Identifier>)> = annots.into_iter().collect();
        rest.sort_by_key(|(k, _)| *k);
        for (k, ids) in rest {
            loose.push((self.url(k).unwrap_or_default().to_string(), ids));
        }
        // Annotations whose text is in no block: links of the QR code, and
        // any other left over.
        let mut rest: Vec<(BlockKey, Links)> = links.into_iter().collect();
        rest.sort_by_key(|(k, _)| *k);
        loose.extend(rest.into_iter().flat_map(|(_, v)| v));
        let mut figure = (!self.figure.is_empty()).then(|| {
            let nodes = self.figure.iter().map(|id| Node::Leaf(*id)).collect();
            TagGroup::with_children(Tag::Figure(Some(qr.to_string())), nodes)
        });
        for (url, ids) in loose {
            let mut link = TagGroup::new(Tag::Link);
            if url == qr {
                if let Some(f) = figure.take() {
                    link.push(f);
                }
            }
            for id in ids {
                link.push(id);
            }
            tree.push(link);
        }
        if let Some(f) = figure {
            tree.push(f);
        }
        tree
    }

    /// The element of block `b`, with its links; `None` when nothing of it
    /// was drawn.
    fn leaf(
        &self,
        si: u8,
        b: usize,
        role: &BlockRole,
        links: &mut Links,
        annots: &mut HashMap<LinkKey, Vec<Identifier>>,
    ) -> Option<TagGroup> {
        let mark = |part| Mark { statement: si, block: b, part };
        let mut group = match role.kind {
            BlockKind::Row { header } => {
                let mut cells: Vec<u16> = self
                    .content
                    .keys()
                    .filter(|m| m.statement == si && m.block == b)
                    .filter_map(|m| match m.part {
                        Part::Cell(c) => Some(c),
                        _ => None,
                    })
                    .collect();
                cells.sort_unstable();
                let mut row = TagGroup::new(Tag::TR);
                for c in cells {
                    let tag: TagKind = if header {
                        Tag::TH(TableHeaderScope::Column).into()
                    } else {
                        Tag::TD.into()
                    };
                    row.push(TagGroup::with_children(tag, self.text(mark(Part::Cell(c)), annots)));
                }
                row
            }
            kind => {
                // Where krilla's findings about the element (a picture without
                // alternate text) point.
                let tag = block_tag(kind, role).with_location(pdf_location(mark(Part::Text)));
                TagGroup::with_children(tag, self.text(mark(Part::Text), annots))
            }
        };
        for (_, ids) in links.drain(..) {
            let mut link = TagGroup::new(Tag::Link);
            for id in ids {
                link.push(id);
            }
            group.push(link);
        }
        (!group.children.is_empty()).then_some(group)
    }

    /// The outline: the title and headings of each statement, nested by
    /// level, each opening the page where its text starts.
    pub(super) fn outline(&self, doc: &Document) -> Outline {
        let mut entries: Vec<(u8, OutlineNode)> = Vec::new();
        for (si, st) in doc.structure.iter().enumerate() {
            let mut heads: Vec<(u8, usize, u8, String)> = st
                .blocks
                .iter()
                .enumerate()
                .filter_map(|(b, r)| {
                    let r = r.as_ref()?;
                    let level = match r.kind {
                        BlockKind::Title => 1,
                        BlockKind::Heading(l) => l.max(1),
                        _ => return None,
                    };
                    Some((rank(r.kind), b, level, r.title.clone()?))
                })
                .collect();
            heads.sort_by_key(|&(rank, b, _, _)| (rank, b));
            for (_, b, level, title) in heads {
                let Some(&(page, at)) = self.anchors.get(&(si as u8, b)) else { continue };
                let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
                entries.push((level, OutlineNode::new(title, XyzDestination::new(page, at))));
            }
        }
        let mut outline = Outline::new();
        for n in nest(entries) {
            outline.push_child(n);
        }
        outline
    }
}

/// Builds one statement's blocks into nested containers.
struct Builder<'t> {
    si: u8,
    tagger: &'t Tagger,
    /// The open containers, outermost first, with their depth.
    stack: Vec<(Scope, TagGroup)>,
    out: Vec<Node>,
}

impl Builder<'_> {
    /// Closes the containers `scopes` does not share with the open ones
    /// and opens the ones it adds.
    fn enter(&mut self, scopes: &[Scope]) {
        let same = self.stack.iter().zip(scopes).take_while(|((open, _), s)| open == *s).count();
        while self.stack.len() > same {
            self.close();
        }
        for s in &scopes[same..] {
            let tag: TagKind = match s.kind {
                ScopeKind::List { numbered: true } => Tag::L(ListNumbering::Decimal).into(),
                ScopeKind::List { numbered: false } => Tag::L(ListNumbering::Disc).into(),
                ScopeKind::Item => Tag::LBody.into(),
                ScopeKind::Quote => Tag::BlockQuote.into(),
                ScopeKind::Table => Tag::Table.into(),
            };
            self.stack.push((*s, TagGroup::new(tag)));
        }
    }

    /// Adds a node to the innermost open container.
    fn push(&mut self, node: Node) {
        match self.stack.last_mut() {
            Some((_, g)) => g.push(node),
            None => self.out.push(node),
        }
    }

    /// Closes the innermost container: an item becomes `LI` with its
    /// marker as `Lbl` and its blocks as `LBody`.
    fn close(&mut self) {
        let Some((scope, group)) = self.stack.pop() else { return };
        let node = if scope.kind == ScopeKind::Item {
            let depth = u8::try_from(self.stack.len()).unwrap_or(u8::MAX);
            let label = Mark { statement: self.si, block: scope.id, part: Part::Label(depth) };
            let mut li = TagGroup::new(Tag::LI);
            let ids = self.tagger.ids(label);
            if !ids.is_empty() {
                li.push(TagGroup::with_children(Tag::Lbl, ids));
            }
            li.push(group);
            li
        } else {
            group
        };
        self.push(node.into());
    }

    fn finish(mut self) -> Vec<Node> {
        while !self.stack.is_empty() {
            self.close();
        }
        self.out
    }
}

/// Reading order of the parts of a statement: masthead, body, footer.
fn rank(kind: BlockKind) -> u8 {
    match kind {
        BlockKind::Title | BlockKind::Masthead => 0,
        BlockKind::Footer => 2,
        _ => 1,
    }
}

/// The tag of a block other than a table row.
fn block_tag(kind: BlockKind, role: &BlockRole) -> TagKind {
    let heading = |level: u8| {
        let level = NonZeroU16::new(u16::from(level.clamp(1, 6))).unwrap_or(NonZeroU16::MIN);
        let title = role.title.as_deref().map(|t| t.split_whitespace().collect::<Vec<_>>());
        Tag::Hn(level, title.map(|t| t.join(" "))).into()
    };
    match kind {
        BlockKind::Title => heading(1),
        BlockKind::Heading(l) => heading(l),
        BlockKind::Code => Tag::Code.into(),
        BlockKind::Figure => Tag::Figure(role.title.clone()).into(),
        _ => Tag::P.into(),
    }
}

/// Nests outline entries by level: an entry holds the entries of higher
/// level that follow it.
fn nest(entries: Vec<(u8, OutlineNode)>) -> Vec<OutlineNode> {
    let mut roots = Vec::new();
    let mut stack: Vec<(u8, OutlineNode)> = Vec::new();
    let close = |stack: &mut Vec<(u8, OutlineNode)>, roots: &mut Vec<OutlineNode>| {
        if let Some((_, n)) = stack.pop() {
            match stack.last_mut() {
                Some((_, parent)) => parent.push_child(n),
                None => roots.push(n),
            }
        }
    };
    for (level, node) in entries {
        while stack.last().is_some_and(|(l, _)| *l >= level) {
            close(&mut stack, &mut roots);
        }
        stack.push((level, node));
    }
    while !stack.is_empty() {
        close(&mut stack, &mut roots);
    }
    roots
}

/// The location krilla reports for content of `mark`, in validation
/// errors.
pub(super) fn pdf_location(mark: Mark) -> Option<PdfLocation> {
    let code = (u64::from(mark.statement) << 40) | (mark.block as u64 & ((1 << 40) - 1));
    NonZeroU64::new(code + 1)
}

/// Where a location krilla reports points in a statement: its file and
/// the line of the block.
pub(super) fn source_location(doc: &Document, loc: Option<PdfLocation>) -> Option<Location> {
    let code = loc?.get() - 1;
    let (si, block) = ((code >> 40) as usize, (code & ((1 << 40) - 1)) as usize);
    let st = doc.structure.get(si)?;
    let line = st.blocks.get(block).and_then(Option::as_ref).map_or(0, |r| r.line);
    Some(if line > 0 { Location::line(&st.source, line) } else { Location::file(&st.source) })
}
