//! Units sketched as strings, for the tests of filling and balancing.
//!
//! In a sketch each word is a paragraph and each letter one of its lines,
//! [`LEAD`] high; a `-` after a letter ends that line with a hyphen. An
//! uppercase word is a heading: no column ends inside it or right after
//! it. Other paragraphs keep two lines together at either end (widows and
//! orphans). A paragraph after the first has `gap` above it.
//!
//! Columns are written back the same way, split by `|`:
//! `"aaa|a-aa bb"` is a column of three lines of `a`, then a column with
//! the rest of `a` (its first line ending with a hyphen) and `b`.

use std::ops::Range;

use crate::pages::{LineInfo, LineKind};

use super::blocks::Limits;
use super::{Keep, Unit};

/// Height of a sketched line.
pub(super) const LEAD: f32 = 10.0;

/// Builds the units a sketch describes.
pub(super) fn units(sketch: &str, gap: f32) -> Vec<Unit> {
    let body = Limits { orphans: 2, widows: 2 };
    let mut out: Vec<Unit> = Vec::new();
    let mut after_heading = false;
    for (pno, word) in sketch.split_whitespace().enumerate() {
        let heading = word.chars().all(|c| c.is_uppercase() || c == '-');
        let limits = if heading { Limits::NONE } else { body };
        // (letter, ends with a hyphen), read off the word.
        let lines: Vec<(char, bool)> = {
            let cs: Vec<char> = word.chars().collect();
            cs.iter()
                .enumerate()
                .filter(|(_, c)| **c != '-')
                .map(|(k, c)| (*c, cs.get(k + 1) == Some(&'-')))
                .collect()
        };
        let n = lines.len();
        let mut after_hyphen = false;
        for (i, &(letter, hyphen)) in lines.iter().enumerate() {
            let mut keep = limits.keep(i, n, after_hyphen);
            if heading && i > 0 || after_heading && i == 0 {
                keep.tighten();
            }
            after_hyphen = hyphen;
            out.push(Unit {
                height: LEAD,
                space_before: if i == 0 && pno > 0 { gap } else { 0.0 },
                keep,
                elements: Vec::new(),
                links: Vec::new(),
                lines: vec![LineInfo {
                    paragraph: pno,
                    index: i,
                    count: n,
                    column: 0,
                    ratio: 0.0,
                    hyphen,
                    x: 0.0,
                    y: LEAD * 0.8,
                    width: 0.0,
                    natural: 0.0,
                    kind: if heading { LineKind::Heading } else { LineKind::Body },
                    text: letter.to_string(),
                }],
            });
        }
        after_heading = heading;
    }
    out
}

/// Writes columns of `units` as a sketch.
pub(super) fn columns(units: &[Unit], cols: &[Range<usize>]) -> String {
    let column = |r: &Range<usize>| {
        let mut s = String::new();
        for k in r.clone() {
            let l = &units[k].lines[0];
            if k > r.start && l.index == 0 {
                s.push(' ');
            }
            s.push_str(&l.text);
            if l.hyphen {
                s.push('-');
            }
        }
        s
    };
    cols.iter().map(column).collect::<Vec<_>>().join("|")
}

#[test]
fn sketches_read_back_as_written() {
    let sketch = "aaa-aa bb HH cc";
    let units = units(sketch, 0.0);
    let whole = std::iter::once(0..units.len()).collect::<Vec<_>>();
    assert_eq!(columns(&units, &whole), sketch);
    let keeps: String = units
        .iter()
        .map(|u| match u.keep {
            Keep::Free => '.',
            Keep::Soft => '~',
            Keep::Hard => '+',
        })
        .collect();
    // Orphans and widows hold two lines, the line after a hyphen keeps
    // softly, a heading holds together and to what follows.
    assert_eq!(keeps, ".+.~+.+.+++");
}
