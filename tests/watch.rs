//! `handbill watch` as a user runs it: saves by rename, by truncate and
//! write, by delete and re-create, each seen and rebuilt once; a layout
//! typo reported while the last good PDF stays; no reaction to its own
//! output; Ctrl-C ends it with success.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use common::{require_tool, run_tool, BIN};

/// How long a rebuild may take in a debug build on a busy machine.
const PATIENCE: Duration = Duration::from_secs(60);

struct Watch {
    child: Child,
    lines: Receiver<String>,
    log: Vec<String>,
}

impl Watch {
    fn start(dir: &Path, args: &[&str]) -> Watch {
        let mut child = Command::new(BIN)
            .current_dir(dir)
            .arg("watch")
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("handbill starts");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watch { child, lines, log: Vec::new() }
    }

    /// The next line that is not an indented warning or error.
    fn line(&mut self) -> String {
        let start = Instant::now();
        loop {
            let left = PATIENCE.saturating_sub(start.elapsed());
            let line = self.lines.recv_timeout(left).unwrap_or_else(|_| {
                panic!("no line from handbill watch; so far:\n{}", self.log.join("\n"))
            });
            self.log.push(line.clone());
            if !line.starts_with("  ") {
                return line;
            }
        }
    }

    /// The indented lines told after the last line, if any come within a
    /// moment.
    fn details(&mut self) -> Vec<String> {
        let mut v = Vec::new();
        while let Ok(l) = self.lines.recv_timeout(Duration::from_millis(300)) {
            self.log.push(l.clone());
            v.push(l);
        }
        v
    }

    /// Asserts that nothing is printed for a while.
    fn quiet(&mut self, wait: Duration) {
        if let Ok(l) = self.lines.recv_timeout(wait) {
            panic!("unexpected line {l:?}; so far:\n{}", self.log.join("\n"));
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        // A failed test must not leave it running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn statement(word: &str) -> String {
    format!("+++\ncontact = \"Call the tenants' union: 555-0134\"\n+++\n# Stop the raids\n\nWorkers of every city, {word}, unite against the raids.\n")
}

fn text_of(pdf: &Path) -> String {
    run_tool("pdftotext", &[pdf.to_str().expect("utf-8 path"), "-"])
}

#[test]
fn every_kind_of_save_is_rebuilt_once() {
    if !require_tool("pdftotext") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp");
    let st = dir.path().join("raids.md");
    let layout = dir.path().join("local.toml");
    std::fs::write(&st, statement("first")).expect("write");
    std::fs::write(&layout, "extends = \"letter-2col\"\n[page]\ncolumns = 2\n").expect("write");
    let pdf: PathBuf = dir.path().join("out/raids-local.pdf");
    let mut w = Watch::start(dir.path(), &["raids.md", "--layout", "local.toml", "--out", "out"]);

    let first = w.line();
    assert!(first.starts_with("wrote out/raids-local.pdf (1 page) in "), "{first}");
    assert!(text_of(&pdf).contains("first"));

    // Saved by rename: a new file written beside it, moved over it.
    let tmp = dir.path().join(".raids.md.swp");
    std::fs::write(&tmp, statement("renamed")).expect("write");
    std::fs::rename(&tmp, &st).expect("rename");
    let l = w.line();
    assert!(l.starts_with("raids.md changed: wrote out/raids-local.pdf"), "{l}");
    assert!(text_of(&pdf).contains("renamed"));

    // Saved in place: truncated, then written.
    let mut f = std::fs::OpenOptions::new().write(true).truncate(true).open(&st).expect("open");
    f.write_all(statement("truncated").as_bytes()).expect("write");
    drop(f);
    let l = w.line();
    assert!(l.starts_with("raids.md changed: wrote"), "{l}");
    assert!(text_of(&pdf).contains("truncated"));

    // Deleted, then written anew a moment later: waits, then builds.
    std::fs::remove_file(&st).expect("remove");
    let l = w.line();
    assert_eq!(l, "raids.md gone; waiting for it to come back");
    std::fs::write(&st, statement("recreated")).expect("write");
    let l = w.line();
    assert!(l.starts_with("raids.md changed: wrote"), "{l}");
    assert!(text_of(&pdf).contains("recreated"));

    // Its own output (and files beside the inputs) never start a build.
    std::fs::write(dir.path().join("notes.txt"), "not an input").expect("write");
    w.quiet(Duration::from_millis(800));

    // A typo in the layout: the error, and the last good PDF stays.
    let good = std::fs::read(&pdf).expect("pdf");
    std::fs::write(&layout, "extends = \"letter-2col\"\n[page]\ncolums = 1\n").expect("write");
    let l = w.line();
    assert!(
        l.starts_with("local.toml changed: failed; kept the last good out/raids-local.pdf"),
        "{l}"
    );
    let told = w.details();
    assert!(
        told.iter().any(|t| t.contains("local.toml:3:1: unknown key `colums` in [page]")),
        "{told:?}"
    );
    assert_eq!(std::fs::read(&pdf).expect("pdf"), good);
    // Mended, and the type set larger: built again.
    std::fs::write(&layout, "extends = \"letter-2col\"\n[body]\nsize = \"14pt\"\n").expect("write");
    let l = w.line();
    assert!(l.starts_with("local.toml changed: wrote out/raids-local.pdf"), "{l}");
    assert!(std::fs::read(&pdf).expect("pdf") != good, "the PDF did not change");

    // Ctrl-C: ends cleanly, with success, leaving no temporary file.
    interrupt(&w.child);
    assert_eq!(w.line(), "stopped watching");
    let status = w.child.wait().expect("exit");
    assert!(status.success(), "{status}");
    let left: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .expect("out")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["raids-local.pdf"]);
}

#[test]
fn a_picture_saved_again_is_rebuilt() {
    let dir = tempfile::tempdir().expect("temp");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/sample/badge.png");
    let badge = std::fs::read(sample).expect("the sample badge");
    std::fs::write(dir.path().join("badge.png"), &badge).expect("write");
    let text = format!("{}\n![The union's badge](badge.png)\n", statement("pictured"));
    std::fs::write(dir.path().join("pic.md"), text).expect("write");
    let mut w = Watch::start(dir.path(), &["pic.md", "--layout", "letter-2col", "--out", "out"]);
    let l = w.line();
    assert!(l.starts_with("wrote out/pic-letter-2col.pdf"), "{l}");
    // Saved by rename, as an image editor might.
    std::fs::write(dir.path().join(".badge.png.tmp"), &badge).expect("write");
    std::fs::rename(dir.path().join(".badge.png.tmp"), dir.path().join("badge.png"))
        .expect("rename");
    let l = w.line();
    assert!(l.starts_with("badge.png changed: wrote out/pic-letter-2col.pdf"), "{l}");
}

#[test]
fn a_campaign_rebuilds_only_the_jobs_whose_inputs_changed() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("a.md"), statement("alpha")).expect("write");
    std::fs::write(dir.path().join("b.md"), statement("bravo")).expect("write");
    std::fs::write(
        dir.path().join("campaign.toml"),
        "statements = [\"*.md\"]\nlayouts = [\"letter-2col\", \"half-letter\"]\n\
         output = \"out/{statement}-{layout}.pdf\"\n",
    )
    .expect("write");
    let mut w = Watch::start(dir.path(), &["campaign.toml"]);
    let l = w.line();
    assert!(l.starts_with("wrote 4 of 4 PDFs in "), "{l}");
    std::fs::write(dir.path().join("b.md"), statement("bravo two")).expect("write");
    let l = w.line();
    assert!(l.starts_with("b.md changed: wrote 2 of 4 PDFs in "), "{l}");
    // The campaign itself: every job.
    let mut text = std::fs::read_to_string(dir.path().join("campaign.toml")).expect("read");
    text.push_str("# a comment\n");
    std::fs::write(dir.path().join("campaign.toml"), text).expect("write");
    let l = w.line();
    assert!(l.starts_with("campaign.toml changed: wrote 4 of 4 PDFs in "), "{l}");

    // A new statement the glob takes joins without the campaign being
    // saved; a file it does not take (a backup) starts nothing.
    std::fs::write(dir.path().join("a.md~"), statement("backup")).expect("write");
    w.quiet(Duration::from_millis(800));
    std::fs::write(dir.path().join("c.md"), statement("charlie")).expect("write");
    let l = w.line();
    assert!(l.starts_with("c.md added: wrote 2 of 6 PDFs in "), "{l}");
    let new = dir.path().join("out/c-letter-2col.pdf");
    if require_tool("pdftotext") {
        assert!(text_of(&new).contains("charlie"));
    }
    // It is an input like the others from then on.
    std::fs::write(dir.path().join("c.md"), statement("charlie two")).expect("write");
    let l = w.line();
    assert!(l.starts_with("c.md changed: wrote 2 of 6 PDFs in "), "{l}");
    // Removed: dropped, not waited for; the others still build.
    std::fs::remove_file(dir.path().join("c.md")).expect("remove");
    let l = w.line();
    assert!(l.starts_with("c.md removed: nothing to rebuild ("), "{l}");
    assert!(l.ends_with("; 4 PDFs in all"), "{l}");
    std::fs::write(dir.path().join("a.md"), statement("alpha two")).expect("write");
    let l = w.line();
    assert!(l.starts_with("a.md changed: wrote 2 of 4 PDFs in "), "{l}");
}

/// Sends SIGINT, as Ctrl-C in a terminal does.
fn interrupt(child: &Child) {
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: kill(2) with a pid this test started and still owns.
    let rc = unsafe { libc::kill(pid, libc::SIGINT) };
    assert_eq!(rc, 0, "kill");
}
