//! `handbill watch`: build, then build again whenever an input changes.
//!
//! Two parts. A [`Watcher`] waits for changes to a set of files. A
//! [`Session`] rebuilds what they affect, keeping the fonts loaded and each
//! job's shaped words ([`crate::jobs::Warm`]) from build to build.
//!
//! Editors save in different ways: writing the file in place (truncate and
//! write), writing a new file and renaming it over the old one, or deleting
//! and re-creating it. A watch on the file itself (an inotify watch is on
//! the inode) is lost in the last two cases, which is why Typst's watcher
//! drops and re-adds such watches after a remove or rename. Here the
//! watches are on the folders that hold the files, which survive all three;
//! a folder that is itself removed or renamed is watched again once it is
//! back, and polled until then. A file that is gone after a change is
//! polled until it returns, and not built without.
//!
//! Events come in bursts (a save is often a write, a rename and a change of
//! attributes): they are gathered until none has come for
//! [`BATCH`] (at most [`STARVE`]), then reported at once. Only events that
//! name an input count, so the watcher never reacts to its own output, nor
//! to an editor's swap and backup files beside the inputs.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use notify::event::{ModifyKind, RemoveKind, RenameMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::campaign;
use crate::error::{Error, Result};
use crate::fonts::{FontBook, FontSearch};
use crate::jobs::{self, Layout, Options, Plan, Progress, Shard, Summary, Warm};
use crate::statement::Format;

/// How long a burst of events may pause before it is taken as finished.
pub const BATCH: Duration = Duration::from_millis(100);
/// The longest a burst is gathered, so that a stream of events cannot hold
/// a rebuild back.
pub const STARVE: Duration = Duration::from_millis(500);
/// How often missing files and folders are looked for, and a stop request
/// noticed.
pub const POLL: Duration = Duration::from_millis(100);

/// Why [`Watcher::wait`] returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wake {
    /// These inputs changed (and exist), or files matching a pattern
    /// appeared, changed or were removed.
    Changed(Vec<PathBuf>),
    /// These inputs changed and are gone; the watcher polls for them and
    /// says [`Wake::Changed`] when they are back.
    Gone(Vec<PathBuf>),
    /// The stop flag was set.
    Stopped,
}

/// Waits for changes to a set of files (see the module docs).
pub struct Watcher {
    watcher: RecommendedWatcher,
    rx: Receiver<notify::Result<notify::Event>>,
    /// The files that count, as absolute paths.
    files: HashSet<PathBuf>,
    /// Patterns whose matches count too, whether or not they exist yet: a
    /// campaign's `statements` globs (absolute; see [`campaign::matches`]).
    patterns: Vec<PathBuf>,
    /// Folders watched now.
    watched: HashSet<PathBuf>,
    /// Folders of inputs that do not exist (or lost their watch): polled.
    missing: HashSet<PathBuf>,
    /// Inputs that changed and were gone afterwards: polled.
    gone: HashSet<PathBuf>,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher")
            .field("files", &self.files)
            .field("patterns", &self.patterns)
            .field("watched", &self.watched)
            .field("missing", &self.missing)
            .field("gone", &self.gone)
            .finish()
    }
}

/// A path made absolute against the working directory, not resolved:
/// events name files under the folder as it was given to the watcher.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

fn watch_error(path: &Path, e: notify::Error) -> Error {
    Error::file(
        path,
        format!("cannot watch this folder for changes: {e}"),
        "on Linux, raise fs.inotify.max_user_watches if it is too low",
    )
}

impl Watcher {
    /// Creates a watcher with nothing to watch yet.
    pub fn new() -> Result<Watcher> {
        let (tx, rx) = mpsc::channel();
        // Only used where no native backend exists.
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(300));
        let watcher = RecommendedWatcher::new(tx, config)
            .map_err(|e| Error::file(".", format!("cannot watch files for changes: {e}"), ""))?;
        Ok(Watcher {
            watcher,
            rx,
            files: HashSet::new(),
            patterns: Vec::new(),
            watched: HashSet::new(),
            missing: HashSet::new(),
            gone: HashSet::new(),
        })
    }

    /// Watches exactly `files` from now on (their folders, see the module
    /// docs).
    pub fn set(&mut self, files: impl IntoIterator<Item = PathBuf>) -> Result<()> {
        self.files = files.into_iter().map(|f| absolute(&f)).collect();
        self.rearm()
    }

    /// Watches for files matching `patterns` from now on, besides the
    /// files given to [`Watcher::set`]: one added, changed or removed is
    /// reported [`Wake::Changed`] (a campaign's `statements` globs).
    pub fn set_patterns(&mut self, patterns: impl IntoIterator<Item = PathBuf>) -> Result<()> {
        self.patterns = patterns.into_iter().map(|p| absolute(&p)).collect();
        self.rearm()
    }

    /// Whether `path` matches one of the patterns.
    fn matches(&self, path: &Path) -> bool {
        self.patterns.iter().any(|p| campaign::matches(p, path))
    }

    /// Watches the folders of the files and patterns, and no others.
    fn rearm(&mut self) -> Result<()> {
        let dirs: HashSet<PathBuf> = self
            .files
            .iter()
            .chain(&self.patterns)
            .filter_map(|f| f.parent().map(Path::to_path_buf))
            .filter(|d| !d.as_os_str().is_empty())
            .collect();
        for d in self.watched.iter().filter(|d| !dirs.contains(*d)) {
            let _ = self.watcher.unwatch(d);
        }
        self.watched.retain(|d| dirs.contains(d));
        self.missing.clear();
        self.gone.retain(|f| self.files.contains(f));
        for d in dirs {
            if !self.watched.contains(&d) {
                self.arm(d)?;
            }
        }
        Ok(())
    }

    /// The files watched, sorted.
    pub fn files(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = self.files.iter().cloned().collect();
        v.sort();
        v
    }

    /// Watches folder `d`, or polls it while it does not exist.
    fn arm(&mut self, d: PathBuf) -> Result<()> {
        if !d.is_dir() {
            self.missing.insert(d);
            return Ok(());
        }
        match self.watcher.watch(&d, RecursiveMode::NonRecursive) {
            Ok(()) => {
                self.watched.insert(d);
                Ok(())
            }
            // Removed between the check and the watch: poll it.
            Err(_) if !d.is_dir() => {
                self.missing.insert(d);
                Ok(())
            }
            Err(e) => Err(watch_error(&d, e)),
        }
    }

    /// The files in folder `d` that match a pattern now.
    fn matching_in(&self, d: &Path) -> Vec<PathBuf> {
        if !self.patterns.iter().any(|p| p.parent() == Some(d)) {
            return Vec::new();
        }
        let Ok(entries) = std::fs::read_dir(d) else {
            return Vec::new();
        };
        entries.flatten().map(|e| e.path()).filter(|p| self.matches(p)).collect()
    }

    /// Waits until inputs change, then reports them all (see [`Wake`]).
    /// Asks `stop` every [`POLL`] whether to end the wait.
    pub fn wait(&mut self, stop: &dyn Fn() -> bool) -> Result<Wake> {
        loop {
            if stop() {
                return Ok(Wake::Stopped);
            }
            // Folders that came back: watch them, and take what is in them
            // as changed (it may have been written while unwatched).
            let back: Vec<PathBuf> = self.missing.iter().filter(|d| d.is_dir()).cloned().collect();
            let mut changed: BTreeSet<PathBuf> = BTreeSet::new();
            for d in back {
                self.missing.remove(&d);
                self.arm(d.clone())?;
                changed.extend(self.files.iter().filter(|f| f.parent() == Some(&d)).cloned());
                changed.extend(self.matching_in(&d));
            }
            let returned: Vec<PathBuf> = self.gone.iter().filter(|f| f.exists()).cloned().collect();
            changed.extend(returned);
            if changed.is_empty() {
                match self.rx.recv_timeout(POLL) {
                    Ok(first) => self.gather(Some(first), &mut changed)?,
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => {
                        return Err(Error::file(".", "the file watcher stopped", "start again"))
                    }
                }
            } else {
                // Found by polling: the events of the same save are on
                // their way, and belong to this change, not the next.
                self.gather(None, &mut changed)?;
            }
            if changed.is_empty() {
                continue;
            }
            let (mut here, gone): (Vec<PathBuf>, Vec<PathBuf>) =
                changed.into_iter().partition(|f| f.exists());
            // A file a pattern takes that was removed: the campaign drops
            // it, which is a change, not a file to wait for.
            let (dropped, gone): (Vec<PathBuf>, Vec<PathBuf>) =
                gone.into_iter().partition(|f| self.matches(f));
            here.extend(dropped);
            here.sort();
            for f in &here {
                self.gone.remove(f);
            }
            if !here.is_empty() {
                self.gone.extend(gone);
                return Ok(Wake::Changed(here));
            }
            let news: Vec<PathBuf> =
                gone.into_iter().filter(|f| self.gone.insert(f.clone())).collect();
            if !news.is_empty() {
                return Ok(Wake::Gone(news));
            }
        }
    }

    /// Gathers a burst of events that starts with `first` (or with the
    /// next to come within [`BATCH`]) into `changed`.
    fn gather(
        &mut self,
        first: Option<notify::Result<notify::Event>>,
        changed: &mut BTreeSet<PathBuf>,
    ) -> Result<()> {
        let start = Instant::now();
        let mut next = first.or_else(|| self.rx.recv_timeout(BATCH).ok());
        while let Some(event) = next.take() {
            match event {
                Ok(event) => self.note(&event, changed)?,
                // An overflowed queue or a lost watch: look again at
                // everything, as a rebuild would.
                Err(_) => changed.extend(self.files.iter().cloned()),
            }
            if start.elapsed() < STARVE {
                next = self.rx.recv_timeout(BATCH).ok();
            }
        }
        Ok(())
    }

    /// Takes one event into account.
    fn note(&mut self, event: &notify::Event, changed: &mut BTreeSet<PathBuf>) -> Result<()> {
        if !relevant(event.kind) {
            return Ok(());
        }
        let leaving = matches!(
            event.kind,
            EventKind::Remove(_)
                | EventKind::Modify(ModifyKind::Name(RenameMode::From | RenameMode::Any))
        );
        for path in &event.paths {
            if self.files.contains(path) || self.matches(path) {
                changed.insert(path.clone());
            }
            // A watched folder removed or renamed away: its watch is gone
            // with it. Poll for it, and watch it again once it is back.
            if leaving && self.watched.contains(path) {
                let _ = self.watcher.unwatch(path);
                self.watched.remove(path);
                self.missing.insert(path.clone());
                changed.extend(self.files.iter().filter(|f| f.parent() == Some(path)).cloned());
                changed.extend(self.matching_in(path));
            }
        }
        // A rename over an input inside a folder renamed as a whole, or an
        // event that names no path: take the event's folder as changed.
        if event.paths.is_empty() || event.need_rescan() {
            changed.extend(self.files.iter().cloned());
        }
        if matches!(event.kind, EventKind::Remove(RemoveKind::Folder)) {
            for d in self.watched.clone().into_iter().filter(|d| !d.is_dir()) {
                self.watched.remove(&d);
                self.missing.insert(d);
            }
        }
        Ok(())
    }
}

/// Whether an event can change what a build reads. Reading a file and
/// changing its attributes (`touch`) cannot.
fn relevant(kind: EventKind) -> bool {
    match kind {
        EventKind::Any | EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Access(_) | EventKind::Other => false,
        EventKind::Modify(m) => !matches!(m, ModifyKind::Metadata(_) | ModifyKind::Other),
    }
}

/// What a watch builds: leaflets as `handbill build` makes them, or a
/// campaign as `handbill batch` does. Planned afresh for every rebuild, so
/// that a changed layout or campaign file is read again.
#[derive(Debug, Clone)]
pub enum Target {
    /// Statements × layouts into a folder (or one file).
    Leaflets {
        /// Statement files.
        statements: Vec<PathBuf>,
        /// Layout names or files, as given.
        layouts: Vec<String>,
        /// `--set` overrides.
        sets: Vec<String>,
        /// `--format`.
        format: Option<Format>,
        /// `--out`.
        out: PathBuf,
    },
    /// A campaign file.
    Campaign {
        /// The campaign file.
        file: PathBuf,
        /// `--out`.
        out: Option<PathBuf>,
        /// `--shard`.
        shard: Option<Shard>,
    },
}

impl Target {
    /// Plans the jobs from the files as they are now (a campaign's globs
    /// matched again), loading layouts with `kept` where it can.
    fn plan(&self, kept: &mut KeptLayouts, changed: &HashSet<PathBuf>) -> Result<Planned> {
        match self {
            Target::Leaflets { statements, layouts, sets, format, out } => {
                let (loaded, files) = layouts.iter().map(|l| kept.load(l, sets, changed)).unzip();
                let mut plan = Plan::for_folder(statements.clone(), loaded, out, true)?;
                plan.format = *format;
                Ok(Planned { plan, layout_files: files, patterns: Vec::new() })
            }
            Target::Campaign { file, out, shard } => {
                let c = campaign::load(file)?;
                let mut plan = c.plan(out.as_deref())?;
                if let Some(s) = shard {
                    plan.shard(*s);
                }
                let files = c
                    .layouts
                    .iter()
                    .zip(&plan.layouts)
                    .map(|(name, layout)| layout_files(name, layout))
                    .collect();
                Ok(Planned { plan, layout_files: files, patterns: c.patterns })
            }
        }
    }

    /// The files a plan reads before it can be made: the statements and
    /// layouts given, or the campaign file.
    fn files(&self) -> Vec<PathBuf> {
        match self {
            Target::Leaflets { statements, layouts, .. } => {
                let mut v = statements.clone();
                v.extend(layouts.iter().flat_map(|l| crate::spec::layout_files(l)));
                v
            }
            Target::Campaign { file, .. } => vec![file.clone()],
        }
    }

    /// The file that, when it changes, changes every job (the campaign).
    fn campaign(&self) -> Option<&Path> {
        match self {
            Target::Leaflets { .. } => None,
            Target::Campaign { file, .. } => Some(file),
        }
    }
}

/// A plan, and what the watch needs to know of where it came from.
struct Planned {
    plan: Plan,
    /// The files each of the plan's layouts was read from, in plan order.
    layout_files: Vec<Vec<PathBuf>>,
    /// A campaign's `statements` globs (see [`campaign::Campaign::patterns`]).
    patterns: Vec<PathBuf>,
}

/// The files a layout was read from (absolute): its own and those it
/// extends, and for a layout that failed to load, the file of its error.
fn layout_files(name: &str, layout: &Layout) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        crate::spec::layout_files(name).iter().map(|p| absolute(p)).collect();
    if let Err(e) = &layout.spec {
        files.extend(e.location.file.as_deref().map(absolute));
    }
    files
}

/// Layouts as loaded, kept from build to build until one of their files
/// changes: a rebuild after an edit to the statement reads no layout.
#[derive(Debug, Default)]
struct KeptLayouts {
    by_name: HashMap<(String, Vec<String>), (Layout, Vec<PathBuf>)>,
}

impl KeptLayouts {
    /// The layout `name` with `sets`, and the files it was read from.
    fn load(
        &mut self,
        name: &str,
        sets: &[String],
        changed: &HashSet<PathBuf>,
    ) -> (Layout, Vec<PathBuf>) {
        let key = (name.to_owned(), sets.to_vec());
        if let Some((layout, files)) = self.by_name.get(&key) {
            let fresh = !files.iter().any(|f| changed.contains(f));
            if fresh && layout.spec.is_ok() {
                let copy = Layout { id: layout.id.clone(), spec: layout.spec.clone() };
                return (copy, files.clone());
            }
        }
        let layout = Layout::load(name, sets);
        let files = layout_files(name, &layout);
        let copy = Layout { id: layout.id.clone(), spec: layout.spec.clone() };
        self.by_name.insert(key, (copy, files.clone()));
        (layout, files)
    }
}

/// What one rebuild did.
#[derive(Debug)]
pub struct Rebuild {
    /// The jobs run (only those whose inputs changed), or why no plan could
    /// be made (a campaign file that does not parse).
    pub result: std::result::Result<Summary, Error>,
    /// How many jobs the plan has in all.
    pub jobs: usize,
    /// The fonts were loaded again (a font file changed).
    pub fonts_reloaded: bool,
    /// Wall time, fonts and planning included.
    pub elapsed: Duration,
    /// Statements a campaign's globs took that the last build did not
    /// have (a file added), and those it had that they no longer take (a
    /// file removed); empty the first time.
    pub added: Vec<PathBuf>,
    /// See [`Rebuild::added`].
    pub dropped: Vec<PathBuf>,
}

/// Builds a [`Target`] again and again, keeping what it can between builds:
/// the fonts (loaded once, again only when a font file changes) and each
/// job's shaped words. Knows each job's inputs, so that a change rebuilds
/// only the jobs that read it.
#[derive(Debug)]
pub struct Session {
    target: Target,
    /// Where the fonts were found, to load them again when one changes.
    dirs: FontSearch,
    book: FontBook,
    options: Options,
    warm: Arc<Warm>,
    /// Each output's font files, from its last successful build.
    fonts: HashMap<PathBuf, Vec<PathBuf>>,
    /// Each output's picture files, likewise.
    pictures: HashMap<PathBuf, Vec<PathBuf>>,
    /// Every output built at least once.
    seen: HashSet<PathBuf>,
    /// Every input read so far (absolute): what to watch.
    inputs: BTreeSet<PathBuf>,
    /// Layouts kept from the last build.
    layouts: KeptLayouts,
    /// A campaign's `statements` globs, from the last plan made.
    patterns: Vec<PathBuf>,
    /// The statements of the last plan made (absolute); `None` before it.
    statements: Option<BTreeSet<PathBuf>>,
}

impl Session {
    /// Loads the fonts for a session as `search` says (`--font-path`,
    /// system fonts). `options` says what each job writes
    /// (PDF, share images); the session adds its own caches.
    pub fn new(target: Target, search: &FontSearch, mut options: Options) -> Result<Session> {
        let book = search.load()?;
        let warm = Arc::new(Warm::default());
        options.warm = Some(warm.clone());
        options.fonts = search.clone();
        let dirs = search.clone();
        let inputs = target.files().iter().map(|p| absolute(p)).collect();
        Ok(Session {
            target,
            dirs,
            book,
            options,
            warm,
            fonts: HashMap::new(),
            pictures: HashMap::new(),
            seen: HashSet::new(),
            inputs,
            layouts: KeptLayouts::default(),
            patterns: Vec::new(),
            statements: None,
        })
    }

    /// Every file a build has read: statements, layouts and the layouts
    /// they extend, fonts, the campaign. Files once read stay listed, so
    /// that mending a layout that failed to load is seen too.
    pub fn inputs(&self) -> Vec<PathBuf> {
        self.inputs.iter().cloned().collect()
    }

    /// Patterns whose new matches are inputs too (a campaign's
    /// `statements` globs, absolute), from the last plan made.
    pub fn patterns(&self) -> Vec<PathBuf> {
        self.patterns.clone()
    }

    /// How many shaped words the session keeps for the next rebuild.
    pub fn cached_words(&self) -> usize {
        self.warm.words()
    }

    /// How many paragraphs the last rebuild took whole (shaped, broken and
    /// set) from the one before.
    pub fn paragraphs_reused(&self) -> usize {
        self.warm.paragraphs_reused()
    }

    /// Builds the jobs that read one of `changed` (every job the first
    /// time, and jobs new to the plan); `progress` as for [`jobs::run`].
    pub fn rebuild(
        &mut self,
        changed: &[PathBuf],
        progress: &(dyn Fn(Progress<'_>) + Sync),
    ) -> Rebuild {
        let start = Instant::now();
        let changed: HashSet<PathBuf> = changed.iter().map(|p| absolute(p)).collect();
        let mut fonts_reloaded = false;
        let font_changed = self.fonts.values().flatten().any(|f| changed.contains(&absolute(f)));
        if font_changed {
            match self.dirs.load() {
                Ok(book) => {
                    self.book = book;
                    self.warm.clear();
                    fonts_reloaded = true;
                }
                Err(e) => return self.failed(e, start, fonts_reloaded),
            }
        }
        let Planned { mut plan, layout_files, patterns } =
            match self.target.plan(&mut self.layouts, &changed) {
                Ok(p) => p,
                Err(e) => {
                    self.inputs.extend(self.target.files().iter().map(|p| absolute(p)));
                    return self.failed(e, start, fonts_reloaded);
                }
            };
        self.patterns = patterns.iter().map(|p| absolute(p)).collect();
        let now: BTreeSet<PathBuf> = plan.statements.iter().map(|p| absolute(p)).collect();
        let (added, dropped) = match self.statements.replace(now.clone()) {
            Some(before) => (
                now.difference(&before).cloned().collect(),
                before.difference(&now).cloned().collect(),
            ),
            None => (Vec::new(), Vec::new()),
        };
        let everything = self.target.campaign().is_some_and(|c| changed.contains(&absolute(c)));
        let total = plan.jobs.len();
        let mut inputs = Vec::new();
        let statements = plan.statements.clone();
        plan.jobs.retain(|job| {
            let mut reads: Vec<PathBuf> = vec![absolute(&statements[job.statement])];
            reads.extend(job.second.map(|s| absolute(&statements[s])));
            reads.extend(layout_files[job.layout].iter().cloned());
            reads.extend(self.fonts.get(&job.output).into_iter().flatten().map(|f| absolute(f)));
            reads.extend(self.pictures.get(&job.output).into_iter().flatten().map(|f| absolute(f)));
            let dirty = everything
                || fonts_reloaded && !self.fonts.contains_key(&job.output)
                || !self.seen.contains(&job.output)
                || reads.iter().any(|r| changed.contains(r));
            inputs.extend(reads);
            dirty
        });
        self.inputs.extend(inputs);
        let summary = jobs::run(&plan, &self.book, &self.options, progress);
        for r in &summary.reports {
            self.seen.insert(r.output.clone());
            if let Ok(built) = &r.result {
                self.inputs.extend(built.fonts.iter().map(|f| absolute(f)));
                self.fonts.insert(r.output.clone(), built.fonts.clone());
                self.inputs.extend(built.pictures.iter().map(|f| absolute(f)));
                self.pictures.insert(r.output.clone(), built.pictures.clone());
            }
        }
        Rebuild {
            result: Ok(summary),
            jobs: total,
            fonts_reloaded,
            elapsed: start.elapsed(),
            added,
            dropped,
        }
    }

    fn failed(&mut self, e: Error, start: Instant, fonts_reloaded: bool) -> Rebuild {
        self.inputs.extend(e.location.file.as_deref().map(absolute));
        Rebuild {
            result: Err(e),
            jobs: 0,
            fonts_reloaded,
            elapsed: start.elapsed(),
            added: Vec::new(),
            dropped: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::Layout;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Waits for the next wake, failing the test after a few seconds.
    fn next(w: &mut Watcher) -> Wake {
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let timer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(5));
            s.store(true, Ordering::SeqCst);
        });
        let wake = w.wait(&|| stop.load(Ordering::SeqCst)).unwrap();
        drop(timer);
        wake
    }

    #[test]
    fn saves_by_rename_truncate_and_recreate_are_all_seen() {
        let dir = tempfile::tempdir().unwrap();
        let file = absolute(&dir.path().join("a.md"));
        std::fs::write(&file, "one").unwrap();
        let mut w = Watcher::new().unwrap();
        w.set([file.clone()]).unwrap();
        // Truncate and write.
        std::fs::write(&file, "two").unwrap();
        assert_eq!(next(&mut w), Wake::Changed(vec![file.clone()]));
        // A new file renamed over the old one.
        let tmp = dir.path().join(".a.md.swp");
        std::fs::write(&tmp, "three").unwrap();
        std::fs::rename(&tmp, &file).unwrap();
        assert_eq!(next(&mut w), Wake::Changed(vec![file.clone()]));
        // Deleted: reported gone; back: changed.
        std::fs::remove_file(&file).unwrap();
        assert_eq!(next(&mut w), Wake::Gone(vec![file.clone()]));
        std::fs::write(&file, "four").unwrap();
        assert_eq!(next(&mut w), Wake::Changed(vec![file.clone()]));
        // Other files in the folder (the output, swap files) never count.
        std::fs::write(dir.path().join("a-letter-2col.pdf"), "%PDF").unwrap();
        let stop = AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| {
                std::thread::sleep(Duration::from_millis(600));
                stop.store(true, Ordering::SeqCst);
            });
            assert_eq!(w.wait(&|| stop.load(Ordering::SeqCst)).unwrap(), Wake::Stopped);
        });
    }

    #[test]
    fn a_warm_rebuild_writes_the_same_pdf_as_a_cold_build() {
        let dir = tempfile::tempdir().unwrap();
        let st = dir.path().join("s.md");
        let text = "# Stop the raids\n\nWorkers of every city and every trade, unite against \
                    the raids and the deportations.\n\nBring your neighbours.\n";
        std::fs::write(&st, text).unwrap();
        let target = Target::Leaflets {
            statements: vec![st.clone()],
            layouts: vec!["letter-2col".into()],
            sets: Vec::new(),
            format: None,
            out: dir.path().join("out"),
        };
        let fonts = FontSearch::new(Vec::new(), true);
        let mut session = Session::new(target, &fonts, Options::default()).unwrap();
        let pdf = dir.path().join("out/s-letter-2col.pdf");
        let build = |session: &mut Session, changed: &[PathBuf]| {
            let r = session.rebuild(changed, &|_| {});
            let summary = r.result.unwrap();
            assert_eq!(summary.failed(), 0, "{:?}", summary.reports);
            summary.reports.len()
        };
        assert_eq!(build(&mut session, &[]), 1);
        let cold = std::fs::read(&pdf).unwrap();
        let words = session.cached_words();
        assert!(words > 10, "{words} words kept");
        // A file no job reads rebuilds nothing.
        assert_eq!(build(&mut session, &[dir.path().join("notes.txt")]), 0);
        // Edited and back: the second build is warm, and the same.
        std::fs::write(&st, text.replace("unite", "stand")).unwrap();
        assert_eq!(build(&mut session, std::slice::from_ref(&st)), 1);
        assert_ne!(std::fs::read(&pdf).unwrap(), cold);
        assert_eq!(session.cached_words(), words + 1, "only the new word was shaped");
        // The second paragraph was set as before; the first changed.
        assert_eq!(session.paragraphs_reused(), 1);
        std::fs::write(&st, text).unwrap();
        assert_eq!(build(&mut session, std::slice::from_ref(&st)), 1);
        assert!(std::fs::read(&pdf).unwrap() == cold, "a warm build differs from a cold one");
        let inputs = session.inputs();
        assert!(inputs.contains(&absolute(&st)), "{inputs:?}");
        // The bundled fonts are inside the program: nothing to watch.
        assert!(!inputs.iter().any(|p| p.extension().is_some_and(|e| e == "ttf" || e == "otf")));
    }

    /// Warm rebuilds give the bytes of builds that keep nothing, on layouts
    /// that set paragraphs again and again (columns made level, balanced,
    /// fitted to a page count), with the paragraphs an edit left alone taken
    /// from the build before.
    #[test]
    fn kept_paragraphs_give_the_bytes_of_a_cold_build() {
        let dir = tempfile::tempdir().unwrap();
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("statements/2026-01-22-general-strike-against-ice.md");
        let text = std::fs::read_to_string(shipped).unwrap();
        let st = dir.path().join("s.md");
        let layouts = ["letter-2col", "a4-1sheet", "tabloid-3col"];
        let target = Target::Leaflets {
            statements: vec![st.clone()],
            layouts: layouts.iter().map(|l| l.to_string()).collect(),
            sets: Vec::new(),
            format: None,
            out: dir.path().join("warm"),
        };
        let fonts = FontSearch::new(Vec::new(), true);
        let book = fonts.load().unwrap();
        let mut session = Session::new(target, &fonts, Options::default()).unwrap();
        let read = |folder: &str| -> Vec<Vec<u8>> {
            let pdf = |l: &str| dir.path().join(format!("{folder}/s-{l}.pdf"));
            layouts.iter().map(|l| std::fs::read(pdf(l)).unwrap()).collect()
        };
        // The statement as it is now, built warm and built with nothing kept.
        let both = |session: &mut Session| {
            let warm = session.rebuild(std::slice::from_ref(&st), &|_| {}).result.unwrap();
            assert_eq!(warm.failed(), 0, "{:?}", warm.reports);
            let loaded = layouts.iter().map(|l| Layout::load(l, &[])).collect();
            let plan =
                Plan::for_folder(vec![st.clone()], loaded, &dir.path().join("cold"), true).unwrap();
            let cold = jobs::run(&plan, &book, &Options::default(), &|_| {});
            assert_eq!(cold.failed(), 0, "{:?}", cold.reports);
            let (warm, cold) = (read("warm"), read("cold"));
            for ((w, c), l) in warm.iter().zip(&cold).zip(layouts) {
                assert!(w == c, "{l}: a warm build differs from a cold one");
            }
            warm
        };
        std::fs::write(&st, &text).unwrap();
        let first = both(&mut session);
        assert!(text.contains("violence"));
        for edit in ["violencia", "violence and repression"] {
            std::fs::write(&st, text.replacen("violence", edit, 1)).unwrap();
            assert!(both(&mut session) != first);
            let reused = session.paragraphs_reused();
            assert!(reused > 3 * 10, "{reused} paragraphs reused");
        }
        std::fs::write(&st, &text).unwrap();
        assert!(both(&mut session) == first);
    }

    #[test]
    fn a_folder_that_comes_back_is_watched_again() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        let file = absolute(&sub.join("a.md"));
        let mut w = Watcher::new().unwrap();
        // Not there yet: polled.
        w.set([file.clone()]).unwrap();
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(&file, "one").unwrap();
        assert_eq!(next(&mut w), Wake::Changed(vec![file.clone()]));
        // The folder renamed away and back.
        let away = dir.path().join("away");
        std::fs::rename(&sub, &away).unwrap();
        assert_eq!(next(&mut w), Wake::Gone(vec![file.clone()]));
        std::fs::rename(&away, &sub).unwrap();
        assert_eq!(next(&mut w), Wake::Changed(vec![file.clone()]));
        std::fs::write(&file, "two").unwrap();
        assert_eq!(next(&mut w), Wake::Changed(vec![file.clone()]));
    }
}
