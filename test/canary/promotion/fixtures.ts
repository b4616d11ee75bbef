import type { ReleaseManifest } from '../../../src/gitops/manifest.js';
import type { Facts, PromotionPolicy } from '../../../src/canary/promotion/model.js';

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
