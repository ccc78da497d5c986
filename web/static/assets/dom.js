// Small DOM helpers. Text always goes in as text nodes, never as HTML.

const SVG_NS = "http://www.w3.org/2000/svg";

function apply(el, attrs) {
  if (!attrs) return el;
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.setAttribute("class", Array.isArray(value) ? value.filter(Boolean).join(" ") : value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "on") for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else if (key === "text") el.textContent = value;
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Creates an HTML element. */
export function h(tag, attrs, ...children) {
  return append(apply(document.createElement(tag), attrs), children);
}

/** Creates an SVG element. */
export function svg(tag, attrs, ...children) {
  return append(apply(document.createElementNS(SVG_NS, tag), attrs), children);
}

/** Replaces the children of an element. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Only http(s) URLs become links. */
export function safeURL(url) {
  try {
    const u = new URL(url, location.href);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

let measureCtx = null;
const widths = new Map();

/** The width in pixels of a label in the timeline's label font. */
export function textWidth(text) {
  let w = widths.get(text);
  if (w !== undefined) return w;
  if (!measureCtx) {
    measureCtx = document.createElement("canvas").getContext("2d");
    const font = getComputedStyle(document.documentElement).getPropertyValue("--label-font").trim();
    measureCtx.font = font || "12px system-ui, sans-serif";
  }
  w = measureCtx ? measureCtx.measureText(text).width : text.length * 6.5;
  if (widths.size > 5000) widths.clear();
  widths.set(text, w);
  return w;
}

/** The longest prefix of text (with an ellipsis) that fits in max pixels. */
export function fitText(text, max) {
  if (textWidth(text) <= max) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (textWidth(text.slice(0, mid).trimEnd() + "…") <= max) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? "" : text.slice(0, lo).trimEnd() + "…";
}
