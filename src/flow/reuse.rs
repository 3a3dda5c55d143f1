//! Whole paragraphs kept from one build to the next (`handbill watch`):
//! shaped, broken and set, so that a rebuild after a one-word edit shapes
//! and breaks only the paragraph that changed.
//!
//! A kept paragraph is found by everything it is made from, compared
//! whole, never by a hash alone: its inline content and its text style
//! (every field, through the style's `Debug` form, so that a field added
//! to [`TextStyle`] later is part of the key with no change here); and its
//! lines by the line breaker's [`Params`] (compared whole, so that a
//! changed cost or measure can never give stale lines) and the looseness.
//! The fonts are the shaper's own: kept paragraphs travel in the shaper's
//! [`crate::shape::ShapeCache`], which is dropped when the fonts change.
//!
//! A paragraph whose shaping warned (a character no font has) is not kept,
//! so that every build tells its warnings. What was not used by a build is
//! forgotten at its end ([`SetParagraphs::sweep`]), so that the cache holds
//! one build's paragraphs, not every version of an edited one.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHasher};

use crate::error::{Location, Result};
use crate::linebreak::{Mode, Params};
use crate::shape::{Paragraph, TextStyle};
use crate::statement::Inline;

use super::blocks::break_params;
use super::line::SetLine;
use super::Flow;

/// Paragraphs shaped and set by earlier builds (see the module docs); off,
/// and empty, unless made with [`SetParagraphs::kept`].
#[derive(Default)]
pub(crate) struct SetParagraphs {
    pub(super) on: bool,
    /// By a hash of content and style; the entries compared whole.
    shaped: FxHashMap<u64, Vec<Shaped>>,
    /// Paragraphs whose lines were taken from the cache since the last
    /// sweep, and in the build before it.
    hits: usize,
    last_hits: usize,
}

/// One paragraph as shaped, and the ways it has been set.
struct Shaped {
    content: Vec<Inline>,
    /// The [`TextStyle`]'s `Debug` form.
    style: String,
    paragraph: Arc<Paragraph>,
    set: Vec<Set>,
    used: bool,
}

/// A paragraph's lines for one set of breaking parameters and looseness.
struct Set {
    params: Params,
    looseness: i32,
    lines: Arc<Vec<SetLine>>,
    used: bool,
}

impl SetParagraphs {
    /// An empty cache that keeps what it is given (the shaper of a watch).
    pub(crate) fn kept() -> SetParagraphs {
        SetParagraphs { on: true, ..SetParagraphs::default() }
    }

    /// How many paragraphs are kept.
    pub(crate) fn len(&self) -> usize {
        self.shaped.values().map(Vec::len).sum()
    }

    /// How many paragraphs the last build (up to its sweep) set from the
    /// cache, lines and all.
    pub(crate) fn reused(&self) -> usize {
        self.last_hits
    }

    /// Forgets what was not used since the last sweep (a build's end).
    pub(crate) fn sweep(&mut self) {
        self.last_hits = std::mem::take(&mut self.hits);
        for list in self.shaped.values_mut() {
            list.retain(|s| s.used);
            for s in list.iter_mut() {
                s.used = false;
                s.set.retain(|l| l.used);
                s.set.iter_mut().for_each(|l| l.used = false);
            }
        }
        self.shaped.retain(|_, list| !list.is_empty());
    }
}

impl SetParagraphs {
    /// The kept paragraph `p`, found in bucket `key`.
    fn entry(&mut self, key: u64, p: &Arc<Paragraph>) -> Option<&mut Shaped> {
        self.shaped.get_mut(&key)?.iter_mut().find(|s| Arc::ptr_eq(&s.paragraph, p))
    }
}

impl std::fmt::Debug for SetParagraphs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetParagraphs").field("on", &self.on).field("kept", &self.len()).finish()
    }
}

/// The bucket of a paragraph's content and style.
fn bucket(content: &[Inline], style: &str) -> u64 {
    let mut h = FxHasher::default();
    for i in content {
        match i {
            Inline::Text(s) => {
                s.text.hash(&mut h);
                s.style.hash(&mut h);
                s.link.hash(&mut h);
            }
            Inline::LineBreak => 0xffu8.hash(&mut h),
        }
    }
    style.hash(&mut h);
    h.finish()
}

impl Flow<'_, '_> {
    /// Shapes `content` in `style` and sets it as
    /// [`Flow::set_paragraph_loose`] does, or takes both from an earlier
    /// build (see the module docs). Shared, so that the flow's own memo
    /// keeps the lines without a copy.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn set_kept(
        &mut self,
        content: &[Inline],
        style: &TextStyle,
        src: &Location,
        first_width: f32,
        width: f32,
        mode: Mode,
        looseness: i32,
    ) -> Result<Arc<Vec<SetLine>>> {
        if !self.shaper.set_paragraphs.on {
            let p = self.shaper.paragraph(content, style, src)?;
            return Ok(Arc::new(self.set_paragraph_loose(&p, first_width, width, mode, looseness)));
        }
        let style_key = format!("{style:?}");
        let key = bucket(content, &style_key);
        let found = self.shaper.set_paragraphs.shaped.get_mut(&key).and_then(|list| {
            list.iter_mut().find(|s| s.style == style_key && s.content.as_slice() == content)
        });
        let paragraph = match found {
            Some(s) => {
                s.used = true;
                s.paragraph.clone()
            }
            None => {
                let warned = self.shaper.warnings.len();
                let p = self.shaper.paragraph(content, style, src)?;
                if self.shaper.warnings.len() != warned {
                    // Told again by every build: not kept.
                    let lines = self.set_paragraph_loose(&p, first_width, width, mode, looseness);
                    return Ok(Arc::new(lines));
                }
                let p = Arc::new(p);
                self.shaper.set_paragraphs.shaped.entry(key).or_default().push(Shaped {
                    content: content.to_vec(),
                    style: style_key.clone(),
                    paragraph: p.clone(),
                    set: Vec::new(),
                    used: true,
                });
                p
            }
        };
        let params = break_params(&paragraph, first_width, width, mode, self.even());
        if let Some(s) = self.shaper.set_paragraphs.entry(key, &paragraph) {
            if let Some(l) =
                s.set.iter_mut().find(|l| l.params == params && l.looseness == looseness)
            {
                l.used = true;
                let lines = l.lines.clone();
                self.shaper.set_paragraphs.hits += 1;
                return Ok(lines);
            }
        }
        let lines =
            Arc::new(self.set_paragraph_loose(&paragraph, first_width, width, mode, looseness));
        if let Some(s) = self.shaper.set_paragraphs.entry(key, &paragraph) {
            s.set.push(Set { params, looseness, lines: lines.clone(), used: true });
        }
        Ok(lines)
    }
}
