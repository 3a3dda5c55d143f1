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
  const logoSize = $("logo-size").value.trim();
  if (logoSize) field("logo-size", "masthead.logo-size", tomlString(/^[0-9.]+$/.test(logoSize) ? logoSize + "pt" : logoSize), tomlString(defaults.logo_size ?? ""));
  field("logo-side", "masthead.logo-side", tomlString($("logo-side").value), tomlString(defaults.logo_side ?? "left"));
  return out;
}

function edit() {
  const e = { statement: $("statement").value, base: $("base").value, sets: sets(), toml: $("toml").value,
    title: $("title").value, name: $("save-name").value };
  // The logo is sent by its place in the folder; the server names it as
  // the saved layout will.
  if ($("logo").value !== (defaults.logo ?? "")) e.logo = $("logo").value;
  return e;
}

// A problem in plain words: what is wrong, what to do, and a link to the
// line or field it is about.
function problem(p, tag) {
  const el = document.createElement(tag);
  const what = document.createElement("span");
  what.className = "what";
  what.textContent = p.text + " ";
  const fix = document.createElement("span");
  fix.className = "fix";
  fix.textContent = p.fix;
  el.append(what, fix);
  if (p.line || p.field) {
    const go = document.createElement("button");
    go.type = "button";
    go.className = "where";
    go.textContent = p.line ? `Show line ${p.line} of the text` : `Go to “${p.label}”`;
    go.addEventListener("click", () => (p.line ? showLine(p.line) : $(p.field).focus()));
    el.append(" ", go);
  }
  return el;
}

function showProblem(p) {
  $("problems").replaceChildren(...(p ? [problem(p, "p")] : []));
}

// Selects line `n` (1-based) of the statement.
function showLine(n) {
  const t = $("statement");
  const lines = t.value.split("\n");
  let start = 0;
  for (let i = 0; i < n - 1 && i < lines.length; i++) start += lines[i].length + 1;
  const end = start + (lines[n - 1] ?? "").length;
  t.focus();
  t.setSelectionRange(start, end);
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
    showProblem(v.error);
    $("status").textContent = "This edit cannot be set yet.";
    return 0;
  }
  lastSent = v.generation;
  return v.generation;
}

function show(ev) {
  if (ev.generation < lastSent && !ev.stopped) return; // an older edit's answer
  showProblem(ev.error);
  $("warnings").replaceChildren(...(ev.warnings || []).map((w) => problem(w, "li")));
  if (ev.error) {
    $("status").textContent = ev.stopped ? "Stopped: it took too long." : "The last edit could not be set; showing the one before.";
    notify(ev);
    return;
  }
  shown = ev.generation;
  $("title").placeholder = ev.title ? ev.title : "(the statement has no title)";
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
  for (const name of ev.share || []) {
    const a = document.createElement("a");
    a.href = `/download/${name}`;
    a.download = name;
    a.textContent = "Image to share: " + name.replace(/^leaflet-share-?/, "").replace(/\.png$/, "").replace(/^(\d+)$/, "page $1").replace(/-/g, " ");
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
    showProblem({ text: await r.text(), fix: "Pick another layout." });
    return;
  }
  defaults = await r.json();
  if (defaults.error) {
    showProblem(defaults.error);
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
  $("logo").value = defaults.logo;
  $("logo-size").value = defaults.logo_size;
  $("logo-side").value = defaults.logo_side;
}

function fillImages(images) {
  $("logo").replaceChildren(new Option("(none)", ""), ...images.map((p) => new Option(p, p)));
}

// Stores the file picked as a logo next to the layout and uses it.
async function uploadLogo() {
  const file = $("logo-file").files[0];
  if (!file) return;
  const r = await fetch("/api/upload?name=" + encodeURIComponent(file.name), {
    method: "POST",
    headers: { "X-Studio-Token": token },
    body: file,
  });
  const v = await r.json();
  if (!r.ok) {
    showProblem(v.error);
    return;
  }
  const files = await (await fetch("/api/files")).json();
  fillImages(files.images);
  $("logo").value = v.path;
  $("status").textContent = `The logo is saved as ${v.path}.`;
  changed();
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
  $("title").value = "";
  $("save-name").value = path.replace(/^.*\//, "").replace(/\.(md|txt)$/, "");
  changed();
}

async function save() {
  const r = await post("/api/save", Object.assign(edit(), { name: $("save-name").value }));
  const v = await r.json();
  $("save-status").textContent = r.ok
    ? `Saved ${v.statement} and ${v.layout}: handbill build ${v.statement} --layout ${v.layout}`
    : "Not saved: " + v.error.text + " " + v.error.fix;
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
  fillImages(files.images);
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
  // `?base=LAYOUT`: start from that layout (a shipped one or a file here).
  const asked = params.get("base");
  if (asked && [...base.options].some((o) => o.value === asked)) base.value = asked;
  await loadLayout();

  for (const id of ["statement", "title", "kicker", "footer-text", "footer-link", "columns", "body-size", "fit-pages", "logo-size", "toml"]) {
    $(id).addEventListener("input", changed);
  }
  for (const id of ["qr", "paper", "color", "logo", "logo-side"]) $(id).addEventListener("change", changed);
  $("logo-file").addEventListener("change", () => uploadLogo().catch((e) => showProblem({ text: "The logo could not be sent: " + e, fix: "Try again." })));
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
  if (params.get("layoutcheck")) layoutCheck();
}

// `?selftest=1`: the browser test's steps, run as a user would, reported
// to the server.
async function selftest() {
  const steps = [];
  const report = (ok, more) => post("/api/selftest", Object.assign({ ok, steps }, more || {}));
  const pixels = async (img) => new Uint8Array(await (await fetch(img.src)).arrayBuffer());
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  const step = async () => {
    const ev = await renderOf(await sent);
    if (ev.error) throw new Error("the edit failed: " + ev.error.text);
    return ev;
  };
  try {
    // Line 3 has a character no font has: a warning in words, with a link
    // to the line.
    const text = "# Selftest statement\n\nA letter no font has: \ua66e.\n\nWorkers of every country face the same employers. " +
      "This paragraph was pasted into the studio by its browser test. ".repeat(20);
    $("statement").value = text;
    $("statement").dispatchEvent(new Event("input"));
    let ev = await step();
    const first = document.querySelector("#pages img");
    if (!first || !first.complete || first.naturalWidth === 0) throw new Error("the preview image did not load");
    steps.push("pasted: " + ev.pages + " page(s), generation " + ev.generation + ", " + first.naturalWidth + "px wide");
    const warning = [...document.querySelectorAll("#warnings li")].find((li) => li.textContent.includes("No font"));
    if (!warning) throw new Error("no warning about the missing letter: " + $("warnings").textContent);
    warning.querySelector("button.where").click();
    const t = $("statement");
    const picked = t.value.slice(t.selectionStart, t.selectionEnd);
    if (!picked.includes("\ua66e")) throw new Error("the warning's link did not select line 3: " + picked);
    steps.push("warning: " + warning.textContent);
    if ($("title").placeholder !== "Selftest statement") throw new Error("the title field does not show the statement's: " + $("title").placeholder);

    // The title field: the preview changes.
    let before = await pixels(document.querySelector("#pages img"));
    $("title").value = "A title typed in the field";
    $("title").dispatchEvent(new Event("input"));
    ev = await step();
    if (same(before, await pixels(document.querySelector("#pages img")))) throw new Error("the preview did not change for the title");
    steps.push("title: generation " + ev.generation);

    // A logo, drawn here and uploaded as a user picks a file.
    const canvas = document.createElement("canvas");
    canvas.width = 240;
    canvas.height = 120;
    const g = canvas.getContext("2d");
    g.fillStyle = "#c00";
    g.fillRect(0, 0, 240, 120);
    g.fillStyle = "#fff";
    g.fillRect(40, 30, 160, 60);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    const files = new DataTransfer();
    files.items.add(new File([blob], "selftest-logo.png", { type: "image/png" }));
    $("logo-file").files = files.files;
    before = await pixels(document.querySelector("#pages img"));
    const uploaded = new Promise((resolve) => {
      const check = () => ($("logo").value === "layouts/selftest-logo.png" ? resolve() : setTimeout(check, 20));
      check();
    });
    $("logo-file").dispatchEvent(new Event("change"));
    await uploaded;
    ev = await step();
    if (same(before, await pixels(document.querySelector("#pages img")))) throw new Error("the preview did not change for the logo");
    steps.push("logo: " + $("logo").value + ", generation " + ev.generation);

    // Black ink only.
    before = document.querySelector("#pages img").src;
    $("color").value = "gray";
    $("color").dispatchEvent(new Event("change"));
    ev = await step();
    const after = document.querySelector("#pages img");
    if (!after || after.src === before) throw new Error("the preview did not change for gray");
    steps.push("gray: generation " + ev.generation);
    const pdf = await (await fetch($("dl-pdf").href)).arrayBuffer();
    const head = new TextDecoder().decode(pdf.slice(0, 5));
    if (head !== "%PDF-") throw new Error("the download is not a PDF");
    steps.push("downloaded " + pdf.byteLength + " bytes");

    // Save: the statement with its title, the layout with its logo.
    $("save-name").value = "selftest";
    await save();
    if (!$("save-status").textContent.startsWith("Saved")) throw new Error("not saved: " + $("save-status").textContent);
    steps.push($("save-status").textContent);
    await report(true, { generation: ev.generation, pdf_bytes: pdf.byteLength });
  } catch (e) {
    await report(false, { error: String(e) });
  }
}

// `?layoutcheck=1` (with `open=`): once a preview is on show, checks that
// nothing is cut off or overlaps at this window's size: no sideways
// scrolling, every control inside the window's width and clear of the
// others, the preview on screen. Reported to the server.
async function layoutCheck() {
  const report = (v) => post("/api/selftest", v);
  try {
    const ev = await renderOf(1);
    if (ev.error) throw new Error("no preview: " + ev.error.text);
    // `width=`: a window narrower than the browser allows (a phone's).
    const narrow = parseInt(params.get("width") || "0", 10);
    if (narrow > 0 && narrow < document.documentElement.clientWidth) {
      document.documentElement.style.width = narrow + "px";
      document.documentElement.style.overflowX = "hidden";
    }
    const img = document.querySelector("#pages img");
    if (img) await img.decode().catch(() => null);
    const width = Math.min(document.documentElement.clientWidth, narrow > 0 ? narrow : Infinity);
    const problems = [];
    const wide = Math.max(document.body.scrollWidth, ...[...document.body.children].map((el) => el.getBoundingClientRect().right));
    if (wide > width + 1) problems.push(`the page is ${Math.round(wide)}px wide in a ${width}px window`);
    const name = (el) => el.id ? "#" + el.id : el.tagName.toLowerCase() + (el.textContent ? " “" + el.textContent.trim().slice(0, 30) + "”" : "");
    const boxes = [...document.querySelectorAll("input, select, textarea, button, a[href], label, h1, h2, legend")]
      .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
      .map((el) => ({ el, r: el.getBoundingClientRect() }));
    for (const { el, r } of boxes) {
      if (r.left < -1 || r.right > width + 1) problems.push(`${name(el)} is cut off: ${Math.round(r.left)}–${Math.round(r.right)} of ${width}px`);
      if (r.width < 1 || r.height < 1) problems.push(`${name(el)} has no size`);
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
        const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
        const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
        if (w > 1 && h > 1) problems.push(`${name(a.el)} overlaps ${name(b.el)}`);
      }
    }
    if (!img || img.naturalWidth === 0) problems.push("no preview image");
    else {
      const r = img.getBoundingClientRect();
      if (r.width < Math.min(200, width / 2)) problems.push(`the preview is only ${Math.round(r.width)}px wide`);
      if (r.left < -1 || r.right > width + 1) problems.push("the preview is cut off");
    }
    await report({ ok: problems.length === 0, layout: { width, window: window.innerWidth, ratio: window.devicePixelRatio, controls: boxes.length, problems } });
  } catch (e) {
    await report({ ok: false, error: String(e) });
  }
}

init().catch((e) => { $("problems").textContent = "The studio could not start: " + e; });
