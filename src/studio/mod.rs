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
//! the folder; a render that runs too long is abandoned and reported.

pub mod files;
pub mod render;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tiny_http::{Header, Method, Request, Response, Server};

use handbill::fonts::FontBook;
use handbill::statement::{Format, MAX_STATEMENT_BYTES};
use handbill::{preview, spec, Error, Result};
use render::{Base, Edit, Rendered, Renderer, Slot};

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
    /// A render that runs longer than this is abandoned.
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
    renderer: Renderer,
    latest: Mutex<Option<Arc<Rendered>>>,
    listeners: Mutex<Vec<mpsc::Sender<String>>>,
    generation: AtomicU64,
    epoch: AtomicU64,
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
        renderer: Renderer {
            slot: Arc::new((Mutex::new(Slot::default()), Condvar::new())),
            book: Arc::new(config.book),
            font_dirs: Arc::new(config.font_dirs),
        },
        latest: Mutex::new(None),
        listeners: Mutex::new(Vec::new()),
        generation: AtomicU64::new(0),
        epoch: AtomicU64::new(0),
        limit: config.render_limit,
    });
    spawn_worker(&state);
    let watch = Arc::clone(&state);
    std::thread::spawn(move || watchdog(&watch));
    let shown =
        if addr.ip().is_unspecified() { format!("127.0.0.1:{}", addr.port()) } else { host };
    Ok(Started { url: format!("http://{shown}/"), server: Arc::new(server), state })
}

impl Started {
    /// Answers requests until the process ends, one thread per request.
    pub fn serve(self) {
        for req in self.server.incoming_requests() {
            let state = Arc::clone(&self.state);
            std::thread::spawn(move || handle(&state, req));
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn spawn_worker(state: &Arc<State>) {
    let epoch = state.epoch.load(Ordering::SeqCst);
    let a = Arc::clone(state);
    let alive = Arc::new(move || a.epoch.load(Ordering::SeqCst) == epoch);
    let p = Arc::clone(state);
    let publish = Arc::new(move |r: Rendered| publish(&p, r));
    state.renderer.spawn_worker(alive, publish);
}

fn publish(state: &State, r: Rendered) {
    let event = r.event();
    // A failed edit keeps the last good pages and PDF on show.
    if r.error.is_none() {
        *lock(&state.latest) = Some(Arc::new(r));
    }
    lock(&state.listeners).retain(|tx| tx.send(event.clone()).is_ok());
}

/// Abandons a render that runs past the limit: a new worker takes the
/// following edits, and the old one's result is dropped when it ends.
fn watchdog(state: &Arc<State>) {
    loop {
        std::thread::sleep(Duration::from_millis(20));
        let stuck = {
            let mut s = lock(&state.renderer.slot.0);
            match s.running {
                Some((generation, since)) if since.elapsed() > state.limit => {
                    s.running = None;
                    Some(generation)
                }
                _ => None,
            }
        };
        if let Some(generation) = stuck {
            state.epoch.fetch_add(1, Ordering::SeqCst);
            spawn_worker(state);
            let event = json!({
                "generation": generation,
                "error": format!(
                    "This edit took longer than {} s to set and was stopped; the preview shows the last one that worked. A shorter text, or fewer pages, sets faster.",
                    state.limit.as_secs_f32()
                ),
                "stopped": true,
                "warnings": [],
                "pages": 0,
                "sheets": 0,
            })
            .to_string();
            lock(&state.listeners).retain(|tx| tx.send(event.clone()).is_ok());
        }
    }
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
        return Err(text(413, "too large: a statement may be at most 2 MiB"));
    }
    let mut body = Vec::new();
    if req.as_reader().take(limit as u64 + 1).read_to_end(&mut body).is_err() {
        return Err(text(400, "the request could not be read"));
    }
    if body.len() > limit {
        return Err(text(413, "too large: a statement may be at most 2 MiB"));
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
    let (statements, layouts) = files::listing(&state.root);
    let shipped: Vec<&str> = spec::shipped().iter().map(|(id, _)| *id).collect();
    json_reply(200, &json!({ "statements": statements, "layouts": layouts, "shipped": shipped }))
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

/// The current values of the keys the form shows, for the layout picked.
fn layout_form(state: &State, url: &str) -> Reply {
    let name = files::query(url, "base").unwrap_or_default();
    let base = match base_of(state, &name) {
        Ok(b) => b,
        Err(why) => return text(404, &why),
    };
    let l = match render::load_layout(&base, &[]) {
        Ok(l) => l,
        Err(e) => return json_reply(200, &json!({ "error": e.to_string() })),
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
            "body_size": format!("{}pt", (l.body.size * 10.0).round() / 10.0),
            "fit_pages": l.fit.pages,
            "color": color,
        }),
    )
}

/// Reads the page's edit: `{statement, format, base, sets, toml}`.
fn edit_of(state: &State, body: &[u8]) -> std::result::Result<(Edit, Value), String> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| format!("not a studio request: {e}"))?;
    let statement = v["statement"].as_str().unwrap_or("").to_string();
    let format = match v["format"].as_str() {
        Some("markdown") => Some(Format::Markdown),
        Some("text") => Some(Format::Text),
        _ => None,
    };
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
    let generation = state.generation.fetch_add(1, Ordering::SeqCst) + 1;
    Ok((Edit { generation, statement, format, base, sets: all }, v))
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
        Ok((edit, _)) => {
            let generation = edit.generation;
            state.renderer.submit(edit);
            json_reply(202, &json!({ "generation": generation }))
        }
        Err(why) => json_reply(400, &json!({ "error": why })),
    }
}

/// Writes the statement as `NAME.md` and the layout as
/// `layouts/NAME.toml`, which `extends` the layout picked.
fn save(state: &State, body: &[u8]) -> Reply {
    let (edit, v) = match edit_of(state, body) {
        Ok(x) => x,
        Err(why) => return json_reply(400, &json!({ "error": why })),
    };
    let name = match files::plain_name(v["name"].as_str().unwrap_or("")) {
        Ok(n) => n.trim_end_matches(".md").to_string(),
        Err(why) => return json_reply(400, &json!({ "error": why })),
    };
    // The layout must load as it will be read back.
    if let Err(e) = render::load_layout(&edit.base, &edit.sets) {
        return json_reply(400, &json!({ "error": e.to_string() }));
    }
    let extends = match &edit.base {
        Base::Shipped(id) => id.clone(),
        Base::Local(p) => relative_to(&state.root.join("layouts"), p),
    };
    let mut table = toml::Table::new();
    for set in &edit.sets {
        let Some((key, value)) = set.split_once('=') else { continue };
        let value = format!("v = {value}")
            .parse::<toml::Table>()
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or_else(|| toml::Value::String(value.to_string()));
        insert(&mut table, key, value);
    }
    let layout_text = format!(
        "# Saved by handbill studio: {extends} with these changes.\nextends = {}\n\n{}",
        toml::Value::String(extends.clone()),
        toml::to_string(&table).unwrap_or_default()
    );
    if std::fs::create_dir_all(state.root.join("layouts")).is_err() {
        return json_reply(500, &json!({ "error": "cannot make the layouts folder" }));
    }
    let statement_rel = format!("{name}.md");
    let layout_rel = format!("layouts/{name}.toml");
    for (rel, bytes) in
        [(&statement_rel, edit.statement.as_bytes()), (&layout_rel, layout_text.as_bytes())]
    {
        let path = match files::writable(&state.root, rel) {
            Ok(p) => p,
            Err(why) => return json_reply(403, &json!({ "error": why })),
        };
        if let Err(e) = handbill::output::write_atomic(&path, bytes, "saving from the studio") {
            return json_reply(500, &json!({ "error": e.to_string() }));
        }
    }
    json_reply(200, &json!({ "statement": statement_rel, "layout": layout_rel }))
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

/// The newest leaflet as a PDF, or a page drawn larger to share.
fn download(state: &State, path: &str) -> Reply {
    let Some(r) = latest(state) else { return text(404, "nothing rendered yet") };
    let name = path.trim_start_matches("/download/");
    if name == "leaflet.pdf" {
        return reply(200, "application/pdf", r.pdf.clone())
            .with_header(header("Content-Disposition", "attachment; filename=\"leaflet.pdf\""));
    }
    let page = name
        .strip_prefix("page-")
        .and_then(|s| s.strip_suffix(".png"))
        .and_then(|s| s.parse::<usize>().ok())
        .and_then(|n| n.checked_sub(1));
    let (Some(page), Some(doc)) = (page, r.document.as_ref()) else {
        return text(404, "not found");
    };
    match preview::render_page(doc, page, &state.renderer.book, render::SHARE_DPI)
        .and_then(|img| img.to_png())
    {
        Ok(png) => reply(200, "image/png", png).with_header(header(
            "Content-Disposition",
            &format!("attachment; filename=\"leaflet-{}.png\"", page + 1),
        )),
        Err(e) => text(404, &e.to_string()),
    }
}
