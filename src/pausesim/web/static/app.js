// The pausesim playground page: controls -> /api/compare -> charts and verdicts.
// Every input lives in the address's hash, so a link reproduces the view.
"use strict";

const state = {
  preset: null,        // preset name
  versus: "",          // preset whose policy is policy B ("" for none)
  samples: null,       // null: the preset's
  seed: null,          // null: the preset's
  horizon: null,       // risk horizon shown (null: the last capability-level one)
  overrides: {},       // dotted name -> value text (as --set)
};
let presets = [];
let controls = null;     // /api/controls of the current preset
let lastPayload = null;
let requestId = 0;       // the newest request; older answers are ignored
let inflight = null;     // AbortController of the request in flight
let timer = null;

const $ = (id) => document.getElementById(id);
const DEBOUNCE_MS = 300;

// -- numbers ----------------------------------------------------------------------------------

function fmt(x, digits = 3) {
  if (x === null || x === undefined || !isFinite(x)) return "–";
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(1).replace("e+", "e");
  return String(Number(x.toPrecision(digits)));
}
function pct(x) { return x === null || x === undefined ? "–" : `${Math.round(x * 100)}%`; }
function valueText(v) { return fmt(v, 4); }
function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) =>
    ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
function unitText(u) { return !u || u === "1" || u === "list" || u === "year" ? "" : ` ${u}`; }
// Plain words for the options of the choice levers.
const CHOICE_WORDS = {
  frozen: "frozen at the largest run when the pause starts",
  fixed: "a fixed compute threshold",
  declining: "a threshold that declines over time",
  abrupt: "all at once",
  phased: "phased: the cap rises step by step",
  physical: "physical training compute",
  effective: "effective compute (a capability freeze)",
};
const FIELD_WORDS = { samples: "Sampled worlds", seed: "Random seed", preset: "Scenario",
  "policy_b.preset": "Other pause" };

// -- the address ------------------------------------------------------------------------------

function readHash() {
  const q = new URLSearchParams(location.hash.replace(/^#/, ""));
  const out = { overrides: {} };
  for (const [k, v] of q.entries()) {
    if (k === "preset") out.preset = v;
    else if (k === "vs") out.versus = v;
    else if (k === "n") out.samples = parseInt(v, 10);
    else if (k === "seed") out.seed = parseInt(v, 10);
    else if (k === "h") out.horizon = v;
    else if (k.startsWith("set.")) out.overrides[k.slice(4)] = v;
  }
  return out;
}

function writeHash() {
  const q = new URLSearchParams();
  q.set("preset", state.preset);
  if (state.versus) q.set("vs", state.versus);
  if (state.samples !== null) q.set("n", String(state.samples));
  if (state.seed !== null) q.set("seed", String(state.seed));
  if (state.horizon) q.set("h", state.horizon);
  for (const k of Object.keys(state.overrides).sort()) q.set(`set.${k}`, state.overrides[k]);
  history.replaceState(null, "", `#${q.toString()}`);
}

function requestBody() {
  const body = { preset: state.preset, overrides: { ...state.overrides } };
  if (state.samples !== null) body.samples = state.samples;
  if (state.seed !== null) body.seed = state.seed;
  if (state.versus) body.policy_b = { preset: state.versus };
  return body;
}

// -- talking to the server --------------------------------------------------------------------

async function api(path, body, signal) {
  const res = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const j = await res.json();
      if (j.detail && Array.isArray(j.detail)) {
        message = j.detail.map((d) => (d.field ? `${fieldLabel(d.field)}: ${d.message}` : d.message)).join("\n");
      } else if (j.message) message = j.message;
    } catch (e) { /* not JSON */ }
    const err = new Error(message);
    err.status = res.status;
    throw err;
  }
  return res;
}

function fieldLabel(field) {
  // A field path in an error, with the control's label in front where there is one.
  if (FIELD_WORDS[field]) return `${FIELD_WORDS[field]} (${field})`;
  if (!controls) return field;
  const name = field.replace(/^overrides\./, "").replace(/^world\.params\./, "");
  const all = [...controls.levers, ...controls.parameters];
  const c = all.find((x) => x.name === name || `world.params.${x.name}` === field);
  return c ? `${c.label} (${field})` : field;
}

function setBusy(on, text) {
  $("spinner").hidden = !on;
  document.querySelector("main").classList.toggle("busy", on);
  document.querySelector("main").setAttribute("aria-busy", on ? "true" : "false");
  if (text) $("status-text").textContent = text;
}

function showError(message) {
  const box = $("error");
  box.hidden = !message;
  box.textContent = message
    ? `This input cannot be run:\n${message}\nThe results below are still those of the last input that ran.`
    : "";
}

function schedule() {
  writeHash();
  clearTimeout(timer);
  setBusy(true, "Waiting for you to finish…");
  timer = setTimeout(refresh, DEBOUNCE_MS);
}

async function refresh() {
  const id = ++requestId;
  if (inflight) inflight.abort();
  inflight = new AbortController();
  const n = state.samples ?? controls?.samples;
  setBusy(true, `Simulating ${n ? n.toLocaleString("en") : ""} worlds with and without the pause…`);
  try {
    const res = await api("/api/compare", requestBody(), inflight.signal);
    const payload = await res.json();
    if (id !== requestId) return; // a newer request is on its way: ignore this answer
    lastPayload = payload;
    showError("");
    draw(payload);
    setBusy(false, `Updated: ${payload.scenario.samples.toLocaleString("en")} worlds, ` +
      `${payload.seconds.toFixed(2)} s on the server.`);
    document.body.dataset.requests = String(id);
  } catch (err) {
    if (err.name === "AbortError" || id !== requestId) return;
    showError(err.message);
    setBusy(false, "Not updated: see the message above.");
  }
}

// -- controls ---------------------------------------------------------------------------------

function sliderToValue(c, s) {
  if (c.log) return c.slider_min * Math.pow(c.slider_max / c.slider_min, s / 1000);
  return s;
}
function valueToSlider(c, v) {
  if (c.log) return (1000 * Math.log(v / c.slider_min)) / Math.log(c.slider_max / c.slider_min);
  return v;
}
function roundTo(c, v) {
  if (c.log) return Number(v.toPrecision(3));
  const step = c.step || 0.01;
  return Number((Math.round(v / step) * step).toFixed(Math.max(0, -Math.floor(Math.log10(step)))));
}

function rangeText(c) {
  const lo = c.min === null || c.min === undefined ? "no lower limit" : fmt(c.min, 4);
  const hi = c.max === null || c.max === undefined ? "no upper limit" : fmt(c.max, 4);
  if (c.min === null && c.max === null) return "";
  return `· allowed range ${c.min_exclusive ? "(" : "["}${lo}, ${hi}${c.max_exclusive ? ")" : "]"}${unitText(c.unit)}`;
}

function controlShell(c) {
  const div = document.createElement("div");
  div.className = "control";
  div.dataset.name = c.name;
  div.dataset.testid = `control-${c.name}`;
  const src = c.source ? `<br>Source: ${esc(c.source)}` : "";
  const units = c.unit_long && c.unit && c.unit !== "list" ? `<br>Unit: ${esc(c.unit_long)}` : "";
  div.innerHTML = `
    <div class="top"><span class="name">${esc(c.label)}</span>
      <span class="value" data-role="value"></span></div>
    <div data-role="input"></div>
    <details><summary>${esc(c.meaning || "About")} ${esc(rangeText(c))}</summary>
      ${esc(c.meaning)}${units}${src}</details>
    <button type="button" class="reset" data-role="reset" hidden>Back to the scenario's value</button>`;
  div.querySelector("[data-role=reset]").addEventListener("click", () => {
    delete state.overrides[c.name];
    renderControls();
    schedule();
  });
  return div;
}

function leverControl(c) {
  const div = controlShell(c);
  const box = div.querySelector("[data-role=input]");
  const out = div.querySelector("[data-role=value]");
  const given = state.overrides[c.name];
  const changed = given !== undefined;
  div.classList.toggle("changed", changed);
  div.querySelector("[data-role=reset]").hidden = !changed;
  const set = (text) => { state.overrides[c.name] = text; div.classList.add("changed");
    div.querySelector("[data-role=reset]").hidden = false; schedule(); };

  if (c.widget === "switch") {
    const on = changed ? given === "true" : Boolean(c.value);
    box.innerHTML = `<label class="checks"><input type="checkbox" aria-label="${esc(c.label)}"> yes</label>`;
    const input = box.querySelector("input");
    input.checked = on;
    out.textContent = on ? "yes" : "no";
    input.addEventListener("change", () => { out.textContent = input.checked ? "yes" : "no"; set(String(input.checked)); });
  } else if (c.widget === "choice") {
    const cur = changed ? given : c.value;
    box.innerHTML = `<select aria-label="${esc(c.label)}">${c.choices.map((x) =>
      `<option value="${esc(x)}"${x === cur ? " selected" : ""}>${esc(CHOICE_WORDS[x] || x)}</option>`).join("")}</select>`;
    const input = box.querySelector("select");
    input.addEventListener("change", () => set(input.value));
  } else if (c.widget === "actors") {
    let cur = c.value || [];
    if (changed) { try { cur = JSON.parse(given); } catch (e) { cur = []; } }
    box.innerHTML = `<div class="checks">${c.choices.map((a, i) =>
      `<label><input type="checkbox" value="${esc(a)}"${cur.includes(a) ? " checked" : ""}> ${esc(c.choice_labels[i])}</label>`).join("")}</div>`;
    out.textContent = cur.length ? `${cur.length} of ${c.choices.length}` : "nobody";
    box.querySelectorAll("input").forEach((input) => input.addEventListener("change", () => {
      const picked = [...box.querySelectorAll("input:checked")].map((x) => x.value);
      out.textContent = picked.length ? `${picked.length} of ${c.choices.length}` : "nobody";
      set(JSON.stringify(picked));
    }));
  } else {
    const optional = c.widget === "optional_number";
    let v = changed ? (given === "none" ? null : Number(given)) : c.value;
    const on = v !== null && v !== undefined;
    const start = on ? v : (c.log ? Math.sqrt(c.slider_min * c.slider_max) : (c.slider_min + c.slider_max) / 2);
    box.innerHTML = `${optional ? `<label class="checks"><input type="checkbox" data-role="on"> use this rule</label>` : ""}
      <input type="range" aria-label="${esc(c.label)}" min="${c.log ? 0 : c.slider_min}"
        max="${c.log ? 1000 : c.slider_max}" step="${c.log ? 1 : c.step}">`;
    const input = box.querySelector("input[type=range]");
    input.value = String(valueToSlider(c, Math.min(Math.max(start, c.slider_min), c.slider_max)));
    const show = (x, isOn) => { out.textContent = isOn ? `${valueText(x)}${unitText(c.unit)}` : (optional ? "off" : "not set"); };
    show(start, on);
    if (optional) {
      const chk = box.querySelector("[data-role=on]");
      chk.checked = on;
      input.disabled = !on;
      chk.addEventListener("change", () => {
        input.disabled = !chk.checked;
        const x = roundTo(c, sliderToValue(c, Number(input.value)));
        show(x, chk.checked);
        set(chk.checked ? String(x) : "none");
      });
    }
    input.addEventListener("input", () => {
      const x = roundTo(c, sliderToValue(c, Number(input.value)));
      show(x, true);
      set(String(x));
    });
  }
  return div;
}

function parameterControl(c) {
  const div = controlShell(c);
  const box = div.querySelector("[data-role=input]");
  const out = div.querySelector("[data-role=value]");
  const given = state.overrides[c.name];
  const fixed = given !== undefined && isFinite(Number(given));
  div.classList.toggle("changed", given !== undefined);
  div.querySelector("[data-role=reset]").hidden = given === undefined;
  if (given !== undefined && !fixed) {
    box.innerHTML = `<span class="sampled">set in the link to ${esc(given)}</span>`;
    out.textContent = "";
    return div;
  }
  const v = fixed ? Number(given) : c.median;
  box.innerHTML = `<input type="range" aria-label="${esc(c.label)}" min="${c.log ? 0 : c.slider_min}"
      max="${c.log ? 1000 : c.slider_max}" step="${c.log ? 1 : c.step}">
    <div class="meta" data-role="law"></div>`;
  const input = box.querySelector("input");
  input.value = String(valueToSlider(c, Math.min(Math.max(v, c.slider_min), c.slider_max)));
  const law = box.querySelector("[data-role=law]");
  const describe = (isFixed, x) => {
    out.textContent = isFixed ? `${valueText(x)}${unitText(c.unit)} in every world` : "uncertain";
    out.classList.toggle("sampled", !isFixed);
    law.textContent = isFixed
      ? `Fixed. Default: ${c.default} (median ${fmt(c.median)}${unitText(c.unit)}).`
      : `Sampled from the default: ${c.default}${unitText(c.unit)}, median ${fmt(c.median)}.`;
  };
  describe(fixed, v);
  input.addEventListener("input", () => {
    const x = roundTo(c, sliderToValue(c, Number(input.value)));
    describe(true, x);
    state.overrides[c.name] = String(x);
    div.classList.add("changed");
    div.querySelector("[data-role=reset]").hidden = false;
    schedule();
  });
  return div;
}

function renderControls() {
  const lev = $("levers");
  const par = $("parameters");
  lev.replaceChildren(...controls.levers.map(leverControl));
  par.replaceChildren(...controls.parameters.map(parameterControl));
  $("samples").value = state.samples ?? controls.samples;
  $("samples").max = String(controls.caps.compare);
  $("seed").value = state.seed ?? controls.seed;
  $("samples-note").textContent = `At most ${controls.caps.compare.toLocaleString("en")} worlds here; ` +
    "fewer answer faster, more give tighter intervals.";
}

async function loadPreset(name) {
  state.preset = name;
  const res = await api(`/api/controls?preset=${encodeURIComponent(name)}`);
  controls = await res.json();
  const p = presets.find((x) => x.name === name);
  $("preset").value = name;
  $("preset-description").textContent = p ? p.description : "";
  $("danger-text").textContent = `capability ${fmt(controls.danger_level_ooms)} orders of magnitude ` +
    "of effective training compute above GPT-4 (about 20% of cognitive tasks automatable), " +
    "where the misalignment hazards of the worldviews switch on";
  renderControls();
}

// -- drawing ----------------------------------------------------------------------------------

const COLORS = { policy: "#1f6fb2", counterfactual: "#b3541e", b: "#2e8b57" };
const ACTOR_COLORS = ["#1f6fb2", "#c0392b", "#7d8c2a", "#8e44ad", "#16a085", "#d35400"];
const PLOT_CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["select2d", "lasso2d"] };

function verdictCards(el, rows, horizon) {
  const shown = rows.filter((r) => r.horizon === horizon);
  el.replaceChildren(...shown.map((r) => {
    const div = document.createElement("div");
    div.className = "verdict";
    div.dataset.worldview = r.worldview;
    const cls = r.p_low > 0.5 ? "good" : r.p_high < 0.5 ? "bad" : "mid";
    const lo = (r.p_low ?? 0) * 100, hi = (r.p_high ?? 0) * 100, p = (r.p ?? 0) * 100;
    div.innerHTML = `<div class="wv" title="${esc(r.worldview_meaning)}">${esc(r.worldview_label)}</div>
      <div class="p ${cls}" data-testid="p-${esc(r.worldview)}">${pct(r.p)}</div>
      <div class="bar" aria-hidden="true"><div class="half"></div>
        <div class="ci" style="left:${lo}%;width:${Math.max(hi - lo, 0.5)}%"></div>
        <div class="pt" style="left:calc(${p}% - 1px)"></div></div>
      <div class="words">${esc(r.words)}</div>
      <details class="meta"><summary>About this worldview</summary>${esc(r.worldview_meaning)}
        ${r.fixed_by_construction ? `<br>${esc(r.fixed_by_construction)}` : ""}</details>`;
    return div;
  }));
}

function metricCards(rows, tag) {
  return rows.map((m) => `<div class="metric" title="${esc(m.meaning)}">
      <div class="k">${esc(m.label)}${tag}</div>
      <div class="v">${fmt(m.median)}${unitText(m.unit)}</div>
      <div class="meta">90% of worlds: ${fmt(m.p5)} to ${fmt(m.p95)}${m.n_undefined ? `; undefined in ${m.n_undefined.toLocaleString("en")}` : ""}</div>
    </div>`).join("");
}

function drawFan(p) {
  const t = p.charts.time;
  const traces = [];
  const band = (q, name, color, lo, hi, opacity, group, show) => {
    traces.push({ x: t, y: q[hi], mode: "lines", line: { width: 0 }, hoverinfo: "skip",
      showlegend: false, legendgroup: group });
    traces.push({ x: t, y: q[lo], mode: "lines", fill: "tonexty", fillcolor: color.replace(")", `,${opacity})`).replace("rgb", "rgba"),
      line: { width: 0 }, name, hoverinfo: "skip", showlegend: show, legendgroup: group });
  };
  const rgb = { policy: "rgb(31,111,178)", counterfactual: "rgb(179,84,30)", b: "rgb(46,139,87)" };
  const series = [["counterfactual", "No pause", p.charts.frontier.counterfactual],
    ["policy", `Pause: ${p.policy_label}`, p.charts.frontier.policy]];
  if (p.b) series.push(["b", `Pause B: ${p.b.policy_label}`, p.b.frontier]);
  for (const [key, name, q] of series) {
    band(q, `${name}: 90% of worlds`, rgb[key], "q05", "q95", 0.12, key, false);
    band(q, `${name}: 50% of worlds`, rgb[key], "q25", "q75", 0.25, key, false);
    traces.push({ x: t, y: q.q50, mode: "lines", line: { color: COLORS[key], width: 2.5 },
      name: `${name} (median and bands)`, legendgroup: key });
  }
  const inForce = p.b ? `Pause ${p.policy_label} in force (share of worlds)` : "Pause in force (share of worlds)";
  traces.push({ x: t, y: p.charts.in_force, yaxis: "y2", mode: "lines", name: inForce,
    line: { color: "#888", width: 1.5 } });
  const layout = {
    margin: { l: 60, r: 60, t: 10, b: 30 },
    xaxis: { title: { text: "Year", standoff: 4 } },
    yaxis: { title: { text: `${p.charts.frontier.label} (${p.charts.frontier.unit} above GPT-4)` } },
    yaxis2: { overlaying: "y", side: "right", range: [0, 1], title: { text: "Pause in force (share of worlds)" },
      tickformat: ".0%", tickvals: [0, 0.25, 0.5, 0.75, 1], showgrid: false },
    shapes: [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: p.danger_level_ooms, y1: p.danger_level_ooms,
      line: { dash: "dot", color: "#b3261e", width: 1.5 } }],
    annotations: [{ xref: "paper", x: 0.01, y: p.danger_level_ooms, text: "danger level", showarrow: false,
      yanchor: "bottom", font: { color: "#b3261e", size: 12 } }],
    legend: { orientation: "h", y: -0.22 },
  };
  Plotly.react("fan", traces, layout, PLOT_CONFIG);
}

function drawDists(p) {
  const box = $("dists");
  const dists = p.charts.distributions;
  if (box.children.length !== dists.length) {
    box.replaceChildren(...dists.map((d, i) => {
      const div = document.createElement("div");
      div.className = "chart";
      div.id = `dist-${i}`;
      div.dataset.testid = `dist-${d.name}`;
      return div;
    }));
  }
  dists.forEach((d, i) => {
    const bars = (h, name, color) => {
      const mids = h.edges.slice(0, -1).map((e, k) => (e + h.edges[k + 1]) / 2);
      const width = h.edges.length > 1 ? h.edges[1] - h.edges[0] : 1;
      return { type: "bar", x: mids, y: h.counts, width, name, marker: { color, opacity: 0.7 } };
    };
    const traces = [bars(d.policy, "With the pause", COLORS.policy)];
    if (d.counterfactual) traces.push(bars(d.counterfactual, "Without a pause", COLORS.counterfactual));
    const undefinedNote = d.policy.n_undefined ? `; undefined in ${d.policy.n_undefined.toLocaleString("en")} worlds` : "";
    Plotly.react(`dist-${i}`, traces, {
      barmode: "overlay",
      margin: { l: 50, r: 10, t: 36, b: 40 },
      title: { text: `${d.label}<br><sup>${esc(d.meaning)}${undefinedNote}</sup>`, font: { size: 13 } },
      xaxis: { title: { text: d.unit } },
      yaxis: { title: { text: "worlds" } },
      showlegend: Boolean(d.counterfactual),
      legend: { x: 1, xanchor: "right", y: 1, bgcolor: "rgba(255,255,255,0.7)" },
    }, PLOT_CONFIG);
  });
}

function drawShares(p) {
  const t = p.charts.time;
  const traces = [];
  let i = 0;
  for (const [key, s] of Object.entries(p.charts.shares.policy)) {
    const color = ACTOR_COLORS[i++ % ACTOR_COLORS.length];
    traces.push({ x: t, y: s.values, mode: "lines", name: `${s.label}, with the pause`, line: { color, width: 2.2 } });
    const cf = p.charts.shares.counterfactual[key];
    if (cf) traces.push({ x: t, y: cf.values, mode: "lines", name: `${cf.label}, no pause`,
      line: { color, width: 1.5, dash: "dash" } });
  }
  Plotly.react("shares", traces, {
    margin: { l: 60, r: 10, t: 10, b: 40 },
    xaxis: { title: { text: "Year" } },
    yaxis: { title: { text: "Share of the frontier" }, tickformat: ".0%", range: [0, 1] },
    legend: { orientation: "h", y: -0.2 },
  }, PLOT_CONFIG);
}

function drawCruxes(p) {
  const rows = p.cruxes;
  if (!rows.length) { $("cruxes").textContent = "No risk computed for this scenario."; return; }
  const wv = Object.fromEntries(p.verdicts.map((v) => [v.worldview, v.worldview_label]));
  $("cruxes").innerHTML = `<table><thead><tr><th>Worldview</th><th>Parameter</th><th>Rank correlation with the change in risk</th><th>Reading</th></tr></thead>
    <tbody>${rows.map((r) => `<tr><td>${esc(wv[r.worldview] || r.worldview)}</td>
      <td title="${esc(r.meaning)}">${esc(r.label)}</td><td>${fmt(r.rho, 2)}</td><td>${esc(r.words)}</td></tr>`).join("")}</tbody></table>`;
}

function horizonOptions(p) {
  const hs = [...new Map(p.verdicts.map((v) => [v.horizon, v.horizon_label])).entries()];
  const sel = $("horizon");
  const cur = state.horizon && hs.some(([h]) => h === state.horizon) ? state.horizon
    : (hs.filter(([h]) => h.startsWith("K>=")).pop() || hs[hs.length - 1] || [null])[0];
  sel.innerHTML = hs.map(([h, label]) => `<option value="${esc(h)}"${h === cur ? " selected" : ""}>${esc(label)}</option>`).join("");
  return cur;
}

function draw(p) {
  $("version").textContent = p.version;
  const horizon = horizonOptions(p);
  $("verdicts-title").textContent = `P(pause lowers risk) per worldview: ${p.policy_label} against no pause`;
  // one line per worldview side by side; the words under each number say what it means
  verdictCards($("verdicts"), p.verdicts, horizon);
  if (p.b) {
    $("versus-block").hidden = false;
    $("verdicts-b-title").textContent = `P(pause lowers risk): ${p.b.policy_label} against no pause`;
    verdictCards($("verdicts-b"), p.b.verdicts_b, horizon);
    $("verdicts-ab-title").textContent = `Pause A (${p.policy_label}) against pause B (${p.b.policy_label}) on the same worlds: P(A gives the lower risk)`;
    verdictCards($("verdicts-ab"), p.b.a_vs_b, horizon);
  } else {
    $("versus-block").hidden = true;
  }
  let head = metricCards(p.headline, "");
  if (p.b) head += metricCards(p.b.headline_b, ` (${p.b.policy_label})`);
  $("headline").innerHTML = head;
  $("lift").textContent = p.lift_reasons.length
    ? `Why the first pause${p.b ? ` of ${p.policy_label}` : ""} ended: ` + p.lift_reasons.map((r) => `${r.label} (${pct(r.share)} of worlds)`).join("; ") + "."
    : "";
  if (p.n_failed) $("lift").textContent += ` ${p.n_failed} worlds hit a numerical failure and are left out.`;
  if (p.warnings.length) $("lift").textContent += ` Note: ${p.warnings.join(" ")}`;
  drawFan(p);
  drawDists(p);
  drawShares(p);
  drawCruxes(p);
}

// -- downloads --------------------------------------------------------------------------------

async function download(path, fallback) {
  try {
    setBusy(true, "Preparing the download…");
    const res = await api(path, requestBody());
    const blob = await res.blob();
    const cd = res.headers.get("Content-Disposition") || "";
    const m = cd.match(/filename="([^"]+)"/);
    saveBlob(blob, m ? m[1] : fallback);
    setBusy(false, "Downloaded.");
  } catch (err) {
    showError(err.message);
    setBusy(false, "Download failed.");
  }
}

function saveBlob(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

function pngCard() {
  const p = lastPayload;
  if (!p) return;
  const horizon = $("horizon").value;
  const W = 1200, H = 630;
  const cv = document.createElement("canvas");
  cv.width = W; cv.height = H;
  const g = cv.getContext("2d");
  g.fillStyle = "#ffffff"; g.fillRect(0, 0, W, H);
  g.fillStyle = "#1d2430";
  g.font = "bold 40px system-ui, sans-serif";
  g.fillText(`${p.policy_label} against no pause`, 50, 80);
  g.font = "22px system-ui, sans-serif";
  g.fillStyle = "#5b6575";
  const hl = p.verdicts.find((v) => v.horizon === horizon);
  g.fillText(`pausesim · ${p.scenario.samples.toLocaleString("en")} sampled worlds · risk ${hl ? hl.horizon_label : ""}`, 50, 118);
  let y = 175;
  g.fillStyle = "#1d2430";
  g.font = "bold 26px system-ui, sans-serif";
  g.fillText("P(pause lowers risk), with 95% interval", 50, y);
  y += 20;
  for (const v of p.verdicts.filter((r) => r.horizon === horizon)) {
    y += 50;
    g.font = "24px system-ui, sans-serif";
    g.fillStyle = "#1d2430";
    g.fillText(v.worldview_label, 50, y);
    const x0 = 400, w = 600;
    g.fillStyle = "#eef1f5"; g.fillRect(x0, y - 20, w, 22);
    g.fillStyle = "#9cc3e6"; g.fillRect(x0 + w * (v.p_low ?? 0), y - 20, Math.max(w * ((v.p_high ?? 0) - (v.p_low ?? 0)), 2), 22);
    g.fillStyle = "#1d2430"; g.fillRect(x0 + w * (v.p ?? 0) - 2, y - 26, 4, 34);
    g.fillStyle = "#5b6575"; g.fillRect(x0 + w / 2, y - 28, 1, 38);
    g.fillStyle = v.p_low > 0.5 ? "#1a7f45" : v.p_high < 0.5 ? "#b3261e" : "#8a6d00";
    g.font = "bold 30px system-ui, sans-serif";
    g.fillText(pct(v.p), x0 + w + 30, y + 2);
  }
  y += 80;
  g.font = "24px system-ui, sans-serif";
  g.fillStyle = "#1d2430";
  for (const m of p.headline) {
    g.fillText(`${m.label}: ${fmt(m.median)}${unitText(m.unit)} (90%: ${fmt(m.p5)} to ${fmt(m.p95)})`, 50, y);
    y += 36;
  }
  g.font = "18px system-ui, sans-serif";
  g.fillStyle = "#5b6575";
  g.fillText(`pausesim ${p.version} · seed ${p.scenario.seed} · reproduce: ${location.href}`.slice(0, 130), 50, H - 30);
  cv.toBlob((blob) => saveBlob(blob, `${state.preset}-headline.png`), "image/png");
}

// -- start ------------------------------------------------------------------------------------

async function start() {
  try {
    presets = (await (await api("/api/scenarios")).json()).filter((p) => p.engine === "compute");
  } catch (err) { showError(err.message); return; }
  const fromHash = readHash();
  const first = presets.find((p) => p.name === fromHash.preset) ? fromHash.preset
    : (presets.find((p) => p.name === "essay-realistic") || presets[0]).name;
  $("preset").innerHTML = presets.map((p) => `<option value="${esc(p.name)}">${esc(p.name)}</option>`).join("");
  $("versus").innerHTML = `<option value="">(none: only against no pause)</option>` +
    presets.filter((p) => p.name !== "no-pause").map((p) => `<option value="${esc(p.name)}">${esc(p.name)}</option>`).join("");
  Object.assign(state, { versus: "", samples: null, seed: null, horizon: null, overrides: {} }, fromHash);
  $("versus").value = state.versus || "";
  await loadPreset(first);
  writeHash();
  refresh();

  $("preset").addEventListener("change", async () => {
    state.overrides = {};  // the number of worlds is kept; the seed is the preset's
    state.seed = null;
    await loadPreset($("preset").value);
    schedule();
  });
  $("versus").addEventListener("change", () => { state.versus = $("versus").value; schedule(); });
  $("samples").addEventListener("change", () => {
    const n = parseInt($("samples").value, 10);
    state.samples = Number.isFinite(n) ? n : null;
    schedule();
  });
  $("seed").addEventListener("change", () => {
    const n = parseInt($("seed").value, 10);
    state.seed = Number.isFinite(n) ? n : null;
    schedule();
  });
  $("horizon").addEventListener("change", () => {
    state.horizon = $("horizon").value;
    writeHash();
    if (lastPayload) draw(lastPayload);
  });
  $("reset-all").addEventListener("click", () => {
    state.overrides = {}; state.samples = null; state.seed = null; state.versus = "";
    $("versus").value = "";
    renderControls();
    schedule();
  });
  $("copy-link").addEventListener("click", async () => {
    try { await navigator.clipboard.writeText(location.href); $("status-text").textContent = "Link copied."; }
    catch (e) { $("status-text").textContent = `Copy this address: ${location.href}`; }
  });
  $("dl-csv").addEventListener("click", () => download("/api/download/worlds.csv", "worlds.csv"));
  $("dl-json").addEventListener("click", () => download("/api/download/summary.json", "summary.json"));
  $("dl-toml").addEventListener("click", () => download("/api/download/scenario.toml", "scenario.toml"));
  $("dl-png").addEventListener("click", pngCard);
  window.addEventListener("hashchange", async () => {
    const h = readHash();
    const same = h.preset === state.preset && JSON.stringify(h.overrides) === JSON.stringify(state.overrides) &&
      (h.versus || "") === state.versus && (h.samples ?? null) === state.samples && (h.seed ?? null) === state.seed;
    if (same) return;
    Object.assign(state, { versus: "", samples: null, seed: null, horizon: null, overrides: {} }, h);
    $("versus").value = state.versus;
    await loadPreset(state.preset);
    refresh();
  });
}

start();
