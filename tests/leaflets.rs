//! Every statement with every shipped layout: built, then checked the way a
//! reader and a print shop would — by reading the PDF back — and the flow
//! rules checked on the laid-out pages.
//!
//! The PDF checks use poppler's `pdftotext`, `pdffonts` and `pdfinfo`, and
//! qpdf (`.ci/run` installs them). Without them the PDF half is skipped with
//! a message, except under CI, where their absence fails the test.

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

use common::{
    book, joined_text, layout, load, require_tool, run_tool as run, shipped_layouts as layouts,
    statement_tokens, statements, text_lines, tokens,
};
use handbill::pages::LineKind;
use handbill::spec::LayoutSpec;
use handbill::{build, Vars};

/// Words of `pdftotext -raw` (content order), with words split by an inserted
/// hyphen at a line end joined again when the joined word is in `vocab`.
fn pdf_tokens(text: &str, vocab: &HashSet<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pending_hyphen = false;
    for line in text.lines() {
        let mut toks = tokens(line);
        if pending_hyphen && !toks.is_empty() {
            if let Some(last) = out.pop() {
                let joined = format!("{last}{}", toks[0]);
                if vocab.contains(&joined) {
                    out.push(joined);
                    toks.remove(0);
                } else if let Some(words) = split_words(&joined, vocab) {
                    out.extend(words);
                    toks.remove(0);
                } else if let Some(words) = (toks.len() == 1 && line.trim_end().ends_with('-'))
                    .then(|| split_before_tail(&joined, vocab))
                    .flatten()
                {
                    // The line is one glued token, ending in the first
                    // part of a word the next line completes.
                    out.extend(words);
                    toks.remove(0);
                } else {
                    out.push(last);
                }
            }
        }
        pending_hyphen = line.trim_end().ends_with(['-', '\u{2010}', '\u{AD}']);
        // pdftotext drops some spaces between words: no-break spaces, and
        // in content order (`-raw`) any space under 0.15 em, which a tightly
        // justified line has (its reading order splits words at 0.1 em).
        // Split a token that is no word of the statement into words that
        // are (not the part before a line-end hyphen, which the next line
        // completes).
        let n = toks.len();
        for (k, t) in toks.into_iter().enumerate() {
            let keep = vocab.contains(&t) || (pending_hyphen && k + 1 == n);
            match if keep { None } else { split_words(&t, vocab) } {
                Some(words) => out.extend(words),
                None => out.push(t),
            }
        }
    }
    out
}

/// `t` as words of `vocab` followed by the first part of a word broken
/// at the line end (which the next line completes), if it is glued so.
fn split_before_tail(t: &str, vocab: &HashSet<String>) -> Option<Vec<String>> {
    let cuts: Vec<usize> = t.char_indices().map(|(i, _)| i).skip(1).collect();
    cuts.into_iter().rev().find_map(|c| {
        let (head, tail) = t.split_at(c);
        let mut words =
            if vocab.contains(head) { vec![head.to_string()] } else { split_words(head, vocab)? };
        words.push(tail.to_string());
        Some(words)
    })
}

/// `t` as the fewest words of `vocab` that spell it, if any do.
fn split_words(t: &str, vocab: &HashSet<String>) -> Option<Vec<String>> {
    let cuts: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
    // best[k]: fewest words spelling t[..cuts[k]], and where the last starts.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; cuts.len()];
    best[0] = Some((0, 0));
    for k in 1..cuts.len() {
        for j in 0..k {
            let Some((n, _)) = best[j] else { continue };
            if vocab.contains(&t[cuts[j]..cuts[k]]) && best[k].is_none_or(|(m, _)| n + 1 < m) {
                best[k] = Some((n + 1, j));
            }
        }
    }
    let mut words = Vec::new();
    let mut k = cuts.len() - 1;
    while k > 0 {
        let (_, j) = best[k]?;
        words.push(t[cuts[j]..cuts[k]].to_string());
        k = j;
    }
    words.reverse();
    (words.len() > 1).then_some(words)
}

/// Index of the first word of `want` that is missing from `have` when both
/// are read in order, or `None` when every word is there in order.
fn first_missing(want: &[String], have: &[String]) -> Option<usize> {
    let mut j = 0;
    for (i, w) in want.iter().enumerate() {
        while j < have.len() && &have[j] != w {
            j += 1;
        }
        if j == have.len() {
            return Some(i);
        }
        j += 1;
    }
    None
}

/// Reads `(MediaBox, TrimBox)` of page 1 from `pdfinfo -box`, which must
/// say nothing else of the file (poppler reports what it finds wrong on
/// standard error, which anyone checking a leaflet with it reads).
fn boxes(pdf: &Path) -> ([f32; 4], [f32; 4]) {
    let o = Command::new("pdfinfo").args(["-box", pdf.to_str().unwrap()]).output().unwrap();
    assert!(o.status.success(), "pdfinfo {}", pdf.display());
    let complaints = String::from_utf8_lossy(&o.stderr);
    assert!(complaints.is_empty(), "pdfinfo on {}: {complaints}", pdf.display());
    let info = String::from_utf8_lossy(&o.stdout);
    let get = |name: &str| -> [f32; 4] {
        let line = info.lines().find(|l| l.starts_with(name)).expect(name);
        let v: Vec<f32> =
            line[name.len() + 1..].split_whitespace().map(|x| x.parse().unwrap()).collect();
        [v[0], v[1], v[2], v[3]]
    };
    (get("MediaBox"), get("TrimBox"))
}

/// The text of a PDF as `pdftotext -raw` reads it: whole pages, or for a
/// folded or bound layout each panel or page cut out of its sheet side
/// (`-x -y -W -H`) in reading order.
fn reading_text(pdf: &Path, sp: &LayoutSpec, doc: &handbill::pages::Document) -> String {
    let f = pdf.to_str().unwrap();
    if sp.fold.style == handbill::spec::FoldStyle::None {
        return run("pdftotext", &["-raw", "-enc", "UTF-8", f, "-"]);
    }
    let (pw, ph) = (doc.pages[0].width, doc.pages[0].height);
    let sides = handbill::impose::impose(doc.pages.len(), pw, ph, sp).expect("a folded sheet");
    let mut text = String::new();
    for page in 0..doc.pages.len() {
        let (side, pl) = sides
            .iter()
            .enumerate()
            .find_map(|(i, s)| s.placements.iter().find(|p| p.page == page).map(|p| (i, p)))
            .unwrap_or_else(|| panic!("{}: page {} is on no sheet", sp.id, page + 1));
        let m = sides[side].margin;
        let n = (side + 1).to_string();
        let a = pl.trim;
        let [x, y, w, h] = [a.x + m, a.y + m, a.w, a.h].map(|v| v.round().to_string());
        text.push_str(&run(
            "pdftotext",
            &[
                "-raw", "-enc", "UTF-8", "-f", &n, "-l", &n, "-x", &x, "-y", &y, "-W", &w, "-H",
                &h, f, "-",
            ],
        ));
        text.push('\n');
    }
    text
}

#[test]
fn every_statement_with_every_layout_reads_back_whole() {
    let pdf_tools = ["pdftotext", "pdffonts", "pdfinfo", "qpdf"].map(require_tool) == [true; 4];
    let dir = tempfile::tempdir().expect("temp dir");
    for path in statements() {
        let st = load(&path);
        let want = statement_tokens(&st);
        let vocab: HashSet<String> = want.iter().cloned().collect();
        for sp in layouts() {
            let case = format!("{} × {}", st.name, sp.id);
            let out =
                build(&st, &sp, book(), &Vars::new()).unwrap_or_else(|e| panic!("{case}: {e}"));
            assert!(!out.document.pages.is_empty(), "{case}: no pages");
            // The laid-out pages hold every word in order (before any PDF).
            let laid = joined_text(text_lines(&out.document));
            if let Some(i) = first_missing(&want, &tokens(&laid)) {
                panic!("{case}: laid-out pages lose `{}` (word {i})", want[i]);
            }
            if !pdf_tools {
                continue;
            }
            let file = dir.path().join(format!("{}-{}.pdf", st.name, sp.id));
            std::fs::write(&file, &out.pdf).expect("write pdf");
            let f = file.to_str().unwrap();
            // Words, in content order; on a folded sheet, panel by panel
            // (page by page of a booklet) in reading order.
            let text = reading_text(&file, &sp, &out.document);
            let have = pdf_tokens(&text, &vocab);
            if let Some(i) = first_missing(&want, &have) {
                let ctx = want[i.saturating_sub(5)..(i + 5).min(want.len())].join(" ");
                panic!("{case}: word {i} `{}` not found in order in the PDF (…{ctx}…)", want[i]);
            }
            // The file is structurally sound.
            let o = Command::new("qpdf").args(["--check", f]).output().expect("qpdf");
            assert!(
                o.status.success(),
                "{case}: qpdf --check: {}",
                String::from_utf8_lossy(&o.stdout)
            );
            // Fonts: all embedded and subset.
            let fonts = run("pdffonts", &[f]);
            let rows: Vec<&str> = fonts.lines().skip(2).collect();
            assert!(!rows.is_empty(), "{case}: no fonts");
            for r in rows {
                let cols: Vec<&str> = r.split_whitespace().collect();
                let n = cols.len();
                assert!(
                    n >= 6 && cols[n - 5] == "yes" && cols[n - 4] == "yes",
                    "{case}: font not embedded+subset: {r}"
                );
                assert!(cols[0].contains('+'), "{case}: font name without subset tag: {r}");
            }
            // Boxes: the trim is the layout's page (or sheet when imposed).
            let (media, trim) = boxes(&file);
            let (w, h) = sp.print.sheet.unwrap_or((sp.page.width, sp.page.height));
            let tw = trim[2] - trim[0];
            let th = trim[3] - trim[1];
            let fits = |a: f32, b: f32| (a - b).abs() < 0.5;
            assert!(
                (fits(tw, w) && fits(th, h)) || (fits(tw, h) && fits(th, w)),
                "{case}: trim {tw}×{th}, want {w}×{h}"
            );
            let bleed = if sp.print.sheet.is_some() { 0.0 } else { sp.page.bleed };
            assert!(
                media[2] - media[0] >= tw + 2.0 * bleed - 0.5,
                "{case}: media smaller than trim + bleed"
            );
        }
    }
}

#[test]
fn flow_rules_hold_on_every_statement_and_layout() {
    let mut balance_cases = 0;
    let mut unbalanced = Vec::new();
    for path in statements() {
        let st = load(&path);
        for sp in layouts() {
            let case = format!("{} × {}", st.name, sp.id);
            let (doc, _) = handbill::typeset(&st, &sp, book(), &Vars::new()).expect(&case);
            let n = doc.pages.len();
            for pi in 0..n {
                let cols = doc.columns(pi);
                let last_page = pi + 1 == n;
                for (ci, col) in cols.iter().enumerate() {
                    let (Some(first), Some(last)) = (col.first(), col.last()) else { continue };
                    let at = format!("{case}, page {} column {}", pi + 1, ci + 1);
                    let end_of_flow = last_page && ci + 1 == cols.len();
                    if !end_of_flow {
                        assert!(
                            last.kind != LineKind::Heading,
                            "{at}: ends with a heading: {}",
                            last.text
                        );
                        if last.kind == LineKind::Body && last.count > 1 {
                            assert!(
                                last.index + 1 >= 2 || last.index + 1 == last.count,
                                "{at}: orphan: {}",
                                last.text
                            );
                        }
                    }
                    if first.kind == LineKind::Body && first.count > 1 && first.index > 0 {
                        assert!(first.count - first.index >= 2, "{at}: widow: {}", first.text);
                        assert!(
                            first.index >= 2,
                            "{at}: paragraph split after its first line: {}",
                            first.text
                        );
                    }
                }
                // The last page's columns end level: within one line plus a
                // paragraph gap (the gap falls away at a column top).
                if last_page && cols.len() > 1 && sp.page.balance {
                    let bottoms: Vec<f32> =
                        cols.iter().filter_map(|c| c.last().map(|l| l.y)).collect();
                    if bottoms.len() == cols.len() {
                        let hi = bottoms.iter().copied().fold(f32::MIN, f32::max);
                        let lo = bottoms.iter().copied().fold(f32::MAX, f32::min);
                        // Of the size actually used (fitting may have scaled it).
                        let k = doc.body_size / sp.body.size;
                        let allowed = (sp.body.leading + sp.body.paragraph_spacing) * k + 0.5;
                        balance_cases += 1;
                        if hi - lo > allowed {
                            unbalanced.push(format!(
                                "{case}: {:.2} lines apart, end at {bottoms:?}",
                                (hi - lo) / (sp.body.leading * k)
                            ));
                        }
                        // Widow, orphan and keep rules may forbid the even
                        // split; never more than two lines apart.
                        assert!(hi - lo <= 2.0 * allowed, "{case}: columns end at {bottoms:?}");
                    }
                }
                // Nothing outside its column.
                for l in &doc.pages[pi].lines {
                    assert!(
                        l.natural <= l.width + 0.6 * sp.body.size.max(10.0),
                        "{case}: overfull: {}",
                        l.text
                    );
                }
            }
        }
    }
    assert!(balance_cases > 0);
    // Setting a paragraph a line looser or tighter, or opening the gaps of
    // the shorter columns, levels every case.
    assert!(unbalanced.is_empty(), "last page columns not level:\n{}", unbalanced.join("\n"));
}

#[test]
fn laid_out_lines_expose_ratio_and_hyphen() {
    let path = &statements()[1];
    let st = load(path);
    let sp = layout("letter-2col", &[]);
    let (doc, _) = handbill::typeset(&st, &sp, book(), &Vars::new()).expect("typesets");
    let body: Vec<_> =
        doc.pages.iter().flat_map(|p| &p.lines).filter(|l| l.kind == LineKind::Body).collect();
    assert!(body.iter().any(|l| l.hyphen), "no hyphenated line at all");
    // Justified lines are stretched or shrunk within the breaker's limits.
    for l in body.iter().filter(|l| l.index + 1 < l.count) {
        assert!(l.ratio >= -1.0 && l.ratio <= 3.0, "ratio {} on `{}`", l.ratio, l.text);
    }
    // A hyphenated line's text ends with the hyphen the reader sees.
    for l in body.iter().filter(|l| l.hyphen) {
        assert!(l.text.ends_with('-'), "{}", l.text);
    }
}

/// Words of page 1 as `pdftotext -bbox` places them: (text, xMin, yMin,
/// xMax, yMax), y from the top.
fn word_boxes(pdf: &Path) -> Vec<(String, f32, f32, f32, f32)> {
    let html = run("pdftotext", &["-bbox", "-f", "1", "-l", "1", pdf.to_str().unwrap(), "-"]);
    let attr = |line: &str, name: &str| -> f32 {
        let at = line.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
        line[at..].split('"').next().unwrap().parse().unwrap()
    };
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .map(|l| {
            let text = l.split('>').nth(1).unwrap_or("").split('<').next().unwrap_or("");
            let text = text.replace("&amp;", "&").replace("&quot;", "\"");
            (text, attr(l, "xMin"), attr(l, "yMin"), attr(l, "xMax"), attr(l, "yMax"))
        })
        .collect()
}

#[test]
fn justified_lines_expand_their_glyphs_within_two_percent() {
    let st = load(&statements()[2]);
    let sp = layout("letter-2col", &[]);
    let out = build(&st, &sp, book(), &Vars::new()).expect("builds");
    let page = &out.document.pages[0];
    // One factor per line, within ±2 %, both ways on a page of text.
    let mut per_line: Vec<((i64, i64), f32)> = Vec::new();
    for e in &page.elements {
        if let handbill::pages::Element::Text(r) = e {
            assert!((0.98 - 1e-4..=1.02 + 1e-4).contains(&r.expand), "expand {}", r.expand);
            let key = ((r.y * 10.0) as i64, (r.x / (page.width / 2.0)) as i64);
            match per_line.iter().find(|(k, _)| *k == key) {
                Some((_, f)) => assert!((f - r.expand).abs() < 1e-6, "two factors on one line"),
                None => per_line.push((key, r.expand)),
            }
        }
    }
    assert!(per_line.iter().any(|(_, f)| *f > 1.001) && per_line.iter().any(|(_, f)| *f < 0.999));
    if !require_tool("pdftotext") {
        return;
    }
    // In the PDF, a justified line's last word ends at the measure, as laid
    // out: the glyphs are scaled and placed consistently.
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = dir.path().join("flyer.pdf");
    std::fs::write(&pdf, &out.pdf).expect("write");
    let words = word_boxes(&pdf);
    let mut checked = 0;
    for l in page.lines.iter().filter(|l| l.kind == LineKind::Body && l.index + 1 < l.count) {
        // Lines ending in punctuation hang it into the margin.
        let Some(last) = l
            .text
            .split(' ')
            .next_back()
            .filter(|w| w.chars().last().is_some_and(char::is_alphanumeric))
        else {
            continue;
        };
        let found = words
            .iter()
            .filter(|w| w.0 == last && w.2 < l.y && l.y < w.4)
            // On this line of this column (the next column has one at the
            // same height).
            .filter(|w| w.1 >= l.x - 1.0 && w.1 < l.x + l.width)
            .max_by(|a, b| a.3.total_cmp(&b.3));
        let Some(w) = found else { panic!("`{last}` of `{}` not found", l.text) };
        let right = l.x + l.width;
        assert!((w.3 - right).abs() < 0.3, "`{}` ends at {} not {right}", l.text, w.3);
        checked += 1;
    }
    assert!(checked > 20, "only {checked} lines checked");
}

#[test]
fn one_sheet_layouts_fill_both_sides() {
    for path in statements() {
        let st = load(&path);
        for id in ["letter-1sheet", "a4-1sheet"] {
            let sp = layout(id, &[]);
            let (doc, warnings) = handbill::typeset(&st, &sp, book(), &Vars::new()).expect(id);
            let case = format!("{} × {id}", st.name);
            assert_eq!(doc.pages.len(), 2, "{case}");
            let last = handbill::fit::fill(&doc) - 1.0;
            assert!(last >= 0.6, "{case}: last page {:.0} % full", last * 100.0);
            assert!(doc.body_size >= sp.fit.min_size && doc.body_size <= sp.fit.max_size, "{case}");
            assert!(!warnings.iter().any(|w| w.message.contains("full")), "{case}: {warnings:?}");
        }
    }
}

#[test]
fn a_last_page_of_a_few_lines_is_pulled_back_or_reported() {
    let mut pulled = 0;
    for path in statements() {
        let st = load(&path);
        // A booklet's back cover and blank pages are not a runt.
        let flat = |sp: &LayoutSpec| sp.fold.style == handbill::spec::FoldStyle::None;
        for sp in layouts().into_iter().filter(|sp| sp.fit.pages == 0 && flat(sp)) {
            let case = format!("{} × {}", st.name, sp.id);
            let (doc, warnings) = handbill::typeset(&st, &sp, book(), &Vars::new()).expect(&case);
            let sp_keep = layout(&sp.id, &["fit.pull-back=false"]);
            let (kept, kept_warnings) =
                handbill::typeset(&st, &sp_keep, book(), &Vars::new()).expect(&case);
            let (n, n_kept) = (doc.pages.len(), kept.pages.len());
            let runt = handbill::fit::runt(&kept).is_some();
            if !runt {
                // Nothing to pull back: the same pages either way.
                assert_eq!((n, doc.body_size), (n_kept, sp.body.size), "{case}");
                continue;
            }
            // Kept: the reader is told how to fit the text a page shorter.
            let hint = format!("fit.pages = {}", n_kept - 1);
            assert!(kept_warnings.iter().any(|w| w.message.contains(&hint)), "{case}");
            if n < n_kept {
                // Pulled back: a page shorter, at most 4 % smaller, and said.
                pulled += 1;
                assert!(doc.body_size >= sp.body.size * 0.96 - 1e-3, "{case}: {}", doc.body_size);
                assert!(doc.body_size < sp.body.size, "{case}");
                assert!(warnings.iter().any(|w| w.message.contains("instead of")), "{case}");
            } else {
                assert!(warnings.iter().any(|w| w.message.contains(&hint)), "{case}");
            }
        }
    }
    // letter-2col × 2026-01-20 ends with two lines on page 3 at 10 pt.
    assert!(pulled > 0);
}

/// Lower-cased letters of a word, as the vocabulary check sees it.
fn bare(w: &str) -> String {
    w.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Typesetting figures of a laid-out document, measured on its lines the
/// way `pdfmetrics.py` measures the PDF. Inter-word gaps are the space
/// glyphs' widths in em, on justified lines (not a paragraph's last) of
/// three words or more; a line is loose when its mean gap exceeds 1.6
/// times the median gap, tight when it is under 0.7 times the median; the
/// jump is the mean change of the mean gap from one measured line to the
/// next; a hyphenated line is one that splits a word whose
/// first part is not a word of the statement itself.
#[derive(Debug)]
struct Figures {
    /// Gaps in em: 95th percentile and largest (0 without justified lines).
    p95: f32,
    max: f32,
    /// Share of loose and of tight lines among the measured ones.
    loose: f32,
    tight: f32,
    /// Mean change of a line's mean gap from the line before, in em.
    jump: f32,
    /// Share of hyphenated lines, and the most in a row.
    hyphenated: f32,
    ladder: usize,
    /// Lines measured for gaps (none if ragged).
    justified: usize,
    /// The shortest body line that does not end its paragraph, as a share
    /// of its measure, and its text.
    shortest: (f32, String),
}

impl Figures {
    /// The figures as one line, for the test's output.
    fn summary(&self) -> String {
        format!(
            "p95 {:.3} max {:.3} loose {:.1} % tight {:.1} % jump {:.3} hyphenated {:.1} % ladder {}",
            self.p95,
            self.max,
            100.0 * self.loose,
            100.0 * self.tight,
            self.jump,
            100.0 * self.hyphenated,
            self.ladder
        )
    }
}

fn figures(
    doc: &handbill::pages::Document,
    st: &handbill::statement::Statement,
    justified: bool,
) -> Figures {
    let vocab: HashSet<String> = statement_tokens(st).iter().map(|w| bare(w)).collect();
    let (mut gaps, mut means) = (Vec::new(), Vec::new());
    let (mut lines, mut hyphenated, mut ladder, mut longest) = (0, 0, 0, 0);
    let mut shortest = (f32::MAX, String::new());
    for (pi, page) in doc.pages.iter().enumerate() {
        for col in doc.columns(pi) {
            for l in &col {
                lines += 1;
                let prefix = l.text.trim_end_matches('-').rsplit(' ').next().unwrap_or("");
                if l.hyphen && !vocab.contains(&bare(prefix)) {
                    hyphenated += 1;
                    ladder += 1;
                    longest = longest.max(ladder);
                } else {
                    ladder = 0;
                }
                let inner = l.kind == LineKind::Body && l.index + 1 < l.count;
                if inner && l.width > 0.0 && l.natural / l.width < shortest.0 {
                    shortest = (l.natural / l.width, l.text.clone());
                }
                if !justified || !inner || l.text.split(' ').count() < 3 {
                    continue;
                }
                let on_line = |r: &&handbill::pages::TextRun| {
                    (r.y - l.y).abs() < 0.01 && r.x >= l.x - 6.0 && r.x < l.x + l.width
                };
                let mut g = Vec::new();
                for e in &page.elements {
                    let handbill::pages::Element::Text(r) = e else { continue };
                    if !on_line(&r) {
                        continue;
                    }
                    for gl in r.glyphs.iter().filter(|gl| r.text.get(gl.text.clone()) == Some(" "))
                    {
                        g.push(gl.advance / r.size);
                    }
                }
                if !g.is_empty() {
                    means.push(g.iter().sum::<f32>() / g.len() as f32);
                    gaps.extend(g);
                }
            }
        }
    }
    gaps.sort_by(f32::total_cmp);
    let at = |q: f32| gaps.get((q * (gaps.len().max(1) - 1) as f32) as usize).copied();
    let median = at(0.5).unwrap_or(0.0);
    let loose = means.iter().filter(|&&m| m > 1.6 * median).count() as f32;
    let tight = means.iter().filter(|&&m| m < 0.7 * median).count() as f32;
    let jumps: Vec<f32> = means.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    Figures {
        p95: at(0.95).unwrap_or(0.0),
        max: gaps.last().copied().unwrap_or(0.0),
        loose: loose / means.len().max(1) as f32,
        tight: tight / means.len().max(1) as f32,
        jump: jumps.iter().sum::<f32>() / jumps.len().max(1) as f32,
        hyphenated: hyphenated as f32 / lines.max(1) as f32,
        ladder: longest,
        justified: means.len(),
        shortest,
    }
}

/// The limits every statement meets on every layout: gaps p95 and max in
/// em, loose and hyphenated lines as shares, hyphens in a row.
const P95: f32 = 0.45;
const MAX_GAP: f32 = 0.75;
const LOOSE: f32 = 0.05;
/// Tight lines (a share) and the mean jump of the mean gap between lines
/// (em): what today's breaking gives at worst (21.4 % and 0.089 em, on
/// a4-2col and a4-1sheet), held so that it gets no worse; LuaLaTeX with
/// microtype gives 0 % and 0.033–0.042 em on the reference seeds (#23).
const TIGHT: f32 = 0.22;
const JUMP: f32 = 0.09;
const HYPHENATED: f32 = 0.15;
/// Means over every justified layout × statement of the gap p95, the tight
/// lines and the jump: the even breaking gives 0.344 em, 5.2 % and 0.048 em
/// (the plain costs 0.367, 10.6 % and 0.072), held near it; the documents
/// it sets again with the plain costs keep the per-document limits above.
const MEAN_P95: f32 = 0.355;
const MEAN_TIGHT: f32 = 0.07;
const MEAN_JUMP: f32 = 0.055;
const LADDER: usize = 2;
/// Ragged right: no line but a paragraph's last shorter than this share of
/// the measure (the rag is 3 em deep on columns of 20 em and more).
const RAG: f32 = 0.6;

/// The reference layout of the typesetting figures (letter-2col without
/// its masthead), held to the limits.
#[test]
fn justification_figures_on_the_reference_layout() {
    let sp = layout("letter-2col", &["masthead.show=false"]);
    for path in statements() {
        let st = load(&path);
        let (doc, _) = handbill::typeset(&st, &sp, book(), &Vars::new()).expect("typesets");
        let f = figures(&doc, &st, true);
        let name = &st.name;
        eprintln!("{name}: {}", f.summary());
        assert!(f.justified > 20, "{name}: {f:?}");
        assert!(f.p95 <= P95 && f.max <= MAX_GAP, "{name}: gaps p95 {} max {}", f.p95, f.max);
        assert!(f.loose <= LOOSE, "{name}: {:.2} % loose lines", 100.0 * f.loose);
        assert!(f.tight <= TIGHT, "{name}: {:.2} % tight lines", 100.0 * f.tight);
        assert!(f.jump <= JUMP, "{name}: the mean gap jumps {:.3} em", f.jump);
        assert!(f.hyphenated <= HYPHENATED, "{name}: {:.2} % hyphenated", 100.0 * f.hyphenated);
        assert!(f.ladder <= LADDER, "{name}: {} hyphens in a row", f.ladder);
    }
}

/// Every statement with every shipped layout (as laid out, before any
/// imposition, masthead and fitting included) within the same limits;
/// ragged layouts, which have no justification figures, within the
/// hyphen limits and with an even rag.
#[test]
fn typesetting_figures_on_every_layout() {
    let mut failures = Vec::new();
    let mut ragged = 0;
    let mut sums = (0.0, 0.0, 0.0, 0usize);
    for path in statements() {
        let st = load(&path);
        for sp in layouts() {
            let case = format!("{} × {}", st.name, sp.id);
            let (doc, _) = handbill::typeset(&st, &sp, book(), &Vars::new()).expect(&case);
            let justified = sp.body.align == handbill::spec::Align::Justify;
            let f = figures(&doc, &st, justified);
            eprintln!("{case}: {} shortest line {:.0} %", f.summary(), 100.0 * f.shortest.0);
            let mut fail = |what: String| failures.push(format!("{case}: {what}"));
            if f.hyphenated > HYPHENATED {
                fail(format!("{:.2} % hyphenated", 100.0 * f.hyphenated));
            }
            if f.ladder > LADDER {
                fail(format!("{} hyphens in a row", f.ladder));
            }
            if justified {
                sums = (sums.0 + f.p95, sums.1 + f.tight, sums.2 + f.jump, sums.3 + 1);
                if f.justified == 0 {
                    fail("no justified line measured".into());
                }
                if f.p95 > P95 || f.max > MAX_GAP {
                    fail(format!("gaps p95 {:.3} max {:.3}", f.p95, f.max));
                }
                if f.loose > LOOSE {
                    fail(format!("{:.2} % loose lines", 100.0 * f.loose));
                }
                if f.tight > TIGHT || f.jump > JUMP {
                    fail(format!("{:.2} % tight lines, jump {:.3} em", 100.0 * f.tight, f.jump));
                }
            } else {
                ragged += 1;
                if f.shortest.0 < RAG {
                    fail(format!(
                        "a line {:.0} % of the measure: {}",
                        100.0 * f.shortest.0,
                        f.shortest.1
                    ));
                }
            }
        }
    }
    assert!(ragged > 0, "no ragged layout among the shipped ones");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let n = sums.3.max(1) as f32;
    let (p95, tight, jump) = (sums.0 / n, sums.1 / n, sums.2 / n);
    eprintln!("means over {n} justified: p95 {p95:.3} tight {:.1} % jump {jump:.3}", 100.0 * tight);
    assert!(p95 <= MEAN_P95, "mean gap p95 {p95:.3} em");
    assert!(tight <= MEAN_TIGHT, "mean tight lines {:.1} %", 100.0 * tight);
    assert!(jump <= MEAN_JUMP, "mean jump {jump:.3} em");
}

/// Column feet: on every page but the last, the columns end within a line
/// of each other (of the body's leading as laid out, which fitting may
/// have scaled and opened).
#[test]
fn column_feet_are_level_on_every_page_but_the_last() {
    let mut failures = Vec::new();
    let mut pages = 0;
    for path in statements() {
        let st = load(&path);
        for sp in layouts().into_iter().filter(|sp| sp.page.columns > 1) {
            let case = format!("{} × {}", st.name, sp.id);
            let (doc, _) = handbill::typeset(&st, &sp, book(), &Vars::new()).expect(&case);
            let lead = body_leading(&doc);
            for pi in 0..doc.pages.len().saturating_sub(1) {
                let cols = doc.columns(pi);
                let feet: Vec<f32> = cols.iter().filter_map(|c| c.last().map(|l| l.y)).collect();
                if feet.len() < 2 {
                    continue;
                }
                pages += 1;
                let hi = feet.iter().copied().fold(f32::MIN, f32::max);
                let lo = feet.iter().copied().fold(f32::MAX, f32::min);
                if hi - lo > lead + 0.05 {
                    failures.push(format!(
                        "{case}, page {}: columns end {:.2} lines apart, at {feet:?}",
                        pi + 1,
                        (hi - lo) / lead
                    ));
                }
            }
        }
    }
    assert!(pages > 10, "only {pages} pages measured");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The distance between consecutive lines of a body paragraph that occurs
/// most often: the leading the document was set on.
fn body_leading(doc: &handbill::pages::Document) -> f32 {
    let mut steps: Vec<i32> = Vec::new();
    for (pi, _) in doc.pages.iter().enumerate() {
        for col in doc.columns(pi) {
            for w in col.windows(2) {
                let (a, b) = (w[0], w[1]);
                if a.kind == LineKind::Body && b.paragraph == a.paragraph && b.index == a.index + 1
                {
                    steps.push(((b.y - a.y) * 100.0).round() as i32);
                }
            }
        }
    }
    steps.sort();
    let mode = steps.chunk_by(|a, b| a == b).max_by_key(|c| c.len()).map_or(0, |c| c[0]);
    mode as f32 / 100.0
}
