// Partial dates ("2015", "2023-07", "2023-07-28") and the time axis. Time is measured in
// days since 1970-01-01 (UTC), as a number: a partial date covers [start, end).

const MS_DAY = 86400000;

export const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
export const MONTHS_LONG = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];

/** The day number of a calendar date; months and days overflow as in Date. */
export function dayOf(y, m = 1, d = 1) {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  t.setUTCHours(0, 0, 0, 0);
  return Math.round(t.getTime() / MS_DAY);
}

/** The calendar date of a day number. */
export function ymdOf(day) {
  const t = new Date(Math.floor(day) * MS_DAY);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

export function daysInMonth(y, m) {
  return dayOf(y, m + 1, 1) - dayOf(y, m, 1);
}

export const MIN_DAY = dayOf(1, 1, 1);
export const MAX_DAY = dayOf(10000, 1, 1);

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/**
 * Parses a partial date. Returns { s, y, m, d, precision, start, end } or null when the
 * string is not a valid YYYY, YYYY-MM or YYYY-MM-DD date.
 */
export function parseDate(str) {
  if (typeof str !== "string") return null;
  const s = str.trim();
  const match = DATE_RE.exec(s);
  if (!match) return null;
  const y = Number(match[1]);
  if (y < 1) return null;
  let m = 1;
  let d = 1;
  let precision = "YEAR";
  if (match[2] !== undefined) {
    m = Number(match[2]);
    if (m < 1 || m > 12) return null;
    precision = "MONTH";
  }
  if (match[3] !== undefined) {
    d = Number(match[3]);
    if (d < 1 || d > daysInMonth(y, m)) return null;
    precision = "DAY";
  }
  const start = dayOf(y, m, d);
  let end;
  if (precision === "YEAR") end = dayOf(y + 1, 1, 1);
  else if (precision === "MONTH") end = dayOf(y, m + 1, 1);
  else end = start + 1;
  return { s, y, m, d, precision, start, end };
}

const pad = (n, w = 2) => String(n).padStart(w, "0");

/** The partial date, at a precision, of the period containing a day. */
export function dateString(day, precision) {
  const { y, m, d } = ymdOf(day);
  if (precision === "YEAR") return pad(y, 4);
  if (precision === "MONTH") return `${pad(y, 4)}-${pad(m)}`;
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** A partial date for people: "2015", "July 2023", "28 July 2023". */
export function humanDate(str) {
  const p = typeof str === "string" ? parseDate(str) : str;
  if (!p) return String(str ?? "");
  if (p.precision === "YEAR") return String(p.y);
  if (p.precision === "MONTH") return `${MONTHS_LONG[p.m - 1]} ${p.y}`;
  return `${p.d} ${MONTHS_LONG[p.m - 1]} ${p.y}`;
}

/** A date or a range for people: "28 July 2023", "2019 – March 2021". */
export function humanRange(date, endDate) {
  if (!endDate || endDate === date) return humanDate(date);
  return `${humanDate(date)} – ${humanDate(endDate)}`;
}

/** How precisely a view window is written into the URL: the snapping error stays ~2%. */
export function precisionForWidth(width) {
  if (width > 50 * 365.25) return "YEAR";
  if (width > 4 * 365.25) return "MONTH";
  return "DAY";
}

/** from/to strings naming a view window [t0, t1). */
export function windowStrings(t0, t1) {
  const p = precisionForWidth(t1 - t0);
  return { from: dateString(Math.floor(t0), p), to: dateString(Math.ceil(t1) - 1, p) };
}

/** The granularity of buckets for a window shown over px pixels: about 4 px a bucket or more. */
export function granularityFor(width, px) {
  const max = Math.max(20, px / 4);
  if (width <= max) return "DAY";
  if (width / 30.44 <= max) return "MONTH";
  return "YEAR";
}

/** The period [start, end) of a bucket that starts at a date of the granularity. */
export function bucketPeriod(start, granularity) {
  const p = parseDate(start);
  if (!p) return null;
  if (granularity === "YEAR") return { start: dayOf(p.y, 1, 1), end: dayOf(p.y + 1, 1, 1) };
  if (granularity === "MONTH") return { start: dayOf(p.y, p.m, 1), end: dayOf(p.y, p.m + 1, 1) };
  return { start: p.start, end: p.start + 1 };
}

/** A bucket's period for people. */
export function humanBucket(start, granularity) {
  const p = parseDate(start);
  if (!p) return start;
  if (granularity === "YEAR") return String(p.y);
  if (granularity === "MONTH") return `${MONTHS_LONG[p.m - 1]} ${p.y}`;
  return `${p.d} ${MONTHS_LONG[p.m - 1]} ${p.y}`;
}

/** A window for people, at the precision of its width: "Jan 2015 – Dec 2023". */
export function humanWindow(t0, t1) {
  const w = t1 - t0;
  const fmt = (day) => {
    const { y, m, d } = ymdOf(day);
    if (w > 20 * 365.25) return String(y);
    if (w > 90) return `${MONTHS[m - 1]} ${y}`;
    return `${d} ${MONTHS[m - 1]} ${y}`;
  };
  return `${fmt(t0)} – ${fmt(Math.max(t0, t1 - 1))}`;
}

// Tick steps, finest first, with their approximate length in days and the room a label
// needs.
const STEPS = [
  { unit: "day", n: 1, days: 1, room: 26 },
  { unit: "day", n: 2, days: 2, room: 26 },
  { unit: "day", n: 7, days: 7, room: 30 },
  { unit: "day", n: 14, days: 14, room: 30 },
  { unit: "month", n: 1, days: 30.44, room: 38 },
  { unit: "month", n: 3, days: 91.3, room: 38 },
  { unit: "month", n: 6, days: 182.6, room: 38 },
  ...[1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].map((n) => ({ unit: "year", n, days: 365.25 * n, room: 46 })),
];

/**
 * Ticks for the window [t0, t1) drawn over px pixels: from days to decades and centuries.
 * Returns { unit, n, ticks: [{ day, label, major }] }; unit is "day", "month", "year",
 * "decade" or "century" (the last two: years in steps of 10 or 100 and more).
 */
export function ticks(t0, t1, px) {
  const w = Math.max(1e-9, t1 - t0);
  let step = STEPS[STEPS.length - 1];
  for (const s of STEPS) {
    if ((px * s.days) / w >= s.room) {
      step = s;
      break;
    }
  }
  const out = [];
  const start = ymdOf(t0);
  if (step.unit === "year") {
    for (let y = Math.floor(start.y / step.n) * step.n; ; y += step.n) {
      const day = dayOf(y, 1, 1);
      if (day > t1) break;
      if (day >= t0) out.push({ day, label: String(y), major: y % (step.n * 5) === 0 || (step.n < 10 && y % 10 === 0) });
      if (out.length > 500) break;
    }
  } else if (step.unit === "month") {
    let y = start.y;
    let m = start.m - ((start.m - 1) % step.n);
    for (;;) {
      const day = dayOf(y, m, 1);
      if (day > t1) break;
      if (day >= t0) out.push({ day, label: m === 1 ? String(y) : MONTHS[m - 1], major: m === 1 });
      m += step.n;
      if (m > 12) {
        m -= 12;
        y += 1;
      }
      if (out.length > 500) break;
    }
  } else {
    for (let day = Math.floor(t0); day <= t1 && out.length < 500; day++) {
      if (day < t0) continue;
      const { y, m, d } = ymdOf(day);
      const keep = step.n === 1 || ((d - 1) % step.n === 0 && d <= daysInMonth(y, m) - Math.floor(step.n / 2));
      if (!keep) continue;
      let label = String(d);
      let major = false;
      if (d === 1) {
        label = m === 1 ? String(y) : MONTHS[m - 1];
        major = true;
      }
      out.push({ day, label, major });
    }
  }
  let unit = step.unit;
  if (unit === "year" && step.n >= 100) unit = "century";
  else if (unit === "year" && step.n >= 10) unit = "decade";
  return { unit, n: step.n, ticks: out };
}

/** The context of the left edge of a window at a tick unit: the year, or month and year. */
export function edgeContext(t0, unit) {
  const { y, m } = ymdOf(t0);
  if (unit === "day") return `${MONTHS[m - 1]} ${y}`;
  if (unit === "month") return String(y);
  return "";
}
