/**
 * The Prometheus provider, for Prometheus itself and for the servers that
 * speak its HTTP API (Thanos, Mimir, VictoriaMetrics).
 */
import type { InstantQuery, MetricsProvider, QueryResult, RangeQuery } from './provider.js';
import { DEFAULT_RETRY, exchange, type HttpDeps, type RetryPolicy } from './http.js';
import { chooseStepSeconds, decodePrometheusAnswer, PROMETHEUS_MAX_POINTS } from './prometheus-decode.js';

/** Beyond this many characters of parameters a query is sent as a POST form. */
export const MAX_GET_QUERY_LENGTH = 4096;

/** How the provider proves who it is. Secrets are already resolved from the environment. */
export type PrometheusAuth =
  | { readonly type: 'none' }
  | { readonly type: 'bearer'; readonly token: string }
  | { readonly type: 'basic'; readonly username: string; readonly password: string }
  | { readonly type: 'header'; readonly name: string; readonly value: string };

export interface PrometheusOptions {
  /** Base URL; a path prefix (`https://host/prometheus`) is kept. */
  readonly url: string;
  readonly auth?: PrometheusAuth;
  /** Sent with every request, such as `X-Scope-OrgID` for Mimir tenants. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Per attempt; also passed to the server as its evaluation timeout. */
  readonly timeoutSeconds?: number;
  readonly retry?: RetryPolicy;
  /** Points per series the server allows (Prometheus: 11,000). */
  readonly maxPoints?: number;
  readonly defaultStepSeconds?: number;
  /** The finest step chosen to give a caller the points it needs: the scrape interval (default 15 s). */
  readonly minStepSeconds?: number;
  /**
   * `deny` asks Thanos for a complete answer or an error; `allow` accepts an
   * answer that misses some stores, which then carries their warnings.
   */
  readonly partialResponse?: 'deny' | 'allow';
}

/** Headers for the chosen authentication. */
export function authHeaders(auth: PrometheusAuth | undefined): Record<string, string> {
  switch (auth?.type) {
    case 'bearer':
      return { authorization: `Bearer ${auth.token}` };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
    case 'header':
      return { [auth.name]: auth.value };
    default:
      return {};
  }
}

/** The values of the chosen authentication that a server must never be able to echo into a reason. */
export function authSecrets(auth: PrometheusAuth | undefined): string[] {
  switch (auth?.type) {
    case 'bearer':
      return [auth.token];
    case 'basic':
      return [auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64')];
    case 'header':
      return [auth.value];
    default:
      return [];
  }
}

function epochSeconds(d: Date): string {
  return (d.getTime() / 1000).toFixed(3).replace(/\.?0+$/, '');
}

/** A MetricsProvider over Prometheus' HTTP API. Nothing is sent until a query is made. */
export class PrometheusProvider implements MetricsProvider {
  readonly type = 'prometheus';
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutSeconds: number;

  constructor(
    private readonly options: PrometheusOptions,
    private readonly deps: HttpDeps,
  ) {
    this.base = options.url.replace(/\/+$/, '');
    this.headers = { accept: 'application/json', ...options.headers, ...authHeaders(options.auth) };
    this.timeoutSeconds = options.timeoutSeconds ?? 30;
  }

  async queryRange(q: RangeQuery): Promise<QueryResult> {
    const rangeSeconds = (q.end.getTime() - q.start.getTime()) / 1000;
    if (!(rangeSeconds >= 0)) {
      return { ok: false, query: q.query, reason: `the window ends before it starts (query: ${q.query})` };
    }
    const step = chooseStepSeconds(
      rangeSeconds,
      q.stepSeconds,
      this.options.maxPoints ?? PROMETHEUS_MAX_POINTS,
      this.options.defaultStepSeconds,
      {
        ...(q.minPoints !== undefined ? { minPoints: q.minPoints } : {}),
        ...(this.options.minStepSeconds !== undefined ? { minStepSeconds: this.options.minStepSeconds } : {}),
      },
    );
    const result = await this.send(
      'query_range',
      q.query,
      {
        start: epochSeconds(q.start),
        end: epochSeconds(q.end),
        step: String(step),
      },
      q.signal,
    );
    return result.ok ? { ...result, stepSeconds: step } : result;
  }

  async queryInstant(q: InstantQuery): Promise<QueryResult> {
    return this.send('query', q.query, { time: epochSeconds(q.time) }, q.signal);
  }

  private async send(
    endpoint: 'query' | 'query_range',
    query: string,
    params: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<QueryResult> {
    // Seconds as a plain number: the API reads "0.5" but not "0.5s".
    const search = new URLSearchParams({ query, ...params, timeout: String(this.timeoutSeconds) });
    if ((this.options.partialResponse ?? 'deny') === 'deny') search.set('partial_response', 'false');
    else search.set('partial_response', 'true');
    const url = `${this.base}/api/v1/${endpoint}`;
    const form = search.toString();
    // Long queries go in a form body: proxies in front of Prometheus often
    // refuse URLs past a few kilobytes, and the API takes POST for both.
    const post = form.length > MAX_GET_QUERY_LENGTH;
    const answer = await exchange(
      {
        url: post ? url : `${url}?${form}`,
        method: post ? 'POST' : 'GET',
        headers: post ? { ...this.headers, 'content-type': 'application/x-www-form-urlencoded' } : this.headers,
        body: post ? form : undefined,
        timeoutMs: this.timeoutSeconds * 1000,
        retry: this.options.retry ?? DEFAULT_RETRY,
        secrets: authSecrets(this.options.auth),
        ...(signal ? { signal } : {}),
      },
      this.deps,
    );
    if (!answer.ok) return { ok: false, query, reason: `${answer.reason} from ${this.base} (query: ${query})` };
    return decodePrometheusAnswer(query, {
      status: answer.status,
      contentType: answer.headers.get('content-type'),
      body: answer.body,
    });
  }
}
