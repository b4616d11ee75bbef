import { describe, expect, it } from 'vitest';
import type { MetricsProvider, QueryResult } from '../../src/metrics/provider.js';
import { checkRegionHealth, type HealthPolicy } from '../../src/waves/health.js';

const SCOPE = { service: 'checkout', environment: 'production', region: 'eu-west-1', version: '1.42.0' };
const WINDOW = { from: new Date('2026-11-22T09:00:00Z'), to: new Date('2026-11-22T09:30:00Z') };

/** A provider whose every query waits forever, as a server that accepts connections and never answers. */
const silent: MetricsProvider = {
  type: 'prometheus',
  queryRange: () => new Promise<QueryResult>(() => {}),
  queryInstant: () => new Promise<QueryResult>(() => {}),
};

describe('checkRegionHealth', () => {
  it('holds at its metrics deadline when the server never answers, and says so', async () => {
    const health: HealthPolicy = {
      provider: 'prometheus',
      watch: 600_000,
      metricsDeadline: 1_000,
      checks: [{ name: 'error-rate', query: 'errors{region="{{region}}"}', max: 0.5 }],
    };
    const verdict = await checkRegionHealth(health, SCOPE, WINDOW, silent);
    expect(verdict.verdict).toBe('unknown');
    expect(verdict.reason).toContain('not measured: the metrics deadline of 1 s passed before an answer');
    expect(verdict.reason).toContain('holding');
  });
});
