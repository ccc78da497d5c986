// The kinds of timeline entries, each with a colour of the Okabe–Ito palette (safe for
// colour-blind readers) and a distinct symbol, so that colour is never the only cue.

export const KINDS = [
  { kind: "SESSION", label: "Session", symbol: "circle" },
  { kind: "STATEMENT", label: "Statement", symbol: "square" },
  { kind: "INITIATIVE_PROPOSED", label: "Initiative proposed", symbol: "triangle" },
  { kind: "INITIATIVE_STATUS_CHANGED", label: "Initiative status changed", symbol: "diamond" },
  { kind: "PLATFORM_FOUNDED", label: "Platform founded", symbol: "cross" },
  { kind: "POSITION_STARTED", label: "Position started", symbol: "right" },
  { kind: "POSITION_ENDED", label: "Position ended", symbol: "down" },
];

export const KIND_NAMES = KINDS.map((k) => k.kind);

const byKind = new Map(KINDS.map((k) => [k.kind, k]));

export function kindLabel(kind) {
  return byKind.get(kind)?.label ?? kind;
}

// Symbol outlines centred on (0, 0), about 12 px across.
const SYMBOLS = {
  circle: "M6,0A6,6 0 1,1 -6,0A6,6 0 1,1 6,0Z",
  square: "M-5,-5H5V5H-5Z",
  triangle: "M0,-6.5L6.5,5H-6.5Z",
  diamond: "M0,-7L7,0L0,7L-7,0Z",
  cross: "M-2.2,-6.5H2.2V-2.2H6.5V2.2H2.2V6.5H-2.2V2.2H-6.5V-2.2H-2.2Z",
  right: "M-5,-6.5L6.5,0L-5,6.5Z",
  down: "M-6.5,-5H6.5L0,6.5Z",
};

export function symbolPath(kind) {
  return SYMBOLS[byKind.get(kind)?.symbol ?? "circle"];
}

/** Session kinds, statuses and roles for people: "SPECIAL_SESSION" → "Special session". */
export function humanEnum(value) {
  if (!value) return "";
  const s = String(value).toLowerCase().replaceAll("_", " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}
