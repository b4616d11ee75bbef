/**
 * A waves policy schedules each region on its own wall clock and carries its
 * holiday calendars, through `bellwether waves plan` as a user runs it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../helpers/cli-process.js';

const POLICY = `kind: waves
waves:
  - name: pilot
    regions: [ap-northeast-1]
  - name: main
    regions: [us-east-1]
regionTimeZones:
  ap-northeast-1: Asia/Tokyo
calendars:
  - name: japan
    regions: [ap-northeast-1]
    holidays:
      - { date: 2026-12-08, name: Company Day }
`;

function policy(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bw-waves-schedules-')), 'waves.yml');
  writeFileSync(path, text);
  return path;
}

interface PlannedRegion {
  region: string;
  start: { at: string; why: Array<{ kind: string; detail: string }> };
}

async function plan(at: string): Promise<Record<string, PlannedRegion>> {
  const run = await runCliProcess(['waves', 'plan', '--policy', policy(POLICY), '--at', at, '--format', 'json']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const regions = (
    JSON.parse(run.stdout) as { plan: { waves: Array<{ regions: PlannedRegion[] }> } }
  ).plan.waves.flatMap((w) => w.regions);
  return Object.fromEntries(regions.map((r) => [r.region, r]));
}

describe('waves policy: per-region time zones and holiday calendars', () => {
  it("reads the start windows on each region's own clock", async () => {
    // Monday 01:00 UTC is 10:00 in Tokyo: inside weekdays 09:00-17:00 there, hours before them in UTC.
    const regions = await plan('2026-12-07T01:00:00Z');
    expect(regions['ap-northeast-1']?.start.at).toBe('2026-12-07T01:00:00Z');
    expect(regions['us-east-1']?.start.at).toBe('2026-12-07T09:00:00Z');
  });

  it("keeps the policy's holiday calendar, in the region's zone, and says which holiday moved the start", async () => {
    const regions = await plan('2026-12-08T01:00:00Z');
    const tokyo = regions['ap-northeast-1'];
    expect(tokyo?.start.at).toBe('2026-12-09T00:00:00Z');
    expect(tokyo?.start.why.map((w) => w.detail).join('\n')).toContain(
      '2026-12-08 is a holiday in the japan calendar (Company Day) in Asia/Tokyo',
    );
  });

  it('names the file, line and field of a region that is in no wave', async () => {
    const run = await runCliProcess([
      'waves',
      'plan',
      '--policy',
      policy(
        `${POLICY}earliestStart:\n  us-east-1: { time: "10:00" }\n`.replace(
          'ap-northeast-1: Asia/Tokyo',
          'ap-northeast1: Asia/Tokyo',
        ),
      ),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /waves\.yml:8: regionTimeZones\.ap-northeast1: unknown region "ap-northeast1": it is in no wave; did you mean "ap-northeast-1"\?/,
    );
    const calendar = await runCliProcess([
      'waves',
      'plan',
      '--policy',
      policy(POLICY.replace('regions: [ap-northeast-1]\n    holidays', 'regions: [ap-northeast-2]\n    holidays')),
    ]);
    expect(calendar.code).toBe(2);
    expect(calendar.stderr).toMatch(/waves\.yml:\d+: calendars\[0\]\.regions\[0\]: unknown region "ap-northeast-2"/);
  });
});
