//! `handbill studio`: the server's guards, each as a request and what it got
//! back; the preview's latency; and the page driven in headless Chromium.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{require_tool, run_tool, temp, write};

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
        self.render_json(serde_json::json!({
            "statement": statement, "base": "letter-2col", "sets": sets, "toml": ""
        }))
    }

    fn render_json(&self, body: serde_json::Value) -> u64 {
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

/// The studio's renderer processes (children of the studio), from /proc.
#[cfg(target_os = "linux")]
fn renderers(studio: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{studio}/task")) else { return out };
    for t in tasks.flatten() {
        let children = std::fs::read_to_string(t.path().join("children")).unwrap_or_default();
        out.extend(children.split_whitespace().filter_map(|p| p.parse::<u32>().ok()));
    }
    out.retain(|p| {
        std::fs::read(format!("/proc/{p}/cmdline"))
            .is_ok_and(|c| String::from_utf8_lossy(&c).contains("__studio-render"))
    });
    out
}

/// CPU seconds used so far by a process (all its threads).
#[cfg(target_os = "linux")]
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command's closing parenthesis; utime and stime are
    // the 14th and 15th of the line, in clock ticks (100 a second).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

#[test]
fn a_render_that_runs_too_long_is_stopped_and_reported() {
    let dir = temp();
    let s = studio(dir.path(), &["--render-limit", "1.5"]);
    let rx = s.events();
    // Warm: the renderer process is up and has set one edit.
    let g = s.render(&flyer(40), &[]);
    let ev = wait_for(&rx, g);
    assert!(ev["error"].is_null(), "{ev}");
    #[cfg(target_os = "linux")]
    let before = renderers(s.child.id());
    let start = Instant::now();
    let generation = s.render(&flyer(150_000), &[]);
    let ev = wait_for(&rx, generation);
    let stopped_after = start.elapsed();
    println!("render of 150,000 words with a 1.5 s limit: {ev} after {stopped_after:?}");
    assert_eq!(ev["stopped"], true, "{ev}");
    let error = &ev["error"];
    assert!(error["text"].as_str().unwrap().contains("took longer than 1.5 s"), "{ev}");
    assert!(error["fix"].as_str().unwrap().contains("sets faster"), "{ev}");
    #[cfg(target_os = "linux")]
    {
        // The process that was setting it is gone, not left running.
        assert_eq!(before.len(), 1, "one renderer: {before:?}");
        let old = before[0];
        std::thread::sleep(Duration::from_millis(100));
        let gone = !Path::new(&format!("/proc/{old}")).exists();
        println!("renderer {old} after the stop: {}", if gone { "gone" } else { "still there" });
        assert!(gone, "the stopped renderer {old} still exists");
        // And no CPU is spent on the stopped edit: the studio and its
        // renderers are idle over the next second.
        let studio = s.child.id();
        let cpu =
            || cpu_seconds(studio) + renderers(studio).into_iter().map(cpu_seconds).sum::<f64>();
        let c0 = cpu();
        std::thread::sleep(Duration::from_secs(1));
        let spent = cpu() - c0;
        println!("CPU spent in the second after the stop: {spent:.2} s");
        assert!(spent < 0.3, "{spent} s of CPU after the render was stopped");
    }
    // The renderer is free for the next edit at once.
    let start = Instant::now();
    let g = s.render(&flyer(200), &[]);
    let ev = wait_for(&rx, g);
    println!("the next edit after the stop: set in {:?}", start.elapsed());
    assert!(ev["error"].is_null() && ev["pages"].as_u64() >= Some(1), "{ev}");
    assert!(start.elapsed() < Duration::from_secs(20));
}

/// Every problem shown is in words: no file:line prefix, no backticks or
/// key paths from the code, and each says what to do.
fn assert_plain(p: &serde_json::Value) {
    for key in ["text", "fix"] {
        let s = p[key].as_str().unwrap_or_default();
        assert!(!s.is_empty(), "no {key}: {p}");
        for bad in
            ["`", "::", ".md:", ".toml:", "builtin:", "--set", "U+", "os error", "(shipped layout)"]
        {
            assert!(!s.contains(bad), "{key} has {bad:?}: {p}");
        }
        assert!(s.chars().next().is_some_and(|c| !c.is_lowercase()), "{p}");
        assert!(s.ends_with('.'), "{p}");
    }
}

#[test]
fn problems_are_told_in_plain_words() {
    let dir = temp();
    let s = studio(dir.path(), &[]);
    let rx = s.events();
    let say = |body: serde_json::Value| {
        let ev = wait_for(&rx, s.render_json(body));
        println!("{ev}");
        ev
    };
    // Too long for one page.
    let ev = say(serde_json::json!({
        "statement": flyer(4000), "base": "letter-2col", "toml": "",
        "sets": ["fit.pages=1", "fit.min-size=\"7pt\""],
    }));
    let error = &ev["error"];
    assert_plain(error);
    assert!(
        error["text"].as_str().unwrap().starts_with("The text does not fit on 1 page even at 7pt"),
        "{error}"
    );
    assert_eq!(error["fix"], "Shorten it, or allow 2 pages in “Fit to pages”.");
    // A letter no font has, on line 3: the line is kept apart, for a link.
    let ev = say(serde_json::json!({
        "statement": "# Title\n\nA letter no font has: \u{a66e}.\n", "base": "letter-2col",
        "toml": "", "sets": ["footer.text=\"Write to us\""],
    }));
    let warnings = ev["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{ev}");
    assert_plain(&warnings[0]);
    assert_eq!(warnings[0]["line"], 3);
    assert!(warnings[0]["text"].as_str().unwrap().starts_with("No font here has \u{a66e}"));
    // A field's value that is no size: the field is named, as the form
    // labels it.
    let ev = say(serde_json::json!({
        "statement": "# T\n\nText.", "base": "letter-2col", "toml": "",
        "sets": ["body.size=\"big\""],
    }));
    assert_plain(&ev["error"]);
    assert_eq!(ev["error"]["field"], "body-size");
    assert_eq!(ev["error"]["text"], "“Text size”: “big” is not a size.");
    // A misspelt key in the TOML box; a small text size; no contact.
    let ev = say(serde_json::json!({
        "statement": "# T\n\nText.", "base": "letter-2col",
        "toml": "[masthead]\ncolour = \"red\"\n", "sets": [],
    }));
    assert_plain(&ev["error"]);
    assert_eq!(ev["error"]["field"], "toml");
    let ev = say(serde_json::json!({
        "statement": "# T\n\nText.", "base": "letter-2col", "toml": "",
        "sets": ["body.size=\"6pt\""],
    }));
    let warnings = ev["warnings"].as_array().unwrap();
    assert!(warnings.len() >= 2, "{ev}");
    for w in warnings {
        assert_plain(w);
    }
    assert!(warnings.iter().any(|w| w["text"] == "Text of 6pt is hard to read on paper."));
    assert!(warnings.iter().any(|w| w["fix"].as_str().unwrap().contains("“Footer text”")));
}

/// A small PNG: a dark box on white.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut img = handbill::preview::GrayImage::white(width, height);
    for y in height / 4..height * 3 / 4 {
        for x in width / 4..width * 3 / 4 {
            img.pixels[(y * width + x) as usize] = 20;
        }
    }
    img.to_png().unwrap()
}

fn pdf_text(pdf: &Path) -> String {
    run_tool("pdftotext", &[pdf.to_str().unwrap(), "-"])
}

fn pdf_images(pdf: &Path) -> usize {
    // Two header lines, then one line an image.
    run_tool("pdfimages", &["-list", pdf.to_str().unwrap()]).lines().count().saturating_sub(2)
}

#[test]
fn the_title_and_logo_fields_reach_the_preview_and_the_saved_files() {
    if !require_tool("pdftotext") || !require_tool("pdfimages") {
        return;
    }
    let dir = temp();
    write(dir.path(), "brand.png", png(120, 60));
    let s = studio(dir.path(), &[]);
    let rx = s.events();
    let upload = |name: &str, bytes: &[u8], token: bool| {
        let extra = if token { s.token_header() } else { String::new() };
        let head = format!(
            "POST /api/upload?name={name} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n{extra}\r\n",
            s.host(),
            bytes.len()
        );
        let (status, _, body) = request(s.port, &head, bytes);
        status_line(&format!("POST /api/upload?name={name}"), status, &body);
        (status, serde_json::from_slice::<serde_json::Value>(&body).unwrap_or_default())
    };
    let logo = png(200, 100);
    assert_eq!(upload("logo.png", &logo, false).0, 403);
    assert_eq!(upload("..%2Flogo.png", &logo, true).0, 400);
    assert_eq!(upload("notes.png", b"not a picture", true).0, 415);
    assert_eq!(upload("logo.exe", &logo, true).0, 415);
    let (status, v) = upload("logo.png", &logo, true);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["path"], "layouts/logo.png");
    assert_eq!(std::fs::read(dir.path().join("layouts/logo.png")).unwrap(), logo);
    // The same name with other bytes does not overwrite it.
    let (_, v) = upload("logo.png", &png(100, 100), true);
    assert_eq!(v["path"], "layouts/logo-2.png");
    let listing = String::from_utf8(s.get("/api/files").2).unwrap();
    assert!(listing.contains("layouts/logo.png") && listing.contains("brand.png"), "{listing}");

    let statement = format!("# The statement own title\n\n{}", flyer(200));
    let edit = |title: &str, logo: Option<&str>| {
        let mut body = serde_json::json!({
            "statement": statement, "base": "letter-2col", "toml": "", "title": title,
            "sets": ["masthead.logo-side=\"right\"", "footer.text=\"Write to us\""],
            "name": "meeting",
        });
        if let Some(l) = logo {
            body["logo"] = serde_json::json!(l);
        }
        body
    };
    let plain = wait_for(&rx, s.render_json(edit("", None)));
    assert_eq!(plain["title"], "The statement own title");
    let page = |g: &serde_json::Value| s.get(&format!("/preview/{}/page-1.png", g["generation"])).2;
    let plain_png = page(&plain);
    let ev = wait_for(&rx, s.render_json(edit("A title from the field", Some("layouts/logo.png"))));
    assert!(ev["error"].is_null(), "{ev}");
    assert_ne!(page(&ev), plain_png, "the preview did not change");
    let pdf = dir.path().join("preview.pdf");
    std::fs::write(&pdf, s.get("/download/leaflet.pdf").2).unwrap();
    let text = pdf_text(&pdf);
    assert!(text.contains("A title from the field") && !text.contains("own title"), "{text}");
    assert_eq!(pdf_images(&pdf), 1, "the logo is in the PDF");

    // Saved: the statement carries the title, the layout the logo; the
    // command line builds the same leaflet from them.
    let (status, _, b) = s.post(
        "/api/save",
        &s.token_header(),
        edit("A title from the field", Some("layouts/logo.png")).to_string().as_bytes(),
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&b));
    let layout = std::fs::read_to_string(dir.path().join("layouts/meeting.toml")).unwrap();
    println!("{layout}");
    assert!(
        layout.contains("logo = \"logo.png\"") && layout.contains("logo-side = \"right\""),
        "{layout}"
    );
    let saved = std::fs::read_to_string(dir.path().join("meeting.md")).unwrap();
    assert!(saved.starts_with("# A title from the field\n"), "{saved}");
    let run = common::run(
        dir.path(),
        &["build", "meeting.md", "--layout", "layouts/meeting.toml", "--out", "out.pdf"],
    );
    assert!(run.errors().is_empty(), "{}", run.all());
    let text = pdf_text(&dir.path().join("out.pdf"));
    assert!(text.contains("A title from the field"), "{text}");
    assert_eq!(pdf_images(&dir.path().join("out.pdf")), 1);

    // A logo picked from the folder itself is named from `layouts/`.
    let (status, _, b) =
        s.post("/api/save", &s.token_header(), edit("", Some("brand.png")).to_string().as_bytes());
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&b));
    let layout = std::fs::read_to_string(dir.path().join("layouts/meeting.toml")).unwrap();
    assert!(layout.contains("logo = \"../brand.png\""), "{layout}");
    let run = common::run(
        dir.path(),
        &["build", "meeting.md", "--layout", "layouts/meeting.toml", "--out", "out2.pdf"],
    );
    assert!(run.errors().is_empty(), "{}", run.all());
    assert_eq!(pdf_images(&dir.path().join("out2.pdf")), 1);
    // A layout of the folder's own with a logo named from its place: the
    // preview (read as if in layouts/) still finds it.
    write(
        dir.path(),
        "brand.toml",
        "extends = \"letter-2col\"\n[masthead]\nlogo = \"brand.png\"\n",
    );
    let mut body = edit("", None);
    body["base"] = serde_json::json!("brand.toml");
    let ev = wait_for(&rx, s.render_json(body));
    assert!(ev["error"].is_null(), "{ev}");
    let pdf = dir.path().join("brand.pdf");
    std::fs::write(&pdf, s.get("/download/leaflet.pdf").2).unwrap();
    assert_eq!(pdf_images(&pdf), 1, "the base layout's logo is in the PDF");
    // Outside the folder, or not a picture: refused.
    for bad in ["../brand.png", "meeting.md"] {
        let (status, _, b) =
            s.post("/api/render", &s.token_header(), edit("", Some(bad)).to_string().as_bytes());
        status_line(&format!("POST /api/render logo {bad}"), status, &b);
        assert_eq!(status, 400);
    }
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
    let error = ev["error"]["text"].as_str().unwrap_or_default();
    assert!(error.contains("the studio never downloads anything"), "{ev}");
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

/// Runs headless Chromium on a page of the studio, in a window of `size`
/// CSS pixels at `scale` device pixels each, until the page reports.
fn chromium(s: &Studio, query: &str, size: (u32, u32), scale: f32) -> serde_json::Value {
    s.stdout.lock().unwrap().retain(|l| !l.starts_with("selftest: "));
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
        .arg(format!("--window-size={},{}", size.0, size.1))
        .arg(format!("--force-device-scale-factor={scale}"))
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("http://{}/?{query}", s.host()))
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
            let _ = browser.wait();
            panic!("the page did not report within 150 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = browser.kill();
    let _ = browser.wait();
    println!("page's report ({}×{} at {scale}×): {report}", size.0, size.1);
    serde_json::from_str(&report).unwrap()
}

/// The page in a real browser: paste, see a warning in words and follow
/// its link to the line, type a title, upload a logo, switch to black
/// ink, download the PDF (read back with qpdf), save.
#[test]
fn the_page_works_in_headless_chromium() {
    if !require_tool("chromium") || !require_tool("qpdf") || !require_tool("pdftotext") {
        return;
    }
    let dir = temp();
    let s = studio(dir.path(), &[]);
    let v = chromium(&s, "selftest=1", (1280, 900), 1.0);
    assert_eq!(v["ok"], true, "{v}");
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
    // The title typed in the field is the leaflet's, and was saved with
    // the logo uploaded.
    assert!(pdf_text(&path).contains("A title typed in the field"));
    let saved = std::fs::read_to_string(dir.path().join("selftest.md")).unwrap();
    assert!(saved.starts_with("# A title typed in the field\n"), "{saved}");
    let layout = std::fs::read_to_string(dir.path().join("layouts/selftest.toml")).unwrap();
    assert!(layout.contains("logo = \"selftest-logo.png\""), "{layout}");
    assert!(dir.path().join("layouts/selftest-logo.png").is_file());
}

/// Readable at 200 % zoom (a 1280-pixel-wide window zoomed to 200 % shows
/// 640 CSS pixels, each two device pixels) and on a phone: nothing cut
/// off, nothing overlapping, no sideways scrolling, the preview on screen.
#[test]
fn the_page_fits_at_200_percent_zoom_and_on_a_phone() {
    if !require_tool("chromium") {
        return;
    }
    let dir = temp();
    write(dir.path(), "leaflet.md", flyer(300));
    let s = studio(dir.path(), &[]);
    // Headless Chromium's window is at least 500 pixels wide: a phone's
    // 360 is the page's own width there (the page's one breakpoint, 60em,
    // lies above both).
    for (size, scale, width) in
        [((640, 450), 2.0, 640), ((500, 740), 2.0, 360), ((1280, 900), 1.0, 1280)]
    {
        let v = chromium(&s, &format!("layoutcheck=1&width={width}&open=leaflet.md"), size, scale);
        assert_eq!(v["ok"], true, "{width} wide at {scale}×: {v}");
        assert_eq!(v["layout"]["window"].as_u64(), Some(u64::from(size.0)), "{v}");
        assert_eq!(v["layout"]["ratio"].as_f64(), Some(f64::from(scale)), "{v}");
        assert!(v["layout"]["width"].as_u64() <= Some(width), "{v}");
    }
}

/// One Ctrl-C stops the studio, and the renderer process with it.
#[cfg(target_os = "linux")]
#[test]
fn one_ctrl_c_stops_the_studio_and_its_renderer() {
    let dir = temp();
    let mut s = studio(dir.path(), &[]);
    let rx = s.events();
    let g = s.render(&flyer(100), &[]);
    assert!(wait_for(&rx, g)["error"].is_null());
    let renderer = renderers(s.child.id());
    assert_eq!(renderer.len(), 1, "{renderer:?}");
    let pid = s.child.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            break status;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "the studio did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    println!("after one SIGINT: {status} in {:?}", start.elapsed());
    assert_eq!(status.code(), Some(130));
    assert!(
        !Path::new(&format!("/proc/{}", renderer[0])).exists(),
        "the renderer outlived the studio"
    );
}
