//! `handbill studio`: a web page on the organizer's own machine to paste a
//! statement, change the layout, watch the leaflet and download it.
//!
//! A small synchronous server (tiny_http), one thread per request; the
//! preview is pushed to the page with server-sent events. Everything the
//! page loads is built into the binary. Guards, each tested in
//! `tests/studio.rs`: it listens on the loopback address unless told
//! otherwise; a request whose `Host` is not the served address is refused
//! (DNS rebinding); requests that change something carry the token the page
//! was served with and, when the browser sends one, the served `Origin`;
//! bodies over the statement limit get 413; every file named stays inside
//! the folder; a render that runs too long is stopped (its process killed)
//! and reported.

pub mod files;
pub mod render;
pub mod title;
pub mod words;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tiny_http::{Header, Method, Request, Response, Server};

use handbill::fonts::FontBook;
use handbill::statement::MAX_STATEMENT_BYTES;
use handbill::{preview, spec, Error, Result};
use render::{Edit, Published, Rendered, Renderer, Slot};

/// The layout file the preview is set as (never written): in `layouts/`,
/// where the layout is saved, so that what it extends and its logo are
/// found as they will be once saved.
const PREVIEW_LAYOUT: &str = "layouts/.studio-preview.toml";

/// The layout an edit starts from.
#[derive(Debug, Clone)]
enum Base {
    /// A layout built into the binary.
    Shipped(String),
    /// A layout file inside the folder (canonical path).
    Local(PathBuf),
}

const INDEX: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/app.css");

/// How the studio is started.
pub struct Config {
    /// The folder it reads and writes.
    pub dir: PathBuf,
    /// The address to listen on (port 0: any free port).
    pub addr: SocketAddr,
    /// Fonts, loaded once.
    pub book: FontBook,
    /// Where the fonts came from.
    pub font_dirs: handbill::fonts::FontSearch,
    /// A render that runs longer than this is stopped.
    pub render_limit: Duration,
}

/// The served address, to print and to open.
pub struct Started {
    /// `http://ADDR:PORT/`.
    pub url: String,
    server: Arc<Server>,
    state: Arc<State>,
}

struct State {
    root: PathBuf,
    host: String,
    any_host_ip: bool,
    port: u16,
    token: String,
    renderer: Arc<Renderer>,
    latest: Mutex<Option<Arc<Rendered>>>,
    listeners: Mutex<Vec<mpsc::Sender<String>>>,
    generation: AtomicU64,
    limit: Duration,
}

/// Binds the address; call [`Started::serve`] to answer requests.
pub fn start(config: Config) -> Result<Started> {
    let root = config
        .dir
        .canonicalize()
        .map_err(|e| Error::io(&config.dir, e, "opening the studio's folder"))?;
    if !root.is_dir() {
        return Err(Error::file(&config.dir, "is not a folder", "name the folder to work in"));
    }
    let server = Server::http(config.addr).map_err(|e| {
        Error::file(
            format!("{}", config.addr),
            format!("cannot listen there: {e}"),
            "choose another port with --port",
        )
    })?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| Error::file("studio", "the server has no IP address", ""))?;
    let host = format!("{}:{}", addr.ip(), addr.port());
    let state = Arc::new(State {
        root,
        host: host.clone(),
        any_host_ip: addr.ip().is_unspecified(),
        port: addr.port(),
        token: token(),
        renderer: Arc::new(Renderer {
            slot: Arc::new((Mutex::new(Slot::default()), Condvar::new())),
            book: Arc::new(config.book),
            font_dirs: Arc::new(config.font_dirs),
            limit: config.render_limit,
        }),
        latest: Mutex::new(None),
        listeners: Mutex::new(Vec::new()),
        generation: AtomicU64::new(0),
        limit: config.render_limit,
    });
    let p = Arc::clone(&state);
    state.renderer.start(Arc::new(move |r| publish(&p, r)));
    let shown =
        if addr.ip().is_unspecified() { format!("127.0.0.1:{}", addr.port()) } else { host };
    Ok(Started { url: format!("http://{shown}/"), server: Arc::new(server), state })
}

impl Started {
    /// Answers requests, one thread per request, until the process is
    /// told to stop (Ctrl-C: `jobs::stopped`); then ends the renderer.
    /// The signal that stopped it.
    pub fn serve(self) -> Option<i32> {
        let signal = loop {
            if let Some(signal) = handbill::jobs::stopped() {
                break Some(signal);
            }
            match self.server.recv_timeout(Duration::from_millis(100)) {
                Ok(Some(req)) => {
                    let state = Arc::clone(&self.state);
                    std::thread::spawn(move || handle(&state, req));
                }
                Ok(None) => {}
                Err(_) => break None,
            }
        };
        self.state.renderer.stop();
        signal
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn publish(state: &State, r: Published) {
    let event = match r {
        Published::Done(r) => {
            let event = r.event();
            // A failed edit keeps the last good pages and PDF on show.
            if r.error.is_none() {
                *lock(&state.latest) = Some(Arc::from(r));
            }
            event
        }
        Published::Stopped(generation) => {
            let problem = words::plain(
                &format!(
                    "this edit took longer than {} s to set, so it was stopped; the preview shows the last one that worked",
                    state.limit.as_secs_f32()
                ),
                "a shorter text, or fewer pages, sets faster",
            );
            failed_event(generation, &problem, true)
        }
        Published::Failed(generation, problem) => failed_event(generation, &problem, false),
    };
    lock(&state.listeners).retain(|tx| tx.send(event.clone()).is_ok());
}

fn failed_event(generation: u64, problem: &words::Problem, stopped: bool) -> String {
    json!({
        "generation": generation,
        "error": problem,
        "stopped": stopped,
        "warnings": [],
        "pages": 0,
        "sheets": 0,
    })
    .to_string()
}

/// A random token for the page: 128 bits from the system's generator.
fn token() -> String {
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if read.is_err() {
        // No /dev/urandom (Windows): std's per-process random hash keys.
        use std::hash::BuildHasher;
        for (i, chunk) in bytes.chunks_mut(8).enumerate() {
            let h = std::collections::hash_map::RandomState::new().hash_one(i);
            chunk.copy_from_slice(&h.to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

type Reply = Response<std::io::Cursor<Vec<u8>>>;

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|()| {
        Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).expect("plain header")
    })
}

fn reply(status: u16, kind: &str, body: Vec<u8>) -> Reply {
    Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'",
        ))
}

fn text(status: u16, message: &str) -> Reply {
    reply(status, "text/plain; charset=utf-8", message.as_bytes().to_vec())
}

fn json_reply(status: u16, v: &Value) -> Reply {
    reply(status, "application/json", v.to_string().into_bytes())
}

fn handle(state: &Arc<State>, mut req: Request) {
    if let Err(why) = check_host(state, &req) {
        let _ = req.respond(text(403, &why));
        return;
    }
    let url = req.url().to_string();
    let path = url.split('?').next().unwrap_or("").to_string();
    if path == "/events" && *req.method() == Method::Get {
        events(state, req);
        return;
    }
    let answer = match (req.method().clone(), path.as_str()) {
        (Method::Get, "/") => {
            let page = INDEX.replace("{{token}}", &state.token);
            reply(200, "text/html; charset=utf-8", page.into_bytes())
        }
        (Method::Get, "/app.js") => reply(200, "text/javascript; charset=utf-8", SCRIPT.into()),
        (Method::Get, "/app.css") => reply(200, "text/css; charset=utf-8", STYLE.into()),
        (Method::Get, "/api/files") => files_list(state),
        (Method::Get, "/api/file") => read_file(state, &url),
        (Method::Get, "/api/layout") => layout_form(state, &url),
        (Method::Get, "/api/settled") => settled(state),
        (Method::Get, p) if p.starts_with("/preview/") => preview_png(state, p),
        (Method::Get, p) if p.starts_with("/download/") => download(state, p),
        (Method::Post, p) => match guarded_body(state, &mut req) {
            Err(r) => r,
            Ok(body) => match p {
                "/api/render" => submit(state, &body),
                "/api/save" => save(state, &body),
                "/api/upload" => upload(state, &url, &body),
                "/api/selftest" => {
                    // The page's self-test (`?selftest=1`) reports here; the
                    // browser test reads it from standard output.
                    println!("selftest: {}", String::from_utf8_lossy(&body));
                    text(200, "reported")
                }
                _ => text(404, "no such action"),
            },
        },
        _ => text(404, "not found"),
    };
    let _ = req.respond(answer);
}

/// Refuses requests addressed to another name (DNS rebinding: a page on
/// evil.example whose name now points here sends `Host: evil.example`).
fn check_host(state: &State, req: &Request) -> std::result::Result<(), String> {
    let host = req
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string())
        .unwrap_or_default();
    let ok = host == state.host
        || host == format!("localhost:{}", state.port)
        || (state.host.starts_with("127.") && host == format!("127.0.0.1:{}", state.port))
        || (state.any_host_ip
            && host.rsplit_once(':').is_some_and(|(ip, port)| {
                port == state.port.to_string() && ip.parse::<std::net::IpAddr>().is_ok()
            }));
    if ok {
        Ok(())
    } else {
        Err(format!("this studio answers only requests to {}", state.host))
    }
}

/// The body of a request that changes something: it must carry the page's
/// token, come from the page's own origin when the browser says where it
/// comes from, and be no larger than a statement may be.
fn guarded_body(state: &State, req: &mut Request) -> std::result::Result<Vec<u8>, Reply> {
    let get = |name: &'static str| {
        req.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str().to_string())
    };
    if get("X-Studio-Token").as_deref() != Some(state.token.as_str()) {
        return Err(text(403, "this request does not come from the studio's page (no token)"));
    }
    if let Some(origin) = get("Origin") {
        let host = get("Host").unwrap_or_default();
        if origin != format!("http://{host}") {
            return Err(text(403, "this request comes from another site"));
        }
    }
    let limit = MAX_STATEMENT_BYTES as usize;
    if req.body_length().is_some_and(|n| n > limit) {
        return Err(text(413, "too large: the studio takes at most 2 MiB at a time"));
    }
    let mut body = Vec::new();
    if req.as_reader().take(limit as u64 + 1).read_to_end(&mut body).is_err() {
        return Err(text(400, "the request could not be read"));
    }
    if body.len() > limit {
        return Err(text(413, "too large: the studio takes at most 2 MiB at a time"));
    }
    Ok(body)
}

/// Server-sent events: the newest render at once, then each new one.
fn events(state: &Arc<State>, req: Request) {
    let (tx, rx) = mpsc::channel();
    if let Some(r) = lock(&state.latest).as_ref() {
        let _ = tx.send(r.event());
    }
    lock(&state.listeners).push(tx);
    let mut w = req.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
    if w.write_all(head.as_bytes()).and_then(|()| w.flush()).is_err() {
        return;
    }
    loop {
        let msg = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(event) => format!("data: {event}\n\n"),
            // A comment now and then finds closed connections.
            Err(mpsc::RecvTimeoutError::Timeout) => ":\n\n".to_string(),
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if w.write_all(msg.as_bytes()).and_then(|()| w.flush()).is_err() {
            return;
        }
    }
}

fn files_list(state: &State) -> Reply {
    let list = files::listing(&state.root);
    let shipped: Vec<&str> = spec::shipped().iter().map(|(id, _)| *id).collect();
    json_reply(
        200,
        &json!({
            "statements": list.statements,
            "layouts": list.layouts,
            "images": list.images,
            "shipped": shipped,
        }),
    )
}

fn read_file(state: &State, url: &str) -> Reply {
    let Some(rel) = files::query(url, "path") else { return text(400, "no path given") };
    let path = match files::existing(&state.root, &rel) {
        Ok(p) => p,
        Err(why) => return text(404, &why),
    };
    let known = matches!(path.extension().and_then(|x| x.to_str()), Some("md" | "txt" | "toml"));
    if !known {
        return text(403, "the studio opens only statements (.md, .txt) and layouts (.toml)");
    }
    match std::fs::metadata(&path) {
        Ok(m) if m.len() > MAX_STATEMENT_BYTES => {
            return text(413, "too large: a statement may be at most 2 MiB")
        }
        Err(_) => return text(404, "cannot read it"),
        _ => {}
    }
    match std::fs::read_to_string(&path) {
        Ok(s) => reply(200, "text/plain; charset=utf-8", s.into_bytes()),
        Err(_) => text(415, "not a text file (UTF-8)"),
    }
}

fn base_of(state: &State, name: &str) -> std::result::Result<Base, String> {
    if spec::shipped().iter().any(|(id, _)| *id == name) {
        return Ok(Base::Shipped(name.to_string()));
    }
    if !name.ends_with(".toml") {
        return Err(format!("there is no layout {name}"));
    }
    files::existing(&state.root, name).map(Base::Local)
}

/// The layout file `base` is, as the preview's layout `extends` names it.
fn extends_of(state: &State, base: &Base) -> String {
    match base {
        Base::Shipped(id) => id.clone(),
        Base::Local(p) => relative_to(&state.root.join("layouts"), p),
    }
}

/// The layout picked, as the form starts from it.
fn base_layout(base: &Base) -> handbill::Result<spec::LayoutSpec> {
    match base {
        Base::Shipped(id) => spec::load_str(id, &format!("extends = {id:?}"), &[]),
        Base::Local(path) => spec::load(&path.to_string_lossy(), &[]),
    }
}

/// The current values of the keys the form shows, for the layout picked.
fn layout_form(state: &State, url: &str) -> Reply {
    let name = files::query(url, "base").unwrap_or_default();
    let base = match base_of(state, &name) {
        Ok(b) => b,
        Err(why) => return text(404, &why),
    };
    let l = match base_layout(&base) {
        Ok(l) => l,
        Err(e) => {
            let p = words::error(&e, Path::new(""));
            return json_reply(200, &json!({ "error": p }));
        }
    };
    let paper = spec::papers()
        .iter()
        .find(|(_, w, h)| {
            let (pw, ph) = (l.page.width.min(l.page.height), l.page.width.max(l.page.height));
            (pw - w).abs() < 0.5 && (ph - h).abs() < 0.5
        })
        .map(|(n, _, _)| *n)
        .unwrap_or("");
    let color = match l.print.color {
        spec::ColorMode::Gray => "gray",
        spec::ColorMode::Cmyk => "cmyk",
        spec::ColorMode::Color => "color",
    };
    // The base's logo, named as the form names files: from the folder.
    let logo = match (&base, l.masthead.logo.is_empty()) {
        (Base::Local(p), false) => p
            .parent()
            .map(|dir| dir.join(&l.masthead.logo))
            .and_then(|f| f.canonicalize().ok())
            .and_then(|f| f.strip_prefix(&state.root).ok().map(Path::to_path_buf))
            .map(|f| f.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default(),
        _ => String::new(),
    };
    json_reply(
        200,
        &json!({
            "kicker": l.masthead.kicker,
            "footer_text": l.footer.text,
            "footer_link": l.footer.link,
            "qr": l.footer.qr,
            "paper": paper,
            "papers": spec::papers().iter().map(|p| p.0).collect::<Vec<_>>(),
            "columns": l.page.columns,
            "body_size": pt(l.body.size),
            "fit_pages": l.fit.pages,
            "color": color,
            "logo": logo,
            "logo_size": pt(l.masthead.logo_size),
            "logo_side": match l.masthead.logo_side {
                spec::LogoSide::Left => "left",
                spec::LogoSide::Right => "right",
            },
        }),
    )
}

/// A length as the form shows it: "10pt", "10.5pt".
fn pt(points: f32) -> String {
    format!("{}pt", (points * 10.0).round() / 10.0)
}

/// The pictures a logo may be.
const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "webp", "svg"];

/// The `layouts/` folder, made if missing: the preview's layout is read as
/// if it were there, and a path from it to a file beside it needs it.
fn layouts_dir(state: &State) -> std::result::Result<PathBuf, String> {
    let dir = state.root.join("layouts");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot make the layouts folder: {e}"))?;
    let real = dir.canonicalize().map_err(|e| format!("cannot open the layouts folder: {e}"))?;
    if !real.starts_with(&state.root) {
        return Err("the layouts folder leads out of the studio's folder".to_string());
    }
    Ok(real)
}

/// Reads the page's edit: `{statement, format, base, sets, toml, title,
/// logo}`. `logo` names a picture in the folder ("" for none, absent to
/// keep the layout's); it becomes `masthead.logo`, relative to `layouts/`.
fn edit_of(state: &State, body: &[u8]) -> std::result::Result<(Edit, Base, Value), String> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| format!("not a studio request: {e}"))?;
    let statement = v["statement"].as_str().unwrap_or("").to_string();
    let format = v["format"].as_str().filter(|f| matches!(*f, "markdown" | "text"));
    let base = base_of(state, v["base"].as_str().unwrap_or(""))?;
    let mut sets: Vec<String> = v["sets"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
        .unwrap_or_default();
    let toml_text = v["toml"].as_str().unwrap_or("");
    let table: toml::Table =
        toml_text.parse().map_err(|e| format!("the TOML box: {}", e).replace('\n', " "))?;
    // The TOML box first, the form's fields over it.
    let mut all = Vec::new();
    flatten(&table, "", &mut all);
    all.append(&mut sets);
    // `layouts/` is made only when the preview's layout names a file from
    // it (a path through it needs it to exist).
    let logo = v["logo"].as_str();
    let layouts = if matches!(base, Base::Local(_)) || logo.is_some_and(|l| !l.is_empty()) {
        layouts_dir(state)?
    } else {
        state.root.join("layouts")
    };
    // A base layout's own logos are named from its folder; the preview's
    // layout (and the saved one) sits in `layouts/`: name them from there.
    if let Base::Local(p) = &base {
        let dir = p.parent().unwrap_or(&state.root);
        if dir != layouts {
            if let Ok(l) = base_layout(&base) {
                for (key, name) in
                    [("masthead.logo", &l.masthead.logo), ("footer.logo", &l.footer.logo)]
                {
                    let Ok(file) = dir.join(name).canonicalize() else { continue };
                    if !name.is_empty() && !name.contains('{') {
                        let value = toml::Value::String(relative_to(&layouts, &file));
                        all.insert(0, format!("{key}={value}"));
                    }
                }
            }
        }
    }
    if let Some(logo) = logo {
        let value = if logo.is_empty() {
            String::new()
        } else {
            let file = files::existing(&state.root, logo)?;
            let ext = file.extension().and_then(|x| x.to_str()).unwrap_or("").to_lowercase();
            if !IMAGE_EXTENSIONS.contains(&ext.as_str()) {
                return Err(format!("{logo} is not a picture (PNG, JPEG, GIF, WebP or SVG)"));
            }
            relative_to(&layouts, &file)
        };
        all.push(format!("masthead.logo={}", toml::Value::String(value)));
    }
    let generation = state.generation.fetch_add(1, Ordering::SeqCst) + 1;
    let edit = Edit {
        generation,
        statement,
        format: format.map(String::from),
        title: v["title"].as_str().unwrap_or("").to_string(),
        statement_path: state.root.join("statement.md"),
        layout_path: state.root.join(PREVIEW_LAYOUT),
        extends: extends_of(state, &base),
        sets: all,
    };
    Ok((edit, base, v))
}

/// `[a] b = 1` as `a.b=1`, the form `--set` takes.
fn flatten(t: &toml::Table, prefix: &str, out: &mut Vec<String>) {
    for (k, v) in t {
        let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            toml::Value::Table(inner) => flatten(inner, &key, out),
            other => out.push(format!("{key}={other}")),
        }
    }
}

fn submit(state: &State, body: &[u8]) -> Reply {
    match edit_of(state, body) {
        Ok((edit, _, _)) => {
            let generation = edit.generation;
            state.renderer.submit(edit);
            json_reply(202, &json!({ "generation": generation }))
        }
        Err(why) => {
            json_reply(400, &json!({ "error": words::plain(&why, "correct it and try again") }))
        }
    }
}

/// Writes the statement as `NAME.md` and the layout as
/// `layouts/NAME.toml`, which `extends` the layout picked.
fn save(state: &State, body: &[u8]) -> Reply {
    let refuse = |status: u16, why: &str, fix: &str| {
        json_reply(status, &json!({ "error": words::plain(why, fix) }))
    };
    let (edit, base, v) = match edit_of(state, body) {
        Ok(x) => x,
        Err(why) => return refuse(400, &why, "correct it and save again"),
    };
    let name = match files::plain_name(v["name"].as_str().unwrap_or("")) {
        Ok(n) => n.trim_end_matches(".md").to_string(),
        Err(why) => return refuse(400, &why, "choose another name"),
    };
    // The layout must load as it will be read back.
    if let Err(e) = edit.layout() {
        return json_reply(400, &json!({ "error": words::error(&e, &edit.statement_path) }));
    }
    let statement_rel = format!("{name}.md");
    let layout_rel = format!("layouts/{name}.toml");
    if let Err(why) = layouts_dir(state) {
        return refuse(403, &why, "save into a folder inside the studio's folder");
    }
    let layout_path = match files::writable(&state.root, &layout_rel) {
        Ok(p) => p,
        Err(why) => return refuse(403, &why, "save into a folder inside the studio's folder"),
    };
    let mut table = toml::Table::new();
    let extends = match &base {
        // Saved over the layout it started from: the changes go into it.
        Base::Local(p) if layout_path.canonicalize().is_ok_and(|t| &t == p) => {
            match std::fs::read_to_string(p).ok().and_then(|t| t.parse::<toml::Table>().ok()) {
                Some(t) => table = t,
                None => {
                    return refuse(
                        400,
                        &format!("{layout_rel} cannot be read"),
                        "mend it, or save under another name",
                    )
                }
            }
            None
        }
        _ => Some(edit.extends.clone()),
    };
    for set in &edit.sets {
        let Some((key, value)) = set.split_once('=') else { continue };
        let value = format!("v = {value}")
            .parse::<toml::Table>()
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or_else(|| toml::Value::String(value.to_string()));
        insert(&mut table, key, value);
    }
    let layout_text = match &extends {
        Some(extends) => format!(
            "# Saved by handbill studio: {extends} with these changes.\nextends = {}\n\n{}",
            toml::Value::String(extends.clone()),
            toml::to_string(&table).unwrap_or_default()
        ),
        None => toml::to_string(&table).unwrap_or_default(),
    };
    let (statement_text, _) = edit.statement_text();
    for (rel, bytes) in
        [(&statement_rel, statement_text.as_bytes()), (&layout_rel, layout_text.as_bytes())]
    {
        let path = match files::writable(&state.root, rel) {
            Ok(p) => p,
            Err(why) => return refuse(403, &why, "save into a folder inside the studio's folder"),
        };
        if let Err(e) = handbill::output::write_atomic(&path, bytes, "saving from the studio") {
            return json_reply(500, &json!({ "error": words::error(&e, Path::new("")) }));
        }
    }
    json_reply(200, &json!({ "statement": statement_rel, "layout": layout_rel }))
}

/// Stores a logo sent by the page in `layouts/`, where the layout is
/// saved, under its own name (or a numbered one if that is taken by
/// another file): `POST /api/upload?name=logo.png`, the file as the body.
fn upload(state: &State, url: &str, body: &[u8]) -> Reply {
    let refuse = |status: u16, why: &str, fix: &str| {
        json_reply(status, &json!({ "error": words::plain(why, fix) }))
    };
    let name = files::query(url, "name").unwrap_or_default();
    let name = match files::plain_name(&name) {
        Ok(n) => n.to_string(),
        Err(why) => return refuse(400, &why, "rename the file and upload it again"),
    };
    let path = Path::new(&name);
    let ext = path.extension().and_then(|x| x.to_str()).unwrap_or("").to_lowercase();
    if !IMAGE_EXTENSIONS.contains(&ext.as_str()) {
        return refuse(
            415,
            &format!("{name} is not a picture file"),
            "upload a PNG, JPEG, GIF, WebP or SVG file",
        );
    }
    // Read as the build will read it: a broken or disguised file is
    // refused now, with the reason.
    let at = handbill::Location::file(&name);
    if let Err(e) = handbill::picture::decode(&name, body.to_vec(), &at) {
        return json_reply(415, &json!({ "error": words::error(&e, Path::new("")) }));
    }
    if let Err(why) = layouts_dir(state) {
        return refuse(500, &why, "check the folder's permissions");
    }
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("logo").to_string();
    for n in 1..100 {
        let candidate = if n == 1 { name.clone() } else { format!("{stem}-{n}.{ext}") };
        let rel = format!("layouts/{candidate}");
        let target = match files::writable(&state.root, &rel) {
            Ok(p) => p,
            Err(why) => return refuse(403, &why, "save into a folder inside the studio's folder"),
        };
        match std::fs::read(&target) {
            Ok(old) if old != body => continue,
            Ok(_) => return json_reply(200, &json!({ "path": rel })),
            Err(_) => {}
        }
        return match handbill::output::write_atomic(&target, body, "saving the logo") {
            Ok(()) => json_reply(200, &json!({ "path": rel })),
            Err(e) => json_reply(500, &json!({ "error": words::error(&e, Path::new("")) })),
        };
    }
    refuse(409, &format!("there are too many files named like {name}"), "rename the file")
}

fn insert(table: &mut toml::Table, key: &str, value: toml::Value) {
    let mut parts: Vec<&str> = key.split('.').collect();
    let Some(last) = parts.pop() else { return };
    let mut t = table;
    for p in parts {
        let entry =
            t.entry(p.to_string()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let toml::Value::Table(inner) = entry else { return };
        t = inner;
    }
    t.insert(last.to_string(), value);
}

/// `to` as a path relative to the folder `from` (both inside the root).
fn relative_to(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to_c: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to_c).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to_c[common..] {
        out.push(c);
    }
    out.to_string_lossy().replace('\\', "/")
}

/// Answers once a render is on show and none is waiting or running (at
/// most 20 s): the page's `?shot=1` holds its load event on this, so that a
/// headless browser's `--screenshot` shows the pages.
fn settled(state: &State) -> Reply {
    let start = std::time::Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        let idle = {
            let s = lock(&state.renderer.slot.0);
            s.pending.is_none() && s.running.is_none()
        };
        if idle && latest(state).is_some() {
            std::thread::sleep(Duration::from_millis(300));
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    match preview::GrayImage::white(1, 1).to_png() {
        Ok(png) => reply(200, "image/png", png),
        Err(e) => text(500, &e.to_string()),
    }
}

fn latest(state: &State) -> Option<Arc<Rendered>> {
    lock(&state.latest).clone()
}

/// `/preview/GEN/page-N.png` or `/preview/GEN/sheet-N.png` (1-based). A
/// generation that is no longer the newest answers with the newest.
fn preview_png(state: &State, path: &str) -> Reply {
    let Some(r) = latest(state) else { return text(404, "nothing rendered yet") };
    let name = path.rsplit('/').next().unwrap_or("");
    let pick = |prefix: &str, list: &[Vec<u8>]| {
        let n: usize = name.strip_prefix(prefix)?.strip_suffix(".png")?.parse().ok()?;
        list.get(n.checked_sub(1)?).cloned()
    };
    match pick("page-", &r.pages).or_else(|| pick("sheet-", &r.sheets)) {
        Some(png) => reply(200, "image/png", png),
        None => text(404, "no such page"),
    }
}

/// The newest leaflet as a PDF, or one of its images to share.
fn download(state: &State, path: &str) -> Reply {
    let Some(r) = latest(state) else { return text(404, "nothing rendered yet") };
    let name = path.trim_start_matches("/download/");
    if name == "leaflet.pdf" {
        return reply(200, "application/pdf", r.pdf.clone())
            .with_header(header("Content-Disposition", "attachment; filename=\"leaflet.pdf\""));
    }
    if !r.share.iter().any(|s| s == name) {
        return text(404, "not found");
    }
    let fonts = &state.renderer;
    match render::share_image(&r.edit, &fonts.book, &fonts.font_dirs, name) {
        Ok(Some(png)) => reply(200, "image/png", png).with_header(header(
            "Content-Disposition",
            &format!("attachment; filename=\"{name}\""),
        )),
        Ok(None) => text(404, "not found"),
        Err(e) => text(500, &words::error(&e, Path::new("")).text),
    }
}
