/**
 * A metrics server that copies the request's credentials into its answer
 * (in a JSON error, a plain-text 401, an HTML error page, or a network
 * error's message) must not be able to put them into a reason: reasons are
 * committed to manifests and posted to pull requests. These hold the first
 * line of defence, in the providers' HTTP exchange, with nothing registered
 * for the process.
 */
import { describe, expect, it } from 'vitest';
import { DatadogProvider } from '../../src/metrics/datadog.js';
import { ERROR_EXCERPT } from '../../src/metrics/http.js';
import { PrometheusProvider, type PrometheusAuth } from '../../src/metrics/prometheus.js';

const TOKEN = 'prom-bearer-7f3a9c2e1d';
const PASSWORD = 'basic-pass-4b8e6a0f5c';
const HEADER = 'header-key-9d1c3e7b2a';
const API_KEY = 'dd-api-2e5f8a1c4b9d';
const APP_KEY = 'dd-app-6c0b3d9e7f2a';
const ALL = [TOKEN, PASSWORD, HEADER, API_KEY, APP_KEY, Buffer.from(`grafana:${PASSWORD}`).toString('base64')];

type Shape = 'json' | 'text-401' | 'html' | 'datadog-403' | 'datadog-error' | 'throws';

/** A fetch whose answer (or failure) repeats every header it was sent. */
function echoing(shape: Shape): typeof fetch {
  return (async (_url: string | URL | Request, init?: RequestInit) => {
    const headers = Object.entries((init?.headers ?? {}) as Record<string, string>)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ');
    switch (shape) {
      case 'json':
        return new Response(
          JSON.stringify({ status: 'error', errorType: 'bad_data', error: `bad request, headers ${headers}` }),
          { status: 400 },
        );
      case 'text-401':
        return new Response(`unauthorized: ${headers}`, { status: 401 });
      case 'html':
        return new Response(`<html><head><title>502 ${headers}</title></head></html>`, {
          status: 502,
          headers: { 'content-type': 'text/html' },
        });
      case 'datadog-403':
        return new Response(JSON.stringify({ errors: [`Forbidden for ${headers}`] }), { status: 403 });
      case 'datadog-error':
        return new Response(JSON.stringify({ status: 'error', error: `cannot run with ${headers}` }), { status: 200 });
      case 'throws':
        throw new TypeError(`Headers.append: "${headers}" is an invalid header value.`);
    }
  }) as typeof fetch;
}

const deps = (shape: Shape) => ({ fetch: echoing(shape), sleep: async () => {} });
const retry = { retries: 0, baseDelayMs: 1, maxDelayMs: 1 };
const AUTHS: Array<[string, PrometheusAuth]> = [
  ['bearer', { type: 'bearer', token: TOKEN }],
  ['basic', { type: 'basic', username: 'grafana', password: PASSWORD }],
  ['header', { type: 'header', name: 'X-Api-Key', value: HEADER }],
];

function reasonOf(r: { ok: boolean; reason?: string }): string {
  expect(r.ok).toBe(false);
  return r.reason ?? '';
}

describe('credentials echoed by a metrics server', () => {
  for (const [name, auth] of AUTHS) {
    for (const shape of ['json', 'text-401', 'html', 'throws'] as const) {
      it(`never reach a Prometheus reason (${name} auth, ${shape} answer)`, async () => {
        const p = new PrometheusProvider({ url: 'http://prom.test', auth, retry }, deps(shape));
        const reason = reasonOf(await p.queryInstant({ query: 'up', time: new Date(0) }));
        for (const s of ALL) expect(reason).not.toContain(s);
        expect(reason).toContain('***');
      });
    }
  }

  for (const shape of ['datadog-403', 'datadog-error', 'throws'] as const) {
    it(`never reach a Datadog reason (${shape})`, async () => {
      const p = new DatadogProvider({ site: 'datadoghq.com', apiKey: API_KEY, appKey: APP_KEY, retry }, deps(shape));
      const reason = reasonOf(await p.queryRange({ query: 'avg:x{*}', start: new Date(0), end: new Date(60_000) }));
      for (const s of ALL) expect(reason).not.toContain(s);
      expect(reason).toContain('***');
    });
  }

  it("keeps only a short excerpt of the server's own message", async () => {
    const long = 'x'.repeat(5_000);
    const fetchFn = (async () =>
      new Response(JSON.stringify({ status: 'error', errorType: 'execution', error: long }), {
        status: 422,
      })) as typeof fetch;
    const p = new PrometheusProvider({ url: 'http://prom.test', retry }, { fetch: fetchFn, sleep: async () => {} });
    const reason = reasonOf(await p.queryInstant({ query: 'up', time: new Date(0) }));
    expect(reason).toContain('the query failed while running (HTTP 422, execution)');
    expect(reason.length).toBeLessThan(ERROR_EXCERPT + 120);
  });
});
