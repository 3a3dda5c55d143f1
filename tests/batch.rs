//! `handbill batch` end to end: the binary on campaign files.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use common::{run as handbill, statements, ROOT};

/// Every file below `dir`, relative to it.
fn files(dir: &Path) -> BTreeSet<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<PathBuf>) {
        for e in fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(p.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

fn statement(name: &str) -> PathBuf {
    statements().into_iter().find(|p| p.to_string_lossy().contains(name)).unwrap()
}

/// A small campaign in `dir`: two statements, two layouts, two events.
fn small_campaign(dir: &Path) -> PathBuf {
    fs::create_dir_all(dir.join("st")).unwrap();
    for name in ["stop-ice-murders-and-repression", "general-strike-against-ice"] {
        let src = statement(name);
        fs::copy(&src, dir.join("st").join(src.file_name().unwrap())).unwrap();
    }
    let campaign = dir.join("campaign.toml");
    fs::write(
        &campaign,
        r#"statements = ["st/*.md"]
layouts = ["letter-2col", "half-letter"]
output = "pdf/{event}/{statement}-{layout}.pdf"
set = ["footer.text={event.place} — {event.contact}"]

[[event]]
id = "one"
place = "City Hall"
contact = "wsws.org/contact"

[[event]]
id = "two"
place = "Federal Plaza"
contact = "wsws.org/contact"
"#,
    )
    .unwrap();
    campaign
}

#[test]
fn example_campaign_builds_every_output() {
    let tmp = tempfile::tempdir().unwrap();
    let campaign = Path::new(ROOT).join("campaigns/example.toml");
    let o = handbill(tmp.path(), &["batch", campaign.to_str().unwrap(), "--out", "."]);
    assert_eq!(o.code, 0, "{}", o.all());
    let got = files(tmp.path());
    let statements = statements();
    for event in ["minneapolis", "chicago", "los-angeles"] {
        for st in &statements {
            for layout in ["letter-2col", "half-letter"] {
                let stem = st.file_stem().unwrap().to_string_lossy();
                let want = PathBuf::from(format!("out/{event}/{stem}-{layout}.pdf"));
                assert!(got.contains(&want), "{} missing; got {got:?}", want.display());
                let bytes = fs::read(tmp.path().join(&want)).unwrap();
                assert!(bytes.starts_with(b"%PDF-"), "{}", want.display());
            }
        }
    }
    assert_eq!(got.len(), 30, "stray files: {got:?}");
    assert!(o.stdout.contains("30 jobs, 0 failed"), "{}", o.all());
}

#[test]
fn broken_jobs_fail_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let campaign = small_campaign(tmp.path());
    // Not text at all: every job of this statement fails.
    let png =
        [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n', 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R'];
    fs::write(tmp.path().join("st/zz-broken.md"), png.repeat(8)).unwrap();
    // A layout whose kicker names a key no event has: its jobs fail.
    fs::write(
        tmp.path().join("typo.toml"),
        "extends = \"letter-2col\"\n[masthead]\nkicker = \"{event.venue}\"\n",
    )
    .unwrap();
    let c = fs::read_to_string(&campaign).unwrap().replace(
        r#"layouts = ["letter-2col", "half-letter"]"#,
        r#"layouts = ["letter-2col", "typo.toml"]"#,
    );
    fs::write(&campaign, c).unwrap();

    let o = handbill(tmp.path(), &["batch", "campaign.toml"]);
    let all = o.all();
    assert_eq!(o.code, 1, "{all}");
    let got = files(&tmp.path().join("pdf"));
    // 3 statements × 2 layouts × 2 events = 12 jobs; the 2 good statements
    // with letter-2col for both events are the 4 that succeed.
    assert_eq!(got.len(), 4, "{got:?}\n{all}");
    assert!(got.iter().all(|p| p.to_string_lossy().ends_with("-letter-2col.pdf")), "{got:?}");
    assert!(all.contains("12 jobs, 8 failed"), "{all}");
    assert!(
        all.lines()
            .any(|l| l.starts_with("pdf/one/zz-broken-letter-2col.pdf ") && l.contains("FAILED")),
        "{all}"
    );
    assert!(all.contains("not a text file"), "{all}");
    assert!(all.contains("unknown placeholder `{event.venue}`"), "{all}");
    // Errors print one line each, once per cause.
    assert_eq!(all.matches("error: ").count(), 2, "{all}");
    // No half-written or temporary files.
    assert!(files(tmp.path()).iter().all(|p| !p.to_string_lossy().ends_with(".tmp")));
}

#[test]
fn shards_partition_the_jobs() {
    let tmp = tempfile::tempdir().unwrap();
    let campaign = small_campaign(tmp.path());
    let c = campaign.to_str().unwrap();
    let all_dir = tmp.path().join("all");
    let r = handbill(tmp.path(), &["batch", c, "--out", "all"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let all = files(&all_dir);
    assert_eq!(all.len(), 8);
    let mut union = BTreeSet::new();
    for k in 1..=3 {
        let dir = format!("shard{k}");
        let o = handbill(tmp.path(), &["batch", c, "--out", &dir, "--shard", &format!("{k}/3")]);
        assert_eq!(o.code, 0, "{}", o.all());
        let part = files(&tmp.path().join(&dir));
        assert!(!part.is_empty() && part.len() <= 3, "{part:?}");
        for p in part {
            assert!(union.insert(p.clone()), "{} in two shards", p.display());
        }
    }
    assert_eq!(union, all);
    let bad = handbill(tmp.path(), &["batch", c, "--shard", "4/3"]);
    assert_eq!(bad.code, 2, "{}", bad.all());
    assert!(bad.all().contains("1 ≤ K ≤ N"), "{}", bad.all());
}

#[test]
fn reruns_are_byte_identical_and_jobs_1_works() {
    let tmp = tempfile::tempdir().unwrap();
    let campaign = small_campaign(tmp.path());
    let c = campaign.to_str().unwrap();
    let a = handbill(tmp.path(), &["batch", c, "--out", "a"]);
    assert_eq!(a.code, 0, "{}", a.all());
    let b = handbill(tmp.path(), &["batch", c, "--out", "b", "--jobs", "1"]);
    assert_eq!(b.code, 0, "{}", b.all());
    let files_a = files(&tmp.path().join("a"));
    assert_eq!(files_a.len(), 8);
    assert_eq!(files_a, files(&tmp.path().join("b")));
    for f in &files_a {
        let x = fs::read(tmp.path().join("a").join(f)).unwrap();
        let y = fs::read(tmp.path().join("b").join(f)).unwrap();
        assert!(x == y, "{} differs between runs", f.display());
    }
}

#[test]
fn bad_campaign_key_points_at_it() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("c.toml"),
        "statements = [\"*.md\"]\nlayouts = [\"letter-2col\"]\n\n  outptu = \"x.pdf\"\n",
    )
    .unwrap();
    let o = handbill(tmp.path(), &["batch", "c.toml"]);
    assert_eq!(o.code, 2, "{}", o.all());
    let err = &o.stderr;
    assert!(err.starts_with("error: c.toml:4:3: unknown field `outptu`"), "{err}");
    assert!(err.contains("valid keys: statements, layouts, output, set, event"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn output_never_overwrites_an_input() {
    let tmp = tempfile::tempdir().unwrap();
    // A statement saved with a .pdf name, and a pattern that lands on it.
    let input = tmp.path().join("notes.pdf");
    fs::write(&input, "# Notes\n\nMeet at noon.\n").unwrap();
    fs::write(
        tmp.path().join("c.toml"),
        "statements = [\"notes.pdf\"]\nlayouts = [\"letter-2col\"]\noutput = \"{statement}.pdf\"\n",
    )
    .unwrap();
    let o = handbill(tmp.path(), &["batch", "c.toml"]);
    assert_eq!(o.code, 1, "{}", o.all());
    assert!(o.all().contains("would overwrite an input file"), "{}", o.all());
    assert_eq!(fs::read_to_string(&input).unwrap(), "# Notes\n\nMeet at noon.\n");
}
