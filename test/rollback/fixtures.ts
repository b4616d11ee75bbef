/**
 * What the rollback tests share: the test clock's start, and the rollback a
 * failed canary verdict asks for in production.
 */
import type { RollbackInputs } from '../../src/rollback/run.js';

export const T0 = new Date('2026-11-22T12:00:00Z');

/** The failed canary's rollback of checkout in two regions. */
export const VERDICT_ROLLBACK: RollbackInputs = {
  service: 'checkout',
  environment: 'production',
  regions: ['us-east-1', 'eu-west-1'],
  reason: 'canary verdict Fail: latency p99 High',
  actor: 'bellwether',
  trigger: 'verdict',
  links: [{ label: 'failed run', url: 'https://github.com/acme/shop/actions/runs/7' }],
  manifests: 'deploy',
};

/** The evidence table the canary hands over with it. */
export const VERDICT_EVIDENCE = '| metric | state |\n| --- | --- |\n| latency p99 | High |';
