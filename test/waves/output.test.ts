import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/runtime/clock.js';
import { ConfigurationError } from '../../src/runtime/errors.js';
import { decideWaveStep } from '../../src/waves/decide.js';
import { dueAtPlanTime, matrixOf, matrixOfStep, planOutputs, stepOutputs } from '../../src/waves/matrix.js';
import { wavesPlanCommand } from '../../src/cli/waves-plan-command.js';
import { planWaves } from '../../src/waves/planner.js';
import { ganttChart, renderPlanMarkdown } from '../../src/waves/render-markdown.js';
import { renderPlanText } from '../../src/waves/render-text.js';
import type { WavesPlan } from '../../src/waves/types.js';
import { ALWAYS, SIX_REGIONS, wavesPolicy } from './helpers.js';
import { nodeFiles } from '../../src/runtime/files.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'six-regions.yml');
const THURSDAY = '2026-11-19T13:00:00+01:00';

describe('matrix', () => {
  const policy = wavesPolicy({
    waves: [{ name: 'pilot', regions: ['eu-west-1', 'us-east-1', 'us-west-2'], maxParallel: 2 }],
    windows: ALWAYS,
    environment: '{environment}/{region}',
  });
  const plan = planWaves(
    { policy },
    { service: 'checkout', version: '2.4.0', environment: 'production' },
    new Date('2026-11-23T10:00:00Z'),
  );

  it('lists the regions due when the plan is made, each with its environment', () => {
    expect(matrixOf(plan, dueAtPlanTime(plan))).toEqual({
      include: [
        {
          region: 'eu-west-1',
          environment: 'production/eu-west-1',
          wave: 1,
          waveName: 'pilot',
          canary: true,
          service: 'checkout',
          version: '2.4.0',
        },
        {
          region: 'us-east-1',
          environment: 'production/us-east-1',
          wave: 1,
          waveName: 'pilot',
          canary: true,
          service: 'checkout',
          version: '2.4.0',
        },
      ],
    });
  });

  it('is the regions a start step names, and empty for any other step', () => {
    const settings = { policy };
    const start = decideWaveStep({ settings, plan, states: {}, now: new Date('2026-11-23T10:00:00Z') });
    expect(matrixOfStep(plan, start).include.map((e) => e.environment)).toEqual([
      'production/eu-west-1',
      'production/us-east-1',
    ]);
    const wait = decideWaveStep({
      settings,
      plan,
      states: { 'eu-west-1': { status: 'deploying' }, 'us-east-1': { status: 'deploying' } },
      now: new Date('2026-11-23T10:05:00Z'),
    });
    expect(wait.kind).toBe('wait');
    expect(matrixOfStep(plan, wait)).toEqual({ include: [] });
  });
});

describe('action outputs', () => {
  const settings = { policy: wavesPolicy({ timeZone: 'Europe/Berlin', waves: SIX_REGIONS }) };
  it('a plan made inside the window: the pilot now, wave 2 next', () => {
    const plan = planWaves(settings, {}, new Date('2026-11-20T14:30:00Z'));
    const out = planOutputs(plan);
    expect(out.matrix.include.map((e) => e.region)).toEqual(['eu-west-1']);
    expect(out.wave).toBe(1);
    expect(out.nextStart).toBe('2026-11-23T08:00:00Z');
  });
  it('a plan made on a Saturday: nothing due, the pilot on Monday', () => {
    const plan = planWaves(settings, {}, new Date('2026-11-21T10:00:00Z'));
    expect(planOutputs(plan)).toEqual({ matrix: { include: [] }, wave: 1, nextStart: '2026-11-23T08:00:00Z' });
  });
  it('a wait step names when to look again', () => {
    const plan = planWaves(settings, {}, new Date('2026-11-20T14:30:00Z'));
    const step = decideWaveStep({
      settings,
      plan,
      states: { 'eu-west-1': { status: 'healthy', health: 'pass', since: '2026-11-20T15:30:00Z' } },
      now: new Date('2026-11-20T16:00:00Z'),
    });
    expect(stepOutputs(plan, step)).toEqual({ matrix: { include: [] }, wave: 1, nextStart: '2026-11-20T16:30:00Z' });
  });
});

describe('renderers', () => {
  const settings = { policy: wavesPolicy({ timeZone: 'Europe/Berlin', waves: SIX_REGIONS }) };
  const plan: WavesPlan = planWaves(
    settings,
    { service: 'checkout', version: '2.4.0' },
    new Date('2026-11-20T14:30:00Z'),
  );

  it('text: a table per wave with local and UTC times, and the reason for the weekend wait', () => {
    const text = renderPlanText(plan);
    expect(text).toContain('Waves plan for checkout 2.4.0');
    expect(text).toContain('Wave 2: one (full traffic, at most 1 at once, bake 1h)');
    const row = text.split('\n').find((l) => l.includes('production/us-east-2'));
    expect(row).toMatch(
      /^\s+1\s+us-east-2\s+production\/us-east-2\s+Mon 2026-11-23 09:00 GMT\+1\s+Mon 2026-11-23 08:00Z\s+Mon 2026-11-23 08:30Z$/,
    );
    expect(text).toContain(
      'waits: us-east-2: outside the start windows (mon-fri 09:00-17:00 Europe/Berlin); the next opens 2026-11-23 09:00 GMT+1',
    );
    expect(text).toContain('done by Mon 2026-11-23 13:30 GMT+1 (Mon 2026-11-23 12:30Z)');
  });

  it('a plan in UTC says each time once: no "UTC and UTC", no second column of the same times', () => {
    const utcPlan = planWaves(
      { policy: wavesPolicy({ timeZone: 'UTC', waves: SIX_REGIONS }) },
      { service: 'checkout', version: '2.4.0' },
      new Date('2026-11-20T14:30:00Z'),
    );
    const text = renderPlanText(utcPlan);
    expect(text).not.toContain('UTC and UTC');
    expect(text).toContain('planned at Fri 2026-11-20 14:30Z; times in UTC');
    const header = text.split('\n').find((l) => l.includes('batch'))!;
    expect(header.trim().split(/\s{2,}/)).toEqual([
      'batch',
      'region',
      'environment',
      'start (UTC)',
      'healthy by (UTC)',
    ]);
    expect(text).toMatch(/done by \w{3} \d{4}-\d\d-\d\d \d\d:\d\dZ if every region is healthy/);
    const md = renderPlanMarkdown(utcPlan);
    expect(md).toContain('| wave | batch | region | environment | start (UTC) | bake until (UTC) |');
    expect(md).not.toMatch(/\(\w{3} \d{4}-\d\d-\d\d \d\d:\d\dZ\)/);
  });

  it('markdown: a row per region, the waits, and a gantt chart in UTC', () => {
    const md = renderPlanMarkdown(plan);
    expect(md).toContain(
      '| 2 one | 1 | `us-east-2` | `production/us-east-2` | Mon 2026-11-23 09:00 GMT+1 | Mon 2026-11-23 08:00Z | Mon 2026-11-23 10:30 GMT+1 (1h) |',
    );
    expect(md).toContain('- wave 2 us-east-2: outside the start windows');
    expect(ganttChart(plan)).toEqual([
      '```mermaid',
      'gantt',
      '    title checkout 2.4.0 (UTC)',
      '    dateFormat YYYY-MM-DD HH:mm',
      '    axisFormat %a %H:%M',
      '    section 1 pilot',
      '    eu-west-1 :w1r1, 2026-11-20 14:30, 90m',
      '    bake 1h :active, w1bake, 2026-11-20 16:00, 60m',
      '    section 2 one',
      '    us-east-2 :w2r1, 2026-11-23 08:00, 30m',
      '    bake 1h :active, w2bake, 2026-11-23 08:30, 60m',
      '    section 3 two',
      '    us-east-1 :w3r1, 2026-11-23 09:30, 30m',
      '    us-west-2 :w3r2, 2026-11-23 09:30, 30m',
      '    bake 1h :active, w3bake, 2026-11-23 10:00, 60m',
      '    section 4 rest',
      '    eu-central-1 :w4r1, 2026-11-23 11:00, 30m',
      '    ap-northeast-1 :w4r2, 2026-11-23 11:00, 30m',
      '    bake 1h :active, w4bake, 2026-11-23 11:30, 60m',
      '```',
    ]);
  });

  it('markdown: user text cannot break the table or the chart', () => {
    const odd = planWaves(
      { policy: wavesPolicy({ waves: [{ name: 'a|b: c#', regions: ['r|1'] }], windows: ALWAYS }) },
      { service: 'x*y' },
      new Date('2026-11-23T10:00:00Z'),
    );
    const md = renderPlanMarkdown(odd);
    expect(md).toContain('| 1 a\\|b: c# (canary) | 1 | `r\\|1` |');
    expect(md).toContain('    section 1 a|b c');
    expect(md).toContain('### Waves plan for x\\*y');
  });
});

describe('wavesPlanCommand', () => {
  it('plans the fixture policy from --at and shows the plan as text', async () => {
    const out = await wavesPlanCommand({
      policy: FIXTURE,
      at: THURSDAY,
      format: 'text',
      service: 'checkout',
      version: '2.4.0',
    });
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('planned at Thu 2026-11-19 13:00 GMT+1 (Thu 2026-11-19 12:00Z)');
    // Friday's window closes at 12:00; us-west-2 may start at 07:00 in Los Angeles, 16:00 in Berlin: Monday.
    expect(out.stdout).toMatch(/us-west-2\s+production\/us-west-2\s+Mon 2026-11-23 16:00 GMT\+1/);
    expect(out.stdout.endsWith('due now: eu-west-1')).toBe(true);
  });

  it('prints JSON with the plan and the matrix of the regions due now', async () => {
    const out = await wavesPlanCommand({ policy: FIXTURE, at: THURSDAY, format: 'json' });
    const json = JSON.parse(out.stdout) as {
      plan: WavesPlan;
      matrix: { include: { region: string; environment: string }[] };
      wave: number;
      nextStart: string;
    };
    expect(json.plan.waves.map((w) => w.name)).toEqual(['pilot', 'one', 'two', 'rest']);
    expect(json.plan.onLaterWaveFailure).toBe('rollback');
    expect(json.matrix.include).toEqual([
      expect.objectContaining({ region: 'eu-west-1', environment: 'production/eu-west-1', wave: 1 }),
    ]);
    expect(json.wave).toBe(1);
    expect(json.nextStart).toBe('2026-11-19T14:30:00Z');
  });

  it('uses the clock when no --at is given, and the estimates it is told', async () => {
    const clock = new ManualClock('2026-11-19T12:00:00Z');
    const out = await wavesPlanCommand(
      { policy: FIXTURE, format: 'json', deployTime: '10m', canaryTime: '0s' },
      { clock, files: nodeFiles },
    );
    const { plan } = JSON.parse(out.stdout) as { plan: WavesPlan };
    expect(plan.plannedAt).toBe('2026-11-19T12:00:00Z');
    expect(plan.waves[0]?.healthyBy.at).toBe('2026-11-19T12:10:00Z');
  });

  it('markdown carries the gantt chart', async () => {
    const out = await wavesPlanCommand({ policy: FIXTURE, at: THURSDAY, format: 'markdown' });
    expect(out.stdout).toContain('```mermaid\ngantt');
  });

  it.each([
    [
      { format: 'text' as const },
      /--policy: no waves policy in .*\.github\/bellwether: write one there or name it with --policy/,
    ],
    [
      { policy: FIXTURE, at: '2026-11-19 13:00', format: 'text' as const },
      /--at: expected an RFC 3339 time with its zone/,
    ],
    [{ policy: FIXTURE, deployTime: '10', format: 'text' as const }, /--deploy-time: expected a duration/],
    [{ policy: FIXTURE, regions: ['mars-1'], format: 'text' as const }, /mars-1.*in no wave/],
  ])('refuses %j with a configuration error', async (args, message) => {
    const run = wavesPlanCommand(args, { clock: new ManualClock('2026-11-19T12:00:00Z'), files: nodeFiles });
    await expect(run).rejects.toThrow(ConfigurationError);
    await expect(run).rejects.toThrow(message);
  });

  it('names file, line and field for a bad policy', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bellwether-waves-'));
    const file = join(dir, 'waves.yml');
    await writeFile(file, 'kind: waves\nwaves:\n  - name: pilot\n    regions: [eu-west-1]\n    bakeTime: soon\n');
    await expect(wavesPlanCommand({ policy: file, format: 'text' })).rejects.toThrow(
      `${file}:5: waves[0].bakeTime: expected a duration`,
    );
  });
});

describe('wavesPlanCommand --holidays', () => {
  const HOLIDAYS = join(import.meta.dirname, 'fixtures', 'us-holidays.yml');
  it('a US holiday moves the US regions to the next open window', async () => {
    // Wednesday 25 November: wave 3 would start on Thursday, Thanksgiving in New York.
    const at = '2026-11-25T14:00:00+01:00';
    const without = JSON.parse((await wavesPlanCommand({ policy: FIXTURE, at, format: 'json' })).stdout) as {
      plan: WavesPlan;
    };
    const withCalendar = JSON.parse(
      (await wavesPlanCommand({ policy: FIXTURE, at, format: 'json', holidays: [HOLIDAYS] })).stdout,
    ) as { plan: WavesPlan };
    const startOf = (plan: WavesPlan, region: string) =>
      plan.waves.flatMap((w) => w.regions).find((r) => r.region === region)?.start;
    expect(startOf(without.plan, 'us-east-1')?.at).toBe('2026-11-26T08:00:00Z');
    // Friday 09:00 Berlin is 03:00 in New York: no longer Thanksgiving there.
    expect(startOf(withCalendar.plan, 'us-east-1')?.at).toBe('2026-11-27T08:00:00Z');
    expect(startOf(withCalendar.plan, 'us-east-1')?.why.map((r) => r.detail)).toContainEqual(
      expect.stringContaining('holiday in the us calendar (Thanksgiving Day)'),
    );
  });

  it.each([
    [
      'name: us\nregions: [us-east-9]\nholidays: []\n',
      /calendar\.yml:2: regions\[0\]: unknown region "us-east-9": it is in no wave of the policy; did you mean "us-east-2"/,
    ],
    [
      'name: us\nholidays:\n  - { date: 2026-02-30, name: x }\n',
      /calendar\.yml:3: holidays\[0\]\.date: expected a date/,
    ],
  ])('refuses a bad calendar file %#', async (body, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'bellwether-holidays-'));
    const file = join(dir, 'calendar.yml');
    await writeFile(file, body);
    await expect(wavesPlanCommand({ policy: FIXTURE, at: THURSDAY, format: 'text', holidays: [file] })).rejects.toThrow(
      message,
    );
  });
});
