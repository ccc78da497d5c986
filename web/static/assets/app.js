// The dashboard: state (mirrored in the URL), data (fetched from /graphql for the visible
// window only), drawing and interaction.
//
// Zoomed out, the timeline draws buckets (timelineBuckets); once the window (with a margin
// for panning) holds at most ENTRY_LIMIT entries, it pages through timeline for that
// window, 100 entries a request, and draws each entry.

import { gql, APIError, rateLimitListeners, stats, EXTENT, BUCKETS, laneBucketsQuery, TIMELINE_PAGE, META, COUNTRIES,
  OFFICIALS_BY_SLUG, SEARCH, OFFICIAL_SUGGESTIONS, DETAIL, playgroundURL } from "./api.js";
import { parseDate, windowStrings, granularityFor, bucketPeriod, humanWindow, humanDate, dateString,
  MIN_DAY, MAX_DAY } from "./dates.js";
import { h, replace } from "./dom.js";
import { KIND_NAMES, kindLabel, humanEnum } from "./kinds.js";
import { readURL, writeURL, apiFilter, filterKey, activeFilters } from "./state.js";
import { renderAxis, renderLanes, scale } from "./timeline.js";
import { renderHistogram } from "./histogram.js";
import { Filters } from "./filters.js";
import { detailContent } from "./detail.js";

/** The most entries drawn one by one; beyond, the timeline draws buckets. */
export const ENTRY_LIMIT = 600;
/** The share of the window's width loaded on each side of it, so that panning is smooth. */
const MARGIN = 0.25;
/** The most lanes of buckets asked for at once (root fields per request are limited). */
const MAX_BUCKET_LANES = 18;
const MIN_WIDTH = 2; // days

const $ = (sel) => document.querySelector(sel);
const els = {
  app: $("#app"),
  timeline: $("#timeline"),
  lanes: $("#lanes"),
  axis: $("#axis"),
  histogram: $("#histogram"),
  chart: $("#chart"),
  status: $("#status"),
  error: $("#error"),
  empty: $("#empty"),
  progress: $("#progress"),
  rangeLabel: $("#range-label"),
  detail: $("#detail"),
  detailBody: $("#detail-body"),
  playground: $("#open-playground"),
  search: $("#search"),
  searchForm: $("#search-form"),
  results: $("#search-results"),
  filterCount: $("#filter-count"),
  filtersPanel: $("#filters-panel"),
};

// ---------------------------------------------------------------------------------------
// State

const initial = readURL(location.search);
const state = {
  filter: initial.filter,
  from: initial.from, // the window as written in the URL, or null when it fits the data
  to: initial.to,
  lanes: initial.lanes,
  selected: initial.selected,
  view: null, // { t0, t1 } in days
};

const meta = { platforms: [], topics: [], countries: new Map(), loaded: null };

let extent = null; // { key, total, t0, t1 }
let buckets = null; // { key, gran, range, total: [...], count, lanes: { key, list } | null }
let entries = null; // { key, range, list }
let mode = "entries";
let problem = null; // the error shown, if any
let urlNotes = initial.errors;

const filters = new Filters($("#filters"), {
  onChange: (patch) => changeFilter(patch),
  suggestOfficials: async (text) => {
    const d = await gql(OFFICIAL_SUGGESTIONS, { query: text });
    return d.search.nodes.filter((n) => n.__typename === "Official");
  },
});

// ---------------------------------------------------------------------------------------
// The view window

function plotWidth() {
  return Math.max(200, Math.floor(els.timeline.clientWidth));
}

function clampView(t0, t1) {
  let w = Math.min(Math.max(t1 - t0, MIN_WIDTH), MAX_DAY - MIN_DAY);
  const c = (t0 + t1) / 2;
  t0 = c - w / 2;
  t1 = c + w / 2;
  if (t0 < MIN_DAY) [t0, t1] = [MIN_DAY, MIN_DAY + w];
  if (t1 > MAX_DAY) [t0, t1] = [MAX_DAY - w, MAX_DAY];
  return { t0, t1 };
}

/** The window that shows the whole extent of the data, with a little room on each side. */
function fittedView() {
  if (!extent || !extent.total) {
    const now = Date.now() / 86400000;
    return clampView(now - 3650, now + 180);
  }
  const w = Math.max(extent.t1 - extent.t0, 60);
  const c = (extent.t0 + extent.t1) / 2;
  return clampView(c - w * 0.54, c + w * 0.54);
}

/** The window the URL names; a missing side comes from the data. */
function urlView() {
  const f = state.from ? parseDate(state.from) : null;
  const t = state.to ? parseDate(state.to) : null;
  if (!f && !t) return null;
  const fit = fittedView();
  return clampView(f ? f.start : Math.min(fit.t0, t.start - 30), t ? t.end : Math.max(fit.t1, f.end + 30));
}

/** Moves the window (a person zoomed, panned or brushed): the URL follows. */
function setView(t0, t1) {
  state.view = clampView(t0, t1);
  const s = windowStrings(state.view.t0, state.view.t1);
  state.from = s.from;
  state.to = s.to;
  updateURL("replace");
  scheduleRender();
  scheduleRefresh();
}

function zoomAt(px, factor) {
  const v = state.view;
  if (!v) return;
  const t = scale(v, plotWidth()).invert(px);
  setView(t - (t - v.t0) * factor, t + (v.t1 - t) * factor);
}

function zoom(factor) {
  zoomAt(focusedX() ?? plotWidth() / 2, factor);
}

function pan(fraction) {
  const v = state.view;
  if (!v) return;
  const d = (v.t1 - v.t0) * fraction;
  setView(v.t0 + d, v.t1 + d);
}

function fit() {
  state.from = state.to = null;
  state.view = fittedView();
  updateURL("replace");
  scheduleRender();
  scheduleRefresh();
}

// ---------------------------------------------------------------------------------------
// The URL

let urlTimer = 0;

function updateURL(how) {
  clearTimeout(urlTimer);
  const write = () => {
    const search = writeURL(state);
    if (search === location.search) return;
    const url = location.pathname + search + location.hash;
    if (how === "push") history.pushState(null, "", url);
    else history.replaceState(null, "", url);
  };
  if (how === "push") write();
  else urlTimer = setTimeout(write, 250);
}

window.addEventListener("popstate", () => {
  const s = readURL(location.search);
  urlNotes = s.errors;
  Object.assign(state, { filter: s.filter, from: s.from, to: s.to, lanes: s.lanes });
  state.view = urlView() ?? (extent && extent.key === filterKey(state.filter) ? fittedView() : null);
  showState();
  if (s.selected !== state.selected) {
    if (s.selected) openDetail(s.selected, { focus: false, history: false });
    else closeDetail({ history: false });
  }
  runSearch(state.filter.text);
  scheduleRefresh(0);
});

// ---------------------------------------------------------------------------------------
// Filters

function changeFilter(patch) {
  const { from, to, ...rest } = patch;
  Object.assign(state.filter, rest);
  if ("from" in patch || "to" in patch) {
    state.from = from ?? null;
    state.to = to ?? null;
    state.view = urlView() ?? (extent ? fittedView() : null);
  }
  if ("text" in patch) {
    els.search.value = state.filter.text;
    runSearch(state.filter.text);
  }
  updateURL("push");
  showState();
  scheduleRender();
  scheduleRefresh(0);
}

/** Reflects the state in the controls. */
function showState() {
  filters.show(state.filter);
  els.search.value = state.filter.text;
  for (const r of document.querySelectorAll('input[name="lanes"]')) r.checked = r.value === state.lanes;
  const n = activeFilters(state.filter);
  els.filterCount.textContent = n ? `(${n} active)` : "";
}

for (const r of document.querySelectorAll('input[name="lanes"]')) {
  r.addEventListener("change", () => {
    if (!r.checked) return;
    state.lanes = r.value;
    updateURL("push");
    scheduleRender();
    scheduleRefresh(0);
  });
}

// ---------------------------------------------------------------------------------------
// Data

let refreshTimer = 0;
let generation = 0;
let controller = null;

const busy = { refresh: false, meta: true };

function setBusy(what, on) {
  busy[what] = on;
  const any = busy.refresh || busy.meta;
  els.app.dataset.busy = any ? "1" : "0";
  els.timeline.setAttribute("aria-busy", any ? "true" : "false");
  els.progress.hidden = !any;
}

function scheduleRefresh(delay = 180) {
  setBusy("refresh", true);
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, delay);
}

const covers = (range, view) => range && range.t0 <= view.t0 && range.t1 >= view.t1;

/** The range to load around the window, snapped to whole periods of a granularity. */
function loadRange(view, gran) {
  const w = view.t1 - view.t0;
  const t0 = Math.max(MIN_DAY, view.t0 - w * MARGIN);
  const t1 = Math.min(MAX_DAY - 1, view.t1 + w * MARGIN);
  const from = dateString(Math.floor(t0), gran);
  const to = dateString(Math.ceil(t1) - 1, gran);
  return { from, to, t0: parseDate(from).start, t1: parseDate(to).end };
}

function toBucket(gran) {
  return (b) => {
    const p = bucketPeriod(b.start, gran);
    const byKind = {};
    for (const k of b.byKind ?? []) byKind[k.kind] = k.count;
    return { start: b.start, count: b.count, s: p.start, e: p.end, byKind };
  };
}

function prepareEntry(n, i) {
  const p = parseDate(n.date);
  const pe = n.endDate ? parseDate(n.endDate) : null;
  return {
    ...n,
    t0: p.start,
    t1: pe ? Math.max(pe.end, p.end) : p.end,
    shape: pe ? "range" : p.precision === "DAY" ? "point" : "span",
    partial: p.precision !== "DAY" || (pe !== null && pe.precision !== "DAY"),
    slug: n.subject?.slug ?? null,
    order: i,
  };
}

function status(text) {
  els.status.textContent = text;
}

async function refresh() {
  const gen = ++generation;
  controller?.abort();
  controller = new AbortController();
  const { signal } = controller;
  const stale = () => gen !== generation;
  try {
    const key = filterKey(state.filter);
    if (!extent || extent.key !== key) {
      status("Loading the timeline…");
      const d = await gql(EXTENT, { filter: apiFilter(state.filter) }, { signal });
      if (stale()) return;
      const first = d.first.nodes[0];
      const last = d.last.nodes[0];
      extent = { key, total: d.first.totalCount, t0: 0, t1: 0 };
      if (first && last) {
        const ends = [first, last].flatMap((n) => [parseDate(n.date).end, n.endDate ? parseDate(n.endDate).end : 0]);
        extent.t0 = parseDate(first.date).start;
        extent.t1 = Math.max(...ends);
      }
      if (!state.from && !state.to) state.view = fittedView();
    }
    if (!state.view) state.view = urlView() ?? fittedView();
    problem = null;
    if (extent.total === 0) {
      buckets = null;
      entries = null;
      status("");
      render();
      return;
    }
    const view = state.view;
    const gran = granularityFor(view.t1 - view.t0, plotWidth());
    if (!buckets || buckets.key !== key || buckets.gran !== gran || !covers(buckets.range, view)) {
      const range = loadRange(view, gran);
      status("Counting entries…");
      const d = await gql(BUCKETS, { filter: apiFilter(state.filter, range.from, range.to), granularity: gran }, { signal });
      if (stale()) return;
      const total = d.timelineBuckets.map(toBucket(gran));
      buckets = { key, gran, range, total, count: total.reduce((n, b) => n + b.count, 0), lanes: null };
      scheduleRender();
    }
    if (buckets.count <= ENTRY_LIMIT) {
      mode = "entries";
      if (!entries || entries.key !== key || !covers(entries.range, view)) {
        const range = buckets.range;
        const list = [];
        let after = null;
        do {
          status(`Loading entries ${list.length.toLocaleString("en")} of ${buckets.count.toLocaleString("en")}…`);
          const d = await gql(TIMELINE_PAGE, { filter: apiFilter(state.filter, range.from, range.to), after }, { signal });
          if (stale()) return;
          list.push(...d.timeline.nodes.map((n, i) => prepareEntry(n, list.length + i)));
          after = d.timeline.pageInfo.hasNextPage ? d.timeline.pageInfo.endCursor : null;
        } while (after && list.length < ENTRY_LIMIT * 2);
        entries = { key, range, list };
      }
    } else {
      mode = "buckets";
      if (state.lanes !== "kind") {
        await meta.loaded;
        if (stale()) return;
        const defs = bucketLaneDefs();
        const lanesKey = `${state.lanes}|${defs.map((d) => d.id).join(",")}`;
        if (!buckets.lanes || buckets.lanes.key !== lanesKey) {
          status("Counting entries by lane…");
          const vars = { granularity: buckets.gran };
          defs.forEach((def, i) => {
            vars[`f${i}`] = apiFilter({ ...state.filter, ...def.filter }, buckets.range.from, buckets.range.to);
          });
          const d = defs.length ? await gql(laneBucketsQuery(defs.length), vars, { signal }) : {};
          if (stale()) return;
          buckets.lanes = { key: lanesKey, list: defs.map((def, i) => ({ ...def, buckets: d[`l${i}`].map(toBucket(buckets.gran)) })) };
        }
      }
    }
    status("");
    render();
  } catch (err) {
    if (err.name === "AbortError" || stale()) return;
    problem = err;
    status("");
    render();
  } finally {
    if (!stale()) {
      setBusy("refresh", false);
      render();
    }
  }
}

/** The lanes of buckets by platform or by country, each with the filter that counts it. */
function bucketLaneDefs() {
  if (state.lanes === "platform") {
    const slugs = state.filter.platforms.length ? state.filter.platforms : meta.platforms.map((p) => p.slug);
    return slugs.slice(0, MAX_BUCKET_LANES).map((slug) => ({
      id: slug,
      label: meta.platforms.find((p) => p.slug === slug)?.name ?? slug,
      filter: { platforms: [slug] },
    }));
  }
  let codes = state.filter.countries;
  if (!codes.length) {
    // The countries in the most platforms. An entry may concern several countries, so
    // there is no "other" lane.
    const seen = new Map();
    for (const p of meta.platforms) {
      for (const m of p.members ?? []) {
        const c = seen.get(m.country.code) ?? { name: m.country.name, n: 0 };
        c.n++;
        seen.set(m.country.code, c);
      }
    }
    codes = [...seen].sort((a, b) => b[1].n - a[1].n || a[1].name.localeCompare(b[1].name)).slice(0, MAX_BUCKET_LANES)
      .sort((a, b) => a[1].name.localeCompare(b[1].name)).map(([c]) => c);
  }
  return codes.slice(0, MAX_BUCKET_LANES).map((code) => ({
    id: code,
    label: meta.countries.get(code) ?? code,
    filter: { countries: [code] },
  }));
}

// ---------------------------------------------------------------------------------------
// Lanes

function platformRank(slug) {
  const i = meta.platforms.findIndex((p) => p.slug === slug);
  return i < 0 ? meta.platforms.length : i;
}

/** The most country lanes drawn one by one; an entry about none of them goes to "Other countries". */
const MAX_COUNTRY_LANES = 24;

function entryLanes(list) {
  let shown = null;
  if (state.lanes === "country") {
    const counts = new Map();
    for (const e of list) for (const c of e.countries) counts.set(c.code, (counts.get(c.code) ?? 0) + 1);
    shown = new Set([...counts].sort((a, b) => b[1] - a[1]).slice(0, MAX_COUNTRY_LANES).map(([c]) => c));
  }
  const lanes = new Map();
  const add = (id, label, rank, e) => {
    let lane = lanes.get(id);
    if (!lane) lanes.set(id, (lane = { id, label, rank, items: [] }));
    lane.items.push(e);
  };
  for (const e of list) {
    if (state.lanes === "kind") add(e.kind, kindLabel(e.kind), [KIND_NAMES.indexOf(e.kind)], e);
    else if (state.lanes === "country") {
      const mine = e.countries.filter((c) => shown.has(c.code));
      if (!e.countries.length) add("-", "No country", [2], e);
      else if (!mine.length) add("+", "Other countries", [1], e);
      for (const c of mine) add(c.code, c.name, [0, c.name], e);
    } else if (e.platform) add(e.platform.slug, e.platform.name, [0, platformRank(e.platform.slug), e.platform.name], e);
    else add("-", "No platform", [1], e);
  }
  const cmp = (a, b) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i] === b[i]) continue;
      if (a[i] === undefined) return -1;
      if (b[i] === undefined) return 1;
      return typeof a[i] === "string" ? a[i].localeCompare(b[i]) : a[i] - b[i];
    }
    return 0;
  };
  return [...lanes.values()].sort((a, b) => cmp(a.rank, b.rank));
}

function bucketLanes() {
  if (state.lanes === "kind" || !buckets.lanes) {
    return KIND_NAMES.map((kind) => ({
      id: kind,
      kind,
      label: kindLabel(kind),
      buckets: buckets.total.filter((b) => b.byKind[kind]).map((b) => ({ ...b, count: b.byKind[kind] })),
    })).filter((l) => l.buckets.length);
  }
  const list = buckets.lanes.list.map((l) => ({ id: l.id, label: l.label, buckets: l.buckets.filter((b) => b.count > 0) }));
  if (state.lanes === "platform") {
    // An entry has at most one platform: what the platform lanes leave is the rest.
    const per = new Map(buckets.total.map((b) => [b.start, b.count]));
    for (const l of list) for (const b of l.buckets) per.set(b.start, (per.get(b.start) ?? 0) - b.count);
    const rest = buckets.total.map((b) => ({ ...b, count: per.get(b.start) ?? 0 })).filter((b) => b.count > 0);
    const all = !state.filter.platforms.length && meta.platforms.length <= MAX_BUCKET_LANES;
    if (rest.length) list.push({ id: "-", label: all ? "No platform" : "Other platforms", buckets: rest });
  }
  return list.filter((l) => l.buckets.length);
}

// ---------------------------------------------------------------------------------------
// Drawing

let renderQueued = false;
let drawn = {};

function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

function render() {
  const width = plotWidth();
  const view = state.view;
  const selectedId = state.selected;
  filters.showDates(state.from ?? (view ? windowStrings(view.t0, view.t1).from : ""), state.to ?? (view ? windowStrings(view.t0, view.t1).to : ""));
  renderProblem();
  if (!view) {
    // Nothing to draw yet: the bounds of the timeline are loading, or could not be.
    els.app.dataset.state = problem ? "error" : "loading";
    return;
  }
  const key = filterKey(state.filter);
  const fresh = extent && extent.key === key;
  const isEmpty = fresh && extent.total === 0;
  let model = { mode, lanes: [] };
  if (!isEmpty && mode === "entries" && entries && entries.key === key) {
    model = { mode, lanes: entryLanes(entries.list) };
  } else if (!isEmpty && mode === "buckets" && buckets && buckets.key === key) {
    const lanes = bucketLanes();
    const maxCount = Math.max(1, ...lanes.flatMap((l) => l.buckets.map((b) => b.count)));
    model = { mode, lanes, granularity: buckets.gran, maxCount };
  }
  // Redraw only what changed: a redrawn element under a pointer would lose its click.
  const inputs = { view, width, selectedId, lanes: state.lanes, mode, entries, buckets, laneBuckets: buckets?.lanes,
    platforms: meta.platforms, key, isEmpty };
  if (Object.keys(inputs).some((k) => inputs[k] !== drawn[k])) {
    drawn = inputs;
    const tk = renderAxis(els.axis, view, width);
    renderHistogram(els.histogram, { view, width, data: !isEmpty && buckets && buckets.key === key ? buckets : null });
    const focusKey = document.activeElement?.closest?.("#lanes [data-key]")?.dataset.key ?? rovingKey;
    const hadFocus = els.lanes.contains(document.activeElement);
    renderLanes(els.lanes, model, view, width, { selectedId, gridTicks: tk.ticks });
    restoreRoving(focusKey, hadFocus);
  }
  els.app.dataset.mode = model.mode;
  els.app.dataset.lanes = state.lanes;
  els.app.dataset.granularity = buckets?.gran ?? "";
  const visible = els.lanes.querySelectorAll(".entry").length;
  let summary = humanWindow(view.t0, view.t1);
  if (isEmpty) summary += " · no entries";
  else if (mode === "entries" && entries) summary += ` · ${visible.toLocaleString("en")} ${visible === 1 ? "entry" : "entries"} in view`;
  else if (buckets) summary += ` · ${buckets.count.toLocaleString("en")} entries around the window, counted by ${buckets.gran.toLowerCase()}; zoom in to see each one`;
  els.rangeLabel.textContent = summary;
  renderEmpty(isEmpty, model);
  els.app.dataset.state = problem ? "error" : isEmpty ? "empty" : fresh ? "ready" : "loading";
}

function renderProblem() {
  const notes = urlNotes.map((n) => h("li", null, n));
  if (!problem && !notes.length) {
    els.error.hidden = true;
    return;
  }
  const parts = [];
  if (problem) {
    let explain = "";
    if (problem instanceof APIError) {
      if (problem.code === "BAD_USER_INPUT") explain = "A filter in the address is not valid. Fix it or clear the filters.";
      else if (problem.code === "RATE_LIMITED") explain = "The server is asking for fewer requests; wait a moment.";
      else if (problem.code === "NETWORK") explain = "";
      else if (problem.code === "TIMEOUT") explain = "The server took too long; try a narrower window or fewer filters.";
    }
    parts.push(h("p", null, h("strong", null, "The timeline could not be loaded. "), problem.message, explain ? ` ${explain}` : ""),
      h("p", null,
        h("button", { type: "button", on: { click: () => scheduleRefresh(0) } }, "Retry"), " ",
        h("button", { type: "button", on: { click: () => changeFilter({ kinds: [], platforms: [], countries: [], officials: [], topics: [], text: "" }) } }, "Clear the filters")));
  }
  if (notes.length) {
    parts.push(h("p", null, "Some of the address could not be used:"), h("ul", null, notes),
      h("p", null, h("button", { type: "button", on: { click: () => { urlNotes = []; render(); } } }, "Dismiss")));
  }
  replace(els.error, ...parts);
  els.error.hidden = false;
}

function renderEmpty(isEmpty, model) {
  let content = null;
  if (isEmpty && activeFilters(state.filter)) {
    content = [h("p", null, h("strong", null, "No entries match these filters. "),
      "Every filter must hold, so each one you add narrows the timeline. Remove some, or clear them all."),
    h("button", { type: "button", on: { click: () => changeFilter({ kinds: [], platforms: [], countries: [], officials: [], topics: [], text: "" }) } }, "Clear the filters")];
  } else if (isEmpty) {
    content = [h("p", null, h("strong", null, "The timeline is empty. "),
      "The database has no platforms, sessions, initiatives, statements or positions yet. Add some with mutations in the ",
      h("a", { href: "/playground" }, "playground"), " (writes need the server's API token).")];
  } else if (model.lanes.length && !els.lanes.querySelector(".entry, .bucket") && !problem && els.app.dataset.busy !== "1") {
    content = [h("p", null, h("strong", null, "Nothing in this window. "),
      `${(extent?.total ?? 0).toLocaleString("en")} ${extent?.total === 1 ? "entry matches" : "entries match"}, all outside ${humanWindow(state.view.t0, state.view.t1)}.`),
    h("button", { type: "button", on: { click: fit } }, "Show all matching entries")];
  } else if (!model.lanes.length && extent && extent.total > 0 && !problem && els.app.dataset.busy !== "1") {
    content = [h("p", null, h("strong", null, "Nothing in this window. "),
      `No entries between ${humanWindow(state.view.t0, state.view.t1).replace(" – ", " and ")}.`),
    h("button", { type: "button", on: { click: fit } }, "Show all matching entries")];
  }
  if (content) replace(els.empty, ...content);
  els.empty.hidden = !content;
}

// ---------------------------------------------------------------------------------------
// Keyboard focus inside the timeline: one tab stop, arrows move between items.

let rovingKey = null;

function items() {
  return [...els.lanes.querySelectorAll(".entry, .bucket")];
}

function restoreRoving(key, hadFocus) {
  const all = items();
  let target = key ? all.find((el) => el.dataset.key === key) : null;
  if (!target && hadFocus && key) {
    // The item left the window: keep focus in the same lane, nearest to where it was.
    const lane = key.split("|")[0];
    target = all.find((el) => el.dataset.lane === lane) ?? null;
  }
  target ??= all[0];
  for (const el of all) el.setAttribute("tabindex", el === target ? "0" : "-1");
  if (target) {
    rovingKey = target.dataset.key;
    if (hadFocus) target.focus({ preventScroll: true });
  } else if (hadFocus) {
    els.timeline.focus({ preventScroll: true });
  }
}

function focusItem(el) {
  if (!el) return;
  for (const other of els.lanes.querySelectorAll('[tabindex="0"]')) other.setAttribute("tabindex", "-1");
  el.setAttribute("tabindex", "0");
  rovingKey = el.dataset.key;
  el.focus({ preventScroll: false });
}

function focusedX() {
  const el = document.activeElement?.closest?.("#lanes [data-x]");
  return el ? Number(el.dataset.x) : null;
}

function moveFocus(from, key) {
  const lane = from.closest(".lane");
  const inLane = [...lane.querySelectorAll(".entry, .bucket")];
  const i = inLane.indexOf(from);
  if (key === "ArrowRight") return focusItem(inLane[i + 1]);
  if (key === "ArrowLeft") return focusItem(inLane[i - 1]);
  if (key === "Home") return focusItem(inLane[0]);
  if (key === "End") return focusItem(inLane[inLane.length - 1]);
  const lanes = [...els.lanes.querySelectorAll(".lane")];
  const x = Number(from.dataset.x);
  for (let j = lanes.indexOf(lane) + (key === "ArrowDown" ? 1 : -1); j >= 0 && j < lanes.length; j += key === "ArrowDown" ? 1 : -1) {
    const candidates = [...lanes[j].querySelectorAll(".entry, .bucket")];
    if (!candidates.length) continue;
    candidates.sort((a, b) => Math.abs(Number(a.dataset.x) - x) - Math.abs(Number(b.dataset.x) - x));
    return focusItem(candidates[0]);
  }
}

function activate(item, { keyboard = false } = {}) {
  if (item.classList.contains("entry")) {
    rovingKey = item.dataset.key;
    openDetail(item.dataset.entryId, { focus: keyboard });
  } else if (item.classList.contains("bucket")) {
    const p = bucketPeriod(item.dataset.start, buckets?.gran ?? "YEAR");
    if (p) {
      const pad = (p.end - p.start) * 0.15;
      setView(p.start - pad, p.end + pad);
    }
  }
}

els.timeline.addEventListener("keydown", (ev) => {
  if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
  const item = ev.target.closest?.(".entry, .bucket");
  const k = ev.key;
  let handled = true;
  if (item && ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"].includes(k)) moveFocus(item, k);
  else if (item && (k === "Enter" || k === " ")) activate(item, { keyboard: true });
  else if (k === "ArrowLeft") pan(ev.shiftKey ? -0.5 : -0.1);
  else if (k === "ArrowRight") pan(ev.shiftKey ? 0.5 : 0.1);
  else if (k === "PageUp") pan(-0.5);
  else if (k === "PageDown") pan(0.5);
  else if (k === "+" || k === "=") zoom(0.5);
  else if (k === "-" || k === "_") zoom(2);
  else if (k === "0") fit();
  else handled = false;
  if (handled) ev.preventDefault();
});

// ---------------------------------------------------------------------------------------
// Pointer: click, drag to pan, pinch and wheel to zoom.

const pointers = new Map();
let gesture = null;
let suppressClick = false;

function localX(ev) {
  return ev.clientX - els.lanes.getBoundingClientRect().left;
}

function startGesture() {
  const pts = [...pointers.values()];
  const v = state.view;
  if (!v) return;
  if (pts.length === 1) gesture = { type: "pan", x: pts[0].x, view: v, moved: false };
  else if (pts.length === 2) gesture = { type: "pinch", d: Math.abs(pts[0].x - pts[1].x) || 1, mid: (pts[0].x + pts[1].x) / 2, view: v, moved: true };
}

let pressed = null; // the item under a pointer that went down, by key
let lastActivation = { key: null, time: 0 };

els.lanes.addEventListener("pointerdown", (ev) => {
  if (ev.pointerType === "mouse" && ev.button !== 0) return;
  pointers.set(ev.pointerId, { x: localX(ev) });
  pressed = pointers.size === 1 ? ev.target.closest?.(".entry, .bucket")?.dataset.key ?? null : null;
  startGesture();
});

els.lanes.addEventListener("pointermove", (ev) => {
  if (!pointers.has(ev.pointerId) || !gesture) return;
  pointers.get(ev.pointerId).x = localX(ev);
  const pts = [...pointers.values()];
  const width = plotWidth();
  const k = width / (gesture.view.t1 - gesture.view.t0);
  if (gesture.type === "pan" && pts.length === 1) {
    const dx = pts[0].x - gesture.x;
    if (!gesture.moved && Math.abs(dx) < 4) return;
    if (!gesture.moved) {
      gesture.moved = true;
      els.lanes.setPointerCapture(ev.pointerId);
      els.lanes.classList.add("dragging");
    }
    setView(gesture.view.t0 - dx / k, gesture.view.t1 - dx / k);
  } else if (gesture.type === "pinch" && pts.length === 2) {
    const d = Math.abs(pts[0].x - pts[1].x) || 1;
    const mid = (pts[0].x + pts[1].x) / 2;
    const factor = gesture.d / d;
    const t = gesture.view.t0 + gesture.mid / k; // the day under the fingers' first midpoint
    const w = (gesture.view.t1 - gesture.view.t0) * factor;
    const t0 = t - (mid / width) * w;
    setView(t0, t0 + w);
  }
});

/** Activates the item with a key (found afresh: the lanes may have been redrawn meanwhile). */
function activateKey(key) {
  const item = items().find((el) => el.dataset.key === key);
  if (!item) return;
  lastActivation = { key, time: performance.now() };
  focusItem(item);
  activate(item);
}

function endPointer(ev) {
  if (!pointers.has(ev.pointerId)) return;
  pointers.delete(ev.pointerId);
  if (gesture?.moved) suppressClick = true;
  else if (ev.type === "pointerup" && pressed && !pointers.size) activateKey(pressed);
  pressed = null;
  els.lanes.classList.remove("dragging");
  if (pointers.size) startGesture();
  else {
    gesture = null;
    setTimeout(() => { suppressClick = false; }, 0);
  }
}
els.lanes.addEventListener("pointerup", endPointer);
els.lanes.addEventListener("pointercancel", endPointer);

// A click without a pointer before it (assistive technology) activates too.
els.lanes.addEventListener("click", (ev) => {
  if (suppressClick) return;
  const item = ev.target.closest(".entry, .bucket");
  if (!item) return;
  const { key, time } = lastActivation;
  if (key === item.dataset.key && performance.now() - time < 1000) return;
  activateKey(item.dataset.key);
});

function onWheel(ev) {
  if (!state.view) return;
  ev.preventDefault();
  let dx = ev.deltaX;
  let dy = ev.deltaY;
  const unit = ev.deltaMode === 1 ? 16 : ev.deltaMode === 2 ? 400 : 1;
  dx *= unit;
  dy *= unit;
  if (ev.shiftKey && !dx) [dx, dy] = [dy, 0];
  if (Math.abs(dx) > Math.abs(dy)) {
    pan(dx / plotWidth());
    return;
  }
  // A trackpad pinch arrives as a wheel event with ctrlKey.
  const factor = Math.exp(Math.max(-1, Math.min(1, dy * (ev.ctrlKey ? 0.01 : 0.002))));
  zoomAt(localX(ev), factor);
}
// Anywhere over the chart, messages over it included.
els.chart.addEventListener("wheel", onWheel, { passive: false });

// The histogram's brush: drag across it to zoom into a date range.
let brush = null;
els.histogram.addEventListener("pointerdown", (ev) => {
  if ((ev.pointerType === "mouse" && ev.button !== 0) || !state.view) return;
  brush = { x0: ev.clientX - els.histogram.getBoundingClientRect().left, id: ev.pointerId };
  els.histogram.setPointerCapture(ev.pointerId);
});
els.histogram.addEventListener("pointermove", (ev) => {
  if (!brush || brush.id !== ev.pointerId) return;
  brush.x1 = ev.clientX - els.histogram.getBoundingClientRect().left;
  const rect = els.histogram.querySelector(".brush");
  const a = Math.max(0, Math.min(brush.x0, brush.x1));
  const b = Math.min(plotWidth(), Math.max(brush.x0, brush.x1));
  rect.setAttribute("x", a);
  rect.setAttribute("width", Math.max(0, b - a));
  rect.classList.add("active");
});
function endBrush(ev) {
  if (!brush || brush.id !== ev.pointerId) return;
  const { x0, x1 } = brush;
  brush = null;
  els.histogram.querySelector(".brush")?.classList.remove("active");
  if (x1 === undefined || ev.type === "pointercancel" || Math.abs(x1 - x0) < 5) return;
  const s = scale(state.view, plotWidth());
  const a = s.invert(Math.max(0, Math.min(x0, x1)));
  const b = s.invert(Math.min(plotWidth(), Math.max(x0, x1)));
  setView(a, b);
}
els.histogram.addEventListener("pointerup", endBrush);
els.histogram.addEventListener("pointercancel", endBrush);

// Buttons.
$("#zoom-in").addEventListener("click", () => zoom(0.5));
$("#zoom-out").addEventListener("click", () => zoom(2));
$("#zoom-fit").addEventListener("click", fit);
$("#pan-left").addEventListener("click", () => pan(-0.5));
$("#pan-right").addEventListener("click", () => pan(0.5));

new ResizeObserver(() => {
  scheduleRender();
  if (state.view && buckets && granularityFor(state.view.t1 - state.view.t0, plotWidth()) !== buckets.gran) scheduleRefresh();
}).observe(els.timeline);

// ---------------------------------------------------------------------------------------
// Search

let searchSeq = 0;

async function runSearch(text) {
  const mine = ++searchSeq;
  if (!text) {
    els.results.hidden = true;
    replace(els.results);
    return;
  }
  els.results.hidden = false;
  els.results.setAttribute("aria-busy", "true");
  replace(els.results, h("p", { class: "muted" }, `Searching for “${text}”…`));
  try {
    const d = await gql(SEARCH, { query: text });
    if (mine !== searchSeq) return;
    const edges = d.search.edges;
    replace(els.results,
      h("h2", null, `${d.search.totalCount.toLocaleString("en")} ${d.search.totalCount === 1 ? "record matches" : "records match"} “${text}”`),
      h("p", { class: "muted" }, "The timeline below keeps the entries whose title or summary contains every word; these are all the records that mention it."),
      edges.length
        ? h("ul", null, edges.map(({ node }) => h("li", null,
          h("button", {
            type: "button",
            class: "result",
            dataset: { id: node.id, type: node.__typename },
            on: { click: () => openDetail(node.id, { focus: true }) },
          }, h("span", { class: "type" }, node.__typename), resultTitle(node)))))
        : h("p", null, "Nothing found. Search matches whole words from their start (“Alma” finds Almaty); try fewer or shorter words."),
      h("p", null, h("button", { type: "button", class: "linklike", on: { click: () => changeFilter({ text: "" }) } }, "Clear the search")));
  } catch (err) {
    if (mine !== searchSeq) return;
    replace(els.results, h("p", { role: "alert" }, `Search failed: ${err.message}`));
  } finally {
    if (mine === searchSeq) els.results.setAttribute("aria-busy", "false");
  }
}

function resultTitle(n) {
  switch (n.__typename) {
    case "Session": return `${n.title} — ${humanDate(n.start)}`;
    case "Initiative": return `${n.title} — ${humanEnum(n.status)}`;
    case "Official": return n.country ? `${n.name} (${n.country.name})` : n.name;
    case "Statement": return `${n.official?.name ?? ""}: “${n.text.length > 90 ? n.text.slice(0, 89) + "…" : n.text}”`;
    case "Source": return `${n.title}${n.publisher ? ` — ${n.publisher}` : ""}`;
    default: return n.title ?? n.name ?? n.id;
  }
}

els.searchForm.addEventListener("submit", (ev) => {
  ev.preventDefault();
  changeFilter({ text: els.search.value.trim() });
});
els.search.addEventListener("search", () => {
  // The clear button of a search field.
  if (!els.search.value && state.filter.text) changeFilter({ text: "" });
});

// ---------------------------------------------------------------------------------------
// Detail

let detailSeq = 0;
let returnFocus = null;

async function openDetail(id, { focus = false, history = true } = {}) {
  const mine = ++detailSeq;
  if (document.activeElement && !els.detail.contains(document.activeElement)) returnFocus = document.activeElement;
  state.selected = id;
  if (history) updateURL("replace");
  els.detail.hidden = false;
  els.app.classList.add("with-detail");
  els.detail.setAttribute("aria-busy", "true");
  els.playground.href = playgroundURL(DETAIL, { id });
  replace(els.detailBody, h("p", { class: "muted" }, "Loading…"));
  scheduleRender();
  if (focus) els.detail.focus({ preventScroll: true });
  try {
    const d = await gql(DETAIL, { id });
    if (mine !== detailSeq) return;
    if (!d.node) {
      replace(els.detailBody, h("p", null, h("strong", null, "Not found. "), "This record no longer exists: it may have been deleted."));
    } else {
      replace(els.detailBody, ...detailContent(d.node, (other) => openDetail(other, { focus: true })).filter(Boolean));
      els.detail.dataset.type = d.node.__typename;
    }
    if (focus) (els.detailBody.querySelector("h2") ?? els.detail).focus({ preventScroll: true });
  } catch (err) {
    if (mine !== detailSeq) return;
    replace(els.detailBody, h("p", { role: "alert" }, h("strong", null, "Could not load the details. "), err.message, " ",
      h("button", { type: "button", on: { click: () => openDetail(id, { focus: true }) } }, "Retry")));
  } finally {
    if (mine === detailSeq) els.detail.setAttribute("aria-busy", "false");
  }
}

function closeDetail({ history = true } = {}) {
  detailSeq++;
  state.selected = null;
  if (history) updateURL("replace");
  els.detail.hidden = true;
  els.app.classList.remove("with-detail");
  delete els.detail.dataset.type;
  scheduleRender();
  if (returnFocus?.isConnected) returnFocus.focus({ preventScroll: true });
  else {
    const item = rovingKey && items().find((el) => el.dataset.key === rovingKey);
    (item ?? els.timeline).focus({ preventScroll: true });
  }
  returnFocus = null;
}

$("#close-detail").addEventListener("click", () => closeDetail());
document.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape" && !els.detail.hidden) closeDetail();
});

// ---------------------------------------------------------------------------------------
// Start

rateLimitListeners.add((seconds) => status(`The server asked us to slow down; retrying in ${seconds} s…`));

async function loadMeta() {
  try {
    const d = await gql(META);
    meta.platforms = d.platforms.nodes;
    meta.topics = d.topics.nodes;
    filters.setPlatforms(meta.platforms);
    filters.setTopics(meta.topics);
    if (state.filter.officials.length) {
      const o = await gql(OFFICIALS_BY_SLUG, { slugs: state.filter.officials });
      filters.setOfficialNames(o.officials.nodes);
    }
  } catch (err) {
    status(`Could not load the filter lists: ${err.message}`);
  }
  setBusy("meta", false);
  scheduleRender();
}

async function loadCountries() {
  const map = new Map();
  let after = null;
  try {
    do {
      const d = await gql(COUNTRIES, { after });
      for (const c of d.countries.nodes) map.set(c.code, c.name);
      after = d.countries.pageInfo.hasNextPage ? d.countries.pageInfo.endCursor : null;
    } while (after);
    meta.countries = map;
    filters.setCountries(map);
  } catch {
    // Codes typed by hand still work.
  }
}

if (matchMedia("(max-width: 800px)").matches) els.filtersPanel.open = false;
meta.loaded = loadMeta();
showState();
state.view = urlView();
render();
scheduleRefresh(0);
if (state.filter.text) runSearch(state.filter.text);
if (state.selected) openDetail(state.selected, { focus: false, history: false });
meta.loaded.then(() => loadCountries());

// For the curious (and for tests): what the dashboard asked the server.
window.dashboard = { stats, state, ENTRY_LIMIT };
