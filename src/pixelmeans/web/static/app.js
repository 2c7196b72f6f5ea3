// The pixelmeans page: upload a photo once, then ask the API for what the controls show.
// Plain JavaScript, no build step, no outside assets.
"use strict";

const $ = (id) => document.getElementById(id);
const SWEEP_KS = [2, 4, 8, 16, 32, 64];
const RETRIES = 5;

const state = {
  upload: null,      // what POST /api/uploads answered
  busy: false,       // a refresh is running
  again: false,      // the controls changed while it ran
  sweepKey: null,    // the chart's parameters
  sweep: null,
  row: null,         // the latest compression row shown
};

function params() {
  return {
    k: Number($("k").value),
    space: $("space").value,
    dither: $("dither").checked,
    view: document.querySelector('input[name="view"]:checked').value,
  };
}

function api(path, query) {
  const q = new URLSearchParams(query);
  return `/api/uploads/${state.upload.id}/${path}?${q}`;
}

function say(message, kind) {
  const status = $("status");
  status.textContent = message || "";
  status.className = "status" + (kind ? " " + kind : "");
}

// fetch that waits and retries when the server says it is busy (503 with Retry-After)
async function call(url, options) {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(url, options);
    if (response.status === 503 && attempt < RETRIES) {
      const wait = Number(response.headers.get("Retry-After") || "1");
      await new Promise((done) => setTimeout(done, wait * 1000));
      continue;
    }
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      try { message = (await response.json()).error || message; } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
    return response;
  }
}

// Load an image URL into an <img> only once it has decoded, so the old one stays meanwhile.
async function showImage(img, url, mark) {
  const response = await call(url);
  const blob = await response.blob();
  const objectUrl = URL.createObjectURL(blob);
  const next = new Image();
  next.src = objectUrl;
  await next.decode();
  const old = img.dataset.objectUrl;
  img.src = objectUrl;
  img.dataset.objectUrl = objectUrl;
  img.dataset.shown = mark;
  if (old) URL.revokeObjectURL(old);
}

// ---------------------------------------------------------------- uploading

// One upload request (a file's bytes or a URL to fetch), shown as work until it ends.
async function sendUpload(message, path, body, contentType) {
  say(message);
  document.body.classList.add("working");
  try {
    const response = await call(path, {
      method: "POST", body, headers: { "Content-Type": contentType } });
    started(await response.json());
  } catch (error) {
    say(error.message, "error");
  } finally {
    document.body.classList.remove("working");
  }
}

function upload(body, name) {
  return sendUpload(`Reading ${name}…`, `/api/uploads?name=${encodeURIComponent(name)}`,
                    body, "application/octet-stream");
}

function uploadUrl(url) {
  return sendUpload(`Fetching ${url}…`, "/api/uploads/url", JSON.stringify({ url }),
                    "application/json");
}

async function started(info) {
  state.upload = info;
  state.sweepKey = null;
  $("workspace").hidden = false;
  $("source").classList.add("loaded");
  const ratio = `${info.preview_width} / ${info.preview_height}`;
  document.querySelectorAll(".compare").forEach((el) => { el.style.aspectRatio = ratio; });
  $("photo-info").textContent =
    `${info.name}: ${info.width}×${info.height}, ${info.distinct_colors.toLocaleString()} ` +
    `distinct colours. Shown at ${info.preview_width}×${info.preview_height}; ` +
    "downloads are full size.";
  say(`${info.name} loaded.`);
  try {
    await showImage($("before"), `/api/uploads/${info.id}/original`, info.id);
  } catch (error) {
    say(error.message, "error");
  }
  refresh();
}

function pickFile(file) {
  if (!file) return;
  if (file.type && !file.type.startsWith("image/")) {
    say(`${file.name} is not an image (${file.type}).`, "error");
    return;
  }
  upload(file, file.name || "pasted.png");
}

// ---------------------------------------------------------------- refreshing

// One refresh at a time; if the controls move meanwhile, one more with the latest values.
async function refresh() {
  updateDownloads();
  if (!state.upload) return;
  if (state.busy) { state.again = true; return; }
  state.busy = true;
  document.body.classList.add("working");
  try {
    do {
      state.again = false;
      await show(params());
    } while (state.again);
  } catch (error) {
    say(error.message, "error");
  } finally {
    state.busy = false;
    document.body.classList.remove("working");
  }
}

async function show(p) {
  const query = { k: p.k, space: p.space, seed: 0 };
  const mark = `${state.upload.id}:${p.k}:${p.space}:${p.dither}`;
  const palette = await (await call(api("palette", query))).json();
  drawSwatches(palette);
  if (p.view === "quantize") {
    await showImage($("after"), api("quantize", { ...query, dither: p.dither,
                                                   size: "preview" }), mark);
  } else {
    const legend = await (await call(api("segment", query))).json();
    await showImage($("segments"), api("segment", { ...query, format: "png" }), mark);
    drawLegend(legend);
  }
  if (!state.again) measure(p);  // not awaited: the next slider move need not wait for it
}

// The compression row for the current k, and the chart (once per photo, space, dithering).
let measuring = 0;
async function measure(p) {
  const token = ++measuring;
  const sweepKey = `${state.upload.id}:${p.space}:${p.dither}`;
  try {
    const row = await (await call(api("compress", { k: p.k, space: p.space, seed: 0,
                                                     dither: p.dither, size: "preview" }))).json();
    if (token !== measuring) return;  // the controls moved on meanwhile
    drawRow(row);
    state.row = row;
    if (state.sweepKey !== sweepKey) {
      state.sweepKey = sweepKey;  // claimed at once: one sweep at a time
      state.sweep = null;
      const q = new URLSearchParams({ space: p.space, dither: p.dither, seed: 0 });
      SWEEP_KS.forEach((k) => q.append("ks", k));
      const sweep = await (await call(`/api/uploads/${state.upload.id}/compress/sweep?${q}`)).json();
      if (state.sweepKey !== sweepKey) return;
      state.sweep = sweep;
    }
    drawChart(state.sweep, state.row);  // the latest row marks the current k
  } catch (error) {
    if (state.sweepKey === sweepKey && !state.sweep) state.sweepKey = null;
    say(error.message, "error");
  }
}

function updateDownloads() {
  if (!state.upload) return;
  const p = params();
  document.querySelectorAll("#downloads a").forEach((a) => {
    const query = { k: p.k, space: p.space, seed: 0 };
    if (a.dataset.kind === "quantize" || a.dataset.kind === "compress") query.dither = p.dither;
    if (a.dataset.kind !== "compress") query.format = a.dataset.format;
    if (a.dataset.kind !== "palette") query.size = "full";
    if (a.dataset.kind === "palette" || a.dataset.kind === "compress") query.download = true;
    a.href = api(a.dataset.kind, query);
  });
}

// ---------------------------------------------------------------- drawing

function textColor(rgb) {
  const [r, g, b] = rgb.map((v) => v / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.55 ? "#111" : "#fff";
}

function drawSwatches(palette) {
  const list = $("swatches");
  list.replaceChildren();
  palette.colors.forEach((color) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "swatch";
    button.style.background = color.hex;
    button.style.color = textColor(color.rgb);
    button.dataset.hex = color.hex;
    button.title = `Copy ${color.hex}`;
    button.innerHTML = `<span class="hex">${color.hex}</span>` +
      `<span class="share">${(color.weight * 100).toFixed(1)}%</span>`;
    button.addEventListener("click", () => copy(color.hex));
    item.append(button);
    list.append(item);
  });
  list.dataset.k = palette.k;
  if (palette.n_colors < palette.k) {
    say(`The photo has only ${palette.n_colors} distinct colours.`);
  }
}

async function copy(hex) {
  try {
    await navigator.clipboard.writeText(hex);
    say(`Copied ${hex}.`);
  } catch (error) {
    say(`${hex} (copying needs clipboard permission)`);
  }
}

function drawLegend(summary) {
  const list = $("legend");
  list.replaceChildren();
  summary.segments.forEach((s) => {
    const item = document.createElement("li");
    item.innerHTML = `<span class="chip" style="background:${s.tint}"></span>` +
      `<span class="chip" style="background:${s.hex}"></span>` +
      `<span>${s.hex}</span><span class="share">${(s.share * 100).toFixed(1)}%</span>`;
    list.append(item);
  });
}

function formatBytes(n) {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(2)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

function drawRow(r) {
  const psnr = r.psnr === null ? "∞" : `${r.psnr.toFixed(1)} dB`;
  $("compress-row").innerHTML =
    `<td>${r.n_colors}</td><td>${formatBytes(r.png_bytes)}</td>` +
    `<td>${r.ratio.toFixed(1)}×</td><td>${psnr}</td><td>${r.delta_e.toFixed(2)}</td>`;
  $("compress-note").textContent =
    `Measured on the ${r.width}×${r.height} preview; the JSON report measures the full photo.`;
}

function drawChart(sweep, current) {
  const svg = $("chart");
  if (!sweep) return;
  const W = 320, H = 160, L = 50, R = 44, T = 10, B = 32;
  const x = (k) => L + (Math.log2(k) - 1) / (Math.log2(64) - 1) * (W - L - R);
  const maxBytes = Math.max(...sweep.map((r) => r.png_bytes));
  const maxDe = Math.max(...sweep.map((r) => r.delta_e), 1e-9);
  const yb = (v) => H - B - v / maxBytes * (H - T - B);
  const ye = (v) => H - B - v / maxDe * (H - T - B);
  const line = (f, key) => sweep.map((r) => `${x(r.n_colors).toFixed(1)},${f(r[key]).toFixed(1)}`).join(" ");
  const ticks = SWEEP_KS.map((k) =>
    `<text x="${x(k)}" y="${H - B + 13}" class="tick">${k}</text>`).join("");
  const dots = (f, key, cls) => sweep.map((r) =>
    `<circle cx="${x(r.n_colors)}" cy="${f(r[key])}" r="2.5" class="${cls}"/>`).join("");
  const k = current ? current.n_colors : null;
  const marker = k ? `<line x1="${x(k)}" x2="${x(k)}" y1="${T}" y2="${H - B}" class="now"/>` : "";
  svg.innerHTML =
    `<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" class="axis"/>` + marker +
    `<polyline points="${line(yb, "png_bytes")}" class="bytes"/>` + dots(yb, "png_bytes", "bytes") +
    `<polyline points="${line(ye, "delta_e")}" class="error"/>` + dots(ye, "delta_e", "error") +
    ticks +
    `<text x="${L - 5}" y="${T + 4}" class="label bytes-label" text-anchor="end">${formatBytes(maxBytes)}</text>` +
    `<text x="${L - 5}" y="${H - B + 3}" class="label bytes-label" text-anchor="end">0</text>` +
    `<text x="${W - R + 5}" y="${T + 4}" class="label error-label">${maxDe.toFixed(1)}</text>` +
    `<text x="${W - R + 5}" y="${H - B + 3}" class="label error-label">0</text>` +
    `<text x="${(L + W - R) / 2}" y="${H - 1}" class="tick">k (log scale)</text>`;
  svg.dataset.points = sweep.length;
}

function setSplit(value) {
  const v = Math.max(0, Math.min(100, value));
  $("split").value = v;
  $("after").style.clipPath = `inset(0 0 0 ${v}%)`;
  $("divider").style.left = `${v}%`;
}

// ---------------------------------------------------------------- wiring

$("file").addEventListener("change", (e) => pickFile(e.target.files[0]));
$("url-form").addEventListener("submit", (e) => {
  e.preventDefault();
  uploadUrl($("url").value.trim());
});
document.addEventListener("paste", (e) => {
  const item = [...(e.clipboardData || {}).items || []].find((i) => i.type.startsWith("image/"));
  if (item) { e.preventDefault(); pickFile(item.getAsFile()); }
});
["dragenter", "dragover"].forEach((name) => document.addEventListener(name, (e) => {
  e.preventDefault();
  $("drop").classList.add("over");
}));
["dragleave", "drop"].forEach((name) => document.addEventListener(name, (e) => {
  e.preventDefault();
  if (name === "drop" || e.target === document.documentElement) $("drop").classList.remove("over");
}));
document.addEventListener("drop", (e) => pickFile(e.dataTransfer.files[0]));

$("k").addEventListener("input", () => { $("k-out").value = $("k").value; refresh(); });
$("space").addEventListener("change", refresh);
$("dither").addEventListener("change", refresh);
document.querySelectorAll('input[name="view"]').forEach((radio) => radio.addEventListener("change", () => {
  const segments = params().view === "segment";
  $("quantize-view").hidden = segments;
  $("segment-view").hidden = !segments;
  $("dither").disabled = segments;
  refresh();
}));
$("split").addEventListener("input", () => setSplit(Number($("split").value)));
const compare = $("compare");
compare.addEventListener("pointerdown", (e) => {
  compare.setPointerCapture(e.pointerId);
  const move = (ev) => {
    const box = compare.getBoundingClientRect();
    setSplit((ev.clientX - box.left) / box.width * 100);
  };
  move(e);
  compare.addEventListener("pointermove", move);
  compare.addEventListener("pointerup", () => compare.removeEventListener("pointermove", move),
                           { once: true });
});
setSplit(50);
