// The detail panel: everything about one timeline entry and the record behind it (or a
// record found by search), with a link that opens the query that fetched it in GraphiQL.

import { h, safeURL } from "./dom.js";
import { humanDate, humanRange } from "./dates.js";
import { kindLabel, humanEnum } from "./kinds.js";
import { kindSwatch } from "./filters.js";

const country = (c) => (c ? `${c.name} (${c.code})` : "");
const countries = (list) => (list ?? []).map(country).join(", ");

function place(loc) {
  if (!loc) return "";
  return [loc.venue, loc.city, loc.country?.name].filter(Boolean).join(", ");
}

function facts(pairs) {
  const rows = pairs.filter(([, v]) => v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && !v.length));
  if (!rows.length) return null;
  return h("dl", { class: "facts" }, rows.map(([k, v]) => [h("dt", null, k), h("dd", null, v)]));
}

function section(title, className, ...content) {
  const body = content.flat().filter(Boolean);
  if (!body.length) return null;
  return h("section", { class: ["detail-section", className] }, h("h3", null, title), ...body);
}

function link(text, id, onOpen) {
  return h("button", { type: "button", class: "linklike", dataset: { id }, on: { click: () => onOpen(id) } }, text);
}

function topicList(topics) {
  if (!topics?.length) return null;
  return h("ul", { class: "tags" }, topics.map((t) => h("li", { dataset: { topic: t.slug } }, t.name)));
}

function sourceList(sources) {
  const seen = new Set();
  const list = (sources ?? []).filter((s) => !seen.has(s.id) && seen.add(s.id));
  if (!list.length) return null;
  return h("ul", { class: "sources" }, list.map((s) => {
    const url = s.url ? safeURL(s.url) : null;
    const meta = [s.publisher, s.publishedOn ? humanDate(s.publishedOn) : null, s.language].filter(Boolean).join(" · ");
    return h("li", null,
      url ? h("a", { href: url, target: "_blank", rel: "noopener noreferrer external" }, s.title) : h("cite", null, s.title),
      meta ? h("span", { class: "muted" }, ` — ${meta}`) : null,
      s.excerpt ? h("blockquote", null, s.excerpt) : null);
  }));
}

function participants(list, onOpen) {
  if (!list?.length) return null;
  return h("ul", { class: "participants" }, list.map((p) =>
    h("li", { dataset: { official: p.official.slug } },
      link(p.official.name, p.official.id, onOpen),
      p.role ? h("span", { class: "role" }, `, ${p.role}`) : null,
      p.country ? h("span", { class: "country" }, ` — ${country(p.country)}`) : null)));
}

function statements(list, onOpen) {
  if (!list?.length) return null;
  return h("ul", { class: "statements" }, list.map((s) =>
    h("li", null,
      h("blockquote", null, s.text),
      h("p", { class: "muted" }, "— ", s.official ? link(s.official.name, s.official.id, onOpen) : "", s.date ? `, ${humanDate(s.date)}` : ""))));
}

function statusHistory(list) {
  if (!list?.length) return null;
  return h("ol", { class: "history" }, list.map((c) =>
    h("li", { dataset: { status: c.status } },
      h("strong", null, humanEnum(c.status)), ` on ${humanDate(c.on)}`,
      c.note ? h("span", { class: "muted" }, ` — ${c.note}`) : null)));
}

function records(list, label, onOpen) {
  if (!list?.length) return null;
  return h("ul", { class: "related" }, list.map((r) => h("li", null, link(r.title ?? r.name, r.id, onOpen), label ? label(r) : null)));
}

/** The sections describing a record (the subject of an entry, or a search result). */
function recordSections(r, onOpen) {
  switch (r.__typename) {
    case "Session":
      return [
        facts([
          ["Kind", humanEnum(r.sessionKind)],
          ["Dates", humanRange(r.start, r.end)],
          ["Platform", r.platform?.name],
          ["Location", place(r.location)],
          ["Host", country(r.hostCountry)],
          ["About", countries(r.subjectCountries)],
          ["Held during", r.parent ? link(r.parent.title, r.parent.id, onOpen) : null],
        ]),
        r.summary ? h("p", { class: "summary" }, r.summary) : null,
        section("Participants", "participants-section", participants(r.participants, onOpen)),
        section("Topics", null, topicList(r.topics)),
        section("Statements", null, statements(r.statements, onOpen)),
        section("Initiatives", null, records(r.initiatives, (i) => ` — ${humanEnum(i.status)}`, onOpen)),
        section("Sources", null, sourceList(r.sources)),
      ];
    case "Initiative":
      return [
        facts([
          ["Status", humanEnum(r.status)],
          ["Proposed", r.proposedOn ? humanDate(r.proposedOn) : null],
          ["Proposed by", r.proposedBy ? link(r.proposedBy.name, r.proposedBy.id, onOpen) : null],
          ["Country", country(r.country)],
          ["Location", place(r.location)],
          ["Platform", r.platform?.name],
        ]),
        r.description ? h("p", { class: "summary" }, r.description) : null,
        section("Status history", "history-section", statusHistory(r.statusHistory)),
        section("Sessions", null, records(r.sessions, (s) => ` — ${humanDate(s.start)}`, onOpen)),
        section("Topics", null, topicList(r.topics)),
        section("Sources", null, sourceList(r.sources)),
      ];
    case "Platform":
      return [
        facts([
          ["Name", r.fullName ?? r.name],
          ["Kind", humanEnum(r.platformKind)],
          ["Founded", r.founded ? humanDate(r.founded) : null],
          ["Dissolved", r.dissolved ? humanDate(r.dissolved) : null],
          ["Website", r.website && safeURL(r.website) ? h("a", { href: safeURL(r.website), target: "_blank", rel: "noopener noreferrer external" }, r.website) : null],
        ]),
        r.description ? h("p", { class: "summary" }, r.description) : null,
        section("Members", null, r.members?.length ? h("ul", { class: "members" }, r.members.map((m) =>
          h("li", null, country(m.country), h("span", { class: "muted" },
            ` — ${humanEnum(m.role)}${m.since ? ` since ${humanDate(m.since)}` : ""}${m.until ? ` until ${humanDate(m.until)}` : ""}`)))) : null),
        section("Sources", null, sourceList(r.sources)),
      ];
    case "Official":
      return [
        facts([["Country", country(r.country)], ["Also known as", r.otherNames?.join(", ")]]),
        section("Positions", null, r.positions?.length ? h("ul", { class: "positions" }, r.positions.map((p) =>
          h("li", null, h("strong", null, p.title), p.organization ? `, ${p.organization}` : "",
            h("span", { class: "muted" }, [p.country ? ` — ${country(p.country)}` : "", p.start || p.end ? ` (${p.start ? humanDate(p.start) : "…"} – ${p.end ? humanDate(p.end) : "…"})` : ""].join(""))))) : null),
      ];
    case "Statement":
      return [
        facts([
          ["Said by", r.official ? [link(r.official.name, r.official.id, onOpen), r.official.country ? ` — ${country(r.official.country)}` : ""] : null],
          ["On", humanDate(r.date)],
          ["At", r.session ? link(r.session.title, r.session.id, onOpen) : null],
        ]),
        h("blockquote", { class: "statement" }, r.text),
        section("Sources", null, sourceList(r.sources)),
      ];
    case "Source":
      return [
        facts([["Publisher", r.publisher], ["Published", r.publishedOn ? humanDate(r.publishedOn) : null], ["Language", r.language],
          ["Link", r.url && safeURL(r.url) ? h("a", { href: safeURL(r.url), target: "_blank", rel: "noopener noreferrer external" }, r.url) : null]]),
        r.excerpt ? h("blockquote", null, r.excerpt) : null,
      ];
    default:
      return [];
  }
}

const TYPE_LABELS = { Session: "Session", Initiative: "Initiative", Platform: "Platform", Official: "Official", Statement: "Statement", Source: "Source" };

function recordTitle(r) {
  if (r.__typename === "Statement") return `${r.official?.name ?? "Statement"}: “${r.text.length > 80 ? r.text.slice(0, 79) + "…" : r.text}”`;
  return r.title ?? r.name ?? r.id;
}

/** The content of the detail panel for a node (a TimelineEntry or a record). */
export function detailContent(node, onOpen) {
  if (node.__typename === "TimelineEntry") {
    const subject = node.subject ?? {};
    const sub = recordSections(subject, onOpen);
    return [
      h("p", { class: "kind-line" }, kindSwatch(node.kind), kindLabel(node.kind)),
      h("h2", { id: "detail-title", tabindex: "-1" }, node.title),
      facts([
        ["When", humanRange(node.date, node.endDate)],
        ["Platform", node.platform?.name],
        ["Countries", countries(node.countries)],
      ]),
      node.summary && node.summary !== subject.summary && node.summary !== subject.description && node.summary !== subject.text
        ? h("p", { class: "summary" }, node.summary) : null,
      h("h3", { class: "subject-heading" }, subject.__typename && recordTitle(subject) !== node.title
        ? [`${TYPE_LABELS[subject.__typename] ?? "Record"}: `, recordTitle(subject)]
        : `About the ${(TYPE_LABELS[subject.__typename] ?? "record").toLowerCase()}`),
      ...sub,
      sub.some((s) => s?.querySelector?.(".sources")) ? null : section("Sources", null, sourceList(node.sources)),
    ];
  }
  return [
    h("p", { class: "kind-line" }, TYPE_LABELS[node.__typename] ?? node.__typename),
    h("h2", { id: "detail-title", tabindex: "-1" }, recordTitle(node)),
    ...recordSections(node, onOpen),
  ];
}
