// The filter panel: date range, kinds, platforms, countries, topics and officials. It
// shows the state it is given and reports what a person changes; app.js owns the state.

import { h, svg, replace } from "./dom.js";
import { parseDate } from "./dates.js";
import { KINDS, symbolPath } from "./kinds.js";

/** A small SVG of a kind's symbol in its colour, for legends. */
export function kindSwatch(kind) {
  return svg("svg", { class: `swatch k-${kind}`, width: 16, height: 16, viewBox: "-8 -8 16 16", "aria-hidden": "true", focusable: "false" },
    svg("path", { class: "sym", d: symbolPath(kind) }));
}

export class Filters {
  /**
   * root: the filter form. onChange(patch) is called with the changed fields of the
   * filter ({ kinds: [...] }, { from, to }, …). suggestOfficials(text) resolves to
   * [{ slug, name }].
   */
  constructor(root, { onChange, suggestOfficials }) {
    this.root = root;
    this.onChange = onChange;
    this.suggestOfficials = suggestOfficials;
    this.filter = null;
    this.platforms = [];
    this.topics = [];
    this.countries = new Map(); // code → name
    this.officials = new Map(); // slug → name

    this.from = root.querySelector("#from");
    this.to = root.querySelector("#to");
    this.dateHint = root.querySelector("#date-hint");
    const applyDates = () => this.applyDates();
    this.from.addEventListener("change", applyDates);
    this.to.addEventListener("change", applyDates);
    for (const input of [this.from, this.to]) {
      input.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter") {
          ev.preventDefault();
          applyDates();
        }
      });
    }

    replace(root.querySelector("#kinds"), KINDS.map(({ kind, label }) =>
      h("div", { class: "check-row" },
        h("label", { class: "check" },
          h("input", { type: "checkbox", name: "kinds", value: kind, dataset: { kind } }),
          kindSwatch(kind), label),
        h("button", { type: "button", class: "only", dataset: { only: kind }, "aria-label": `Only ${label}`, title: `Show only: ${label}` }, "only"))));
    root.querySelector("#kinds").addEventListener("change", () => this.onChange({ kinds: this.checked("kinds") }));
    root.querySelector("#kinds").addEventListener("click", (ev) => {
      const only = ev.target.closest("button[data-only]");
      if (only) this.onChange({ kinds: [only.dataset.only] });
    });
    root.querySelector("#platforms").addEventListener("change", () => this.onChange({ platforms: this.checked("platforms") }));
    root.querySelector("#topics").addEventListener("change", () => this.onChange({ topics: this.checked("topics") }));

    this.countryPicker = new Picker(root.querySelector("#countries-picker"), {
      label: (code) => (this.countries.has(code) ? `${this.countries.get(code)} (${code})` : code),
      resolve: (text) => this.resolveCountry(text),
      onChange: (values) => this.onChange({ countries: values }),
    });
    this.officialPicker = new Picker(root.querySelector("#officials-picker"), {
      label: (slug) => this.officials.get(slug) ?? slug,
      resolve: (text) => this.resolveOfficial(text),
      onChange: (values) => this.onChange({ officials: values }),
      suggest: async (text) => {
        const found = await this.suggestOfficials(text);
        for (const o of found) this.officials.set(o.slug, o.name);
        return found.map((o) => `${o.name} (${o.slug})`);
      },
    });
    root.querySelector("#clear-filters").addEventListener("click", () =>
      this.onChange({ kinds: [], platforms: [], countries: [], officials: [], topics: [], text: "", from: null, to: null }));
  }

  checked(name) {
    const boxes = [...this.root.querySelectorAll(`input[name="${name}"]`)];
    const on = boxes.filter((b) => b.checked).map((b) => b.value);
    // Everything ticked is no filter at all.
    return on.length === boxes.length && name === "kinds" ? [] : on;
  }

  applyDates() {
    const read = (input) => {
      const v = input.value.trim();
      if (!v) return { ok: true, value: null };
      const p = parseDate(v);
      input.setAttribute("aria-invalid", p ? "false" : "true");
      return { ok: !!p, value: v, p };
    };
    const from = read(this.from);
    const to = read(this.to);
    if (!from.ok || !to.ok) {
      this.dateHint.textContent = "Write dates as YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2015 or 2023-07.";
      this.dateHint.classList.add("error");
      return;
    }
    if (from.p && to.p && from.p.start >= to.p.end) {
      this.dateHint.textContent = "The start of the range is after its end.";
      this.dateHint.classList.add("error");
      this.from.setAttribute("aria-invalid", "true");
      return;
    }
    this.from.setAttribute("aria-invalid", "false");
    this.to.setAttribute("aria-invalid", "false");
    this.dateHint.textContent = "YYYY, YYYY-MM or YYYY-MM-DD. Zooming and panning change them too.";
    this.dateHint.classList.remove("error");
    this.onChange({ from: from.value, to: to.value });
  }

  /** Shows the date range unless a person is typing in it. */
  showDates(from, to) {
    if (document.activeElement !== this.from) this.from.value = from ?? "";
    if (document.activeElement !== this.to) this.to.value = to ?? "";
  }

  setPlatforms(platforms) {
    this.platforms = platforms;
    this.renderChecks();
  }

  setTopics(topics) {
    this.topics = topics;
    this.renderChecks();
  }

  setCountries(map) {
    this.countries = map;
    replace(this.root.querySelector("#country-options"),
      [...map].map(([code, name]) => h("option", { value: `${name} (${code})` })));
    this.countryPicker.render();
  }

  setOfficialNames(list) {
    for (const o of list) this.officials.set(o.slug, o.name);
    this.officialPicker.render();
  }

  resolveCountry(text) {
    const t = text.trim();
    const code = /\(([A-Za-z]{2})\)\s*$/.exec(t)?.[1] ?? (/^[A-Za-z]{2}$/.test(t) ? t : null);
    if (code) {
      const c = code.toUpperCase();
      if (this.countries.size && !this.countries.has(c)) return { error: `${c} is not an ISO 3166-1 country code.` };
      return { value: c };
    }
    const lower = t.toLowerCase();
    for (const [c, name] of this.countries) if (name.toLowerCase() === lower) return { value: c };
    const partial = [...this.countries].filter(([, name]) => name.toLowerCase().startsWith(lower));
    if (partial.length === 1) return { value: partial[0][0] };
    return { error: partial.length ? `“${t}” matches several countries; pick one from the list.` : `No country is called “${t}”. Use a name or a two-letter code, e.g. KZ.` };
  }

  resolveOfficial(text) {
    const t = text.trim();
    const slug = /\(([a-z0-9-]+)\)\s*$/.exec(t)?.[1];
    if (slug) return { value: slug };
    for (const [s, name] of this.officials) if (name.toLowerCase() === t.toLowerCase()) return { value: s };
    if (/^[a-z0-9]+(-[a-z0-9]+)*$/.test(t)) return { value: t };
    return { error: `Pick an official from the suggestions, or type their slug (e.g. thomas-west).` };
  }

  renderChecks() {
    const f = this.filter;
    const checks = (id, name, items) => {
      const known = new Set(items.map((i) => i.slug));
      const extra = (f?.[name] ?? []).filter((s) => !known.has(s)).map((slug) => ({ slug, name: slug }));
      const all = [...items, ...extra];
      const box = this.root.querySelector(id);
      const boxes = [...box.querySelectorAll(`input[name="${name}"]`)];
      if (boxes.length && boxes.length === all.length && boxes.every((b, i) => b.value === all[i].slug)) {
        // The same list: tick in place, so that keyboard focus stays where it is.
        for (const b of boxes) b.checked = f?.[name].includes(b.value) ?? false;
        return;
      }
      replace(box, all.length
        ? all.map((i) => h("label", { class: "check" },
          h("input", { type: "checkbox", name, value: i.slug, dataset: { slug: i.slug }, checked: f?.[name].includes(i.slug) }), i.name))
        : h("p", { class: "hint" }, `No ${name} yet.`));
    };
    checks("#platforms", "platforms", this.platforms);
    checks("#topics", "topics", this.topics);
  }

  /** Shows a filter. */
  show(filter) {
    this.filter = filter;
    for (const box of this.root.querySelectorAll('input[name="kinds"]')) {
      box.checked = filter.kinds.length === 0 || filter.kinds.includes(box.value);
    }
    this.renderChecks();
    this.countryPicker.set(filter.countries);
    this.officialPicker.set(filter.officials);
  }
}

/** A list of chips with an input to add one (with suggestions) and buttons to remove them. */
class Picker {
  constructor(root, { label, resolve, onChange, suggest }) {
    this.root = root;
    this.values = [];
    this.label = label;
    this.resolve = resolve;
    this.onChange = onChange;
    this.chips = root.querySelector(".chips");
    this.input = root.querySelector("input");
    this.hint = root.querySelector(".hint");
    this.defaultHint = this.hint.textContent;
    root.querySelector(".add").addEventListener("click", () => this.add());
    this.input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") {
        ev.preventDefault();
        this.add();
      }
    });
    if (suggest) {
      const list = root.querySelector("datalist");
      let timer = 0;
      let seq = 0;
      this.input.addEventListener("input", () => {
        clearTimeout(timer);
        const text = this.input.value.trim();
        if (text.length < 2 || /\([a-z0-9-]+\)$/.test(text)) return;
        timer = setTimeout(async () => {
          const mine = ++seq;
          try {
            const options = await suggest(text);
            if (mine === seq) replace(list, options.map((o) => h("option", { value: o })));
          } catch {
            // Suggestions are a convenience; typing a slug still works.
          }
        }, 250);
      });
    }
  }

  set(values) {
    this.values = [...values];
    this.render();
  }

  add() {
    const text = this.input.value.trim();
    if (!text) return;
    const r = this.resolve(text);
    if (r.error) {
      this.hint.textContent = r.error;
      this.hint.classList.add("error");
      this.input.setAttribute("aria-invalid", "true");
      return;
    }
    this.hint.textContent = this.defaultHint;
    this.hint.classList.remove("error");
    this.input.setAttribute("aria-invalid", "false");
    this.input.value = "";
    if (!this.values.includes(r.value)) {
      this.values.push(r.value);
      this.render();
      this.onChange([...this.values]);
    }
  }

  render() {
    replace(this.chips, this.values.map((v) =>
      h("li", { class: "chip", dataset: { value: v } }, this.label(v),
        h("button", {
          type: "button",
          "aria-label": `Remove ${this.label(v)}`,
          on: {
            click: () => {
              this.values = this.values.filter((x) => x !== v);
              this.render();
              this.onChange([...this.values]);
              this.input.focus();
            },
          },
        }, "×"))));
  }
}
