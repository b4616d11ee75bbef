/**
 * The Datadog provider, over the metrics query API v1
 * (`GET /api/v1/query?from&to&query`, keys in `DD-API-KEY` and
 * `DD-APPLICATION-KEY`). Datadog has no instant query, so an instant query
 * reads a short range ending at that instant and keeps its last point.
 */
import type { InstantQuery, MetricPoint, MetricSeries, MetricsProvider, QueryResult, RangeQuery } from './provider.js';
import {
  DEFAULT_RETRY,
  ERROR_EXCERPT,
  exchange,
  looksLikeHtml,
  snippet,
  type HttpDeps,
  type RetryPolicy,
} from './http.js';

/** Datadog sites and their API hosts; short names (`us3`) are accepted as well. */
export const DATADOG_SITES: Readonly<Record<string, string>> = {
  'datadoghq.com': 'api.datadoghq.com',
  'us3.datadoghq.com': 'api.us3.datadoghq.com',
  'us5.datadoghq.com': 'api.us5.datadoghq.com',
  'datadoghq.eu': 'api.datadoghq.eu',
  'ap1.datadoghq.com': 'api.ap1.datadoghq.com',
  'ap2.datadoghq.com': 'api.ap2.datadoghq.com',
  'ddog-gov.com': 'api.ddog-gov.com',
  'us2.ddog-gov.com': 'api.us2.ddog-gov.com',
};

const SHORT_SITES: Readonly<Record<string, string>> = {
  us1: 'datadoghq.com',
  us3: 'us3.datadoghq.com',
  us5: 'us5.datadoghq.com',
  eu: 'datadoghq.eu',
  eu1: 'datadoghq.eu',
  ap1: 'ap1.datadoghq.com',
  ap2: 'ap2.datadoghq.com',
  gov: 'ddog-gov.com',
};

/** The API host for a site name, or undefined when there is no such site. */
export function datadogApiHost(site: string): string | undefined {
  const s = site
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^(app|api)\./, '');
  return DATADOG_SITES[SHORT_SITES[s] ?? s];
}

/** Every site name a user may write. */
export function datadogSiteNames(): string[] {
  return [...Object.keys(DATADOG_SITES), ...Object.keys(SHORT_SITES)];
}

export interface DatadogOptions {
  readonly site: string;
  readonly apiKey: string;
  readonly appKey: string;
  readonly timeoutSeconds?: number;
  readonly retry?: RetryPolicy;
  /** How far back an instant query looks for the last point. */
  readonly instantLookbackSeconds?: number;
}

/** What the `X-RateLimit-*` headers said last. */
export interface DatadogRateLimit {
  readonly limit?: number;
  readonly remaining?: number;
  readonly periodSeconds?: number;
  readonly resetSeconds?: number;
  readonly name?: string;
}

/** Reads Datadog's rate-limit headers. */
export function readRateLimit(headers: Headers): DatadogRateLimit | undefined {
  const num = (name: string): number | undefined => {
    const raw = headers.get(name);
    const n = raw === null ? NaN : Number(raw);
    return Number.isFinite(n) ? n : undefined;
  };
  const out: DatadogRateLimit = {
    limit: num('x-ratelimit-limit'),
    remaining: num('x-ratelimit-remaining'),
    periodSeconds: num('x-ratelimit-period'),
    resetSeconds: num('x-ratelimit-reset'),
    name: headers.get('x-ratelimit-name') ?? undefined,
  };
  return Object.values(out).some((v) => v !== undefined) ? out : undefined;
}

/** A MetricsProvider over Datadog's metrics query API. */
export class DatadogProvider implements MetricsProvider {
  readonly type = 'datadog';
  private readonly host: string;
  private lastRateLimit: DatadogRateLimit | undefined;

  constructor(
    private readonly options: DatadogOptions,
    private readonly deps: HttpDeps,
  ) {
    const host = datadogApiHost(options.site);
    if (!host) throw new RangeError(`unknown Datadog site ${options.site}`);
    this.host = host;
  }

  /** The rate-limit state the last answer reported. */
  rateLimit(): DatadogRateLimit | undefined {
    return this.lastRateLimit;
  }

  async queryRange(q: RangeQuery): Promise<QueryResult> {
    if (q.end.getTime() < q.start.getTime()) {
      return { ok: false, query: q.query, reason: `the window ends before it starts (query: ${q.query})` };
    }
    return this.send(q.query, q.start, q.end, q.signal);
  }

  async queryInstant(q: InstantQuery): Promise<QueryResult> {
    const lookback = (this.options.instantLookbackSeconds ?? 300) * 1000;
    const result = await this.send(q.query, new Date(q.time.getTime() - lookback), q.time, q.signal);
    if (!result.ok) return result;
    const series = result.series
      .map((s) => ({ labels: s.labels, points: s.points.slice(-1) }))
      .filter((s) => s.points.length > 0);
    if (series.length === 0)
      return { ok: false, query: q.query, reason: `no point in the last ${lookback / 1000} s (query: ${q.query})` };
    return { ...result, series };
  }

  private async send(query: string, from: Date, to: Date, signal: AbortSignal | undefined): Promise<QueryResult> {
    // Waiting out an exhausted budget costs less than a 429 and its retries.
    const rl = this.lastRateLimit;
    if (rl?.remaining === 0 && rl.resetSeconds !== undefined && rl.resetSeconds > 0) {
      this.lastRateLimit = undefined;
      await this.deps.sleep(rl.resetSeconds * 1000, signal);
    }
    const search = new URLSearchParams({
      from: String(Math.floor(from.getTime() / 1000)),
      to: String(Math.ceil(to.getTime() / 1000)),
      query,
    });
    const answer = await exchange(
      {
        url: `https://${this.host}/api/v1/query?${search.toString()}`,
        headers: {
          accept: 'application/json',
          'DD-API-KEY': this.options.apiKey,
          'DD-APPLICATION-KEY': this.options.appKey,
        },
        timeoutMs: (this.options.timeoutSeconds ?? 30) * 1000,
        retry: this.options.retry ?? DEFAULT_RETRY,
        secrets: [this.options.apiKey, this.options.appKey],
        ...(signal ? { signal } : {}),
        serverDelayMs: (h) => {
          const reset = readRateLimit(h)?.resetSeconds;
          return reset === undefined ? undefined : reset * 1000;
        },
      },
      this.deps,
    );
    if (!answer.ok) return { ok: false, query, reason: `${answer.reason} from ${this.host} (query: ${query})` };
    this.lastRateLimit = readRateLimit(answer.headers);
    return decodeDatadogAnswer(
      query,
      answer.status,
      answer.headers.get('content-type'),
      answer.body,
      this.lastRateLimit,
    );
  }
}

/** Turns one answer of Datadog's `/api/v1/query` into a result for `query`. Pure. */
export function decodeDatadogAnswer(
  query: string,
  status: number,
  contentType: string | null,
  body: string,
  rateLimit?: DatadogRateLimit,
): QueryResult {
  const fail = (reason: string): QueryResult => ({ ok: false, query, reason: `${reason} (query: ${query})` });
  if (looksLikeHtml(body, contentType)) return fail(`HTTP ${status}: Datadog sent an HTML page instead of JSON`);
  let json: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(body);
    if (!parsed || typeof parsed !== 'object') return fail(`HTTP ${status}: the answer is not a JSON object`);
    json = parsed as Record<string, unknown>;
  } catch {
    return fail(
      `HTTP ${status}: Datadog sent ${body.trim() === '' ? 'an empty body' : `malformed JSON ("${snippet(body, 80)}")`}`,
    );
  }
  // A short excerpt: the server's words go into reasons that are committed and posted.
  const errors = Array.isArray(json.errors) ? snippet(json.errors.map(String).join('; '), ERROR_EXCERPT) : '';
  if (status === 429)
    return fail(
      `Datadog is rate limiting us (HTTP 429) and retries ran out${rateLimitText(rateLimit)}${errors ? `: ${errors}` : ''}`,
    );
  if (status === 401 || status === 403)
    return fail(`Datadog refused the API or application key (HTTP ${status})${errors ? `: ${errors}` : ''}`);
  if (status >= 400) return fail(`Datadog answered HTTP ${status}${errors ? `: ${errors}` : ''}`);
  if (json.status === 'error')
    return fail(`Datadog could not run the query: ${snippet(String(json.error ?? 'no reason given'), ERROR_EXCERPT)}`);
  if (!Array.isArray(json.series)) return fail(`HTTP ${status}: the answer has no "series" list`);
  const series: MetricSeries[] = json.series
    .filter((s: unknown): s is Record<string, unknown> => s !== null && typeof s === 'object')
    .map((s) => ({
      labels: tagsToLabels(s),
      points: (Array.isArray(s.pointlist) ? s.pointlist : [])
        .map((p: unknown): MetricPoint | undefined => {
          if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number') return undefined;
          return { t: p[0] / 1000, v: p[1] };
        })
        .filter((p): p is MetricPoint => p !== undefined),
    }));
  if (series.length === 0) return fail('Datadog returned no series');
  const warnings: string[] = [];
  if (rateLimit?.remaining === 0) warnings.push(`Datadog rate limit used up${rateLimitText(rateLimit)}`);
  return { ok: true, query, series, warnings };
}

function rateLimitText(rl: DatadogRateLimit | undefined): string {
  if (!rl) return '';
  const parts: string[] = [];
  if (rl.name) parts.push(`limit ${rl.name}`);
  if (rl.limit !== undefined && rl.periodSeconds !== undefined)
    parts.push(`${rl.limit} requests per ${rl.periodSeconds} s`);
  if (rl.resetSeconds !== undefined) parts.push(`resets in ${rl.resetSeconds} s`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function tagsToLabels(s: Record<string, unknown>): Record<string, string> {
  const labels: Record<string, string> = {};
  if (typeof s.metric === 'string') labels.__name__ = s.metric;
  const tags =
    Array.isArray(s.tag_set) && s.tag_set.length > 0
      ? s.tag_set
      : typeof s.scope === 'string'
        ? s.scope.split(',')
        : [];
  for (const tag of tags) {
    if (typeof tag !== 'string' || tag === '*') continue;
    const i = tag.indexOf(':');
    if (i > 0) labels[tag.slice(0, i)] = tag.slice(i + 1);
    else labels[tag] = '';
  }
  return labels;
}
