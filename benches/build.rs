//! `cargo bench`: one flyer end to end, and a whole batch.
//!
//! Kept to small sample counts so the run stays under about a minute.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use handbill::fonts;
use handbill::jobs::{self, Layout, Options, Plan};
use handbill::watch::{Session, Target};
use handbill::{spec, statement, Location, Vars};
use std::path::PathBuf;

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

/// CPU time used so far by this process's finished children, all threads.
fn children_cpu_time() -> Duration {
    // SAFETY: an all-zero rusage is a valid value for getrusage to fill.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `u` is a valid rusage to write to.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    assert_eq!(rc, 0, "getrusage");
    let t = |v: libc::timeval| Duration::new(v.tv_sec as u64, v.tv_usec as u32 * 1000);
    t(u.ru_utime) + t(u.ru_stime)
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
    // What tagging costs: the same flyer with its structure tree and
    // outline left out (`RenderOptions::tagged`).
    let untagged = handbill::render::RenderOptions { tagged: false, ..Default::default() };
    let plain = || {
        let st = statement::parse(&path, black_box(&text)).expect("parse");
        let (doc, _) = handbill::typeset(&st, &spec, &book, &vars).expect("typeset");
        let (pdf, _) = handbill::render::render_with(&doc, &spec, &book, &untagged).expect("pdf");
        black_box(pdf.len())
    };
    g.bench_function("letter-2col end to end, untagged (CPU time)", |b| {
        b.iter_custom(|iters| {
            let start = cpu_time();
            for _ in 0..iters {
                plain();
            }
            cpu_time().saturating_sub(start)
        })
    });
    g.finish();
}

/// A photo-like JPEG of about 2 MB: a gradient with noise (which JPEG
/// cannot compress away), 2,400 × 1,600 pixels.
fn photo() -> Vec<u8> {
    let (w, h) = (2400u16, 1600u16);
    let mut seed: u32 = 0x2545_F491;
    let mut px = Vec::with_capacity(usize::from(w) * usize::from(h) * 3);
    for y in 0..h {
        for x in 0..w {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let n = (seed % 48) as u16;
            px.push(((x / 10 + n) % 256) as u8);
            px.push(((y / 7 + n) % 256) as u8);
            px.push(((x / 20 + y / 20 + n) % 256) as u8);
        }
    }
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 90)
        .encode(&px, w, h, jpeg_encoder::ColorType::Rgb)
        .expect("jpeg");
    out
}

/// The flyer with a photo (a 2 MB JPEG) in the text and an SVG logo in the
/// masthead, against the same flyer without pictures.
fn flyer_with_pictures(c: &mut Criterion) {
    let book = fonts::FontSearch::default().load().expect("fonts");
    let tmp = tempfile::tempdir().expect("temp dir");
    let jpeg = photo();
    eprintln!("photo: {} bytes", jpeg.len());
    std::fs::write(tmp.path().join("photo.jpg"), &jpeg).expect("photo");
    let logo = tmp.path().join("logo.svg");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/sample/logo.svg"),
        &logo,
    )
    .expect("logo");
    let path = statements()
        .into_iter()
        .find(|p| p.to_string_lossy().contains("general-strike-against-ice"))
        .expect("statement");
    let text = std::fs::read_to_string(&path).expect("statement text");
    // The photo after the first paragraph of the body.
    let cut = text.find("\n\n").and_then(|i| text[i + 2..].find("\n\n").map(|j| i + 2 + j));
    let (head, tail) = text.split_at(cut.expect("two paragraphs"));
    let with = format!("{head}\n\n![Workers on strike](photo.jpg \"The strike.\"){tail}");
    let pictured = tmp.path().join("flyer.md");
    let plain = spec::load("letter-2col", &[]).expect("layout");
    let logo_set = format!("masthead.logo={}", logo.display());
    let logoed = spec::load("letter-2col", &[logo_set]).expect("layout");
    let vars = Vars::new();
    let mut g = c.benchmark_group("flyer");
    g.sample_size(10).measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
    for (name, file, text, spec) in [
        ("letter-2col without pictures (CPU time)", &path, &text, &plain),
        ("letter-2col with a 2 MB JPEG and an SVG logo (CPU time)", &pictured, &with, &logoed),
    ] {
        g.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let start = cpu_time();
                for _ in 0..iters {
                    let st = statement::parse(file, black_box(text)).expect("parse");
                    let out = handbill::build(&st, spec, &book, &vars).expect("build");
                    black_box(out.pdf.len());
                }
                cpu_time().saturating_sub(start)
            })
        });
    }
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

/// `handbill watch` on a two-page flyer: a cold build (fonts loaded, every
/// word shaped) against a rebuild after a one-word edit (fonts kept, only
/// the new word shaped). Both write the PDF, as the watch does.
fn watch(c: &mut Criterion) {
    let path = statements()
        .into_iter()
        .find(|p| p.to_string_lossy().contains("general-strike-against-ice"))
        .expect("statement");
    let text = std::fs::read_to_string(&path).expect("statement text");
    let tmp = tempfile::tempdir().expect("temp dir");
    let statement = tmp.path().join("flyer.md");
    std::fs::write(&statement, &text).expect("write");
    let target = || Target::Leaflets {
        statements: vec![statement.clone()],
        layouts: vec!["letter-2col".into()],
        sets: Vec::new(),
        format: None,
        out: tmp.path().join("out"),
    };
    let build = |session: &mut Session, changed: &[PathBuf]| {
        let r = session.rebuild(changed, &|_| {});
        let summary = r.result.expect("planned");
        assert_eq!(summary.failed(), 0);
        assert_eq!(summary.pages(), 2, "a two-page flyer");
        black_box(summary.pages())
    };
    let mut g = c.benchmark_group("watch");
    g.sample_size(20).measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
    // One worker thread: the CPU clock then counts the work, not idle
    // workers waiting for more.
    let options = || Options { threads: Some(1), ..Options::default() };
    let cold = || {
        let mut session =
            Session::new(target(), &handbill::fonts::FontSearch::new(Vec::new(), true), options())
                .expect("fonts");
        build(&mut session, &[])
    };
    g.bench_function("letter-2col cold build", |b| b.iter(cold));
    g.bench_function("letter-2col cold build (CPU time)", |b| {
        b.iter_custom(|iters| {
            let start = cpu_time();
            for _ in 0..iters {
                cold();
            }
            cpu_time().saturating_sub(start)
        })
    });
    // The cold build a rebuild is held to: the same job in the same
    // process, with the fonts loaded and their faces parsed by an earlier
    // build, and nothing else kept (no shaped words, no paragraphs).
    let book = handbill::fonts::FontSearch::new(Vec::new(), true).load().expect("fonts");
    let plan = || {
        Plan::for_folder(
            vec![statement.clone()],
            vec![Layout::load("letter-2col", &[])],
            &tmp.path().join("out"),
            true,
        )
        .expect("plan")
    };
    let search = handbill::fonts::FontSearch::new(Vec::new(), true);
    let loaded_options = Options { fonts: search, ..options() };
    let loaded = || {
        let summary = jobs::run(&plan(), &book, &loaded_options, &|_| {});
        assert_eq!(summary.failed(), 0);
        assert_eq!(summary.pages(), 2, "a two-page flyer");
        black_box(summary.pages())
    };
    loaded();
    g.bench_function("letter-2col cold build, fonts loaded and parsed (CPU time)", |b| {
        b.iter_custom(|iters| {
            let start = cpu_time();
            for _ in 0..iters {
                loaded();
            }
            cpu_time().saturating_sub(start)
        })
    });
    // What a cold build costs without the watch: `handbill build` run anew,
    // the process started, fonts read and parsed, every word shaped.
    let process = || {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_handbill"))
            .arg("build")
            .arg(&statement)
            .args(["--layout", "letter-2col", "--jobs", "1", "--out"])
            .arg(tmp.path().join("out"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("handbill runs");
        assert!(status.success());
    };
    g.bench_function("letter-2col cold build, handbill build process (CPU time)", |b| {
        b.iter_custom(|iters| {
            let start = children_cpu_time();
            for _ in 0..iters {
                process();
            }
            children_cpu_time().saturating_sub(start)
        })
    });
    let mut session =
        Session::new(target(), &handbill::fonts::FontSearch::new(Vec::new(), true), options())
            .expect("fonts");
    build(&mut session, &[]);
    // Each edit puts a word never seen before in place of one word, as a
    // typo fixed would.
    let mut n = 0u32;
    let mut edit = move |session: &mut Session| {
        n += 1;
        let word: String = n.to_string().bytes().map(|d| char::from(b'a' + (d - b'0'))).collect();
        let edited = text.replacen("violence", &format!("violence{word}"), 1);
        std::fs::write(&statement, edited).expect("write");
        build(session, std::slice::from_ref(&statement))
    };
    g.bench_function("letter-2col rebuild after a one-word edit", |b| {
        b.iter(|| edit(&mut session))
    });
    g.bench_function("letter-2col rebuild after a one-word edit (CPU time)", |b| {
        b.iter_custom(|iters| {
            let start = cpu_time();
            for _ in 0..iters {
                edit(&mut session);
            }
            cpu_time().saturating_sub(start)
        })
    });
    g.finish();
}

criterion_group!(benches, flyer, flyer_with_pictures, batch, watch);
criterion_main!(benches);
