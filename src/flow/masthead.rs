//! The masthead (kicker, title, subtitle, byline, rule) and the footer,
//! as units stacked above and below the columns.

use crate::error::{Location, Result};
use crate::linebreak::Mode;
use crate::pages::{BlockKind, Element, Ink, LineKind};
use crate::script::Dir;
use crate::statement::Inline;
use crate::vars::{display_date_in, fill_placeholders};

use super::blocks::Limits;
use super::{Flow, Frame, Keep, Unit};

/// How one masthead text is set.
#[derive(Debug, Clone, Copy)]
pub(super) struct MastheadLine<'a> {
    size: f32,
    family: &'a str,
    bold: bool,
    leading: f32,
    gap: f32,
}

impl<'a, 'b> Flow<'a, 'b> {
    pub(super) fn masthead_units(&mut self, width: f32) -> Result<Vec<Unit>> {
        if let Some(logo) = self.spec.masthead.logo_picture.clone() {
            return self.masthead_with_logo(width, &logo);
        }
        let mut out = self.masthead_kicker(width)?;
        out.extend(self.masthead_titles(width)?);
        if out.is_empty() {
            return Ok(out);
        }
        out.push(self.masthead_rule(width));
        Ok(out)
    }

    /// The masthead with the layout's logo beside the kicker and titles,
    /// which are set in the width left; the masthead is at least as tall
    /// as the logo.
    fn masthead_with_logo(
        &mut self,
        width: f32,
        logo: &std::sync::Arc<crate::picture::Picture>,
    ) -> Result<Vec<Unit>> {
        let spec = self.spec;
        let (nw, nh) = logo.natural_size();
        let h = spec.masthead.logo_size;
        // No wider than a third of the masthead.
        let w = (nw * h / nh.max(0.01)).min(width / 3.0);
        let h = nh * w / nw.max(0.01);
        let gap = spec.body.leading;
        let text_w = (width - w - gap).max(width * 0.5);
        let mut out = self.masthead_kicker(text_w)?;
        out.extend(self.masthead_titles(text_w)?);
        let (text_x, logo_x) = match spec.masthead.logo_side {
            crate::spec::LogoSide::Left => (w + gap, 0.0),
            crate::spec::LogoSide::Right => (0.0, width - w),
        };
        for u in &mut out {
            shift(u, text_x);
        }
        let tall: f32 = out
            .iter()
            .enumerate()
            .map(|(i, u)| u.height + if i > 0 { u.space_before } else { 0.0 })
            .sum();
        if tall < h {
            // Text centred beside a taller logo.
            let pad = (h - tall) / 2.0;
            out.insert(0, spacer(pad));
            out.push(spacer(h - tall - pad));
        }
        let image = Element::Image {
            x: logo_x,
            y: 0.0,
            w,
            h,
            picture: logo.clone(),
            alt: logo.name.clone(),
            mark: None,
        };
        match out.first_mut() {
            Some(first) => first.elements.push(image),
            None => out.push(Unit { elements: vec![image], ..spacer(h) }),
        }
        out.push(self.masthead_rule(width));
        Ok(out)
    }

    /// Sets one masthead text (kicker, title, subtitle, byline): across the
    /// frame, ragged, never hyphenated, its last line more than one word
    /// where a slightly narrower measure allows it.
    pub(super) fn masthead_line(
        &mut self,
        content: &[Inline],
        line: MastheadLine<'a>,
        frame: Frame,
        out: &mut Vec<Unit>,
    ) -> Result<()> {
        let width = frame.width;
        let style = self.text_style(line.size, line.family, line.bold, false, width);
        let p = self.shaper.paragraph(content, &style, &Location::default())?;
        let mut lines = self.set_paragraph(&p, width, width, Mode::Ragged);
        // A last line of one word ("…general / strike!"): where the line
        // breaker found no better ending at this measure, a narrower one
        // with as many lines brings a word down to it.
        let mut narrower = width;
        for _ in 0..LONE_WORD_TRIES {
            if lines.len() < 2 || !lone_word(lines.last()) {
                break;
            }
            narrower *= 1.0 - LONE_WORD_STEP;
            let tried = self.set_paragraph(&p, narrower, narrower, Mode::Ragged);
            if tried.len() > lines.len() {
                break;
            }
            if !lone_word(tried.last()) {
                lines = tried;
            }
        }
        let m = self.metrics_for(line.family, line.size, line.leading);
        self.push_lines(lines, m, frame, LineKind::Masthead, out, line.gap, Limits::NONE);
        Ok(())
    }

    /// The layout's kicker line above the title, if any.
    pub(super) fn masthead_kicker(&mut self, width: f32) -> Result<Vec<Unit>> {
        let spec = self.spec;
        let mut out = Vec::new();
        let frame = Frame { indent: 0.0, width, quote_depth: 0 };
        let kicker = fill_placeholders(&spec.masthead.kicker, &self.st.meta, self.vars, spec)?;
        if !kicker.is_empty() {
            let size = spec.masthead.meta_size * 1.1;
            let line = MastheadLine {
                size,
                family: &spec.headings.font,
                bold: true,
                leading: size * 1.3,
                gap: 0.0,
            };
            self.masthead_line(&[Inline::text(kicker)], line, frame, &mut out)?;
        }
        Ok(out)
    }

    /// The statement's title, subtitle and byline (author · date).
    pub(super) fn masthead_titles(&mut self, width: f32) -> Result<Vec<Unit>> {
        let spec = self.spec;
        let meta = self.st.meta.clone();
        let mut out = Vec::new();
        let frame = Frame { indent: 0.0, width, quote_depth: 0 };
        if let Some(title) = meta.title.as_deref().filter(|t| !t.trim().is_empty()) {
            let size = spec.masthead.title_size;
            let line = MastheadLine {
                size,
                family: &spec.masthead.font,
                bold: true,
                leading: size * 1.08,
                gap: 0.0,
            };
            self.next_role = Some((BlockKind::Title, Some(title.to_string()), 0));
            self.masthead_line(&[Inline::text(title)], line, frame, &mut out)?;
        }
        let msize = spec.masthead.meta_size;
        if let Some(sub) = meta.subtitle.as_deref().filter(|t| !t.trim().is_empty()) {
            let size = msize * 1.25;
            let content = [Inline::Text(crate::statement::Span {
                text: sub.to_string(),
                style: crate::statement::Style { italic: true, ..Default::default() },
                link: None,
            })];
            let line = MastheadLine {
                size,
                family: &spec.body.font,
                bold: false,
                leading: size * 1.3,
                gap: msize * 0.3,
            };
            self.masthead_line(&content, line, frame, &mut out)?;
        }
        let lang = meta.lang.as_deref().unwrap_or(&spec.body.language);
        // A date reads as one: "2 de marzo / de 2026" is no way to break it.
        let date = meta.date.as_deref().map(|d| display_date_in(d, lang).replace(' ', "\u{a0}"));
        let byline: Vec<String> = [meta.author.clone(), date]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect();
        if !byline.is_empty() {
            let content = [Inline::Text(crate::statement::Span {
                text: byline.join(" \u{00B7} "),
                style: crate::statement::Style { bold: true, ..Default::default() },
                link: None,
            })];
            let line = MastheadLine {
                size: msize,
                family: &spec.body.font,
                bold: false,
                leading: msize * 1.35,
                gap: msize * 0.4,
            };
            self.masthead_line(&content, line, frame, &mut out)?;
        }
        Ok(out)
    }

    /// A rule under the masthead, then a line's worth of air.
    pub(super) fn masthead_rule(&self, width: f32) -> Unit {
        let lead = self.spec.body.leading;
        Unit {
            height: lead,
            space_before: lead * 0.3,
            keep: Keep::Hard,
            elements: vec![Element::Rule {
                x0: 0.0,
                y0: 0.0,
                x1: width,
                y1: 0.0,
                width: 1.2,
                ink: Ink::Black,
            }],
            links: Vec::new(),
            lines: Vec::new(),
        }
    }

    pub(super) fn footer_units(&mut self, full_width: f32, qr: f32) -> Result<Vec<Unit>> {
        let Some(logo) = self.spec.footer.logo_picture.clone() else {
            return self.footer_text_units(full_width, qr);
        };
        // The logo at the footer's left, the text beside it.
        let (nw, nh) = logo.natural_size();
        let w = (nw * self.spec.footer.logo_size / nh.max(0.01)).min(full_width / 4.0);
        let h = nh * w / nw.max(0.01);
        let gap = self.spec.footer.size;
        let mut out = self.footer_text_units(full_width - w - gap, qr)?;
        let rule = if out.is_empty() {
            // No text: the rule alone, as the text would have it.
            let size = self.spec.footer.size;
            Unit {
                elements: vec![Element::Rule {
                    x0: 0.0,
                    y0: 0.0,
                    x1: full_width,
                    y1: 0.0,
                    width: 0.5,
                    ink: Ink::Black,
                }],
                space_before: size * 0.6,
                keep: Keep::Free,
                ..spacer(size * 0.6)
            }
        } else {
            let mut rule = out.remove(0);
            for e in &mut rule.elements {
                if let Element::Rule { x1, .. } = e {
                    *x1 = full_width - qr - if qr > 0.0 { gap } else { 0.0 };
                }
            }
            rule
        };
        for u in &mut out {
            shift(u, w + gap);
        }
        let tall: f32 = out.iter().map(|u| u.height + u.space_before).sum();
        if tall < h {
            out.push(spacer(h - tall));
        }
        let image = Element::Image {
            x: 0.0,
            y: 0.0,
            w,
            h,
            picture: logo.clone(),
            alt: logo.name.clone(),
            mark: None,
        };
        if let Some(first) = out.first_mut() {
            first.elements.push(image);
        }
        out.insert(0, rule);
        Ok(out)
    }

    /// The footer's rule and text.
    fn footer_text_units(&mut self, full_width: f32, qr: f32) -> Result<Vec<Unit>> {
        let gap = if qr > 0.0 { self.spec.footer.size } else { 0.0 };
        let width = (full_width - qr - gap).max(full_width * 0.3);
        let spec = self.spec;
        let text = fill_placeholders(&spec.footer.text, &self.st.meta, self.vars, spec)?;
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        let size = spec.footer.size;
        let link =
            (!spec.footer.link.trim().is_empty()).then(|| spec.footer.link.trim().to_string());
        let content = [Inline::Text(crate::statement::Span {
            text,
            style: Default::default(),
            link: link.clone(),
        })];
        let mut style = self.text_style(size, &spec.body.font, false, false, width);
        // The footer comes from the layout: its own text sets its direction.
        style.dir = Dir::Auto;
        let p = self.shaper.paragraph(&content, &style, &Location::default())?;
        let lines = self.set_paragraph(&p, width, width, Mode::Ragged);
        let m = self.metrics_for(&spec.body.font, size, size * 1.3);
        let frame = Frame { indent: 0.0, width, quote_depth: 0 };
        let mut out = Vec::new();
        out.push(Unit {
            height: size * 0.6,
            space_before: size * 0.6,
            keep: Keep::Free,
            elements: vec![Element::Rule {
                x0: 0.0,
                y0: 0.0,
                x1: width,
                y1: 0.0,
                width: 0.5,
                ink: Ink::Black,
            }],
            links: Vec::new(),
            lines: Vec::new(),
        });
        self.push_lines(lines, m, frame, LineKind::Footer, &mut out, 0.0, Limits::NONE);
        Ok(out)
    }
}

/// How many narrower measures a masthead text is tried at to end with
/// more than one word, each [`LONE_WORD_STEP`] narrower: at most about a
/// quarter of the width.
const LONE_WORD_TRIES: usize = 8;

/// See [`LONE_WORD_TRIES`].
const LONE_WORD_STEP: f32 = 0.035;

/// Tells whether a set line holds one word (Ethiopic separates words with
/// `፡`).
fn lone_word(line: Option<&super::line::SetLine>) -> bool {
    line.is_some_and(|l| {
        l.text.split(|c: char| c.is_whitespace() || c == '፡').filter(|w| !w.is_empty()).count() == 1
    })
}

/// Space in the masthead.
fn spacer(height: f32) -> Unit {
    Unit {
        height,
        space_before: 0.0,
        keep: Keep::Hard,
        elements: Vec::new(),
        links: Vec::new(),
        lines: Vec::new(),
    }
}

/// Moves a unit's contents right by `dx`.
fn shift(u: &mut Unit, dx: f32) {
    for e in &mut u.elements {
        match e {
            Element::Text(t) => t.x += dx,
            Element::Rule { x0, x1, .. } => {
                *x0 += dx;
                *x1 += dx;
            }
            Element::Rect { x, .. } | Element::Image { x, .. } => *x += dx,
        }
    }
    for l in &mut u.links {
        l.x += dx;
    }
    for l in &mut u.lines {
        l.x += dx;
    }
}
