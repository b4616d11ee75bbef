import type { ReleaseManifest } from '../../../src/gitops/manifest.js';
import type { Facts, PromotionPolicy } from '../../../src/canary/promotion/model.js';
import { seededRandom } from '../../../src/runtime/random.js';
import type { HistorySeries } from '../../helpers/prometheus.js';

export const MIN = 60_000;

export const policy: PromotionPolicy = {
  stages: [
    { weight: 1, soakTime: 15 * MIN, approval: 'none' },
    { weight: 5, soakTime: 15 * MIN, approval: 'none' },
    { weight: 25, soakTime: 15 * MIN, approval: 'none' },
    { weight: 100, soakTime: 15 * MIN, approval: 'none' },
  ],
  interval: 5 * MIN,
  lookback: 15 * MIN,
  marginal: 'hold',
  maxFailedIntervals: 0,
  approvers: { users: [], teams: [] },
  approvalMethod: 'status',
  irreversible: 'roll-forward',
};

export const T0 = new Date('2026-11-22T10:00:00Z');
export const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);

export const allow = { allow: true, reason: 'no freeze' };

export function facts(minutes: number, extra: Partial<Facts> = {}): Facts {
  return { now: at(minutes), freeze: allow, quarantine: allow, ...extra };
}

export const stableManifest: ReleaseManifest = {
  service: 'checkout',
  environment: 'production',
  region: 'us-east-1',
  stable: { version: '1.41.0' },
  canary: { version: null, weight: 0 },
  previous: [],
};

export const MANIFEST_TEXT = `# Release manifest of checkout in production, us-east-1.
service: checkout
environment: production
region: us-east-1
stable:
  version: 1.41.0
canary:
  version: null
  weight: 0
`;

/** A four-stage canary policy of ten-minute soaks judged every five minutes on latency and server errors. */
export function fourStagePolicy(provider?: string): string {
  return `kind: canary
services: [checkout]
stages:
  - { weight: 1, soakTime: 10m }
  - { weight: 5, soakTime: 10m }
  - { weight: 25, soakTime: 10m }
  - { weight: 100, soakTime: 10m }
analysis:
  interval: 5m
  lookback: 10m
  judge:
    metrics:
      - name: latency-p99
        query: 'latency_p99_seconds{service="{{service}}",region="{{region}}",version="{{version}}"}'
        direction: increase
      - name: server-errors
        query: 'server_errors_per_second{service="{{service}}",region="{{region}}",version="{{version}}"}'
        direction: increase
${provider ? `provider: ${provider}\n` : ''}`;
}

/**
 * Latency and errors of one version of checkout in us-east-1, every `step`
 * seconds over [start, end]; from `regressFrom` (epoch seconds) on, the
 * latency doubles.
 */
export function checkoutHistory(
  version: string,
  seed: number,
  window: { start: number; end: number; step: number },
  regressFrom = Infinity,
): HistorySeries[] {
  const rnd = seededRandom(seed);
  const labels = { service: 'checkout', region: 'us-east-1', version };
  const latency: Array<[number, number]> = [];
  const errors: Array<[number, number]> = [];
  for (let t = window.start; t <= window.end; t += window.step) {
    latency.push([t, Number((0.12 * (t >= regressFrom ? 2 : 1) * (0.85 + 0.3 * rnd())).toFixed(4))]);
    errors.push([t, Math.round(rnd() * 6) / 10]);
  }
  return [
    { name: 'latency_p99_seconds', type: 'gauge', labels, samples: latency },
    { name: 'server_errors_per_second', type: 'gauge', labels, samples: errors },
  ];
}
