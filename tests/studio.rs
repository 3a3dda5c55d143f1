//! `handbill studio`: the server's guards, each as a request and what it got
//! back; the preview's latency; and the page driven in headless Chromium.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{require_tool, temp, write};

/// A running `handbill studio`, stopped when dropped.
struct Studio {
    child: Child,
    port: u16,
    token: String,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Studio {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn binary() -> String {
    // HANDBILL names another build (e.g. a release one) for the latency figure.
    std::env::var("HANDBILL").unwrap_or_else(|_| env!("CARGO_BIN_EXE_handbill").to_string())
}

fn studio(dir: &Path, extra: &[&str]) -> Studio {
    let mut child = Command::new(binary())
        .arg("studio")
        .arg(dir)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("handbill starts");
    let stdout = Arc::new(Mutex::new(Vec::new()));
    let stderr = Arc::new(Mutex::new(String::new()));
    let (tx, rx) = std::sync::mpsc::channel();
    let out = BufReader::new(child.stdout.take().unwrap());
    let lines = Arc::clone(&stdout);
    std::thread::spawn(move || {
        for line in out.lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("handbill studio: ") {
                let _ = tx.send(url.split(' ').next().unwrap_or("").to_string());
            }
            lines.lock().unwrap().push(line);
        }
    });
    let mut err = child.stderr.take().unwrap();
    let errs = Arc::clone(&stderr);
    std::thread::spawn(move || {
        let mut s = String::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = err.read(&mut buf) {
            if n == 0 {
                break;
            }
            s.push_str(&String::from_utf8_lossy(&buf[..n]));
            *errs.lock().unwrap() = s.clone();
        }
    });
    let url = rx.recv_timeout(Duration::from_secs(30)).expect("the studio prints its address");
    let port: u16 = url
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("a port in the address");
    let mut s = Studio { child, port, token: String::new(), stdout, stderr };
    s.token = {
        let page = s.get("/").2;
        let page = String::from_utf8(page).unwrap();
        let at = page.find("name=\"studio-token\" content=\"").expect("a token in the page") + 29;
        page[at..at + 32].to_string()
    };
    s
}

/// One HTTP/1.1 request; (status, head, body).
fn request(port: u16, raw_head: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
    let mut c = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    c.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    c.write_all(raw_head.as_bytes()).unwrap();
    // The server may answer (413) before reading the whole body.
    let _ = c.write_all(body);
    let mut all = Vec::new();
    let _ = c.read_to_end(&mut all);
    let split = all.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8_lossy(&all[..split]).to_string();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status");
    let mut body = all[split + 4..].to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    (status, head, body)
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + n]);
        b = &b[eol + 4 + n..];
    }
    out
}

impl Studio {
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn get(&self, path: &str) -> (u16, String, Vec<u8>) {
        let head =
            format!("GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.host());
        request(self.port, &head, b"")
    }

    fn post(&self, path: &str, extra: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}\r\n",
            self.host(),
            body.len()
        );
        request(self.port, &head, body)
    }

    fn token_header(&self) -> String {
        format!("X-Studio-Token: {}\r\n", self.token)
    }

    fn render(&self, statement: &str, sets: &[&str]) -> u64 {
        let body = serde_json::json!({
            "statement": statement, "base": "letter-2col", "sets": sets, "toml": ""
        });
        let (status, _, body) =
            self.post("/api/render", &self.token_header(), body.to_string().as_bytes());
        assert_eq!(status, 202, "{}", String::from_utf8_lossy(&body));
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        v["generation"].as_u64().unwrap()
    }

    /// Listens to the server-sent events; each one is sent down the channel.
    fn events(&self) -> std::sync::mpsc::Receiver<serde_json::Value> {
        let mut c = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(c, "GET /events HTTP/1.1\r\nHost: {}\r\n\r\n", self.host()).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(c).lines().map_while(Result::ok) {
                if let Some(data) = line.strip_prefix("data: ") {
                    if tx.send(serde_json::from_str(data).unwrap()).is_err() {
                        return;
                    }
                }
            }
        });
        // The stream is open once its head has been answered; give it a moment.
        std::thread::sleep(Duration::from_millis(100));
        rx
    }
}

fn wait_for(
    rx: &std::sync::mpsc::Receiver<serde_json::Value>,
    generation: u64,
) -> serde_json::Value {
    loop {
        let ev = rx.recv_timeout(Duration::from_secs(120)).expect("an event");
        if ev["generation"].as_u64() >= Some(generation) {
            return ev;
        }
    }
}

const FLYER: &str = "# Defend the right to strike\n\n";

fn flyer(words: usize) -> String {
    let para = "Workers in every industry face the same attacks on wages and conditions, \
                and only a united struggle across all borders can answer them. ";
    let mut s = FLYER.to_string();
    for i in 0..words / 20 {
        s.push_str(para);
        if i % 4 == 3 {
            s.push_str("\n\n");
        }
    }
    s
}

fn status_line(what: &str, status: u16, body: &[u8]) {
    // The list of guards and answers, for the record (`--nocapture`).
    println!(
        "{what}: {status} {}",
        String::from_utf8_lossy(body).chars().take(90).collect::<String>()
    );
}

#[test]
fn listens_on_loopback_only_unless_told() {
    let dir = temp();
    let s = studio(dir.path(), &[]);
    // The address the machine has on its network, if any (no packet is sent).
    let udp = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
    if udp.connect("10.255.255.255:9").is_ok() {
        if let Ok(local) = udp.local_addr() {
            if !local.ip().is_loopback() && !local.ip().is_unspecified() {
                let reached = TcpStream::connect_timeout(
                    &std::net::SocketAddr::new(local.ip(), s.port),
                    Duration::from_secs(2),
                );
                println!(
                    "connect to {}:{}: {}",
                    local.ip(),
                    s.port,
                    if reached.is_ok() { "accepted" } else { "refused" }
                );
                assert!(reached.is_err(), "the studio answered on {}", local.ip());
            }
        }
    }
    drop(s);
    let wide = studio(dir.path(), &["--listen", "0.0.0.0"]);
    std::thread::sleep(Duration::from_millis(200));
    let err = wide.stderr.lock().unwrap().clone();
    println!("--listen 0.0.0.0 warns: {}", err.trim());
    assert!(err.contains("anyone who can reach this machine"), "{err}");
}

#[test]
fn another_host_name_is_refused() {
    let dir = temp();
    let s = studio(dir.path(), &[]);
    let head =
        format!("GET / HTTP/1.1\r\nHost: evil.example:{}\r\nConnection: close\r\n\r\n", s.port);
    let (status, _, body) = request(s.port, &head, b"");
    status_line("GET / with Host: evil.example", status, &body);
    assert_eq!(status, 403);
    assert!(!String::from_utf8_lossy(&body).contains("studio-token"));
    let (status, _, _) = s.get("/");
    assert_eq!(status, 200);
    let head = format!("GET / HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\n\r\n", s.port);
    assert_eq!(request(s.port, &head, b"").0, 200);
}

#[test]
fn changes_need_the_token_and_the_same_origin() {
    let dir = temp();
    let s = studio(dir.path(), &[]);
    let body =
        serde_json::json!({"statement": "# A\n\nb", "base": "letter-2col", "sets": [], "toml": ""})
            .to_string();
    let (status, _, b) = s.post("/api/render", "", body.as_bytes());
    status_line("POST /api/render without token", status, &b);
    assert_eq!(status, 403);
    let (status, _, b) = s.post("/api/render", "X-Studio-Token: 0000\r\n", body.as_bytes());
    status_line("POST /api/render with a wrong token", status, &b);
    assert_eq!(status, 403);
    let extra = format!("{}Origin: http://evil.example\r\n", s.token_header());
    let (status, _, b) = s.post("/api/render", &extra, body.as_bytes());
    status_line("POST /api/render from Origin evil.example", status, &b);
    assert_eq!(status, 403);
    let extra = format!("{}Origin: http://{}\r\n", s.token_header(), s.host());
    let (status, _, b) = s.post("/api/save", "", body.as_bytes());
    status_line("POST /api/save without token", status, &b);
    assert_eq!(status, 403);
    let (status, _, _) = s.post("/api/render", &extra, body.as_bytes());
    assert_eq!(status, 202);
}

#[test]
fn bodies_over_the_statement_limit_get_413() {
    let dir = temp();
    let s = studio(dir.path(), &[]);
    let big = vec![b'a'; 2 * 1024 * 1024 + 1];
    let (status, _, b) = s.post("/api/render", &s.token_header(), &big);
    status_line("POST /api/render of 2 MiB + 1 byte", status, &b);
    assert_eq!(status, 413);
    // Sent in chunks, with no length given up front.
    let head = format!(
        "POST /api/render HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n{}Transfer-Encoding: chunked\r\n\r\n",
        s.host(),
        s.token_header()
    );
    let mut chunked = Vec::new();
    for _ in 0..33 {
        chunked.extend_from_slice(format!("{:x}\r\n", 65536).as_bytes());
        chunked.extend(std::iter::repeat_n(b'a', 65536));
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let (status, _, b) = request(s.port, &head, &chunked);
    status_line("POST /api/render chunked, 2.06 MiB", status, &b);
    assert_eq!(status, 413);
}

#[test]
fn no_request_reaches_outside_the_folder() {
    let outer = temp();
    write(outer.path(), "secret.md", "# Secret\n\nnot for the page");
    let dir = outer.path().join("studio");
    std::fs::create_dir(&dir).unwrap();
    write(&dir, "mine.md", "# Mine\n\nours");
    let s = studio(&dir, &[]);
    assert_eq!(s.get("/api/file?path=mine.md").0, 200);
    let secret = outer.path().join("secret.md");
    let tries = [
        "/api/file?path=../secret.md".to_string(),
        "/api/file?path=%2e%2e%2fsecret.md".to_string(),
        "/api/file?path=%2E%2E/secret.md".to_string(),
        format!("/api/file?path={}", secret.display()),
        "/api/file?path=link.md".to_string(),
        "/../secret.md".to_string(),
        "/%2e%2e/secret.md".to_string(),
        "/api/layout?base=../secret.toml".to_string(),
    ];
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, dir.join("link.md")).unwrap();
    for t in &tries {
        let (status, _, body) = s.get(t);
        status_line(&format!("GET {t}"), status, &body);
        assert!(status >= 400, "{t}: {status}");
        assert!(!String::from_utf8_lossy(&body).contains("not for the page"), "{t}");
    }
    // The listing offers neither the link nor anything outside.
    let listing = String::from_utf8(s.get("/api/files").2).unwrap();
    assert!(listing.contains("mine.md") && !listing.contains("link.md"), "{listing}");

    // Saving: a name with a path in it, and a layouts folder linked out.
    let save = |name: &str| {
        let body = serde_json::json!({
            "statement": "# Saved\n\ntext", "base": "letter-2col", "sets": [], "toml": "", "name": name
        });
        s.post("/api/save", &s.token_header(), body.to_string().as_bytes())
    };
    for name in ["../escape", "/tmp/escape", "%2e%2e%2fescape"] {
        let (status, _, body) = save(name);
        status_line(&format!("POST /api/save name {name}"), status, &body);
        assert_eq!(status, 400);
    }
    #[cfg(unix)]
    {
        let out_layouts = outer.path().join("elsewhere");
        std::fs::create_dir(&out_layouts).unwrap();
        std::os::unix::fs::symlink(&out_layouts, dir.join("layouts")).unwrap();
        let (status, _, body) = save("leaflet");
        status_line("POST /api/save with layouts/ linked out of the folder", status, &body);
        assert_eq!(status, 403);
        assert_eq!(std::fs::read_dir(&out_layouts).unwrap().count(), 0);
    }
    assert!(!outer.path().join("escape.md").exists());
}

#[test]
fn save_writes_a_layout_that_extends_the_one_picked() {
    let dir = temp();
    let s = studio(dir.path(), &[]);
    let body = serde_json::json!({
        "statement": flyer(200),
        "base": "letter-2col",
        "sets": ["print.color=\"gray\"", "footer.text=\"Join us\""],
        "toml": "[body]\nsize = \"11pt\"\n",
        "name": "meeting",
    });
    let (status, _, b) = s.post("/api/save", &s.token_header(), body.to_string().as_bytes());
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&b));
    let layout = std::fs::read_to_string(dir.path().join("layouts/meeting.toml")).unwrap();
    assert!(layout.contains("extends = \"letter-2col\""), "{layout}");
    assert!(layout.contains("color = \"gray\"") && layout.contains("size = \"11pt\""), "{layout}");
    // The command line builds what was saved.
    let run = common::run(
        dir.path(),
        &["build", "meeting.md", "--layout", "layouts/meeting.toml", "--out", "out"],
    );
    assert!(run.errors().is_empty(), "{}", run.all());
    assert_eq!(common::pdf_names(&dir.path().join("out")).len(), 1);
}

#[test]
fn a_render_that_runs_too_long_is_stopped_and_reported() {
    let dir = temp();
    let s = studio(dir.path(), &["--render-limit", "0.05"]);
    let rx = s.events();
    let generation = s.render(&flyer(60_000), &[]);
    let ev = wait_for(&rx, generation);
    println!("render of 60,000 words with a 50 ms limit: {ev}");
    assert_eq!(ev["stopped"], true, "{ev}");
    assert!(ev["error"].as_str().unwrap().contains("took longer"), "{ev}");
}

#[test]
fn newer_edits_supersede_older_ones_and_the_preview_is_fast() {
    let dir = temp();
    let s = studio(dir.path(), &[]);
    let rx = s.events();
    // Five edits at typing speed: only the first (already started) and
    // the last are rendered.
    let text = flyer(1500);
    let mut last = 0;
    for i in 0..5 {
        last = s.render(&format!("{text}\n\nEdit {i}."), &[]);
    }
    let mut seen = Vec::new();
    loop {
        let ev = rx.recv_timeout(Duration::from_secs(120)).expect("an event");
        assert!(ev["error"].is_null(), "{ev}");
        seen.push(ev["generation"].as_u64().unwrap());
        if seen.last() == Some(&last) {
            break;
        }
    }
    println!("5 edits sent, rendered: {seen:?}");
    assert!(seen.len() < 5, "stale edits were rendered: {seen:?}");

    // Latency: an edit of a 2-page flyer, from the request to the last
    // byte of the last page's PNG.
    let mut times = Vec::new();
    for i in 0..5 {
        let start = Instant::now();
        let generation = s.render(&format!("{text}\n\nChange {i}."), &[]);
        let ev = wait_for(&rx, generation);
        let pages = ev["pages"].as_u64().unwrap();
        assert_eq!(pages, 2, "the flyer has two pages: {ev}");
        for p in 1..=pages {
            let (status, _, png) = s.get(&format!("/preview/{generation}/page-{p}.png"));
            assert_eq!(status, 200);
            assert!(png.starts_with(b"\x89PNG"));
        }
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!("edit → last PNG byte of a 2-page flyer: median {:.0} ms (of {times:?})", times[2]);
}

#[test]
fn the_page_loads_nothing_from_outside_and_nothing_is_fetched() {
    let dir = temp();
    let s = studio(dir.path(), &[]);
    let (_, head, page) = s.get("/");
    assert!(head.contains("default-src 'self'"), "{head}");
    let page = String::from_utf8(page).unwrap();
    let js = String::from_utf8(s.get("/app.js").2).unwrap();
    let css = String::from_utf8(s.get("/app.css").2).unwrap();
    for attr in ["src=\"", "href=\""] {
        for (at, _) in page.match_indices(attr) {
            let value = &page[at + attr.len()..];
            // A path on this server, or a place on the page.
            let local = value.starts_with('/') && !value.starts_with("//");
            assert!(
                local || value.starts_with('#'),
                "the page loads {}",
                &value[..40.min(value.len())]
            );
        }
    }
    for (at, _) in js.match_indices("fetch(") {
        let call = &js[at..at + 30.min(js.len() - at)];
        assert!(!call.contains("http"), "{call}");
    }
    assert!(!css.contains("url(") && !css.contains("@import"), "{css}");
    // A statement pointing at a picture elsewhere: nothing is fetched.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let rx = s.events();
    let generation = s.render(
        &format!("# Picture\n\n![a crowd](http://127.0.0.1:{port}/crowd.png)\n\nText."),
        &[],
    );
    let ev = wait_for(&rx, generation);
    // The edit is refused with what to do, and nothing was asked of the
    // address it names.
    let error = ev["error"].as_str().unwrap_or_default();
    assert!(error.contains("pictures are never fetched"), "{ev}");
    assert!(listener.accept().is_err(), "the studio fetched the picture");
}

#[test]
fn every_field_has_a_label() {
    let dir = temp();
    let s = studio(dir.path(), &[]);
    let page = String::from_utf8(s.get("/").2).unwrap();
    let mut fields = 0;
    for tag in ["<input ", "<select ", "<textarea "] {
        for (at, _) in page.match_indices(tag) {
            let rest = &page[at..];
            let id_at = rest.find("id=\"").expect("a field with an id") + 4;
            let id = &rest[id_at..id_at + rest[id_at..].find('"').unwrap()];
            assert!(page.contains(&format!("<label for=\"{id}\"")), "no label for #{id}");
            fields += 1;
        }
    }
    assert!(fields >= 12, "{fields} fields");
}

/// The page in a real browser: paste, see the preview change, switch to
/// black ink, download the PDF (read back with qpdf).
#[test]
fn the_page_works_in_headless_chromium() {
    if !require_tool("chromium") || !require_tool("qpdf") {
        return;
    }
    let dir = temp();
    let s = studio(dir.path(), &[]);
    let profile = temp();
    let mut browser = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("http://{}/?selftest=1", s.host()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let start = Instant::now();
    let report = loop {
        let found = s
            .stdout
            .lock()
            .unwrap()
            .iter()
            .find_map(|l| l.strip_prefix("selftest: ").map(String::from));
        if let Some(r) = found {
            break r;
        }
        if start.elapsed() > Duration::from_secs(150) {
            let _ = browser.kill();
            panic!("the page did not report within 150 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = browser.kill();
    let _ = browser.wait();
    println!("page's report: {report}");
    let v: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(v["ok"], true, "{report}");
    // The PDF the page downloaded is the one on show: black ink, readable.
    let (status, _, pdf) = s.get("/download/leaflet.pdf");
    assert_eq!(status, 200);
    assert_eq!(pdf.len() as u64, v["pdf_bytes"].as_u64().unwrap());
    let path = dir.path().join("downloaded.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let check = Command::new("qpdf").arg("--check").arg(&path).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    let qdf = dir.path().join("qdf.pdf");
    let out = Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(&path)
        .arg(&qdf)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).to_string();
    assert!(!text.contains("/DeviceRGB") && !text.contains(" rg\n"), "colour in a gray PDF");
}
