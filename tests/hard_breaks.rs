//! A line that ends in a forced break (a hard line break, or the end of a
//! paragraph before a list or heading) is set at its natural spacing, flush
//! to the start, as TeX and Typst set it; only the other lines are
//! justified across the measure.

use std::path::Path;
use std::sync::OnceLock;

use handbill::fonts::{FontBook, FontSearch};
use handbill::pages::{LineInfo, LineKind};
use handbill::statement::{self, Statement};
use handbill::{spec, Vars};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn book() -> &'static FontBook {
    static BOOK: OnceLock<FontBook> = OnceLock::new();
    BOOK.get_or_init(|| FontSearch::default().load().expect("fonts load"))
}

/// Every laid-out line of `st` set with the layout `layout`.
fn lines(st: &Statement, layout: &str) -> Vec<LineInfo> {
    let sp = spec::load(layout, &[]).expect("layout loads");
    let (doc, _) = handbill::typeset(st, &sp, book(), &Vars::new()).expect("lays out");
    doc.pages.iter().flat_map(|p| p.lines.iter().cloned()).collect()
}

/// The line before the one that starts with `next`, within one paragraph.
fn line_before<'a>(lines: &'a [LineInfo], next: &str) -> &'a LineInfo {
    let k = lines
        .iter()
        .position(|l| l.text.trim_start().starts_with(next))
        .unwrap_or_else(|| panic!("no line starts with {next:?}"));
    assert!(k > 0 && lines[k].index > 0, "{next:?} starts its paragraph");
    &lines[k - 1]
}

/// Checks that a line keeps its natural spacing and falls short of the
/// measure, as a line ending in a forced break should (unless its words
/// fill the measure and it must shrink to fit).
fn assert_flush(line: &LineInfo, case: &str) {
    assert!(line.ratio <= 0.0, "{case}: {:?} is stretched (ratio {})", line.text, line.ratio);
    if line.ratio == 0.0 {
        assert!(
            line.natural < line.width - 1.0,
            "{case}: {:?} covers {} of {} pt",
            line.text,
            line.natural,
            line.width
        );
    }
}

#[test]
fn the_seed_address_line_is_set_flush_on_every_layout() {
    let path = Path::new(ROOT).join("tests/fixtures/seeds/001_86acad7a959e0f43.txt");
    let st = statement::load(&path).expect("seed parses");
    for (layout, _) in spec::shipped() {
        let lines = lines(&st, layout);
        let before = line_before(&lines, "Socialist Equality Party visit");
        assert!(before.text.trim_end().ends_with("and the"), "{layout}: {:?}", before.text);
        assert_flush(before, layout);
    }
}

#[test]
fn every_kind_of_forced_break_ends_a_flush_line() {
    let long = "The working class must build its own independent political movement \
        to challenge the dictatorship of the banks and corporations and fight for socialism.";
    let text = format!(
        "# Title\n\n\
         {long} Two spaces end this  \nline one.\n\n\
         {long} A backslash ends this\\\nline two.\n\n\
         {long} An HTML break ends this<br>line three.\n\n\
         {long} Then a list without a blank line.\n\
         - an item\n\n\
         {long} And a heading.\n\
         ## A heading\n\n\
         The end.\n"
    );
    let st = statement::parse(Path::new("breaks.md"), &text).expect("parses");
    let lines = lines(&st, "letter-2col");
    for next in ["line one.", "line two.", "line three."] {
        assert_flush(line_before(&lines, next), next);
    }
    for next in ["an item", "A heading"] {
        let k = lines.iter().position(|l| l.text.contains(next)).expect("laid out");
        let before = &lines[k - 1];
        assert_eq!(before.kind, LineKind::Body, "{next}");
        assert_eq!(before.index + 1, before.count, "{next}: not a paragraph's last line");
        assert_flush(before, next);
    }
    // The lines before them are justified to the measure.
    let full = lines.iter().filter(|l| l.kind == LineKind::Body && l.ratio > 0.0).count();
    assert!(full > 0, "no justified line at all");
}
