// Drawing the timeline: the axis, and the lanes with their entries (zoomed in) or their
// buckets (zoomed out). Drawing is a pure function of the data and the view; app.js owns
// the state, the data and the interaction.

import { svg, replace, textWidth, fitText } from "./dom.js";
import { ticks, edgeContext, humanRange, humanBucket } from "./dates.js";
import { KINDS, symbolPath, kindLabel } from "./kinds.js";

export const ROW_H = 22;
export const LANE_HEAD = 20;
export const MAX_ROWS = 8;
const BAND = 44;

/** The linear scale from days to pixels of a view drawn over width pixels. */
export function scale(view, width) {
  const k = width / (view.t1 - view.t0);
  const f = (t) => (t - view.t0) * k;
  f.invert = (px) => view.t0 + px / k;
  f.k = k;
  return f;
}

/** Draws the axis; returns its ticks. */
export function renderAxis(el, view, width) {
  const tk = ticks(view.t0, view.t1, width);
  const x = scale(view, width);
  const height = 30;
  el.setAttribute("width", width);
  el.setAttribute("height", height);
  el.setAttribute("viewBox", `0 0 ${width} ${height}`);
  el.dataset.unit = tk.unit;
  el.dataset.step = String(tk.n);
  const parts = [svg("line", { class: "axis-line", x1: 0, x2: width, y1: height - 0.5, y2: height - 0.5 })];
  const context = edgeContext(view.t0, tk.unit);
  const contextW = context ? textWidth(context) + 10 : 0;
  let lastEnd = contextW;
  for (const t of tk.ticks) {
    const px = Math.round(x(t.day)) + 0.5;
    parts.push(svg("line", { class: t.major ? "tick major" : "tick", x1: px, x2: px, y1: height - 8, y2: height }));
    const w = textWidth(t.label);
    if (px + 3 >= lastEnd && px + 3 + w <= width) {
      parts.push(svg("text", { class: t.major ? "tick-label major" : "tick-label", x: px + 3, y: height - 12 }, t.label));
      lastEnd = px + 3 + w + 6;
    }
  }
  if (context) parts.push(svg("text", { class: "tick-label context", x: 4, y: height - 12 }, context));
  replace(el, ...parts);
  return tk;
}

function hatchPatterns() {
  return svg("defs", null, KINDS.map(({ kind }) =>
    svg("pattern", { id: `hatch-${kind}`, class: `k-${kind}`, width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
      svg("rect", { class: "hatch-bg", width: 6, height: 6 }),
      svg("line", { class: "hatch-line", x1: 1.5, y1: 0, x2: 1.5, y2: 6 }))));
}

/**
 * Draws the lanes into el. model: { mode: "entries" | "buckets", lanes: [{ id, label,
 * items | buckets, kind? }], granularity, maxCount }. Returns the drawn height.
 */
export function renderLanes(el, model, view, width, { selectedId, gridTicks }) {
  const x = scale(view, width);
  const backgrounds = [];
  const content = [];
  let y = 0;
  let index = 0;
  for (const lane of model.lanes) {
    const g = svg("g", { class: ["lane", index % 2 ? "odd" : "even"], transform: `translate(0,${y})`, role: "group", dataset: { lane: lane.id } });
    const drawn = model.mode === "entries"
      ? drawEntries(g, lane, x, width, selectedId)
      : drawBuckets(g, lane, x, width, model);
    g.prepend(svg("text", { class: "lane-label", x: 6, y: 14 }, lane.label,
      svg("tspan", { class: "lane-count" }, `  ${drawn.summary}`)));
    g.setAttribute("aria-label", `${lane.label}: ${drawn.summary}`);
    backgrounds.push(svg("rect", { class: ["lane-bg", index % 2 ? "odd" : "even"], x: 0, y, width, height: drawn.height }));
    content.push(g);
    y += drawn.height;
    index++;
  }
  const height = Math.max(y, 1);
  const grid = svg("g", { class: "grid", "aria-hidden": "true" },
    (gridTicks ?? []).map((t) => {
      const px = Math.round(x(t.day)) + 0.5;
      return svg("line", { class: t.major ? "major" : null, x1: px, x2: px, y1: 0, y2: height });
    }));
  el.setAttribute("width", width);
  el.setAttribute("height", height);
  el.setAttribute("viewBox", `0 0 ${width} ${height}`);
  el.dataset.mode = model.mode;
  replace(el, hatchPatterns(), svg("g", { "aria-hidden": "true" }, backgrounds), grid, ...content);
  return height;
}

const plural = (n, one, many) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/** Lays out a lane's entries in rows so that no two labels overlap, and draws them. */
function drawEntries(g, lane, x, width, selectedId) {
  const maxLabel = Math.min(260, Math.max(90, width * 0.4));
  const items = [];
  for (const e of lane.items) {
    const a = x(e.t0);
    const b = x(e.t1);
    if (b < -30 || a > width + 30) continue;
    const it = { e, label: fitText(e.title, maxLabel) };
    it.lw = textWidth(it.label);
    if (e.shape === "point") {
      it.cx = (a + b) / 2;
      it.l = it.cx - 7;
      it.r = it.cx + 7;
      it.lx = it.cx + 10;
      if (it.lx + it.lw > width && it.cx - 10 - it.lw >= 0) {
        it.lx = it.cx - 10 - it.lw;
        it.l = it.lx - 2;
      }
    } else {
      let x0 = a;
      let x1 = b;
      if (x1 - x0 < 8) {
        const c = (x0 + x1) / 2;
        x0 = c - 4;
        x1 = c + 4;
      }
      Object.assign(it, { x0, x1, l: x0, r: x1 });
      const visible = Math.max(x0, 0);
      if (Math.min(x1, width) - visible >= it.lw + 12) {
        it.lx = visible + 6;
        it.inside = true;
      } else {
        it.lx = x1 + 4;
        if (it.lx + it.lw > width && x0 - 4 - it.lw >= 0) {
          it.lx = x0 - 4 - it.lw;
          it.l = it.lx - 2;
        }
      }
    }
    it.end = Math.max(it.r, it.lx + it.lw) + 8;
    items.push(it);
  }
  items.sort((p, q) => p.l - q.l || p.e.order - q.e.order);
  const rowEnds = [];
  let overflow = 0;
  for (const it of items) {
    let row = rowEnds.findIndex((end) => end <= it.l);
    if (row < 0 && rowEnds.length < MAX_ROWS) {
      row = rowEnds.length;
      rowEnds.push(0);
    }
    if (row >= 0) {
      rowEnds[row] = it.end;
      it.row = row;
    } else {
      // No room for a label: the mark goes in a last, dense row, its title in its tooltip.
      it.row = MAX_ROWS;
      it.label = null;
      overflow++;
    }
  }
  const rows = Math.max(1, rowEnds.length + (overflow ? 1 : 0));
  for (const it of items) {
    const e = it.e;
    const row = it.row === MAX_ROWS ? rowEnds.length : it.row;
    const cy = LANE_HEAD + row * ROW_H + ROW_H / 2;
    const when = humanRange(e.date, e.endDate);
    const node = svg("g", {
      class: ["entry", `k-${e.kind}`, e.shape, e.partial && "partial", e.id === selectedId && "selected"],
      tabindex: -1,
      role: "button",
      "aria-label": `${kindLabel(e.kind)}: ${e.title}, ${when}${e.platform ? `, ${e.platform.name}` : ""}`,
      dataset: { entryId: e.id, kind: e.kind, date: e.date, lane: lane.id, key: `${lane.id}|${e.id}`, x: String(Math.round(e.shape === "point" ? it.cx : (Math.max(it.l, 0) + Math.min(it.r, width)) / 2)) },
    });
    if (e.endDate) node.dataset.endDate = e.endDate;
    if (e.slug) node.dataset.slug = e.slug;
    const right = it.label ? Math.max(it.r, it.lx + it.lw) : it.r;
    node.append(
      svg("title", null, `${e.title}\n${kindLabel(e.kind)} · ${when}${e.partial ? " (partial date: the span of its period)" : ""}`),
      svg("rect", { class: "ring", x: it.l - 3, y: cy - ROW_H / 2 + 1, width: right - it.l + 6, height: ROW_H - 2, rx: 4 }),
    );
    if (e.shape === "point") {
      node.append(svg("path", { class: "sym", d: symbolPath(e.kind), transform: `translate(${it.cx.toFixed(1)},${cy})` }));
    } else {
      node.append(svg("rect", { class: "span", x: it.x0, y: cy - 7, width: it.x1 - it.x0, height: 14, rx: 3, fill: e.partial ? `url(#hatch-${e.kind})` : null }));
    }
    if (it.label) node.append(svg("text", { class: ["label", it.inside && "inside"], x: it.lx, y: cy + 4 }, it.label));
    g.append(node);
  }
  const hidden = lane.items.length - items.length;
  let summary = plural(lane.items.length, "entry", "entries");
  if (hidden > 0) summary += `, ${hidden.toLocaleString("en")} out of view`;
  if (overflow) summary += `, ${overflow} unlabelled (zoom in)`;
  return { height: LANE_HEAD + rows * ROW_H + 6, summary };
}

/** Draws a lane's buckets as bars (square-root scale, shared by every lane). */
function drawBuckets(g, lane, x, width, model) {
  const base = LANE_HEAD + BAND - 4;
  const maxH = BAND - 18;
  let total = 0;
  for (const b of lane.buckets) {
    total += b.count;
    const a = x(b.s);
    const c = x(b.e);
    if (c < 0 || a > width) continue;
    let x0 = Math.max(a, -1);
    let w = Math.min(c, width + 1) - x0;
    if (w > 3) {
      x0 += 0.5;
      w -= 1;
    }
    w = Math.max(w, 1.5);
    const h = Math.max(2, maxH * Math.sqrt(b.count / model.maxCount));
    const period = humanBucket(b.start, model.granularity);
    const label = String(b.count);
    g.append(svg("g", {
      class: ["bucket", lane.kind && `k-${lane.kind}`],
      tabindex: -1,
      role: "button",
      "aria-label": `${period}, ${lane.label}: ${plural(b.count, "entry", "entries")}. Enter zooms in.`,
      dataset: { start: b.start, count: String(b.count), lane: lane.id, key: `${lane.id}|${b.start}`, x: String(Math.round(x0 + w / 2)) },
    },
    svg("title", null, `${period} · ${lane.label}: ${plural(b.count, "entry", "entries")} — click to zoom in`),
    svg("rect", { class: "hit", x: x0, y: LANE_HEAD, width: w, height: BAND - 4 }),
    svg("rect", { class: "bar", x: x0, y: base - h, width: w, height: h }),
    w >= textWidth(label) + 4 ? svg("text", { class: "count", x: x0 + w / 2, y: base - h - 3 }, label) : null));
  }
  return { height: LANE_HEAD + BAND + 2, summary: plural(total, "entry", "entries") + " in the loaded range" };
}
