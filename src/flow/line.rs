//! One line of a broken paragraph, set at its measure: where each glyph
//! goes, how the line's slack is shared between word spaces and glyph
//! expansion, and the order in which a PDF reader meets right-to-left text.

use crate::linebreak::{Item, Mode};
use crate::pages::{Ink, TextRun};
use crate::shape::{Paragraph, Piece};

/// Color of links in color mode (a dark blue that stays readable).
pub(super) const LINK_INK: Ink = Ink::Accent(0x1a, 0x4a, 0x8a);

/// A line set at its measure: runs relative to the measure's left edge and
/// the baseline.
#[derive(Clone)]
pub(super) struct SetLine {
    pub(super) runs: Vec<TextRun>,
    pub(super) links: Vec<(f32, f32, String)>,
    pub(super) strikes: Vec<(f32, f32, f32)>,
    pub(super) ratio: f32,
    pub(super) hyphen: bool,
    pub(super) natural: f32,
    pub(super) text: String,
}

/// Sets one line: items `start..end` of `p` (end is the break item).
pub(super) fn set_line(
    p: &Paragraph,
    start: usize,
    end: usize,
    hyphen: bool,
    measure: f32,
    mode: Mode,
    last: bool,
) -> SetLine {
    // Skip glue and penalties a break leaves at the start of a line.
    let mut s = start;
    while s < end && !matches!(p.items[s], Item::Box { .. }) {
        s += 1;
    }
    let mut e = end;
    // Trailing glue before the break does not count.
    while e > s && matches!(p.items[e - 1], Item::Glue { .. } | Item::Penalty { .. }) {
        e -= 1;
    }
    let mut natural = 0.0;
    let mut stretch = 0.0;
    let mut shrink = 0.0;
    let mut word_stretch = 0.0;
    let mut word_shrink = 0.0;
    // Natural width of the line's words: their glyphs take the letter
    // part of the adjustment by being drawn wider or narrower.
    let mut words_w = 0.0;
    let mut glyphs = 0usize;
    for (it, piece) in p.items[s..e].iter().zip(&p.pieces[s..e]) {
        match *it {
            Item::Box { width, .. } => natural += width,
            Item::Glue { width, stretch: st, shrink: sh } => {
                natural += width;
                stretch += st;
                shrink += sh;
            }
            Item::Penalty { .. } => {}
        }
        match piece {
            Piece::Space { word_stretch: a, word_shrink: b, .. } => {
                word_stretch += a;
                word_shrink += b;
            }
            Piece::Word(run) => {
                glyphs += run.glyphs.len();
                words_w += run.glyphs.iter().map(|g| g.advance).sum::<f32>();
            }
            _ => {}
        }
    }
    let hyphen_piece = if hyphen {
        match (&p.items.get(end), &p.pieces.get(end)) {
            (Some(Item::Penalty { width, .. }), Some(Piece::Hyphen(run))) => {
                natural += width;
                Some(run)
            }
            _ => None,
        }
    } else {
        None
    };
    let hang_start = match p.items.get(s) {
        Some(Item::Box { hang_start, .. }) => *hang_start,
        _ => 0.0,
    };
    let hang_end = if hyphen {
        match p.items.get(end) {
            Some(Item::Penalty { hang_end, .. }) => *hang_end,
            _ => 0.0,
        }
    } else {
        match e.checked_sub(1).and_then(|k| p.items.get(k)) {
            Some(Item::Box { hang_end, .. }) => *hang_end,
            _ => 0.0,
        }
    };
    let target = measure + hang_start + if mode == Mode::Justify { hang_end } else { 0.0 };
    let ratio = match mode {
        Mode::Justify if !last || natural > target => {
            if natural < target && stretch > 0.0 {
                (target - natural) / stretch
            } else if natural > target && shrink > 0.0 {
                ((target - natural) / shrink).max(-1.0)
            } else {
                0.0
            }
        }
        _ => {
            if natural > target && shrink > 0.0 {
                ((target - natural) / shrink).max(-1.0)
            } else {
                0.0
            }
        }
    };
    // The adjustment is shared by the words (expanded or compressed, never
    // more than their allowance) and the spaces (per unit of their stretch
    // or shrink).
    let (letter, space_ratio) = if ratio >= 0.0 {
        let total = ratio * stretch;
        let letters = (ratio.min(1.0) * word_stretch).min(total);
        let space_st = stretch - word_stretch;
        (letters, if space_st > 0.0 { (total - letters) / space_st } else { 0.0 })
    } else {
        let total = ratio * shrink;
        let letters = (ratio.max(-1.0) * word_shrink).max(total);
        let space_sh = shrink - word_shrink;
        (letters, if space_sh > 0.0 { (total - letters) / space_sh } else { 0.0 })
    };
    // Glyph expansion, as pdfTeX's font expansion does it: the words'
    // glyphs (an added hyphen too) are scaled horizontally by one factor for
    // the line, within the allowance (±2 %). Letter-spacing would give the
    // same widths, but spaced lowercase reads worse, and every glyph would
    // need its own offset in the PDF.
    let hyphen_w: f32 = hyphen_piece.map_or(0.0, |h| h.glyphs.iter().map(|g| g.advance).sum());
    let expand = if words_w + hyphen_w > 0.0 { 1.0 + letter / (words_w + hyphen_w) } else { 1.0 };
    // The pieces in logical order with their bidi levels, then drawn in
    // visual order (the breaker works in logical order).
    let base_level = u8::from(p.rtl);
    let mut slots: Vec<(usize, u8)> = Vec::with_capacity(e - s + 1);
    let mut last_level = base_level;
    for k in s..e {
        let level = match &p.pieces[k] {
            Piece::Word(r) | Piece::Space { run: r, .. } => r.level,
            _ => last_level,
        };
        last_level = level;
        slots.push((k, level));
    }
    if hyphen_piece.is_some() {
        slots.push((usize::MAX, last_level));
    }
    let bidi = p.rtl || slots.iter().any(|&(_, l)| l > 0);
    let order: Vec<usize> = if bidi {
        let levels: Vec<u8> = slots.iter().map(|&(_, l)| l).collect();
        crate::script::visual_order(&levels)
    } else {
        (0..slots.len()).collect()
    };
    let mut runs: Vec<PendingRun> = Vec::new();
    let mut links: Vec<(f32, f32, String)> = Vec::new();
    let mut strikes: Vec<(f32, f32, f32)> = Vec::new();
    // Right-to-left lines are set from 0 and moved right at the end.
    let mut x = if p.rtl { 0.0 } else { -hang_start };
    // Room for every glyph of the line in its first run: most lines are one.
    let room = glyphs + (e - s) + 1;
    let mut push = |run: &crate::shape::Run,
                    decor: crate::shape::Decor,
                    glyph_adv: Option<f32>,
                    scale: f32,
                    x: &mut f32,
                    tag: Option<&'static str>| {
        let start_x = *x;
        let same = runs.last().is_some_and(|r: &PendingRun| {
            r.run.face == run.face && r.run.size == run.size && r.level == run.level
        });
        if !same {
            runs.push(PendingRun {
                run: TextRun {
                    x: *x,
                    y: 0.0,
                    face: run.face,
                    size: run.size,
                    glyphs: Vec::with_capacity(room),
                    text: String::new(),
                    rtl: run.level % 2 == 1,
                    ink: if decor.link.is_some() { LINK_INK } else { Ink::Black },
                    expand,
                },
                level: run.level,
                sources: Vec::with_capacity(room),
            });
        }
        let Some(r) = runs.last_mut() else { return };
        for g in &run.glyphs {
            let mut g2 = g.clone();
            r.sources.push(match tag {
                // A hyphen ends the line's text; a space sits where it was.
                Some(t) if g.text.start == usize::MAX => (usize::MAX, Source::Tag(t)),
                Some(t) => (g.text.start, Source::Tag(t)),
                None => (g.text.start, Source::Text(g.text.clone())),
            });
            if let Some(adv) = glyph_adv {
                g2.advance = adv;
            }
            g2.advance *= scale;
            g2.dx *= scale;
            *x += g2.advance;
            r.run.glyphs.push(g2);
        }
        if let Some(l) = decor.link {
            let url = p.links.get(l).map_or("", String::as_str);
            match links.last_mut() {
                Some(last) if last.2 == url && (last.1 - start_x).abs() < 0.01 => last.1 = *x,
                _ => links.push((start_x, *x, url.to_string())),
            }
        }
        if decor.strike {
            strikes.push((start_x, *x, run.size));
        }
    };
    for &slot in &order {
        let k = slots[slot].0;
        if k == usize::MAX {
            if let Some(h) = hyphen_piece {
                push(h, h.decor, None, expand, &mut x, Some("-"));
            }
            continue;
        }
        match (&p.items[k], &p.pieces[k]) {
            (Item::Box { .. }, Piece::Word(run)) => {
                push(run, run.decor, None, expand, &mut x, None)
            }
            (Item::Box { width, .. }, _) => x += width,
            (Item::Glue { width, stretch: st, shrink: sh }, piece) => {
                let (wst, wsh) = match piece {
                    Piece::Space { word_stretch, word_shrink, .. } => (*word_stretch, *word_shrink),
                    _ => (0.0, 0.0),
                };
                let w = if ratio >= 0.0 {
                    width + space_ratio * (st - wst)
                } else {
                    width + space_ratio * (sh - wsh)
                };
                match piece {
                    Piece::Space { run, .. } if run.glyphs.len() == 1 => {
                        // Links continue across the space only if both sides link.
                        let mut decor = run.decor;
                        if decor.link.is_some() {
                            let next_link = p.pieces[k + 1..e].iter().find_map(|pc| match pc {
                                Piece::Word(w) => Some(w.decor.link),
                                _ => None,
                            });
                            if next_link.flatten() != decor.link {
                                decor.link = None;
                            }
                        }
                        decor.strike = false;
                        push(run, decor, Some(w), 1.0, &mut x, Some(" "))
                    }
                    _ => x += w,
                }
            }
            _ => {}
        }
    }
    // Right to left: flush with the measure's right edge, where the
    // logical line start hangs out (mirrored hanging punctuation).
    let shift = if p.rtl { measure + hang_start - x } else { 0.0 };
    let mut runs: Vec<TextRun> = runs.into_iter().map(|r| r.finish(&p.text, shift)).collect();
    if p.rtl {
        runs = reading_order(runs);
    }
    for l in &mut links {
        l.0 += shift;
        l.1 += shift;
    }
    for st in &mut strikes {
        st.0 += shift;
        st.1 += shift;
    }
    // The line's text in logical order: about a byte per glyph and space
    // (sized once; ligatures and non-ASCII characters may grow it).
    let mut text = String::with_capacity(room + room / 8);
    for k in s..e {
        match &p.pieces[k] {
            Piece::Word(run) => {
                let valid = run.glyphs.iter().filter(|g| g.text.start < g.text.end);
                let a = valid.clone().map(|g| g.text.start).min();
                let b = valid.map(|g| g.text.end).max();
                if let (Some(a), Some(b)) = (a, b) {
                    text.push_str(p.text.get(a..b).unwrap_or(""));
                }
            }
            Piece::Space { run, .. } if run.glyphs.len() == 1 => text.push(' '),
            _ => {}
        }
    }
    if hyphen_piece.is_some() {
        text.push('-');
    }
    SetLine {
        runs,
        links,
        strikes,
        ratio,
        hyphen: hyphen && !last,
        natural: x - if mode == Mode::Justify { hang_end } else { 0.0 },
        text,
    }
}

/// Puts the runs of a right-to-left line (in visual order) in the order a
/// PDF reader needs to read it logically: readers reverse each stretch of
/// right-to-left characters they meet in the content stream, but keep the
/// stretches, and the left-to-right pieces (numbers, Latin words) between
/// them, in stream order. So the stretches of right-to-left runs and the
/// left-to-right runs between them are written from right to left, each
/// right-to-left stretch still in visual order. Positions do not change.
pub(super) fn reading_order(runs: Vec<TextRun>) -> Vec<TextRun> {
    let mut groups: Vec<Vec<TextRun>> = Vec::new();
    for r in runs {
        match groups.last_mut() {
            Some(g) if g[0].rtl == r.rtl => g.push(r),
            _ => groups.push(vec![r]),
        }
    }
    groups.into_iter().rev().flatten().collect()
}

/// Where a glyph's characters come from while a line is set.
pub(super) enum Source {
    /// A range of the paragraph text.
    Text(std::ops::Range<usize>),
    /// Fixed text (a space or an added hyphen).
    Tag(&'static str),
}

/// A text run being set: glyphs in visual order, each with its source and
/// logical position.
pub(super) struct PendingRun {
    run: TextRun,
    level: u8,
    sources: Vec<(usize, Source)>,
}

impl PendingRun {
    /// Writes the run's text in logical order (right-to-left glyphs come
    /// reversed) and points each glyph at its characters in it.
    fn finish(mut self, para: &str, shift: f32) -> TextRun {
        // Shaping leaves the second and later glyphs of a cluster (Arabic
        // dots, marks) without text; they follow the glyph that has it. Give
        // them the cluster's text too: the PDF then writes the cluster as one
        // ActualText span, and no glyph reads back as something else.
        for i in 1..self.sources.len() {
            if let (Source::Text(pr), Source::Text(r)) =
                (&self.sources[i - 1].1, &self.sources[i].1)
            {
                if r.is_empty() && pr.end == r.start && pr.start < pr.end {
                    self.sources[i] = (self.sources[i - 1].0, Source::Text(pr.clone()));
                }
            }
        }
        // Logical order: right-to-left glyphs sorted by their text; others
        // are in it already.
        let order: Option<Vec<usize>> = (self.level % 2 == 1).then(|| {
            let mut order: Vec<usize> = (0..self.sources.len()).collect();
            order.sort_by_key(|&i| self.sources[i].0);
            order
        });
        let mut text = String::with_capacity(self.sources.len());
        let mut prev: Option<(std::ops::Range<usize>, std::ops::Range<usize>)> = None;
        for j in 0..self.sources.len() {
            let i = order.as_ref().map_or(j, |o| o[j]);
            // Glyphs of one cluster share its text.
            if let (Source::Text(r), Some((pr, out))) = (&self.sources[i].1, &prev) {
                if r == pr && r.start < r.end {
                    self.run.glyphs[i].text = out.clone();
                    continue;
                }
            }
            let a = text.len();
            match &self.sources[i].1 {
                Source::Tag(t) => text.push_str(t),
                Source::Text(r) if r.start < r.end => {
                    let t = para.get(r.clone()).unwrap_or("");
                    // No-break spaces share the space glyph, whose text in
                    // the PDF can be only one character: write them as
                    // spaces, which is what a reader copying text wants.
                    // (ASCII text, nearly all of it, has none: skip the search;
                    // a single byte, most glyphs, is pushed without a copy call.)
                    if let &[b] = t.as_bytes() {
                        text.push(char::from(b))
                    } else if !t.is_ascii() && t.contains(['\u{a0}', '\u{202f}', '\u{2007}']) {
                        text.push_str(&t.replace(['\u{a0}', '\u{202f}', '\u{2007}'], " "))
                    } else {
                        text.push_str(t)
                    }
                }
                Source::Text(_) => {}
            }
            self.run.glyphs[i].text = a..text.len();
            if let Source::Text(r) = &self.sources[i].1 {
                prev = Some((r.clone(), a..text.len()));
            }
        }
        self.run.text = text;
        self.run.x += shift;
        self.run
    }
}
