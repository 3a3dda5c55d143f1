//! The studio's renderer. Edits are set in a child process, this same
//! program run as `handbill __studio-render`, which keeps its fonts loaded
//! from edit to edit. A thread cannot be stopped, a process can: a render
//! that runs past the limit is ended by killing that process (its CPU work
//! ends with it), and a fresh one takes the next edit. One worker thread
//! feeds the child the newest edit: an edit that arrives while another is
//! being set replaces any edit still waiting, so typing fast never queues
//! stale renders, and a render superseded for a while is killed too.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use handbill::fonts::{self, FontBook, FontSearch};
use handbill::render::RenderOptions;
use handbill::shape::{ShapeCache, Shaper};
use handbill::statement::{self, Format};
use handbill::{preview, share, spec, Vars};

use super::words::{self, Problem};

/// Resolution of the on-screen preview: sharp enough to read on a laptop,
/// small enough to draw and send within the latency budget.
pub const PREVIEW_DPI: f32 = 72.0;

/// A render superseded by a newer edit is killed once it has run this
/// long (a short one is let finish: starting a new process costs more).
const SUPERSEDED_AFTER: Duration = Duration::from_millis(500);

/// One edit: the statement and the layout as the page has them, and where
/// they would be saved (pictures and logos are found from there).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Edit {
    /// Number of the edit, increasing.
    pub generation: u64,
    /// The statement's text.
    pub statement: String,
    /// How to read it: "markdown", "text", or as it looks.
    pub format: Option<String>,
    /// The leaflet's title; empty for the statement's own.
    pub title: String,
    /// The statement's file: its pictures are found from its folder.
    pub statement_path: PathBuf,
    /// The layout's file (not written until saved): what it extends and
    /// its logo are found from its folder.
    pub layout_path: PathBuf,
    /// The layout picked, as the layout file's `extends` names it.
    pub extends: String,
    /// `KEY=VALUE` overrides, from the form and the TOML box.
    pub sets: Vec<String>,
}

impl Edit {
    /// The statement's text with the title field's title in it.
    pub fn statement_text(&self) -> (String, Option<String>) {
        super::title::with_title(&self.statement_path, &self.statement, &self.title)
    }

    /// The layout as it would be saved: `extends` and the overrides.
    pub fn layout(&self) -> handbill::Result<spec::LayoutSpec> {
        let text = format!("extends = {}\n", toml::Value::String(self.extends.clone()));
        spec::load_str_at(&self.layout_path, &text, &self.sets)
    }
}

/// What a render sends back, before its bytes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Head {
    generation: u64,
    pdf: usize,
    pages: Vec<usize>,
    sheets: Vec<usize>,
    share: Vec<String>,
    problems: Vec<Problem>,
    error: Option<Problem>,
    title: Option<String>,
    millis: u64,
}

/// A finished render, kept until a newer one replaces it.
pub struct Rendered {
    /// The edit it set.
    pub edit: Edit,
    /// The PDF, when the edit could be built.
    pub pdf: Vec<u8>,
    /// PNGs of the pages.
    pub pages: Vec<Vec<u8>>,
    /// PNGs of the printed sheets (folded and bound layouts).
    pub sheets: Vec<Vec<u8>>,
    /// File names of the images to share.
    pub share: Vec<String>,
    /// Warnings, in words.
    pub problems: Vec<Problem>,
    /// The error that stopped the build, if one did.
    pub error: Option<Problem>,
    /// The statement's own title.
    pub title: Option<String>,
    /// Milliseconds the render took.
    pub millis: u64,
}

impl Rendered {
    /// The event the page receives: what to show.
    pub fn event(&self) -> String {
        serde_json::json!({
            "generation": self.edit.generation,
            "pages": self.pages.len(),
            "sheets": self.sheets.len(),
            "share": self.share,
            "warnings": self.problems,
            "error": self.error,
            "title": self.title,
            "millis": self.millis,
        })
        .to_string()
    }
}

/// Why the worker's child was killed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Killed {
    /// It ran past the render limit.
    Limit,
    /// A newer edit was waiting.
    Superseded,
}

/// What the worker and the server share.
#[derive(Default)]
pub struct Slot {
    /// The newest edit not yet taken by the worker.
    pub pending: Option<Edit>,
    /// The newest edit handed to `submit`.
    pub newest: u64,
    /// The edit being rendered and when it started.
    pub running: Option<(u64, Instant)>,
    /// The child process setting edits.
    pub child: Option<Child>,
    /// Set when the child was killed, and why.
    pub killed: Option<Killed>,
}

/// The render worker's handle.
pub struct Renderer {
    /// The waiting edit, the one being rendered, the child.
    pub slot: Arc<(Mutex<Slot>, Condvar)>,
    /// Fonts, loaded once (for the images to share, drawn on demand).
    pub book: Arc<FontBook>,
    /// Where the fonts came from; the child is told the same.
    pub font_dirs: Arc<FontSearch>,
    /// A render that runs longer than this is stopped.
    pub limit: Duration,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The child's pipes.
struct Pipes {
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Renderer {
    /// Queues `edit`, replacing any edit not yet started.
    pub fn submit(&self, edit: Edit) {
        let (lock, cv) = &*self.slot;
        let mut slot = lock.lock().unwrap_or_else(|e| e.into_inner());
        slot.newest = slot.newest.max(edit.generation);
        slot.pending = Some(edit);
        cv.notify_all();
    }

    /// Ends the child process (the studio is stopping).
    pub fn stop(&self) {
        if let Some(mut c) = lock(&self.slot.0).child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts the child process; its pipes go to the worker, the process
    /// handle into the slot, where the watchdog can kill it.
    fn spawn_child(&self) -> std::io::Result<Pipes> {
        let exe = std::env::current_exe()?;
        let mut cmd = Command::new(exe);
        cmd.arg("__studio-render");
        for dir in &self.font_dirs.font_path {
            cmd.arg("--font-path").arg(dir);
        }
        if !self.font_dirs.system {
            cmd.arg("--ignore-system-fonts");
        }
        let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            return Err(std::io::Error::other("the renderer has no pipes"));
        };
        let mut slot = lock(&self.slot.0);
        if let Some(mut old) = slot.child.replace(child) {
            let _ = old.kill();
            let _ = old.wait();
        }
        slot.killed = None;
        Ok(Pipes { stdin, stdout: BufReader::new(stdout) })
    }

    /// Starts the worker thread that sends edits to the child and hands
    /// each result to `publish`; and the watchdog that kills the child when
    /// a render runs too long (`publish` then gets the "stopped" event).
    pub fn start(self: &Arc<Self>, publish: Arc<dyn Fn(Published) + Send + Sync>) {
        let me = Arc::clone(self);
        std::thread::spawn(move || me.work(&*publish));
        let me = Arc::clone(self);
        std::thread::spawn(move || me.watchdog());
    }

    fn next_edit(&self) -> Edit {
        let (lock, cv) = &*self.slot;
        let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(e) = s.pending.take() {
                s.running = Some((e.generation, Instant::now()));
                return e;
            }
            s = cv.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn work(&self, publish: &(dyn Fn(Published) + Send + Sync)) {
        let mut pipes: Option<Pipes> = None;
        loop {
            let edit = self.next_edit();
            if pipes.is_none() {
                pipes = match self.spawn_child() {
                    Ok(p) => Some(p),
                    Err(e) => {
                        lock(&self.slot.0).running = None;
                        publish(Published::Failed(
                            edit.generation,
                            words::plain(
                                &format!("the studio could not start its renderer ({e})"),
                                "restart handbill studio",
                            ),
                        ));
                        continue;
                    }
                };
            }
            let answer = pipes.as_mut().map(|p| exchange(p, &edit));
            let killed = {
                let mut s = lock(&self.slot.0);
                s.running = None;
                s.killed.take()
            };
            let failed = !matches!(answer, Some(Ok(_)));
            if failed || killed.is_some() {
                // The child is gone (killed, or it died) or about to be:
                // reap it, and start afresh with the next edit.
                pipes = None;
                if let Some(mut c) = lock(&self.slot.0).child.take() {
                    let _ = c.kill();
                    let _ = c.wait();
                }
            }
            match (answer, killed) {
                (Some(Ok(r)), _) => {
                    // An answer overtaken by a newer edit is not shown.
                    if lock(&self.slot.0).newest <= edit.generation {
                        publish(Published::Done(Box::new(r)));
                    }
                }
                (_, Some(Killed::Superseded)) => {}
                (_, Some(Killed::Limit)) => publish(Published::Stopped(edit.generation)),
                (_, None) => publish(Published::Failed(
                    edit.generation,
                    words::plain(
                        "the renderer stopped on an internal error while setting this edit",
                        "change the edit; if it happens again, report it with the statement",
                    ),
                )),
            }
        }
    }

    /// Kills the child when its render runs past the limit, or when a
    /// newer edit has waited behind it for a while.
    fn watchdog(&self) {
        loop {
            std::thread::sleep(Duration::from_millis(10));
            let mut s = lock(&self.slot.0);
            let Some((_, since)) = s.running else { continue };
            if s.killed.is_some() {
                continue;
            }
            let why = if since.elapsed() > self.limit {
                Killed::Limit
            } else if s.pending.is_some() && since.elapsed() > SUPERSEDED_AFTER {
                Killed::Superseded
            } else {
                continue;
            };
            if let Some(c) = s.child.as_mut() {
                let _ = c.kill();
                s.killed = Some(why);
            }
        }
    }
}

/// What the worker hands the server.
pub enum Published {
    /// A render, good or with its error.
    Done(Box<Rendered>),
    /// The render of this edit ran past the limit and was killed.
    Stopped(u64),
    /// The renderer failed on this edit.
    Failed(u64, Problem),
}

/// Sends one edit to the child and reads its answer.
fn exchange(p: &mut Pipes, edit: &Edit) -> std::io::Result<Rendered> {
    let line = serde_json::to_string(edit).map_err(std::io::Error::other)?;
    p.stdin.write_all(line.as_bytes())?;
    p.stdin.write_all(b"\n")?;
    p.stdin.flush()?;
    let mut head = String::new();
    if p.stdout.read_line(&mut head)? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    let head: Head = serde_json::from_str(&head).map_err(std::io::Error::other)?;
    let mut take = |n: usize| -> std::io::Result<Vec<u8>> {
        let mut buf = vec![0; n];
        p.stdout.read_exact(&mut buf)?;
        Ok(buf)
    };
    let pdf = take(head.pdf)?;
    let pages = head.pages.iter().map(|&n| take(n)).collect::<std::io::Result<Vec<_>>>()?;
    let sheets = head.sheets.iter().map(|&n| take(n)).collect::<std::io::Result<Vec<_>>>()?;
    Ok(Rendered {
        edit: edit.clone(),
        pdf,
        pages,
        sheets,
        share: head.share,
        problems: head.problems,
        error: head.error,
        title: head.title,
        millis: head.millis,
    })
}

/// `handbill __studio-render`: reads edits, one JSON line each, from
/// standard input until it closes, and answers each on standard output.
pub fn child(search: &FontSearch) -> ExitCode {
    let book = match search.load() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let stdin = std::io::stdin().lock();
    let mut out = std::io::stdout().lock();
    let mut cache = ShapeCache::default();
    for line in stdin.lines() {
        let Ok(line) = line else { break };
        let answer = match serde_json::from_str::<Edit>(&line) {
            Ok(edit) => render(&edit, &book, search, &mut cache),
            Err(e) => (
                Head {
                    error: Some(words::plain(&format!("not an edit: {e}"), "reload the page")),
                    ..Head::default()
                },
                Vec::new(),
            ),
        };
        let (head, bytes) = answer;
        let Ok(head) = serde_json::to_string(&head) else { break };
        let sent = out
            .write_all(head.as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .and_then(|()| bytes.iter().try_for_each(|b| out.write_all(b)))
            .and_then(|()| out.flush());
        if sent.is_err() {
            break;
        }
    }
    ExitCode::SUCCESS
}

/// A leaflet set from an edit, with the book it was set with.
pub struct Set<'a> {
    /// The PDF's bytes.
    pub pdf: Vec<u8>,
    /// Its pages.
    pub document: handbill::pages::Document,
    /// The layout as this job printed it.
    pub layout: spec::LayoutSpec,
    /// The fonts (the layout's own families added).
    pub book: &'a FontBook,
    /// Everything it warned of.
    pub warnings: Vec<handbill::Warning>,
}

/// Sets `edit` and hands the result to `then`: what `handbill::build`
/// does, with the words shaped for earlier edits kept in `cache` (as
/// `watch` keeps them between builds). The statement's own title, and the
/// result or the error.
pub fn set<R>(
    edit: &Edit,
    shared: &FontBook,
    search: &FontSearch,
    cache: &mut ShapeCache,
    then: impl FnOnce(Set<'_>) -> handbill::Result<R>,
) -> (Option<String>, handbill::Result<R>) {
    let (text, own_title) = edit.statement_text();
    let format = match edit.format.as_deref() {
        Some("markdown") => Some(Format::Markdown),
        Some("text") => Some(Format::Text),
        _ => None,
    };
    let result = (|| {
        let st = statement::parse_as(&edit.statement_path, &text, format)?;
        let layout = edit.layout()?;
        let families: Vec<&str> = layout.families().into_iter().map(|(_, f)| f).collect();
        let book = fonts::for_layout(shared, search, &families, &layout.font_dirs)?;
        let vars = Vars::new();
        let (job, _) = handbill::vars::for_job(&layout, &[&st], &vars)?;
        let mut shaper = Shaper::with_cache(&book, std::mem::take(cache));
        let typeset = handbill::typeset_with(&mut shaper, &st, &layout, &vars);
        *cache = shaper.into_cache();
        let (document, more) = typeset?;
        let (pdf, printing) =
            handbill::render::render_with(&document, &job, &book, &RenderOptions::default())?;
        let mut warnings = layout.warnings.clone();
        warnings.extend(st.warnings.iter().cloned().chain(more).chain(printing));
        then(Set { pdf, document, layout: job, book: &book, warnings })
    })();
    (own_title, result)
}

/// Sets one edit: the answer's head and its bytes.
fn render(
    edit: &Edit,
    book: &FontBook,
    search: &FontSearch,
    cache: &mut ShapeCache,
) -> (Head, Vec<Vec<u8>>) {
    let start = Instant::now();
    let path = edit.statement_path.clone();
    let (title, result) = set(edit, book, search, cache, |s| {
        let pages = preview::render_pages(&s.document, s.book, PREVIEW_DPI)?
            .iter()
            .map(preview::GrayImage::to_png)
            .collect::<handbill::Result<Vec<_>>>()?;
        let sheets = preview::render_sheets(&s.document, &s.layout, s.book, PREVIEW_DPI)?
            .iter()
            .map(preview::GrayImage::to_png)
            .collect::<handbill::Result<Vec<_>>>()?;
        let share = share_names(&s.layout, s.document.pages.len());
        let problems = s.warnings.iter().map(|w| words::warning(w, &path)).collect();
        Ok((s.pdf, pages, sheets, share, problems))
    });
    let mut head = Head { generation: edit.generation, title, ..Head::default() };
    let mut bytes = Vec::new();
    match result {
        Ok((pdf, pages, sheets, share, problems)) => {
            head.pdf = pdf.len();
            head.pages = pages.iter().map(Vec::len).collect();
            head.sheets = sheets.iter().map(Vec::len).collect();
            head.share = share;
            head.problems = problems;
            bytes.push(pdf);
            bytes.extend(pages);
            bytes.extend(sheets);
        }
        Err(e) => head.error = Some(words::error(&e, &path)),
    }
    head.millis = start.elapsed().as_millis() as u64;
    (head, bytes)
}

/// The file names of the images to share that `share::draw` makes for a
/// leaflet of `pages` pages.
fn share_names(layout: &spec::LayoutSpec, pages: usize) -> Vec<String> {
    let pdf = Path::new("leaflet.pdf");
    let mut out = Vec::new();
    for &size in &layout.share.sizes {
        let n = match size {
            spec::ShareSize::Square => pages.min(1),
            spec::ShareSize::Portrait | spec::ShareSize::Story => pages,
        };
        for page in 0..n {
            let path = share::share_path(pdf, size, page);
            out.push(path.to_string_lossy().into_owned());
        }
    }
    out
}

/// One image to share of the edit (drawn here, on demand: it is asked for
/// far less often than the preview).
pub fn share_image(
    edit: &Edit,
    book: &FontBook,
    search: &FontSearch,
    name: &str,
) -> handbill::Result<Option<Vec<u8>>> {
    set(edit, book, search, &mut ShapeCache::default(), |s| {
        let all = share::draw(&s.document, &s.layout, s.book, Path::new("leaflet.pdf"))?;
        Ok(all.into_iter().find(|img| img.path.to_string_lossy() == name).map(|img| img.png))
    })
    .1
}
