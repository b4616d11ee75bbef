import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  budgetState,
  countsFrom,
  evaluateAlert,
  type AlertEvaluation,
  type WindowMeasure,
} from '../../src/freeze/burn.js';
import { decideGate, judgeBreakGlass, tierFor, type SloStatus } from '../../src/freeze/gate.js';
import {
  defaultFreezeGatePolicy,
  freezeGatePolicySchema,
  type FreezeGatePolicy,
} from '../../src/policy/schemas/freeze-gate.js';
import { Rational } from '../../src/freeze/rational.js';
import { loadPolicyFile, parsePolicyText } from '../../src/policy/load.js';
import { nodeFiles } from '../../src/runtime/files.js';

const NOW = new Date('2026-11-18T10:00:00Z'); // a Wednesday
const t999 = Rational.fromWritten(0.999);
const policy = (extra: Record<string, unknown> = {}): FreezeGatePolicy =>
  freezeGatePolicySchema.parse({ kind: 'freeze', breakGlass: { users: ['alice'], teams: ['acme/sre'] }, ...extra });

/** An SLO at 99.9% that has spent `consumedPercent` of its budget, its page alert firing or not. */
function slo(
  consumedPercent: number,
  options: { paging?: boolean; pageNoData?: boolean; unknown?: boolean } = {},
): SloStatus {
  const budget = budgetState(countsFrom('bad', Rational.fromWritten(consumedPercent), Rational.of(100_000)), t999);
  const m = (errors: number): WindowMeasure => ({ ok: true, errors: Rational.of(errors), events: Rational.of(10_000) });
  const alert: AlertEvaluation = evaluateAlert(
    { longWindow: 3_600_000, shortWindow: 300_000, burnRate: 14.4, severity: 'page' },
    options.pageNoData ? { ok: false, reason: 'Prometheus answered 503' } : m(options.paging ? 500 : 1),
    m(options.paging ? 500 : 1),
    { target: t999, periodMs: 30 * 86_400_000, minimumEvents: 10 },
  );
  return options.unknown
    ? { name: 'api', budget: undefined, unavailable: 'connection refused', alerts: [] }
    : { name: 'api', budget, alerts: [alert] };
}

type Row = [string, SloStatus[], FreezeGatePolicy, Record<string, 'allow' | 'block'>];
const allow = { feature: 'allow', 'security-fix': 'allow', hotfix: 'allow', rollback: 'allow' } as const;
const featureBlocked = { ...allow, feature: 'block' } as const;

describe('decideGate', () => {
  it.each<Row>([
    ['a healthy budget allows everything', [slo(10)], policy(), allow],
    ['30% spent (notify) blocks nothing: the scheduled run tells the team', [slo(30)], policy(), allow],
    [
      '60% spent (consider-freeze) lets a feature through only from an approved pull request',
      [slo(60)],
      policy(),
      featureBlocked,
    ],
    ['80% spent (all-hands) lets only critical fixes through', [slo(80)], policy(), featureBlocked],
    ['just under 100% (all-hands) still blocks features only', [slo(99.999)], policy(), featureBlocked],
    [
      'a tier may block more than its action does',
      [slo(80)],
      policy({ budgetPolicy: [{ threshold: 75, action: 'all-hands', block: ['feature', 'hotfix'] }] }),
      { ...featureBlocked, hotfix: 'block' },
    ],
    [
      'a tier may block nothing',
      [slo(80)],
      policy({ budgetPolicy: [{ threshold: 75, action: 'all-hands', block: [] }] }),
      allow,
    ],
    [
      'a consider-freeze tier may ask no approval',
      [slo(60)],
      policy({ budgetPolicy: [{ threshold: 50, action: 'consider-freeze', needsApproval: [] }] }),
      allow,
    ],
    [
      'a notify tier may ask approval of hotfixes',
      [slo(30)],
      policy({ budgetPolicy: [{ threshold: 25, action: 'notify', needsApproval: ['hotfix'] }] }),
      { ...allow, hotfix: 'block' },
    ],
    [
      "a freeze tier's own block list replaces frozenChangeTypes",
      [slo(150)],
      policy({ budgetPolicy: [{ threshold: 100, action: 'freeze', block: ['feature', 'security-fix'] }] }),
      { ...featureBlocked, 'security-fix': 'block' },
    ],
    ['exactly 100% spent freezes features only', [slo(100)], policy(), featureBlocked],
    ['past the budget freezes features only', [slo(250)], policy(), featureBlocked],
    [
      'a policy may freeze hotfixes too',
      [slo(100)],
      policy({ frozenChangeTypes: ['feature', 'hotfix'] }),
      { ...featureBlocked, hotfix: 'block' },
    ],
    ['a firing page alert blocks features', [slo(5, { paging: true })], policy(), featureBlocked],
    [
      'a policy may let page alerts only notify',
      [slo(5, { paging: true })],
      policy({ onPageAlert: { block: [] } }),
      allow,
    ],
    ['unknown metrics block features by default', [slo(0, { unknown: true })], policy(), featureBlocked],
    ['a page alert without data counts as unknown metrics', [slo(0, { pageNoData: true })], policy(), featureBlocked],
    [
      'a policy may let features through without metrics',
      [slo(0, { unknown: true })],
      policy({ onMetricsUnavailable: { block: [] } }),
      allow,
    ],
    [
      'a policy may block everything but rollbacks without metrics',
      [slo(0, { unknown: true })],
      policy({ onMetricsUnavailable: { block: ['feature', 'security-fix', 'hotfix'] } }),
      { feature: 'block', 'security-fix': 'block', hotfix: 'block', rollback: 'allow' },
    ],
    [
      'a calendar freeze blocks what it lists',
      [slo(0)],
      policy({
        calendarFreezes: [
          { name: 'wednesdays', timeZone: 'UTC', weekly: { days: ['wed'] }, block: ['feature', 'hotfix'] },
        ],
      }),
      { ...featureBlocked, hotfix: 'block' },
    ],
    [
      'a calendar freeze elsewhere in the week does not',
      [slo(0)],
      policy({ calendarFreezes: [{ name: 'fridays', timeZone: 'UTC', weekly: { days: ['fri'] } }] }),
      allow,
    ],
    ['any of several SLOs can freeze', [slo(0), { ...slo(120), name: 'search' }], policy(), featureBlocked],
  ])('%s', (_name, slos, p, expected) => {
    const decision = decideGate(p, slos, NOW);
    expect(Object.fromEntries(Object.entries(decision.changes).map(([k, v]) => [k, v.verdict]))).toEqual(expected);
  });

  it('never blocks a rollback, whatever holds', () => {
    const p = policy({
      onMetricsUnavailable: { block: ['feature', 'security-fix', 'hotfix'] },
      frozenChangeTypes: ['feature', 'security-fix', 'hotfix'],
      calendarFreezes: [
        {
          name: 'always',
          timeZone: 'UTC',
          weekly: { days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
          block: ['feature', 'security-fix', 'hotfix'],
        },
      ],
    });
    const d = decideGate(p, [slo(500, { paging: true }), slo(0, { unknown: true })], NOW);
    expect(d.changes.rollback).toEqual({ verdict: 'allow', reason: 'rollbacks are never blocked', blockedBy: [] });
    expect(d.changes.feature.verdict).toBe('block');
  });

  it('carries what was measured, the threshold and the reason', () => {
    const d = decideGate(policy(), [slo(100)], NOW);
    expect(d.tiers).toEqual([{ slo: 'api', action: 'freeze', threshold: 100, consumedPercent: 100 }]);
    expect(d.changes.feature.blockedBy).toEqual([
      {
        rule: 'budget-tier',
        slo: 'api',
        measured: '100% of the error budget spent',
        threshold: '100%',
        reason: 'api has spent 100% of its error budget, at or past the 100% tier (freeze)',
        summary: 'api in tier freeze (100% spent)',
        blocks: ['feature'],
      },
    ]);
    expect(d.changes.feature.reason).toBe('api has spent 100% of its error budget, at or past the 100% tier (freeze)');
    expect(d.changes['security-fix'].reason).toBe(
      'no rule blocks security-fix; in force: api in tier freeze (100% spent)',
    );
    expect(decideGate(policy(), [slo(0)], NOW).changes.feature.reason).toBe(
      'no freeze, alert or calendar rule applies',
    );
  });

  it('says at each tier what it blocks and what lifts it', () => {
    const notify = decideGate(policy(), [slo(30)], NOW);
    expect(notify.reasons.map((r) => [r.rule, r.blocks])).toEqual([['budget-tier', []]]);
    expect(notify.changes.feature.reason).toBe('no rule blocks feature; in force: api in tier notify (30% spent)');
    const review = decideGate(policy(), [slo(60)], NOW);
    expect(review.reasons.map((r) => [r.rule, r.blocks])).toEqual([
      ['budget-tier', []],
      ['budget-approval', ['feature']],
    ]);
    expect(review.changes.feature.reason).toBe(
      'api has spent 60% of its error budget, at or past the 50% tier (consider-freeze): a feature deploys only from an approved pull request',
    );
    const approved = decideGate(policy(), [slo(60)], NOW, { approvals: ['hubot'] });
    expect(approved.changes.feature).toMatchObject({ verdict: 'allow', via: 'approval' });
    expect(approved.changes.feature.reason).toContain('the pull request is approved by @hubot');
    expect(decideGate(policy(), [slo(60)], NOW, { labels: ['p0-fix'] }).changes.feature).toMatchObject({
      verdict: 'allow',
      via: 'exemption',
    });
    // An approval is not what all-hands asks: only critical fixes, an exemption or a break-glass go out.
    const allHands = decideGate(policy(), [slo(80)], NOW, { approvals: ['hubot'] });
    expect(allHands.changes.feature.verdict).toBe('block');
    expect(allHands.changes.feature.reason).toBe(
      'api has spent 80% of its error budget, at or past the 75% tier (all-hands)',
    );
    expect(allHands.changes['security-fix'].verdict).toBe('allow');
    expect(allHands.changes.hotfix.verdict).toBe('allow');
  });

  it('names the page alert, its burn rates and threshold', () => {
    const d = decideGate(policy(), [slo(5, { paging: true })], NOW);
    const [reason] = d.changes.feature.blockedBy;
    expect(reason).toMatchObject({
      rule: 'page-alert',
      measured: 'burn rate 50 over 1h, 50 over 5m',
      threshold: 'above 14.4 over both',
    });
  });

  it('lets an exemption label through budget and alert blocks, but not a calendar freeze', () => {
    const d = decideGate(policy(), [slo(150, { paging: true })], NOW, { labels: ['p0-fix'] });
    expect(d.changes.feature).toMatchObject({ verdict: 'allow', via: 'exemption' });
    const cal = policy({ calendarFreezes: [{ name: 'wednesdays', timeZone: 'UTC', weekly: { days: ['wed'] } }] });
    expect(decideGate(cal, [slo(150)], NOW, { labels: ['p0-fix'] }).changes.feature.verdict).toBe('block');
  });

  it('lets an accepted break-glass through every block and records it', () => {
    const expiresAt = new Date(NOW.getTime() + 3_600_000);
    const d = decideGate(policy(), [slo(150)], NOW, {
      breakGlass: { user: 'alice', justification: 'checkout down, fix #42', expiresAt },
    });
    expect(d.changes.feature).toMatchObject({ verdict: 'allow', via: 'break-glass' });
    expect(d.changes.feature.reason).toContain(
      'break-glass by alice until 2026-11-18T11:00:00.000Z: checkout down, fix #42',
    );
    expect(d.breakGlass).toEqual({
      user: 'alice',
      justification: 'checkout down, fix #42',
      expiresAt: '2026-11-18T11:00:00.000Z',
      accepted: true,
      reason: 'break-glass by alice until 2026-11-18T11:00:00.000Z: checkout down, fix #42',
      audit: { label: 'bellwether:break-glass', openIssue: true },
    });
  });

  it('keeps the block and says why when break-glass is refused', () => {
    const expiresAt = new Date(NOW.getTime() + 3_600_000);
    const d = decideGate(policy(), [slo(150)], NOW, {
      breakGlass: { user: 'mallory', justification: 'please', expiresAt },
    });
    expect(d.changes.feature.verdict).toBe('block');
    expect(d.changes.feature.reason).toContain('(break-glass refused: mallory is not permitted to break the glass');
    expect(d.breakGlass?.accepted).toBe(false);
  });
});

describe('judgeBreakGlass', () => {
  const later = new Date(NOW.getTime() + 60_000);
  it.each([
    ['a permitted user', { user: 'Alice', justification: 'x', expiresAt: later }, true, 'break-glass by Alice'],
    [
      'a member of a permitted team',
      { user: 'bob', teams: ['acme/sre'], justification: 'x', expiresAt: later },
      true,
      'break-glass by bob',
    ],
    [
      'someone else',
      { user: 'bob', teams: ['acme/web'], justification: 'x', expiresAt: later },
      false,
      'bob is not permitted',
    ],
    [
      'no justification',
      { user: 'alice', justification: '   ', expiresAt: later },
      false,
      'break-glass needs a justification',
    ],
    [
      'no valid expiry',
      { user: 'alice', justification: 'x', expiresAt: new Date('nope') },
      false,
      'break-glass needs an expiry time',
    ],
    [
      'an expiry that has passed',
      { user: 'alice', justification: 'x', expiresAt: NOW },
      false,
      'break-glass expired at 2026-11-18T10:00:00.000Z',
    ],
    [
      'an expiry past the longest break-glass',
      { user: 'alice', justification: 'x', expiresAt: new Date(NOW.getTime() + 24 * 3_600_000 + 1000) },
      false,
      'break-glass may last at most 1d (breakGlassMaxDuration); 2026-11-19T10:00:01.000Z is later',
    ],
    [
      'an expiry of exactly the longest break-glass',
      { user: 'alice', justification: 'x', expiresAt: new Date(NOW.getTime() + 24 * 3_600_000) },
      true,
      'break-glass by alice',
    ],
  ] as const)('%s', (_name, request, accepted, reason) => {
    const r = judgeBreakGlass(policy(), request, NOW);
    expect(r.accepted).toBe(accepted);
    expect(r.reason).toContain(reason);
  });

  it('permits nobody under the default policy', () => {
    expect(
      judgeBreakGlass(defaultFreezeGatePolicy(), { user: 'alice', justification: 'x', expiresAt: later }, NOW).accepted,
    ).toBe(false);
  });
});

describe('tierFor', () => {
  it.each([
    [0, undefined],
    [24.999, undefined],
    [25, 'notify'],
    [50, 'consider-freeze'],
    [74.9, 'consider-freeze'],
    [75, 'all-hands'],
    [100, 'freeze'],
    [1000, 'freeze'],
  ])('%d%% spent is tier %s', (percent, action) => {
    const consumed = Rational.fromWritten(percent).div(Rational.of(100));
    expect(tierFor(defaultFreezeGatePolicy(), consumed)?.action).toBe(action);
  });

  it('reads a consumed budget of exactly 1/4 as the 25% tier without drift', () => {
    // 0.25 of a 99.9% budget: 1 error in 4000 events.
    const consumed = budgetState(countsFrom('bad', Rational.of(1), Rational.of(4000)), t999).consumed;
    expect(consumed.toString()).toBe('1/4');
    expect(tierFor(defaultFreezeGatePolicy(), consumed)?.threshold).toBe(25);
  });
});

describe('freezeGatePolicySchema', () => {
  it('fills the gate defaults', () => {
    const p = defaultFreezeGatePolicy();
    expect(p.frozenChangeTypes).toEqual(['feature']);
    expect(p.onPageAlert.block).toEqual(['feature']);
    expect(p.onMetricsUnavailable.block).toEqual(['feature']);
    expect(p.minimumTraffic.events).toBe(10);
    expect(p.calendarFreezes).toEqual([]);
    expect(p.burnRateAlerts).toHaveLength(4);
  });

  it('refuses a tier that would block rollbacks, naming the tier', () => {
    const r = freezeGatePolicySchema.safeParse({
      kind: 'freeze',
      budgetPolicy: [{ threshold: 75, action: 'all-hands', block: ['rollback'] }],
    });
    expect(r.error?.issues[0]?.path).toEqual(['budgetPolicy', 0, 'block', 0]);
    expect(r.error?.issues[0]?.message).toBe('rollbacks are never blocked; remove "rollback" from this list');
  });

  it('refuses a policy that would block rollbacks', () => {
    const r = freezeGatePolicySchema.safeParse({ kind: 'freeze', onMetricsUnavailable: { block: ['rollback'] } });
    expect(r.error?.issues[0]?.message).toBe('rollbacks are never blocked; remove "rollback" from this list');
  });
});

describe('a freeze policy file', () => {
  const FILE = path.join(import.meta.dirname, '../fixtures/freeze/policies/freeze.yml');

  it('reads every gate setting', async () => {
    const p = await loadPolicyFile(FILE, freezeGatePolicySchema, nodeFiles);
    expect(p.frozenChangeTypes).toEqual(['feature', 'hotfix']);
    expect(p.minimumTraffic.events).toBe(50);
    expect(p.calendarFreezes.map((f) => f.name)).toEqual(['year-end', 'black-friday', 'friday-afternoons']);
    expect(p.breakGlassMaxDuration).toBe(4 * 3_600_000);
    // Black Friday in New York blocks hotfixes too.
    const d = decideGate(p, [], new Date('2026-11-28T15:00:00Z'));
    expect(d.changes.hotfix.verdict).toBe('block');
    expect(d.changes['security-fix'].verdict).toBe('allow');
  });

  it('names file, line and field of a mistake', () => {
    const text =
      'kind: freeze\ncalendarFreezes:\n  - name: x\n    timeZone: Europe/Pariss\n    weekly: { days: [fri] }\n';
    expect(() => parsePolicyText(text, 'freeze.yml', freezeGatePolicySchema)).toThrow(
      /^freeze\.yml:4: calendarFreezes\[0\]\.timeZone: expected an IANA time zone/,
    );
  });
});
