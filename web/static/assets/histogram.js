// The histogram above the timeline: entries per bucket (timelineBuckets), stacked by kind,
// on the same time scale as the lanes. app.js makes it brushable.

import { svg, replace } from "./dom.js";
import { humanBucket, humanWindow } from "./dates.js";
import { KINDS, kindLabel } from "./kinds.js";
import { scale } from "./timeline.js";

const HEIGHT = 64;

export function renderHistogram(el, { view, width, data }) {
  const x = scale(view, width);
  el.setAttribute("width", width);
  el.setAttribute("height", HEIGHT);
  el.setAttribute("viewBox", `0 0 ${width} ${HEIGHT}`);
  const parts = [];
  let total = 0;
  if (data) {
    const visible = data.total.filter((b) => b.e > view.t0 && b.s < view.t1);
    const max = Math.max(1, ...visible.map((b) => b.count));
    const top = 12;
    const base = HEIGHT - 1;
    for (const b of visible) {
      total += b.count;
      let x0 = Math.max(x(b.s), -1);
      let w = Math.min(x(b.e), width + 1) - x0;
      if (w > 3) {
        x0 += 0.5;
        w -= 1;
      }
      w = Math.max(w, 1.5);
      const bar = svg("g", { class: "hbar", dataset: { start: b.start, count: String(b.count) } },
        svg("title", null, `${humanBucket(b.start, data.gran)}: ${b.count.toLocaleString("en")} ${b.count === 1 ? "entry" : "entries"}` +
          KINDS.filter((k) => b.byKind[k.kind]).map((k) => `\n${kindLabel(k.kind)}: ${b.byKind[k.kind]}`).join("")));
      let y = base;
      for (const { kind } of KINDS) {
        const n = b.byKind[kind];
        if (!n) continue;
        const hgt = ((base - top) * n) / max;
        y -= hgt;
        bar.append(svg("rect", { class: `seg k-${kind}`, x: x0, y, width: w, height: hgt }));
      }
      parts.push(bar);
    }
    parts.push(svg("text", { class: "hist-max", x: 4, y: 10 },
      `${max.toLocaleString("en")} max per ${data.gran === "YEAR" ? "year" : data.gran === "MONTH" ? "month" : "day"}`));
    el.dataset.granularity = data.gran;
  } else {
    delete el.dataset.granularity;
  }
  el.dataset.count = String(total);
  el.setAttribute("aria-label", data
    ? `Histogram: ${total.toLocaleString("en")} entries from ${humanWindow(view.t0, view.t1)}, by ${data.gran.toLowerCase()}. Drag across it to zoom into a date range.`
    : "Histogram: loading.");
  replace(el,
    svg("rect", { class: "hist-bg", x: 0, y: 0, width, height: HEIGHT }),
    ...parts,
    svg("line", { class: "axis-line", x1: 0, x2: width, y1: HEIGHT - 0.5, y2: HEIGHT - 0.5 }),
    svg("rect", { class: "brush", x: 0, y: 0, width: 0, height: HEIGHT }));
}
