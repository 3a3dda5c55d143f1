//! Stage 4: paragraph breaking over boxes, glue and penalties.
//!
//! The shaping stage turns a paragraph into [`Item`]s; this stage chooses the
//! breakpoints and reports, per line, where it ends and how much its glue was
//! stretched or shrunk. It knows nothing of glyphs or fonts.

/// Penalty at or above which a break is forbidden.
pub const INFINITY: f32 = 10_000.0;

/// One element of a paragraph, in the sense of Knuth and Plass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item {
    /// Unbreakable material of a fixed width (a word or word fragment).
    Box {
        /// Natural width.
        width: f32,
        /// How far its first glyph may hang into the left margin at a line
        /// start (hanging punctuation); 0 if none.
        hang_start: f32,
        /// How far its last glyph may hang into the right margin at a line end.
        hang_end: f32,
    },
    /// Space that may stretch or shrink, and where a line may break.
    Glue {
        /// Natural width.
        width: f32,
        /// Maximum comfortable stretch.
        stretch: f32,
        /// Maximum shrink.
        shrink: f32,
    },
    /// A possible break with a cost; `width` is material added only if the
    /// line breaks here (a hyphen).
    Penalty {
        /// Width added at a break here.
        width: f32,
        /// Cost of breaking here; `>= INFINITY` forbids, `<= -INFINITY` forces.
        penalty: f32,
        /// A flagged (hyphen) break: consecutive ones cost extra.
        flagged: bool,
        /// How far the added material (hyphen) may hang into the right margin.
        hang_end: f32,
    },
}

/// How lines are aligned, which changes how breaks are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Both edges flush: glue stretches and shrinks.
    Justify,
    /// Ragged right: glue keeps its natural width, lines should be even.
    Ragged,
}

/// What the breaker needs to know besides the items.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Width of the first line.
    pub first_width: f32,
    /// Width of every other line.
    pub width: f32,
    /// Justified or ragged.
    pub mode: Mode,
}

/// One chosen line break.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    /// Index of the item the line ends at (a glue or penalty; the last item
    /// of the paragraph for the final line). The line's content is the items
    /// after the previous break (skipping leading glue/penalties) up to, not
    /// including, this one.
    pub index: usize,
    /// Adjustment ratio: > 0 stretched, < 0 shrunk, relative to available
    /// stretch/shrink. 0 for the last line and for ragged lines.
    pub ratio: f32,
    /// The line ends with an inserted hyphen.
    pub hyphen: bool,
}

/// Chooses line breaks for a paragraph.
///
/// The items must end with a forced break (penalty `-INFINITY`). Never
/// returns a line wider than its measure unless a single box is wider.
pub fn linebreak(items: &[Item], params: &Params) -> Vec<Break> {
    greedy(items, params)
}

/// First-fit breaking: takes as many items as fit on each line.
fn greedy(items: &[Item], params: &Params) -> Vec<Break> {
    let mut breaks = Vec::new();
    let mut start = 0;
    let mut line = 0usize;
    while start < items.len() {
        let measure = if line == 0 { params.first_width } else { params.width };
        let mut width = 0.0;
        let mut shrink = 0.0;
        let mut stretch = 0.0;
        let mut last_fit: Option<(usize, f32, f32, f32)> = None;
        let mut i = start;
        let mut chosen = None;
        while i < items.len() {
            match items[i] {
                Item::Box { width: w, .. } => width += w,
                Item::Glue { width: w, stretch: st, shrink: sh } => {
                    if i > start && matches!(items[i - 1], Item::Box { .. }) {
                        if width - shrink <= measure {
                            last_fit = Some((i, width, stretch, shrink));
                        } else {
                            break;
                        }
                    }
                    width += w;
                    stretch += st;
                    shrink += sh;
                }
                Item::Penalty { width: w, penalty, .. } => {
                    if penalty <= -INFINITY {
                        if width - shrink <= measure || last_fit.is_none() {
                            chosen = Some((i, width, stretch, shrink, false));
                        }
                        break;
                    }
                    if penalty < INFINITY {
                        if width + w - shrink <= measure {
                            last_fit = Some((i, width + w, stretch, shrink));
                        } else {
                            break;
                        }
                    }
                }
            }
            i += 1;
        }
        let (end, w, st, sh, last) = match chosen {
            Some((e, w, st, sh, _)) => (e, w, st, sh, true),
            None => match last_fit {
                Some((e, w, st, sh)) => (e, w, st, sh, false),
                // A single box wider than the measure: break after it.
                None => {
                    let e = (start + 1..items.len())
                        .find(|&j| !matches!(items[j], Item::Box { .. }))
                        .unwrap_or(items.len() - 1);
                    (e, measure, 0.0, 0.0, false)
                }
            },
        };
        let hyphen = matches!(items[end], Item::Penalty { flagged: true, width, .. } if width > 0.0)
            && !last;
        let ratio = if last || params.mode == Mode::Ragged {
            0.0
        } else if w < measure {
            if st > 0.0 {
                ((measure - w) / st).min(10.0)
            } else {
                0.0
            }
        } else if w > measure && sh > 0.0 {
            ((measure - w) / sh).max(-1.0)
        } else {
            0.0
        };
        breaks.push(Break { index: end, ratio, hyphen });
        if last || end + 1 >= items.len() {
            break;
        }
        start = end + 1;
        // Discardable items after a break vanish.
        while start < items.len() && !matches!(items[start], Item::Box { .. }) {
            if matches!(items[start], Item::Penalty { penalty, .. } if penalty <= -INFINITY) {
                break;
            }
            start += 1;
        }
        line += 1;
    }
    breaks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(w: f32) -> Item {
        Item::Box { width: w, hang_start: 0.0, hang_end: 0.0 }
    }
    fn space() -> Item {
        Item::Glue { width: 1.0, stretch: 0.5, shrink: 0.33 }
    }
    fn end() -> [Item; 2] {
        [
            Item::Glue { width: 0.0, stretch: 1000.0, shrink: 0.0 },
            Item::Penalty { width: 0.0, penalty: -INFINITY, flagged: false, hang_end: 0.0 },
        ]
    }

    #[test]
    fn breaks_within_measure() {
        let mut items = vec![];
        for _ in 0..10 {
            items.push(word(3.0));
            items.push(space());
        }
        items.pop();
        items.extend(end());
        let breaks =
            linebreak(&items, &Params { first_width: 10.0, width: 10.0, mode: Mode::Justify });
        assert!(breaks.len() >= 3);
        assert_eq!(breaks.last().unwrap().index, items.len() - 1);
    }
}
