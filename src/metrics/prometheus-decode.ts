/**
 * Reading what a Prometheus-compatible server answered. Pure functions: the
 * HTTP status, content type and body go in, a QueryResult comes out, and
 * every way the answer can be unusable becomes a reason that names the query.
 */
import type { MetricPoint, MetricSeries, QueryResult } from './provider.js';
import { ERROR_EXCERPT, looksLikeHtml, snippet } from './http.js';

/** Prometheus' limit on points per series in a range query. */
export const PROMETHEUS_MAX_POINTS = 11_000;

/**
 * The finest step asked of a Prometheus by default when more points are
 * needed: 15 s, the scrape interval most Prometheus setups use (and the one
 * in Prometheus' example configuration). Points closer than the scrape
 * interval repeat the same scrape: they would look like more evidence to the
 * judge without being any. A provider's `minStep` sets it to the real one.
 */
export const DEFAULT_MIN_STEP_SECONDS = 15;

/** What the caller needs of a range query's resolution. */
export interface StepNeeds {
  /** The caller needs at least this many points over the range (the canary judge's minSamples). */
  readonly minPoints?: number;
  /** The finest resolution the source has: never step below it to make points. */
  readonly minStepSeconds?: number;
}

/**
 * The step for a range query: the one asked for or, when none is, the
 * provider's default step, narrowed when the caller needs more points than
 * that gives (the range divided by the points needed, so that the range holds
 * one point more than needed: the first evaluation of a young canary often
 * has no value yet), but never below the source's resolution. Then widened
 * so that the range never needs more than `maxPoints` points, since
 * Prometheus rejects such a query outright.
 */
export function chooseStepSeconds(
  rangeSeconds: number,
  requested: number | undefined,
  maxPoints: number = PROMETHEUS_MAX_POINTS,
  defaultStepSeconds = 60,
  needs: StepNeeds = {},
): number {
  let step = requested !== undefined && requested > 0 ? requested : defaultStepSeconds;
  if (!(requested !== undefined && requested > 0) && needs.minPoints !== undefined && needs.minPoints > 0) {
    const floor = needs.minStepSeconds ?? DEFAULT_MIN_STEP_SECONDS;
    step = Math.min(step, Math.max(floor, Math.floor(rangeSeconds / needs.minPoints)));
  }
  const minimum = Math.ceil(rangeSeconds / maxPoints);
  return Math.max(step, minimum, 1);
}

/** Points a range query over `rangeSeconds` gives at `stepSeconds`: both ends included. */
export function pointsInRange(rangeSeconds: number, stepSeconds: number): number {
  return Math.floor(rangeSeconds / stepSeconds) + 1;
}

/** Prometheus writes sample values as strings, including `NaN`, `+Inf` and `-Inf`. */
export function parseSampleValue(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') return undefined;
  switch (raw) {
    case 'NaN':
      return NaN;
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
  }
  if (raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isNaN(n) ? undefined : n;
}

/** Writes a value the way Prometheus does, so that recordings keep NaN and ±Inf through JSON. */
export function formatSampleValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function parsePair(pair: unknown): MetricPoint | undefined {
  if (!Array.isArray(pair) || pair.length !== 2) return undefined;
  const t = pair[0];
  const v = parseSampleValue(pair[1]);
  if (typeof t !== 'number' || v === undefined) return undefined;
  return { t, v };
}

function labelsOf(metric: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (metric && typeof metric === 'object') {
    for (const [k, v] of Object.entries(metric)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** What the HTTP layer handed over. */
export interface PrometheusAnswer {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: string;
}

type Decoded = { ok: true; series: MetricSeries[]; warnings: string[] } | { ok: false; reason: string };

/** Turns one answer of `/api/v1/query` or `/api/v1/query_range` into a result for `query`. */
export function decodePrometheusAnswer(query: string, answer: PrometheusAnswer): QueryResult {
  const decoded = decode(answer);
  if (!decoded.ok) return { ok: false, query, reason: `${decoded.reason} (query: ${query})` };
  if (decoded.series.length === 0) {
    return { ok: false, query, reason: `the query returned no series (query: ${query})` };
  }
  return { ok: true, query, series: decoded.series, warnings: decoded.warnings };
}

function decode(answer: PrometheusAnswer): Decoded {
  const { status, body } = answer;
  if (looksLikeHtml(body, answer.contentType)) {
    return {
      ok: false,
      reason: `HTTP ${status}: the server sent an HTML page instead of JSON ("${snippet(stripTags(body), 80)}")`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    const what = body.trim() === '' ? 'an empty body' : `malformed JSON ("${snippet(body, 80)}")`;
    if (status === 401 || status === 403)
      return { ok: false, reason: `the server refused the credentials (HTTP ${status}) and sent ${what}` };
    return { ok: false, reason: `HTTP ${status}: the server sent ${what}` };
  }
  if (!json || typeof json !== 'object')
    return { ok: false, reason: `HTTP ${status}: the answer is not a JSON object` };
  const obj = json as Record<string, unknown>;
  const warnings = [...strings(obj.warnings), ...strings(obj.infos).map((i) => `info: ${i}`)];
  if (obj.status === 'error' || status >= 400) {
    return { ok: false, reason: describeError(status, obj) };
  }
  if (obj.status !== 'success') return { ok: false, reason: `HTTP ${status}: the answer has no "status": "success"` };
  const data = obj.data as Record<string, unknown> | undefined;
  if (!data || typeof data !== 'object') return { ok: false, reason: `HTTP ${status}: the answer has no "data"` };
  const series = decodeData(data);
  if (typeof series === 'string') return { ok: false, reason: series };
  return { ok: true, series, warnings };
}

function decodeData(data: Record<string, unknown>): MetricSeries[] | string {
  const { resultType, result } = data;
  switch (resultType) {
    case 'matrix': {
      if (!Array.isArray(result)) return 'a matrix result that is not a list';
      return result.map((s: Record<string, unknown>) => ({
        labels: labelsOf(s?.metric),
        points: (Array.isArray(s?.values) ? s.values : [])
          .map(parsePair)
          .filter((p): p is MetricPoint => p !== undefined),
      }));
    }
    case 'vector': {
      if (!Array.isArray(result)) return 'a vector result that is not a list';
      return result.map((s: Record<string, unknown>) => {
        const p = parsePair(s?.value);
        return { labels: labelsOf(s?.metric), points: p ? [p] : [] };
      });
    }
    case 'scalar': {
      const p = parsePair(result);
      return p ? [{ labels: {}, points: [p] }] : 'a scalar result without a numeric value';
    }
    case 'string':
      return 'the query returned a string, not numbers';
    default:
      return `an unknown result type ${JSON.stringify(resultType)}`;
  }
}

/** Prometheus' error types, said so that the reader knows what to change. */
function describeError(status: number, obj: Record<string, unknown>): string {
  const type = typeof obj.errorType === 'string' ? obj.errorType : '';
  // A short excerpt: the server's words go into reasons that are committed and posted.
  const message = typeof obj.error === 'string' ? snippet(obj.error, ERROR_EXCERPT) : '';
  const said = message ? `: ${message}` : '';
  if (/too many samples/i.test(message)) {
    return `the query would load too many samples (HTTP ${status}); narrow the window, widen the step or aggregate first${said}`;
  }
  if (/exceeded maximum resolution/i.test(message)) {
    return `the range needs more points than the server allows (HTTP ${status})${said}`;
  }
  switch (type) {
    case 'bad_data':
      return `the server rejected the query as invalid (HTTP ${status}, bad_data)${said}`;
    case 'timeout':
      return `the query timed out on the server (HTTP ${status}, timeout)${said}`;
    case 'canceled':
      return `the server canceled the query (HTTP ${status}, canceled)${said}`;
    case 'execution':
      return `the query failed while running (HTTP ${status}, execution)${said}`;
    case 'unavailable':
      return `the server is unavailable (HTTP ${status}, unavailable)${said}`;
    case 'not_found':
      return `the server has no such endpoint (HTTP ${status}, not_found)${said}`;
    case 'internal':
      return `the server failed internally (HTTP ${status}, internal)${said}`;
  }
  if (status === 401 || status === 403) return `the server refused the credentials (HTTP ${status})${said}`;
  if (status === 429) return `the server is rate limiting us (HTTP 429) and retries ran out${said}`;
  return `the server answered HTTP ${status}${type ? ` (${type})` : ''}${said}`;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function stripTags(html: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1];
  return title ?? html.replace(/<[^>]*>/g, ' ');
}
