//! `cargo bench`: one flyer end to end, and a whole batch.
//!
//! Kept to small sample counts so the run stays under about a minute.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use handbill::fonts;
use handbill::jobs::{self, Layout, Options, Plan};
use handbill::{spec, statement, Location, Vars};

mod common;
use common::statements;

/// CPU time used so far by this process, all threads together.
fn cpu_time() -> Duration {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `t` is a valid timespec to write to; the clock id is a
    // constant every Linux and macOS kernel knows.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// Statement text → parsed → laid out → PDF bytes, fonts and layout loaded.
fn flyer(c: &mut Criterion) {
    let book = fonts::FontSearch::default().load().expect("fonts");
    let spec = spec::load("letter-2col", &[]).expect("layout");
    let path = statements()
        .into_iter()
        .find(|p| p.to_string_lossy().contains("general-strike-against-ice"));
    let path = path.expect("statement");
    let text = std::fs::read_to_string(&path).expect("statement text");
    let vars = Vars::new();
    let mut g = c.benchmark_group("flyer");
    g.sample_size(20).measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
    let one = || {
        let st = statement::parse(&path, black_box(&text)).expect("parse");
        let out = handbill::build(&st, &spec, &book, &vars).expect("build");
        black_box(out.pdf.len())
    };
    g.bench_function("letter-2col end to end", |b| b.iter(one));
    // The target is CPU time: the same work timed by the process's CPU
    // clock, which counts every thread and ignores time other processes
    // take from this one on a busy machine.
    g.bench_function("letter-2col end to end (CPU time)", |b| {
        b.iter_custom(|iters| {
            let start = cpu_time();
            for _ in 0..iters {
                one();
            }
            cpu_time().saturating_sub(start)
        })
    });
    g.finish();
}

/// Every statement × every shipped layout, written to a temporary folder.
fn batch(c: &mut Criterion) {
    let book = fonts::FontSearch::default().load().expect("fonts");
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().to_path_buf();
    let make_plan = || {
        // Two-language layouts take statements in pairs; the five here are
        // one language each, so those layouts are left out.
        let layouts = spec::shipped()
            .into_iter()
            .filter(|(id, _)| {
                spec::load(id, &[]).is_ok_and(|s| s.page.bilingual == spec::Bilingual::No)
            })
            .map(|(id, _)| Layout::load(id, &[]))
            .collect();
        Plan::new(statements(), layouts, Vec::new(), Location::default(), |n| {
            out.join(format!("{}-{}.pdf", n.statement, n.layout))
        })
        .expect("plan")
    };
    let n = make_plan().jobs.len();
    let options = Options::default();
    let mut g = c.benchmark_group("batch");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(1));
    g.bench_function(format!("5 statements x all layouts ({n} jobs)"), |b| {
        b.iter(|| {
            let summary = jobs::run(&make_plan(), &book, &options, &|_| {});
            assert_eq!(summary.failed(), 0);
            black_box(summary.pages())
        })
    });
    g.finish();
}

criterion_group!(benches, flyer, batch);
criterion_main!(benches);
