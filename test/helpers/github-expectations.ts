/**
 * The expectation format shared by the nock harness and the local GitHub
 * server, and the engine that answers a request from it. Every request and
 * every reply is validated against GitHub's OpenAPI description; a problem is
 * recorded (and answered with a 400, which Bellwether never retries) so that
 * `done()` fails the test with the operationId and JSON pointer.
 */
import type { Fault } from './faults.js';
import { operationByRoute, specVersion, validateRequest, validateResponse } from './openapi.js';

/** A mocked answer. `body` is sent as JSON unless it is a string. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What the harness saw of one request. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without query, as sent (percent-encoded). */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Parsed JSON body, the raw text when it is not JSON, undefined when empty. */
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
  /** `METHOD /template` of the matched operation, or `POST /graphql`. */
  route?: string;
  operationId?: string;
  /** Decoded path parameters. */
  params: Record<string, string>;
  /** Status sent back. */
  status?: number;
  /** Name of the fault applied, if any. */
  fault?: string;
  /** True when an expectation was consumed: GitHub did the work. */
  applied: boolean;
  readonly problems: string[];
}

/** One expected call. */
export interface Expectation {
  /** Path parameters that must match (others are free), compared as text. */
  readonly params?: Readonly<Record<string, string | number>>;
  /** Query parameters that must match (others are free), compared as text. */
  readonly query?: Readonly<Record<string, string | number | boolean>>;
  /** The body must contain this (deep subset), or satisfy the predicate. */
  readonly body?: unknown;
  readonly reply: Reply | ((request: RecordedRequest) => Reply);
  /** Calls this expectation answers; 1 unless told, `Infinity` for any number. */
  readonly times?: number;
}

/** What the transport (nock or node:http) sends. */
export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
  readonly delayMs: number;
}

interface Entry {
  readonly route: string;
  readonly expectation: Expectation;
  remaining: number;
}

interface FaultRule {
  readonly route: string;
  readonly fault: Fault;
  readonly params?: Readonly<Record<string, string | number>>;
  remaining: number;
}

const GRAPHQL_ROUTE = 'POST /graphql';

/** Expectations and faults, and the requests answered from them. */
export class GitHubExpectations {
  readonly requests: RecordedRequest[] = [];
  private readonly entries: Entry[] = [];
  private readonly faults: FaultRule[] = [];
  private readonly problemList: string[] = [];
  private served = 0;

  /** Expects a call of `route` (`METHOD /template` from GitHub's description, or `POST /graphql`). */
  expect(route: string, expectation: Expectation): this {
    if (route !== GRAPHQL_ROUTE) operationByRoute(route);
    this.entries.push({ route, expectation, remaining: expectation.times ?? 1 });
    return this;
  }

  /** Applies `fault` to the next `times` calls of `route` (with these path parameters, if given). */
  fault(
    route: string,
    f: Fault,
    options: { times?: number; params?: Readonly<Record<string, string | number>> } = {},
  ): this {
    if (route !== GRAPHQL_ROUTE) operationByRoute(route);
    this.faults.push({ route, fault: f, params: options.params, remaining: options.times ?? 1 });
    return this;
  }

  /** Every problem so far: invalid requests and replies, unexpected calls. */
  problems(): string[] {
    return [...this.problemList];
  }

  /** Expectations not yet consumed, as `route (n left)`. */
  pending(): string[] {
    return this.entries
      .filter((e) => e.remaining > 0 && e.remaining !== Infinity)
      .map((e) => `${e.route} (${e.remaining} left)`);
  }

  /** Throws unless every request and reply was valid and every expectation was consumed. */
  done(): void {
    const issues = [...this.problemList, ...this.pending().map((p) => `expected but not called: ${p}`)];
    if (issues.length) throw new Error(`GitHub harness (OpenAPI ${specVersion()}):\n- ${issues.join('\n- ')}`);
  }

  /** Requests whose work GitHub did (expectation consumed), optionally of one route. */
  applied(route?: string): RecordedRequest[] {
    return this.requests.filter((r) => r.applied && (!route || r.route === route));
  }

  /** Answers one request. */
  handle(method: string, url: URL, bodyText: string, headers: Record<string, string>): Answer {
    const body = parseBody(bodyText);
    const rec: RecordedRequest = {
      method: method.toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      headers,
      params: {},
      applied: false,
      problems: [],
    };
    this.requests.push(rec);
    if (rec.method === 'POST' && url.pathname.endsWith('/graphql')) {
      rec.route = GRAPHQL_ROUTE;
      rec.problems.push(...graphqlProblems(body));
    } else {
      const { match, errors } = validateRequest(rec.method, url, body);
      rec.problems.push(...errors);
      if (match) {
        rec.route = `${match.operation.method} ${match.operation.template}`;
        rec.operationId = match.operation.operationId;
        rec.params = match.params;
      }
    }
    if (rec.problems.length) return this.refuse(rec, 'invalid request');

    const rule = this.faults.find((f) => f.remaining > 0 && f.route === rec.route && subset(f.params, rec.params));
    if (rule && !rule.fault.afterWrite) {
      rule.remaining--;
      return this.faultAnswer(rec, rule.fault, undefined);
    }
    let entry: Entry | undefined;
    try {
      entry = this.entries.find((e) => e.remaining > 0 && e.route === rec.route && matches(e.expectation, rec));
    } catch (err) {
      rec.problems.push(`a body predicate for ${rec.route} threw: ${String(err)}`);
      return this.refuse(rec, 'harness error');
    }
    if (!entry)
      return this.refuse(
        rec,
        `unexpected call ${rec.method} ${rec.path}${url.search} (${rec.route ?? 'no route'}) body ${JSON.stringify(body)}`,
      );
    entry.remaining--;
    rec.applied = true;
    const { reply } = entry.expectation;
    let r: Reply;
    try {
      r = typeof reply === 'function' ? reply(rec) : reply;
    } catch (err) {
      rec.problems.push(`the reply function for ${rec.route} threw: ${String(err)}`);
      return this.refuse(rec, 'harness error');
    }
    const replyProblems =
      rec.route === GRAPHQL_ROUTE
        ? graphqlReplyProblems(r)
        : validateResponse(operationByRoute(rec.route ?? ''), r.status, r.body);
    if (replyProblems.length) {
      rec.problems.push(...replyProblems.map((p) => `mocked reply: ${p}`));
      return this.refuse(rec, 'invalid mocked reply');
    }
    if (rule) {
      rule.remaining--;
      return this.faultAnswer(rec, rule.fault, r);
    }
    rec.status = r.status;
    return { status: r.status, headers: this.headers(r.headers), text: bodyTextOf(r.body), delayMs: 0 };
  }

  private faultAnswer(rec: RecordedRequest, f: Fault, applied: Reply | undefined): Answer {
    rec.fault = f.name;
    if (f.malformed) {
      const status = applied?.status ?? 200;
      rec.status = status;
      return {
        status,
        headers: this.headers(applied?.headers),
        text: bodyTextOf(applied?.body ?? {}).slice(0, 12) || '{"trunc',
        delayMs: 0,
      };
    }
    const status = f.status ?? 500;
    rec.status = status;
    return { status, headers: this.headers(f.headers), text: bodyTextOf(f.body), delayMs: f.delayMs ?? 0 };
  }

  private refuse(rec: RecordedRequest, why: string): Answer {
    const text = `${why}: ${rec.problems.join('; ')}`;
    this.problemList.push(rec.problems.length ? rec.problems.join('\n  ') : why);
    rec.status = 400;
    return {
      status: 400,
      headers: this.headers(),
      text: JSON.stringify({ message: `Bellwether test harness: ${text}` }),
      delayMs: 0,
    };
  }

  /** JSON content type and a plausible rate-limit budget, under the reply's own headers. */
  private headers(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    this.served++;
    return {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': '1000',
      'x-ratelimit-remaining': String(Math.max(0, 1000 - this.served)),
      'x-ratelimit-used': String(this.served),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
      ...extra,
    };
  }
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function bodyTextOf(body: unknown): string {
  if (body === undefined) return '';
  return typeof body === 'string' ? body : JSON.stringify(body);
}

function matches(e: Expectation, rec: RecordedRequest): boolean {
  if (!subset(e.params, rec.params)) return false;
  if (!subset(e.query, rec.query)) return false;
  if (e.body === undefined) return true;
  if (typeof e.body === 'function') return Boolean((e.body as (b: unknown) => unknown)(rec.body));
  return deepSubset(e.body, rec.body);
}

function subset(want: Readonly<Record<string, unknown>> | undefined, got: Readonly<Record<string, unknown>>): boolean {
  return !want || Object.entries(want).every(([k, v]) => got[k] !== undefined && String(got[k]) === String(v));
}

/** True when every field of `want` is in `got` with the same value (arrays compared whole). */
export function deepSubset(want: unknown, got: unknown): boolean {
  if (want === null || typeof want !== 'object') return Object.is(want, got);
  if (Array.isArray(want))
    return Array.isArray(got) && want.length === got.length && want.every((w, i) => deepSubset(w, got[i]));
  if (got === null || typeof got !== 'object') return false;
  return Object.entries(want).every(([k, v]) => deepSubset(v, (got as Record<string, unknown>)[k]));
}

/** GraphQL is outside the REST description: check the envelope GitHub accepts. */
function graphqlProblems(body: unknown): string[] {
  if (!body || typeof body !== 'object') return ['graphql: request body / must be an object'];
  const b = body as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof b['query'] !== 'string') problems.push('graphql: request body /query must be a string');
  if (b['variables'] !== undefined && (typeof b['variables'] !== 'object' || b['variables'] === null))
    problems.push('graphql: request body /variables must be an object');
  for (const k of Object.keys(b))
    if (!['query', 'variables', 'operationName'].includes(k))
      problems.push(`graphql: request body / must NOT have additional properties (${k})`);
  return problems;
}

function graphqlReplyProblems(r: Reply): string[] {
  const b = r.body as Record<string, unknown> | undefined;
  if (r.status !== 200) return [];
  if (!b || typeof b !== 'object' || (!('data' in b) && !('errors' in b)))
    return ['graphql: response 200 body / must have data or errors'];
  return [];
}
