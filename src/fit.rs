//! Fitting: the largest body size at which a statement fills exactly the
//! layout's page count (`[fit] pages = N`).
//!
//! Shaped words are cached at 1 pt, so each candidate size costs a re-break
//! and re-flow, not a re-shape. Text area grows with the square of the size
//! (longer lines and more of them), which gives a good first guess; a few
//! bracketing steps then settle the size to 0.05 pt.

use crate::error::{Error, Location, Result, Warning};
use crate::flow::{self, Vars};
use crate::pages::{Document, LineKind};
use crate::shape::Shaper;
use crate::spec::LayoutSpec;
use crate::statement::Statement;

/// Sizes are chosen on this grid (points).
const STEP: f32 = 0.05;
/// At most this many layout passes after the first.
const MAX_PASSES: usize = 8;
/// Aim a little short of full, so the first guess usually fits.
const TARGET_SLACK: f32 = 0.04;
/// Leading factors tried when even `max-size` leaves the last page short.
const LEADING_STEPS: [f32; 4] = [1.05, 1.1, 1.15, 1.2];
/// Smaller sizes tried when the best one leaves the last page unbalanced.
const MAX_BALANCE_STEPS: usize = 4;

/// A finished fit.
#[derive(Debug)]
pub struct Fitted {
    /// The laid-out document at the chosen size.
    pub document: Document,
    /// Warnings of the chosen pass, plus fitting notes.
    pub warnings: Vec<Warning>,
    /// Layout passes made.
    pub passes: usize,
}

/// How full a document is, in pages: whole pages before the last, plus the
/// share of the last page's column height that is used.
pub fn fill(doc: &Document) -> f32 {
    let Some(last) = doc.pages.last() else { return 0.0 };
    let height = (last.column_bottom - last.column_top).max(1.0);
    let bottom = last
        .lines
        .iter()
        .filter(|l| !matches!(l.kind, LineKind::Masthead | LineKind::Footer))
        .map(|l| l.y)
        .fold(last.column_top, f32::max);
    (doc.pages.len() - 1) as f32 + ((bottom - last.column_top) / height).clamp(0.0, 1.0)
}

/// Tells whether the columns of the last page end within `line` of each
/// other (a line plus a paragraph gap, as callers pass it).
pub fn balanced(doc: &Document, leading: f32) -> bool {
    let Some(last) = doc.pages.last() else { return true };
    let mut bottoms: Vec<f32> = Vec::new();
    for l in last.lines.iter().filter(|l| !matches!(l.kind, LineKind::Masthead | LineKind::Footer))
    {
        if bottoms.len() <= l.column {
            bottoms.resize(l.column + 1, f32::MIN);
        }
        bottoms[l.column] = bottoms[l.column].max(l.y);
    }
    let used: Vec<f32> = bottoms.into_iter().filter(|&b| b > f32::MIN).collect();
    let hi = used.iter().copied().fold(f32::MIN, f32::max);
    let lo = used.iter().copied().fold(f32::MAX, f32::min);
    used.len() < 2 || hi - lo <= leading + 0.5
}

/// Finds the largest body size in `[fit.min-size, fit.max-size]` at which
/// the statement fits on `fit.pages` pages, and lays it out at that size.
///
/// Fails, saying how much does not fit, when even the smallest size needs
/// more pages.
pub fn fit(
    shaper: &mut Shaper<'_>,
    statement: &Statement,
    spec: &LayoutSpec,
    vars: &Vars,
) -> Result<Fitted> {
    let n = spec.fit.pages as usize;
    let (lo, hi) = (spec.fit.min_size, spec.fit.max_size.max(spec.fit.min_size));
    let mut passes = 0;
    // One layout pass at `size`, with the leading (and paragraph spacing)
    // opened by `loose`.
    let mut run_loose = |size: f32, loose: f32, passes: &mut usize| {
        *passes += 1;
        let mut s = spec.scaled_to(size);
        s.body.leading *= loose;
        s.body.paragraph_spacing *= loose;
        flow::flow_with(shaper, statement, &s, vars)
    };
    let snap = |s: f32| ((s / STEP).round() * STEP).clamp(lo, hi);

    // Best fitting (largest size with ≤ n pages) and smallest overflowing.
    let mut fits: Option<(f32, Document, Vec<Warning>)> = None;
    let mut over: Option<f32> = None;
    let mut size = snap(spec.body.size);
    for _ in 0..=MAX_PASSES {
        let (doc, warnings) = run_loose(size, 1.0, &mut passes)?;
        let f = fill(&doc);
        let ok = doc.pages.len() <= n;
        if ok {
            if fits.as_ref().is_none_or(|(s, ..)| size > *s) {
                fits = Some((size, doc, warnings));
            }
        } else if over.is_none_or(|o| size < o) {
            over = Some(size);
        }
        let low = fits.as_ref().map_or(lo, |(s, ..)| *s);
        let high = over.unwrap_or(hi + STEP);
        if high - low <= STEP + 1e-3 || (ok && size >= hi) || (!ok && size <= lo) {
            break;
        }
        // Area ∝ size²: from an overflowing size aim just short of n pages,
        // from a fitting one at n full pages; then stay strictly inside the
        // bracket, a grid step from its ends at least.
        let target = if ok { n as f32 } else { n as f32 - TARGET_SLACK };
        let guess = snap(size * (target / f.max(0.01)).sqrt());
        let next = guess.clamp(snap(low + STEP), snap(high - STEP));
        if next <= low + 1e-3 || next >= high - 1e-3 || (next - size).abs() < 1e-3 {
            // The bracket is as tight as the grid allows.
            if fits.is_some() || size <= lo {
                break;
            }
            size = lo;
            continue;
        }
        size = next;
    }
    // At the largest fitting size the last page is often full, and keep
    // rules may then leave its columns two lines apart; a step or two
    // smaller breaks the text differently and usually balances.
    if let Some((size, doc, _)) = &fits {
        let mut s = *size;
        if spec.page.balance
            && spec.page.columns > 1
            && !balanced(
                doc,
                (spec.body.leading + spec.body.paragraph_spacing) * s / spec.body.size,
            )
        {
            for _ in 0..MAX_BALANCE_STEPS {
                s = snap(s - STEP);
                if s <= lo - 1e-3 || (s - lo).abs() < 1e-3 && s >= *size {
                    break;
                }
                let (d, w) = run_loose(s, 1.0, &mut passes)?;
                if d.pages.len() == n
                    && balanced(
                        &d,
                        (spec.body.leading + spec.body.paragraph_spacing) * s / spec.body.size,
                    )
                {
                    fits = Some((s, d, w));
                    break;
                }
            }
        }
    }
    // At `max-size` a short text may leave the last page nearly empty:
    // open the leading (and paragraph spacing) a little to fill it.
    if let Some((size, doc, _)) = &fits {
        let short = doc.pages.len() == n && fill(doc) - (n as f32 - 1.0) < 0.6;
        if *size >= hi - 1e-3 && short {
            let size = *size;
            for k in LEADING_STEPS {
                let (d, w) = run_loose(size, k, &mut passes)?;
                if d.pages.len() > n {
                    break;
                }
                let done = fill(&d) - (n as f32 - 1.0) >= 0.6;
                fits = Some((size, d, w));
                if done {
                    break;
                }
            }
        }
    }
    match fits {
        Some((size, document, mut warnings)) => {
            if document.pages.len() < n && size >= hi - 1e-3 {
                warnings.push(Warning::new(
                    spec_location(spec),
                    format!(
                        "the statement fills only {} of {n} pages even at `fit.max-size` ({})",
                        document.pages.len(),
                        pt(hi)
                    ),
                ));
            }
            let f = fill(&document);
            let last = f - (document.pages.len() - 1) as f32;
            if document.pages.len() == n && last < 0.6 {
                let why = if size >= hi - 1e-3 {
                    format!(" even at `fit.max-size` ({}); raise it, or set fewer pages", pt(hi))
                } else {
                    String::new()
                };
                warnings.push(Warning::new(
                    spec_location(spec),
                    format!("the last page is only {:.0} % full{why}", last * 100.0),
                ));
            }
            Ok(Fitted { document, warnings, passes })
        }
        None => {
            // Even the smallest size overflows: say by how much.
            let (doc, _) = run_loose(lo, 1.0, &mut passes)?;
            let extra: Vec<&crate::pages::LineInfo> = doc
                .pages
                .iter()
                .skip(n)
                .flat_map(|p| &p.lines)
                .filter(|l| !matches!(l.kind, LineKind::Masthead | LineKind::Footer))
                .collect();
            let words: usize = extra.iter().map(|l| l.text.split_whitespace().count()).sum();
            Err(Error::new(
                spec_location(spec),
                format!(
                    "the statement does not fit on {n} page{} even at `fit.min-size` ({}): \
                     {} more line{} (about {words} words) would need page {}",
                    if n == 1 { "" } else { "s" },
                    pt(lo),
                    extra.len(),
                    if extra.len() == 1 { "" } else { "s" },
                    n + 1
                ),
                "shorten the statement, allow more pages (`fit.pages`), or lower `fit.min-size`",
            ))
        }
    }
}

fn spec_location(spec: &LayoutSpec) -> Location {
    spec.path.as_ref().map(Location::file).unwrap_or_default()
}

fn pt(v: f32) -> String {
    let s = format!("{v:.2}");
    format!("{}pt", s.trim_end_matches('0').trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::{shipped_dir, FontBook};
    use crate::statement::parse;
    use std::path::Path;

    fn text(paragraphs: usize) -> String {
        let p = "Workers and young people are taking to the streets across the country \
                 to oppose the occupation of their cities and the attack on democratic rights. ";
        (0..paragraphs).map(|_| p.repeat(3)).collect::<Vec<_>>().join("\n\n")
    }

    fn spec(pages: u32) -> LayoutSpec {
        let mut s = LayoutSpec::default();
        s.fit.pages = pages;
        s
    }

    #[test]
    fn fills_the_page_count_with_the_largest_size() {
        let book = FontBook::load(&[shipped_dir()]).unwrap();
        let st = parse(Path::new("t.md"), &text(12)).unwrap();
        let sp = spec(1);
        let mut shaper = Shaper::new(&book);
        let f = fit(&mut shaper, &st, &sp, &Vars::new()).unwrap();
        assert_eq!(f.document.pages.len(), 1);
        let size = f.document.body_size;
        assert!(size >= sp.fit.min_size && size <= sp.fit.max_size, "{size}");
        // One step larger no longer fits.
        if size + STEP <= sp.fit.max_size {
            let (bigger, _) =
                flow::flow_with(&mut shaper, &st, &sp.scaled_to(size + STEP), &Vars::new())
                    .unwrap();
            assert!(bigger.pages.len() > 1, "{size} was not the largest");
        }
        assert!(f.passes <= MAX_PASSES + 1);
    }

    #[test]
    fn too_long_says_how_much_overflows() {
        let book = FontBook::load(&[shipped_dir()]).unwrap();
        let st = parse(Path::new("t.md"), &text(200)).unwrap();
        let e = fit(&mut Shaper::new(&book), &st, &spec(1), &Vars::new()).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("does not fit on 1 page") && msg.contains("lines"), "{msg}");
        assert!(msg.contains("fit.min-size"), "{msg}");
    }

    #[test]
    fn short_text_uses_max_size_and_warns() {
        let book = FontBook::load(&[shipped_dir()]).unwrap();
        let st = parse(Path::new("t.md"), &text(2)).unwrap();
        let f = fit(&mut Shaper::new(&book), &st, &spec(2), &Vars::new()).unwrap();
        assert_eq!(f.document.body_size, 12.0);
        assert!(f.warnings.iter().any(|w| w.message.contains("fills only 1 of 2")));
    }
}
