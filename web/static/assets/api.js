// The dashboard's only way to the server: GraphQL over POST /graphql.

export const ENDPOINT = "/graphql";

/** An error the dashboard can explain: a GraphQL error, a refusal, or no server. */
export class APIError extends Error {
  constructor(message, { code = "", status = 0 } = {}) {
    super(message);
    this.name = "APIError";
    this.code = code;
    this.status = status;
  }
}

const sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      reject(new DOMException("aborted", "AbortError"));
    }, { once: true });
  });

/** Listeners told when the server asks us to slow down (HTTP 429). */
export const rateLimitListeners = new Set();

/** Statistics, for the curious and for tests: requests by operation name. */
export const stats = { requests: 0, byOperation: {} };

/** Runs a GraphQL operation and returns its data, or throws an APIError. */
export async function gql(query, variables = {}, { signal } = {}) {
  const op = /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? "anonymous";
  for (let attempt = 0; ; attempt++) {
    let res;
    stats.requests++;
    stats.byOperation[op] = (stats.byOperation[op] ?? 0) + 1;
    try {
      res = await fetch(ENDPOINT, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ query, variables }),
        signal,
        credentials: "same-origin",
      });
    } catch (err) {
      if (err.name === "AbortError") throw err;
      throw new APIError("The server could not be reached. Check that it is running, then retry.", { code: "NETWORK" });
    }
    if (res.status === 429 && attempt < 4) {
      const wait = Math.min(10, Math.max(1, Number(res.headers.get("Retry-After")) || 1));
      for (const fn of rateLimitListeners) fn(wait);
      await sleep(wait * 1000, signal);
      continue;
    }
    let body;
    try {
      body = await res.json();
    } catch {
      throw new APIError(`The server answered ${res.status} ${res.statusText} instead of a GraphQL response.`, { status: res.status });
    }
    if (body.errors?.length) {
      const e = body.errors[0];
      throw new APIError(e.message, { code: e.extensions?.code ?? "", status: res.status });
    }
    if (!res.ok || !body.data) {
      throw new APIError(`The server answered ${res.status} ${res.statusText}.`, { status: res.status });
    }
    return body.data;
  }
}

// The timeline's extent under a filter: its first and last entries, and how many there are.
export const EXTENT = `query Extent($filter: TimelineFilter) {
  first: timeline(filter: $filter, first: 1) { totalCount nodes { date endDate } }
  last: timeline(filter: $filter, order: DESC, first: 1) { nodes { date endDate } }
}`;

export const BUCKETS = `query Buckets($filter: TimelineFilter, $granularity: Granularity!) {
  timelineBuckets(filter: $filter, granularity: $granularity) { start count byKind { kind count } }
}`;

/** One timelineBuckets per lane, under aliases l0, l1, … (at most 18: root fields are limited). */
export function laneBucketsQuery(n) {
  const vars = Array.from({ length: n }, (_, i) => `$f${i}: TimelineFilter`).join(", ");
  const fields = Array.from({ length: n }, (_, i) => `  l${i}: timelineBuckets(filter: $f${i}, granularity: $granularity) { start count }`).join("\n");
  return `query LaneBuckets($granularity: Granularity!, ${vars}) {\n${fields}\n}`;
}

export const PAGE_SIZE = 100;

export const TIMELINE_PAGE = `query TimelinePage($filter: TimelineFilter, $after: String) {
  timeline(filter: $filter, first: ${PAGE_SIZE}, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id kind date endDate title
      platform { slug name }
      countries { code name }
      topics { slug }
      subject {
        __typename
        ... on Platform { slug }
        ... on Session { slug }
        ... on Initiative { slug }
        ... on Official { slug }
      }
    }
  }
}`;

export const META = `query Meta {
  platforms(first: 100, orderBy: { field: NAME }) { totalCount nodes { slug name members { country { code name } } } }
  topics(first: 100, orderBy: { field: NAME }) { nodes { slug name } }
}`;

export const COUNTRIES = `query Countries($after: String) {
  countries(first: 100, after: $after, orderBy: { field: NAME }) { pageInfo { hasNextPage endCursor } nodes { code name } }
}`;

export const OFFICIALS_BY_SLUG = `query OfficialsBySlug($slugs: [String!]) {
  officials(first: 100, filter: { slugs: $slugs }) { nodes { slug name country { code } } }
}`;

export const SEARCH = `query Search($query: String!) {
  search(query: $query, first: 20) {
    totalCount
    edges {
      score
      node {
        __typename
        ... on Platform { id slug name }
        ... on Session { id slug title start }
        ... on Official { id slug name country { code name } }
        ... on Initiative { id slug title status proposedOn }
        ... on Statement { id date text official { name } }
        ... on Source { id title publisher publishedOn }
      }
    }
  }
}`;

export const OFFICIAL_SUGGESTIONS = `query OfficialSuggestions($query: String!) {
  search(query: $query, first: 15) { nodes { __typename ... on Official { slug name country { code } } } }
}`;

// Everything the detail panel shows: a timeline entry with its record, or a record found
// by search. This very text is what "open in playground" opens.
export const DETAIL = `query Detail($id: ID!) {
  node(id: $id) {
    id
    __typename
    ... on TimelineEntry {
      kind date endDate title summary
      platform { slug name }
      countries { code name }
      topics { slug name }
      sources { ...SourceFields }
      subject {
        __typename
        ...SessionFields
        ...InitiativeFields
        ...PlatformFields
        ...OfficialFields
        ...StatementFields
      }
    }
    ...SessionFields
    ...InitiativeFields
    ...PlatformFields
    ...OfficialFields
    ...StatementFields
    ...SourceFields
  }
}

fragment SourceFields on Source { id title publisher url publishedOn language excerpt }

fragment SessionFields on Session {
  id slug title sessionKind: kind start end summary
  platform { slug name }
  parent { id slug title }
  location { city venue country { code name } }
  hostCountry { code name }
  subjectCountries { code name }
  topics { slug name }
  participants { role official { id slug name } country { code name } }
  statements { id date text official { id slug name } }
  initiatives { id slug title status }
  sources { ...SourceFields }
}

fragment InitiativeFields on Initiative {
  id slug title description status proposedOn
  proposedBy { id slug name }
  country { code name }
  location { city venue country { code name } }
  platform { slug name }
  statusHistory { status on note }
  sessions { id slug title start }
  topics { slug name }
  sources { ...SourceFields }
}

fragment PlatformFields on Platform {
  id slug name fullName description platformKind: kind founded dissolved website
  members { role since until country { code name } }
  sources { ...SourceFields }
}

fragment OfficialFields on Official {
  id slug name otherNames
  country { code name }
  positions { title organization start end country { code name } }
}

fragment StatementFields on Statement {
  id date text
  official { id slug name country { code name } }
  session { id slug title }
  sources { ...SourceFields }
}`;

/** The playground, opened on a query and its variables. */
export function playgroundURL(query, variables) {
  const params = new URLSearchParams({ query, variables: JSON.stringify(variables, null, 2) });
  return `/playground?${params}`;
}
