//! `cargo bench --bench typeset`: the typesetting stages on their own.
//!
//! - paragraph breaking of all five statements (shaped once beforehand);
//! - one layout pass of a statement vs. a whole fit-to-N-pages search.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use handbill::fonts;
use handbill::linebreak::{self, Mode, Params};
use handbill::shape::{Paragraph, Shaper, TextStyle};
use handbill::statement::{self, Block, Inline};
use handbill::{spec, Location, Vars};

mod common;
use common::statements;

/// Every run of running text in the statement, in order.
fn texts(blocks: &[Block], out: &mut Vec<Vec<Inline>>) {
    for b in blocks {
        match b {
            Block::Paragraph { content, .. } => out.push(content.clone()),
            Block::List { items, .. } => items.iter().for_each(|i| texts(i, out)),
            Block::Quote { blocks, .. } => texts(blocks, out),
            _ => {}
        }
    }
}

/// Knuth–Plass over all paragraphs of the five statements at the measure of
/// letter-2col (the items built once, outside the timing).
fn breaking(c: &mut Criterion) {
    let book = fonts::FontSearch::default().load().expect("fonts");
    let sp = spec::load("letter-2col", &[]).expect("layout");
    let measure = sp.column_width();
    let mut shaper = Shaper::new(&book);
    let style = TextStyle {
        family: &sp.body.font,
        code_family: &sp.body.code_font,
        size: sp.body.size,
        bold: false,
        hyphenate: handbill::hyphenate::lang_for("en"),
        measure,
        hang: true,
        indent: 0.0,
        expand_words: true,
        fallback: &sp.body.fallback,
        lang: Some("en"),
        dir: Default::default(),
    };
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    for path in statements() {
        let st = statement::load(&path).expect("statement");
        let mut runs = Vec::new();
        texts(&st.blocks, &mut runs);
        for content in runs {
            paragraphs
                .push(shaper.paragraph(&content, &style, &Location::default()).expect("shape"));
        }
    }
    // As the flow breaks justified text: the plain costs, and the even
    // breaking (glyph expansion first, spaces judged alone) it uses.
    let plain = Params::new(measure, measure, Mode::Justify)
        .with_em(sp.body.size)
        .with_loose_demerits(linebreak::LOOSE_DEMERITS)
        .with_tight_demerits(linebreak::TIGHT_DEMERITS, handbill::shape::TIGHT_RATIO)
        .with_endings();
    let even = plain.with_even(handbill::shape::WORD_STRETCH);
    let mut g = c.benchmark_group("linebreak");
    g.sample_size(50).measurement_time(Duration::from_secs(5));
    for (name, params) in [("plain costs", &plain), ("even", &even)] {
        let id = format!("five statements ({} paragraphs), {name}", paragraphs.len());
        g.bench_function(id, |b| {
            b.iter(|| {
                let mut lines = 0;
                for p in &paragraphs {
                    lines += linebreak::linebreak(black_box(&p.items), params).len();
                }
                black_box(lines)
            })
        });
    }
    g.finish();
}

/// One layout pass vs. the whole search for the size that fills 2 pages.
fn fitting(c: &mut Criterion) {
    let book = fonts::FontSearch::default().load().expect("fonts");
    let path = statements()
        .into_iter()
        .find(|p| p.to_string_lossy().contains("general-strike-against-ice"))
        .expect("statement");
    let st = statement::load(&path).expect("statement");
    let plain = spec::load("letter-2col", &[]).expect("layout");
    let fitted = spec::load("letter-2col", &["fit.pages=2".into()]).expect("layout");
    let vars = Vars::new();
    let mut g = c.benchmark_group("fit");
    g.sample_size(20).measurement_time(Duration::from_secs(5));
    g.bench_function("one layout pass", |b| {
        b.iter(|| {
            handbill::typeset(black_box(&st), &plain, &book, &vars).expect("pass").0.pages.len()
        })
    });
    g.bench_function("fit to 2 pages (whole search)", |b| {
        b.iter(|| {
            handbill::typeset(black_box(&st), &fitted, &book, &vars).expect("fit").0.pages.len()
        })
    });
    g.finish();
}

criterion_group!(benches, breaking, fitting);
criterion_main!(benches);
