/**
 * A workspace for the bundled actions that read error budgets: the checkout
 * SLO, a freeze policy, and a replay recording in which checkout fails
 * `badRate` of its 10 requests a second, every day of the month before `AT`
 * (0.01 spends exactly the 0.1% its 99.9% objective allows).
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { serializeRecording } from '../../src/metrics/recording.js';
import type { RecordedAnswer } from '../../src/metrics/recording.js';

/** The time the recording ends at, which the actions are asked to evaluate at (or run from). */
export const AT = '2026-11-22T09:30:00Z';
const SLO = join(import.meta.dirname, '../fixtures/freeze/checkout-availability.yaml');
const BAD = 'sum(rate(http_requests_total{job="checkout",code=~"5.."}[{{.window}}]))';
const TOTAL = 'sum(rate(http_requests_total{job="checkout"}[{{.window}}]))';
const WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'];
const DAY = 86_400;

export interface FreezeWorkspaceOptions {
  /** Text of the freeze policy. */
  readonly policy: string;
  /** Where the freeze policy goes in the workspace; `freeze.yml` by default. */
  readonly policyPath?: string;
  /** Name of the replay provider in `metrics.yml`; `recorded` by default. */
  readonly provider?: string;
}

/** The workspace: `checkout.yaml`, the freeze policy, `metrics.yml` and `recording.json`. */
export function freezeWorkspace(badRate: number, options: FreezeWorkspaceOptions): string {
  const dir = mkdtempSync(join(tmpdir(), 'bw-freeze-ws-'));
  copyFileSync(SLO, join(dir, 'checkout.yaml'));
  const policyPath = join(dir, options.policyPath ?? 'freeze.yml');
  mkdirSync(dirname(policyPath), { recursive: true });
  writeFileSync(policyPath, options.policy);
  writeFileSync(
    join(dir, 'metrics.yml'),
    `providers:\n  ${options.provider ?? 'recorded'}:\n    type: replay\n    file: recording.json\n`,
  );
  const at = Date.parse(AT) / 1000;
  const points = (v: number) => Array.from({ length: 32 }, (_, k) => ({ t: at - (31 - k) * DAY, v }));
  const entries: RecordedAnswer[] = WINDOWS.flatMap((w) =>
    [
      [BAD, badRate],
      [TOTAL, 10],
    ].map(([template, v]) => {
      const query = String(template).replace('{{.window}}', w);
      return {
        query,
        start: new Date((at - 32 * DAY) * 1000),
        end: new Date((at + 3600) * 1000),
        stepSeconds: DAY,
        result: { ok: true as const, query, warnings: [], series: [{ labels: {}, points: points(Number(v)) }] },
      };
    }),
  );
  writeFileSync(
    join(dir, 'recording.json'),
    serializeRecording({ recordedAt: new Date(AT), source: { name: 'prometheus', type: 'prometheus' }, entries }),
  );
  return dir;
}
