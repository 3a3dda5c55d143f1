// handbill studio: sends each edit to the server on this machine and shows
// the pages it pushes back (server-sent events). Loads nothing else.
"use strict";

const token = document.querySelector('meta[name="studio-token"]').content;
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

// The base layout's values, so that only what the user changed is sent
// (and saved) as overrides.
let defaults = {};
let shown = 0;
const waiters = [];

function post(path, body) {
  return fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Studio-Token": token },
    body: JSON.stringify(body),
  });
}

function tomlString(s) {
  return JSON.stringify(s);
}

// The form fields as `key=value` overrides, each only when it differs from
// the layout picked.
function sets() {
  const out = [];
  const field = (id, key, value, def) => {
    if (String(value) !== String(def)) out.push(key + "=" + value);
  };
  field("kicker", "masthead.kicker", tomlString($("kicker").value), tomlString(defaults.kicker ?? ""));
  field("footer-text", "footer.text", tomlString($("footer-text").value), tomlString(defaults.footer_text ?? ""));
  field("footer-link", "footer.link", tomlString($("footer-link").value), tomlString(defaults.footer_link ?? ""));
  field("qr", "footer.qr", $("qr").checked, !!defaults.qr);
  if ($("paper").value) field("paper", "page.size", tomlString($("paper").value), tomlString(defaults.paper ?? ""));
  const cols = parseInt($("columns").value, 10);
  if (cols > 0) field("columns", "page.columns", cols, defaults.columns);
  const size = $("body-size").value.trim();
  if (size) field("body-size", "body.size", tomlString(/^[0-9.]+$/.test(size) ? size + "pt" : size), tomlString(defaults.body_size ?? ""));
  const fit = parseInt($("fit-pages").value, 10);
  if (fit >= 0) field("fit-pages", "fit.pages", fit, defaults.fit_pages);
  field("color", "print.color", tomlString($("color").value), tomlString(defaults.color ?? "color"));
  return out;
}

function edit() {
  return { statement: $("statement").value, base: $("base").value, sets: sets(), toml: $("toml").value };
}

let timer = null;
let lastSent = 0;
// The number of the edit the last change was sent as (for the self-test).
let sent = Promise.resolve(0);
function changed() {
  clearTimeout(timer);
  sent = new Promise((resolve) => {
    timer = setTimeout(() => send().then(resolve), 40);
  });
}

async function send() {
  if (!$("statement").value.trim()) {
    $("status").textContent = "Paste a statement to begin.";
    return 0;
  }
  $("status").textContent = "Setting the type…";
  const r = await post("/api/render", edit());
  const v = await r.json();
  if (!r.ok) {
    $("problems").textContent = v.error;
    $("status").textContent = "This edit cannot be set yet.";
    return 0;
  }
  lastSent = v.generation;
  return v.generation;
}

function show(ev) {
  if (ev.generation < lastSent && !ev.stopped) return; // an older edit's answer
  $("problems").textContent = ev.error ? ev.error : "";
  const list = $("warnings");
  list.replaceChildren(...(ev.warnings || []).map((w) => {
    const li = document.createElement("li");
    li.textContent = w;
    return li;
  }));
  if (ev.error) {
    $("status").textContent = ev.stopped ? "Stopped: it took too long." : "The last edit could not be set; showing the one before.";
    notify(ev);
    return;
  }
  shown = ev.generation;
  const s = ev.pages === 1 ? "" : "s";
  $("status").textContent = `${ev.pages} page${s}, set in ${ev.millis} ms.`;
  const imgs = [];
  for (let i = 1; i <= ev.pages; i++) {
    const img = new Image();
    img.alt = `Page ${i} of ${ev.pages}`;
    img.src = `/preview/${ev.generation}/page-${i}.png`;
    imgs.push(img);
  }
  $("pages").replaceChildren(...imgs);
  const sheets = [];
  for (let i = 1; i <= ev.sheets; i++) {
    const img = new Image();
    img.alt = `Printed sheet side ${i}`;
    img.src = `/preview/${ev.generation}/sheet-${i}.png`;
    sheets.push(img);
  }
  $("sheets").replaceChildren(...sheets);
  $("h-sheets").hidden = ev.sheets === 0;
  const links = [];
  for (let i = 1; i <= ev.pages; i++) {
    const a = document.createElement("a");
    a.href = `/download/page-${i}.png`;
    a.download = `leaflet-${i}.png`;
    a.textContent = `Image of page ${i} to share`;
    links.push(a);
  }
  for (let i = 1; i <= ev.sheets; i++) {
    const a = document.createElement("a");
    a.href = `/preview/${ev.generation}/sheet-${i}.png`;
    a.download = `sheet-${i}.png`;
    a.textContent = `Printed sheet side ${i}`;
    links.push(a);
  }
  $("dl-images").replaceChildren(...links);
  Promise.all(imgs.map((i) => i.decode().catch(() => null))).then(() => notify(ev));
}

let lastShown = null;
function notify(ev) {
  lastShown = ev;
  for (const w of waiters.splice(0)) {
    if (ev.generation >= w.generation) w.resolve(ev);
    else waiters.push(w);
  }
}

// The render of edit `generation` (or a newer one), once on show.
function renderOf(generation) {
  if (lastShown && lastShown.generation >= generation) return Promise.resolve(lastShown);
  return new Promise((resolve) => waiters.push({ generation, resolve }));
}

async function loadLayout() {
  const r = await fetch("/api/layout?base=" + encodeURIComponent($("base").value));
  if (!r.ok) {
    $("problems").textContent = await r.text();
    return;
  }
  defaults = await r.json();
  if (defaults.error) {
    $("problems").textContent = defaults.error;
    return;
  }
  $("kicker").value = defaults.kicker;
  $("footer-text").value = defaults.footer_text;
  $("footer-link").value = defaults.footer_link;
  $("qr").checked = defaults.qr;
  $("paper").replaceChildren(...[""].concat(defaults.papers).map((p) => new Option(p || "(as the layout says)", p)));
  $("paper").value = defaults.paper;
  $("columns").value = defaults.columns;
  $("body-size").value = defaults.body_size;
  $("fit-pages").value = defaults.fit_pages;
  $("color").value = defaults.color;
}

async function openStatement() {
  const path = $("open-statement").value;
  if (!path) return;
  const r = await fetch("/api/file?path=" + encodeURIComponent(path));
  if (!r.ok) {
    $("problems").textContent = await r.text();
    return;
  }
  $("statement").value = await r.text();
  $("save-name").value = path.replace(/^.*\//, "").replace(/\.(md|txt)$/, "");
  changed();
}

async function save() {
  const r = await post("/api/save", Object.assign(edit(), { name: $("save-name").value }));
  const v = await r.json();
  $("save-status").textContent = r.ok
    ? `Saved ${v.statement} and ${v.layout}: handbill build ${v.statement} --layout ${v.layout}`
    : "Not saved: " + v.error;
}

async function init() {
  if (params.get("shot")) {
    // Holds the load event until the server has shown a render, so that
    // a headless browser's screenshot has the pages.
    const hold = new Image(1, 1);
    hold.alt = "";
    hold.src = "/api/settled";
    hold.className = "hold";
    document.body.append(hold);
  }
  const files = await (await fetch("/api/files")).json();
  $("open-statement").append(...files.statements.map((s) => new Option(s, s)));
  const base = $("base");
  const shipped = document.createElement("optgroup");
  shipped.label = "Shipped";
  shipped.append(...files.shipped.map((s) => new Option(s, s)));
  const local = document.createElement("optgroup");
  local.label = "In this folder";
  local.append(...files.layouts.map((s) => new Option(s, s)));
  base.append(shipped);
  if (files.layouts.length) base.append(local);
  base.value = files.shipped.includes("letter-2col") ? "letter-2col" : files.shipped[0];
  await loadLayout();

  for (const id of ["statement", "kicker", "footer-text", "footer-link", "columns", "body-size", "fit-pages", "toml"]) {
    $(id).addEventListener("input", changed);
  }
  for (const id of ["qr", "paper", "color"]) $(id).addEventListener("change", changed);
  base.addEventListener("change", async () => { await loadLayout(); changed(); });
  $("open-statement").addEventListener("change", openStatement);
  $("save").addEventListener("click", save);

  const events = new EventSource("/events");
  events.onmessage = (m) => show(JSON.parse(m.data));

  if (params.get("open")) {
    $("open-statement").value = params.get("open");
    await openStatement();
  }
  if (params.get("selftest")) selftest();
}

// `?selftest=1`: the browser test's steps, run as a user would, reported
// to the server.
async function selftest() {
  const steps = [];
  const report = (ok, more) => post("/api/selftest", Object.assign({ ok, steps }, more || {}));
  try {
    const text = "# Selftest statement\n\nWorkers of every country face the same employers. " +
      "This paragraph was pasted into the studio by its browser test. ".repeat(20);
    $("statement").value = text;
    $("statement").dispatchEvent(new Event("input"));
    let ev = await renderOf(await sent);
    if (ev.error || ev.pages < 1) throw new Error("no preview after pasting: " + ev.error);
    const first = document.querySelector("#pages img");
    if (!first || !first.complete || first.naturalWidth === 0) throw new Error("the preview image did not load");
    steps.push("pasted: " + ev.pages + " page(s), generation " + ev.generation + ", " + first.naturalWidth + "px wide");
    const before = first.src;
    $("color").value = "gray";
    $("color").dispatchEvent(new Event("change"));
    ev = await renderOf(await sent);
    const after = document.querySelector("#pages img");
    if (ev.error || !after || after.src === before) throw new Error("the preview did not change for gray");
    steps.push("gray: generation " + ev.generation);
    const pdf = await (await fetch($("dl-pdf").href)).arrayBuffer();
    const head = new TextDecoder().decode(pdf.slice(0, 5));
    if (head !== "%PDF-") throw new Error("the download is not a PDF");
    steps.push("downloaded " + pdf.byteLength + " bytes");
    await report(true, { generation: ev.generation, pdf_bytes: pdf.byteLength });
  } catch (e) {
    await report(false, { error: String(e) });
  }
}

init().catch((e) => { $("problems").textContent = "The studio could not start: " + e; });
