// The view's state in the URL: filters named like TimelineFilter's fields
// (from, to, kinds, platforms, countries, officials, topics, text), plus lanes and the
// selected entry. Lists are comma-separated: /?from=2015&to=2023-12&countries=KZ,UZ.

import { parseDate } from "./dates.js";
import { KIND_NAMES } from "./kinds.js";

export const LIST_KEYS = ["kinds", "platforms", "countries", "officials", "topics"];
export const LANE_MODES = ["platform", "kind", "country"];

export function emptyFilter() {
  return { kinds: [], platforms: [], countries: [], officials: [], topics: [], text: "" };
}

const unique = (xs) => [...new Set(xs)];

/** Reads the state from a query string; what cannot be used is reported in errors. */
export function readURL(search) {
  const p = new URLSearchParams(search);
  const errors = [];
  const list = (key) => unique(p.getAll(key).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean));
  const filter = emptyFilter();
  filter.kinds = list("kinds").map((k) => k.toUpperCase()).filter((k) => {
    if (KIND_NAMES.includes(k)) return true;
    errors.push(`kinds=${k} is not a kind of entry (one of ${KIND_NAMES.join(", ")}); it was ignored.`);
    return false;
  });
  filter.platforms = list("platforms");
  filter.countries = list("countries").map((c) => c.toUpperCase()).filter((c) => {
    if (/^[A-Z]{2}$/.test(c)) return true;
    errors.push(`countries=${c} is not a two-letter ISO country code; it was ignored.`);
    return false;
  });
  filter.officials = list("officials");
  filter.topics = list("topics");
  filter.text = (p.get("text") ?? "").trim();
  let from = p.get("from");
  let to = p.get("to");
  for (const [name, value] of [["from", from], ["to", to]]) {
    if (value !== null && !parseDate(value)) {
      errors.push(`${name}=${value} is not a date (YYYY, YYYY-MM or YYYY-MM-DD); it was ignored.`);
      if (name === "from") from = null;
      else to = null;
    }
  }
  if (from && to && parseDate(from).start >= parseDate(to).end) {
    errors.push(`from=${from} is after to=${to}; the date range was ignored.`);
    from = to = null;
  }
  let lanes = p.get("lanes") ?? "platform";
  if (!LANE_MODES.includes(lanes)) {
    errors.push(`lanes=${lanes} is not one of ${LANE_MODES.join(", ")}; lanes are by platform.`);
    lanes = "platform";
  }
  return { filter, from: from || null, to: to || null, lanes, selected: p.get("selected") || null, errors };
}

/** The query string of a state (with its leading "?", or "" when there is nothing to say). */
export function writeURL({ filter, from, to, lanes, selected }) {
  const p = new URLSearchParams();
  if (from) p.set("from", from);
  if (to) p.set("to", to);
  for (const key of LIST_KEYS) if (filter[key].length) p.set(key, filter[key].join(","));
  if (filter.text) p.set("text", filter.text);
  if (lanes && lanes !== "platform") p.set("lanes", lanes);
  if (selected) p.set("selected", selected);
  const s = p.toString().replaceAll("%2C", ",");
  return s ? `?${s}` : "";
}

/** The TimelineFilter of the filters and an optional date range, without empty fields. */
export function apiFilter(filter, from, to) {
  const out = {};
  if (from) out.from = from;
  if (to) out.to = to;
  for (const key of LIST_KEYS) if (filter[key].length) out[key] = [...filter[key]];
  if (filter.text) out.text = filter.text;
  return out;
}

/** How many filters are set (the date range not counted). */
export function activeFilters(filter) {
  return LIST_KEYS.reduce((n, k) => n + (filter[k].length ? 1 : 0), 0) + (filter.text ? 1 : 0);
}

export function filterKey(filter) {
  return JSON.stringify(apiFilter(filter));
}
