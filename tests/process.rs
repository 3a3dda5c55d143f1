//! The program as a process: stopped by a signal mid-batch, out of disk
//! space, racing another handbill for the same file, the help it ships
//! with, its fonts, and messages that always name a file.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{root, run, temp, write, BIN};

/// The PDFs in `dir` and any other file left there (a temporary file).
fn files(dir: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut all: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(d) => d.flatten().map(|e| e.path()).collect(),
        Err(_) => Vec::new(),
    };
    all.sort();
    all.into_iter().partition(|p| {
        p.extension().is_some_and(|e| e == "pdf")
            && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'))
    })
}

/// Whether `path` holds a whole PDF: its header, and its end marker last.
fn whole_pdf(path: &Path) -> bool {
    let bytes = std::fs::read(path).unwrap_or_default();
    let end = String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(32)..]).into_owned();
    bytes.starts_with(b"%PDF-") && end.trim_end().ends_with("%%EOF")
}

/// Starts a batch of 20 jobs on one thread, sends `signal` once the first
/// job is written, and checks what is left: the finished PDFs, whole, no
/// temporary file, a summary that says how many were done, and the exit
/// code a shell expects.
fn interrupt(signal: &str, name: &str, code: i32) {
    let dir = temp();
    let mut cmd = Command::new(BIN);
    cmd.args(["build", "--out", "out", "-j", "1"]);
    for s in common::statements() {
        cmd.arg(s);
    }
    for l in ["letter-2col", "a4-2col", "half-letter", "tabloid-3col"] {
        cmd.args(["--layout", l]);
    }
    let mut child = cmd
        .current_dir(dir.path())
        .env_remove("HANDBILL_FONTS")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start handbill");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let mut told = Vec::new();
    for line in lines.by_ref() {
        let line = line.expect("read stderr");
        let first = line.contains("wrote");
        told.push(line);
        if first {
            break;
        }
    }
    let pid = child.id().to_string();
    let sent = Command::new("kill").args([&format!("-{signal}"), &pid]).status().expect("kill");
    assert!(sent.success());
    told.extend(lines.map_while(Result::ok));
    let out = child.wait_with_output().expect("wait");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let (pdfs, others) = files(&dir.path().join("out"));
    eprintln!(
        "{signal}: exit {:?}, {} PDFs left, other files {others:?}\n{}",
        out.status.code(),
        pdfs.len(),
        stdout.lines().last().unwrap_or_default()
    );
    assert_eq!(out.status.code(), Some(code), "{stdout}\n{}", told.join("\n"));
    let done = format!("interrupted by {name}: {} of 20 jobs done", pdfs.len());
    assert!(stdout.contains(&done), "wanted `{done}` in:\n{stdout}");
    assert!((1..20).contains(&pdfs.len()), "{pdfs:?}");
    assert!(others.is_empty(), "left behind: {others:?}");
    for p in &pdfs {
        assert!(whole_pdf(p), "{} is not a whole PDF", p.display());
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_keeps_finished_files_and_leaves_no_temporary_one() {
    interrupt("INT", "SIGINT", 130);
}

#[cfg(unix)]
#[test]
fn sigterm_keeps_finished_files_and_leaves_no_temporary_one() {
    interrupt("TERM", "SIGTERM", 143);
}

/// A file size limit (`ulimit -f`, as a full disk behaves for the file
/// being written) fails the job whose PDF is bigger, with no partial file;
/// the small one is written.
#[cfg(unix)]
#[test]
fn a_full_disk_fails_that_job_alone() {
    let dir = temp();
    write(dir.path(), "small.md", "# Short\n\nOne line.\n");
    let big = root("statements/2026-01-22-general-strike-against-ice.md");
    std::fs::copy(big, dir.path().join("big.md")).expect("copy");
    // 24 KiB: the small flyer is about 9 KB, the two-page one about 53 KB.
    let script = format!(
        "ulimit -f 24 && exec '{BIN}' build small.md big.md --layout letter-2col --out out -j 1"
    );
    let out = Command::new("bash")
        .args(["-c", &script])
        .current_dir(dir.path())
        .env_remove("HANDBILL_FONTS")
        .output()
        .expect("run bash");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let (pdfs, others) = files(&dir.path().join("out"));
    eprintln!("exit {:?}; left {pdfs:?}, other files {others:?}\n{stderr}", out.status.code());
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "out/big-letter-2col.pdf: cannot write the PDF: no space left on out — free some space"
        ),
        "{stderr}"
    );
    assert_eq!(pdfs, [dir.path().join("out/small-letter-2col.pdf")]);
    assert!(whole_pdf(&pdfs[0]));
    assert!(others.is_empty(), "left behind: {others:?}");
}

/// Two processes writing the same file at once: it ends up whole, as one
/// or the other wrote it, never a mix.
#[test]
fn two_processes_writing_one_file_leave_one_of_them_whole() {
    let dir = temp();
    let a = root("statements/2026-01-22-general-strike-against-ice.md");
    let b = root("statements/2026-01-16-general-strike-to-stop-occupation-of-minneapolis.md");
    let a_ref = dir.path().join("a.pdf");
    let b_ref = dir.path().join("b.pdf");
    for (s, out) in [(&a, &a_ref), (&b, &b_ref)] {
        let r = run(
            dir.path(),
            &["build", &s.to_string_lossy(), "-l", "letter-2col", "-o", &out.to_string_lossy()],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let (a_bytes, b_bytes) = (std::fs::read(&a_ref).unwrap(), std::fs::read(&b_ref).unwrap());
    assert_ne!(a_bytes, b_bytes);
    let same = dir.path().join("same.pdf");
    for round in 0..4 {
        let start = |s: &Path| {
            Command::new(BIN)
                .args(["build", &s.to_string_lossy(), "-l", "letter-2col", "-o"])
                .arg(&same)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start handbill")
        };
        let (mut one, mut two) = (start(&a), start(&b));
        assert!(one.wait().unwrap().success() && two.wait().unwrap().success());
        let got = std::fs::read(&same).unwrap();
        assert!(got == a_bytes || got == b_bytes, "round {round}: a mix of both");
    }
    let (_, others) = files(dir.path());
    assert!(others.iter().all(|p| !p.to_string_lossy().ends_with(".tmp")), "{others:?}");
}

/// No message stands in `<input>` or `<layout>` for the file it is about.
#[test]
fn every_error_names_its_file() {
    let dir = temp();
    let long = root("statements/2026-01-22-general-strike-against-ice.md");
    std::fs::copy(long, dir.path().join("long.md")).expect("copy");
    write(dir.path(), "font.toml", "extends = \"letter-2col\"\n[body]\nfont = \"No Such Font\"\n");
    let cases: [&[&str]; 4] = [
        &[
            "build",
            "long.md",
            "-l",
            "letter-2col",
            "--set",
            "fit.pages=1",
            "--set",
            "fit.min-size=9pt",
        ],
        &["build", "long.md", "-l", "letter-2col", "--set", "body.font=No Such Font"],
        &["build", "long.md", "-l", "font.toml", "--ignore-system-fonts"],
        &["check", "font.toml"],
    ];
    for args in cases {
        let r = run(dir.path(), args);
        eprintln!("{args:?} → {}", r.stderr.trim());
        assert_ne!(r.code, 0, "{args:?} should fail");
        assert!(!r.errors().is_empty(), "{args:?}: no error line\n{}", r.stderr);
        for stand_in in ["<input>", "<layout>", "<pdf>", "<preview>"] {
            assert!(!r.stderr.contains(stand_in), "{args:?} prints {stand_in}:\n{}", r.stderr);
        }
    }
    // A setting, not a file, is named as the setting.
    let out = Command::new(BIN)
        .args(["build", "long.md", "-l", "letter-2col", "-o", "x.pdf"])
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .current_dir(dir.path())
        .output()
        .expect("run handbill");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error: $SOURCE_DATE_EPOCH: `yesterday` is not a number"), "{stderr}");
    // The shipped layout is named when it is the one at fault.
    let r = run(dir.path(), &["build", "long.md", "-l", "letter-2col", "--set", "fit.pages=1"]);
    assert!(r.stderr.contains("does not fit on 1 page"), "{}", r.stderr);
    assert!(r.stderr.contains("letter-2col"), "{}", r.stderr);
}

#[test]
fn version_completions_and_manual_page() {
    let dir = temp();
    let v = run(dir.path(), &["--version"]);
    assert!(
        v.stdout.starts_with(&format!("handbill {}", env!("CARGO_PKG_VERSION"))),
        "{}",
        v.stdout
    );
    let bash = run(dir.path(), &["completions", "bash"]);
    assert_eq!(bash.code, 0);
    assert!(bash.stdout.contains("_handbill") && bash.stdout.contains("--font-path"));
    let man = run(dir.path(), &["manpage"]);
    assert_eq!(man.code, 0);
    assert!(
        man.stdout.contains(".TH handbill 1") && man.stdout.contains("batch"),
        "{}",
        man.stdout
    );
}

#[test]
fn fonts_say_where_they_come_from() {
    let dir = temp();
    let r = run(dir.path(), &["fonts", "--ignore-system-fonts"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("from:    bundled with handbill (fonts/oswald)"), "{}", r.stdout);
    let own = dir.path().join("mine");
    std::fs::create_dir(&own).unwrap();
    let anton = handbill::fonts::shipped_dir().join("anton/Anton_400Regular.ttf");
    std::fs::copy(anton, own.join("MyAnton.ttf")).unwrap();
    let r = run(dir.path(), &["fonts", "--ignore-system-fonts", "--font-path", "mine"]);
    let anton = r.stdout.lines().skip_while(|l| *l != "Anton").nth(3).unwrap_or_default();
    assert!(anton.starts_with("    from:    --font-path ("), "{}", r.stdout);
    assert!(anton.ends_with("; also bundled with handbill (fonts/anton)"), "{}", r.stdout);
    let licenses = run(dir.path(), &["fonts", "--licenses"]);
    assert!(licenses.stdout.contains("SIL OPEN FONT LICENSE"), "{}", licenses.stdout);
}

/// A family only the system has is found, unless system fonts are
/// ignored. Needs DejaVu Sans installed (fonts-dejavu-core; CI installs it).
#[cfg(target_os = "linux")]
#[test]
fn a_layout_may_name_a_system_family() {
    let installed = Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").exists();
    if !installed {
        assert!(std::env::var("CI").is_err(), "CI must install fonts-dejavu-core");
        eprintln!("skipped: DejaVu Sans is not installed");
        return;
    }
    let dir = temp();
    write(dir.path(), "a.md", "# Short\n\nOne line.\n");
    let set = ["--set", "body.font=DejaVu Sans"];
    let r = run(
        dir.path(),
        &[&["build", "a.md", "-l", "letter-2col", "-o", "a.pdf"][..], &set].concat(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(
        dir.path(),
        &[
            &["build", "a.md", "-l", "letter-2col", "-o", "b.pdf", "--ignore-system-fonts"][..],
            &set,
        ]
        .concat(),
    );
    assert!(
        r.stderr.contains("names the font family `DejaVu Sans`, which is not installed"),
        "{}",
        r.stderr
    );
    let mut cmd = Command::new(BIN);
    let ignored = cmd
        .args(["build", "a.md", "-l", "letter-2col", "-o", "c.pdf"])
        .args(set)
        .env(handbill::fonts::IGNORE_SYSTEM_FONTS_ENV, "1")
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert_eq!(ignored.status.code(), Some(1));
}
