import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateSlo } from '../../src/freeze/evaluate.js';
import { freezeGatePolicySchema } from '../../src/policy/schemas/freeze-gate.js';
import { loadSlos } from '../../src/freeze/openslo.js';
import { buildReport } from '../../src/freeze/report.js';
import type { BudgetReport } from '../../src/freeze/report.js';
import type { GateRequest } from '../../src/freeze/gate.js';
import {
  breakGlassIssue,
  freezeCommitStatus,
  freezeIssueKey,
  freezeOutputs,
  frozenSince,
  planFreezeIssue,
  renderFreezeIssue,
  renderNoticeIssue,
} from '../../src/freeze/surfaces.js';
import type { ExistingIssue } from '../../src/freeze/surfaces.js';
import { withMarker } from '../../src/github/markers.js';
import { checkoutRates, FakeMetrics } from './fake-metrics.js';
import type { Answer } from './fake-metrics.js';
import { nodeFiles } from '../../src/runtime/files.js';

const CHECKOUT = path.join(import.meta.dirname, '../fixtures/freeze/checkout-availability.yaml');
const NOW = new Date('2026-11-22T09:30:00Z');
const KEY = 'deploy-freeze/checkout';
const policy = freezeGatePolicySchema.parse({ kind: 'freeze', breakGlass: { users: ['alice'] } });

async function reportFor(answer: Answer, request: GateRequest = {}): Promise<BudgetReport> {
  const slos = await loadSlos(CHECKOUT, nodeFiles);
  const evaluations = await Promise.all(
    slos.map((s) => evaluateSlo(s, policy, NOW, { metrics: new FakeMetrics(answer) })),
  );
  return buildReport(evaluations, policy, NOW, request);
}

// 200% of the budget spent over 30 days: frozen. 30% spent: allowed, and the team told (tier notify);
// 60%: features from approved pull requests only (consider-freeze). 10%: no tier in force.
const frozen = () => reportFor(checkoutRates({ '30d': { bad: 0.02, total: 10 } }));
const notify = () => reportFor(checkoutRates({ '30d': { bad: 0.003, total: 10 } }, { bad: 0.001, total: 10 }));
const review = () => reportFor(checkoutRates({ '30d': { bad: 0.006, total: 10 } }, { bad: 0.001, total: 10 }));
const healthy = () => reportFor(checkoutRates({ '30d': { bad: 0.001, total: 10 } }, { bad: 0.001, total: 10 }));
const down = () => reportFor(() => new Error('connection refused'));
const brokenGlass = () =>
  reportFor(checkoutRates({ '30d': { bad: 0.02, total: 10 } }), {
    breakGlass: { user: 'alice', justification: 'outage fix', expiresAt: new Date(NOW.getTime() + 3_600_000) },
  });

describe('freezeCommitStatus', () => {
  it.each([
    ['frozen', frozen, 'failure', /^Features frozen: checkout-availability has spent 200% of its error budget/],
    [
      'notify',
      notify,
      'success',
      /^Features allowed: no rule blocks feature; in force: checkout-availability in tier notify/,
    ],
    [
      'consider-freeze',
      review,
      'success',
      /^Features need an approved pull request: checkout-availability has spent 60% of its error budget/,
    ],
    ['healthy', healthy, 'success', /^Features allowed: no freeze, alert or calendar rule applies/],
    ['metrics down', down, 'failure', /^Features frozen: the error budget of checkout-availability is unknown/],
  ] as const)('%s: %s', async (_name, make, state, description) => {
    const status = freezeCommitStatus(await make());
    expect(status.state).toBe(state);
    expect(status.description).toMatch(description);
    expect(status.description.length).toBeLessThanOrEqual(140);
  });
});

describe('planFreezeIssue', () => {
  const openIssue = (body: string): ExistingIssue => ({ number: 7, state: 'open', body: withMarker(body, KEY) });
  const cases: Array<[string, () => Promise<BudgetReport>, (r: BudgetReport) => ExistingIssue | null, string]> = [
    ['frozen, no issue: open one', frozen, () => null, 'open'],
    [
      'frozen, a closed issue: reopen it, never a second one',
      frozen,
      () => ({ number: 7, state: 'closed', body: 'old' }),
      'reopen',
    ],
    [
      'frozen, the open issue already says it: leave it',
      frozen,
      (r) => openIssue(renderFreezeIssue(r, KEY, '2026-11-20T00:00:00.000Z').body),
      'none',
    ],
    [
      'frozen, the open issue says something else: update it',
      frozen,
      () => openIssue('Frozen since 2026-11-20T00:00:00.000Z.\n\n- calendar freeze `year-end`\n'),
      'update',
    ],
    ['lifted, an open issue: close it', healthy, () => openIssue('Frozen since 2026-11-20T00:00:00.000Z.\n'), 'close'],
    ['lifted, a closed issue: nothing', healthy, () => ({ number: 7, state: 'closed', body: '' }), 'none'],
    ['lifted, no issue: nothing', healthy, () => null, 'none'],
    ['metrics down, no issue: open one (features are blocked)', down, () => null, 'open'],
    ['notify tier, no issue: open a notice', notify, () => null, 'open'],
    [
      'notify tier, a closed issue: reopen it as a notice',
      notify,
      () => ({ number: 7, state: 'closed', body: 'old' }),
      'reopen',
    ],
    [
      'notify tier, the open notice already says it: leave it',
      notify,
      (r) => openIssue(renderNoticeIssue(r, KEY, '2026-11-20T00:00:00.000Z').body),
      'none',
    ],
    [
      'consider-freeze tier after a notice: update it',
      review,
      (r) =>
        openIssue(
          renderNoticeIssue(
            {
              ...r,
              slos: r.slos.map((x) => ({ ...x, tier: { action: 'notify', threshold: 25, consumedPercent: 30 } })),
              reasons: [],
            },
            KEY,
            '2026-11-20T00:00:00.000Z',
          ).body,
        ),
      'update',
    ],
    [
      'frozen after a notice: update it into a freeze',
      frozen,
      () => openIssue('Notice since 2026-11-20T00:00:00.000Z.\n'),
      'update',
    ],
  ];
  it.each(cases)('%s', async (_name, make, existing, kind) => {
    const report = await make();
    expect(planFreezeIssue(report, KEY, existing(report), NOW).kind).toBe(kind);
  });

  it('tells the team at the notify tier, and what the consider-freeze tier asks', async () => {
    const first = planFreezeIssue(await notify(), KEY, null, NOW);
    expect(first).toMatchObject({ kind: 'open', title: 'Error budget notice: checkout (notify)' });
    if (first.kind !== 'open') return;
    expect(first.body).toContain(`Notice since ${NOW.toISOString()}.`);
    expect(first.body).toContain('- checkout-availability in tier notify (at least 25% of the error budget spent)');
    expect(first.body).toContain('| feature | allow |');
    const later = planFreezeIssue(await review(), KEY, openIssue(first.body), new Date(NOW.getTime() + 3_600_000));
    expect(later).toMatchObject({ kind: 'update', title: 'Error budget notice: checkout (consider-freeze)' });
    if (later.kind !== 'update') return;
    // The notice keeps the time it started while a tier stays in force.
    expect(later.body).toContain(`Notice since ${NOW.toISOString()}.`);
    expect(later.body).toContain('| feature | approved pull request |');
    expect(later.body).toContain('| hotfix | allow |');
  });

  it('keeps the time the freeze started while it lasts, and starts afresh on reopening', async () => {
    const report = await frozen();
    const update = planFreezeIssue(report, KEY, openIssue('Frozen since 2026-11-20T00:00:00.000Z.\n'), NOW);
    expect(update.kind === 'update' && frozenSince(update.body)).toBe('2026-11-20T00:00:00.000Z');
    const reopen = planFreezeIssue(
      report,
      KEY,
      { number: 7, state: 'closed', body: 'Frozen since 2026-11-20T00:00:00.000Z.\n' },
      NOW,
    );
    expect(reopen.kind === 'reopen' && frozenSince(reopen.body)).toBe(NOW.toISOString());
  });

  it('writes an issue text that does not move with the budget figures, so reruns do not edit it', async () => {
    const a = renderFreezeIssue(await frozen(), KEY, 'x');
    const b = renderFreezeIssue(await reportFor(checkoutRates({ '30d': { bad: 0.03, total: 10 } })), KEY, 'x');
    expect(a).toEqual(b);
    expect(a.title).toBe('Deploy freeze: checkout');
    expect(a.body).toContain('- checkout-availability in tier freeze (at least 100% of the error budget spent)');
    expect(a.body).toContain('| feature | block |');
    expect(a.body).toContain('| rollback | allow |');
  });

  it('says why the freeze lifted when it closes the issue, keeping the marker out of the text', async () => {
    const plan = planFreezeIssue(await healthy(), KEY, openIssue('Frozen since 2026-11-20T00:00:00.000Z.\n'), NOW);
    expect(plan.kind).toBe('close');
    if (plan.kind !== 'close') return;
    expect(plan.body).toContain(`The freeze lifted at ${NOW.toISOString()}: no freeze, alert or calendar rule applies`);
    expect(plan.body).not.toContain('<!-- bellwether:');
  });
});

describe('freezeIssueKey', () => {
  it.each([
    ['checkout', [{ name: 'a', service: 'x' }], 'deploy-freeze/checkout'],
    [
      undefined,
      [
        { name: 'a', service: 'shop' },
        { name: 'b', service: 'shop' },
      ],
      'deploy-freeze/shop',
    ],
    [undefined, [{ name: 'b' }, { name: 'a' }], 'deploy-freeze/a.b'],
    ['my service!', [], 'deploy-freeze/my-service-'],
  ] as const)('service %s', (service, slos, key) => {
    expect(freezeIssueKey(service, slos)).toBe(key);
  });
});

describe('freezeOutputs', () => {
  it.each([
    ['frozen, feature', frozen, 'feature', { frozen: 'true', tier: 'freeze', gate: 'block' }],
    ['frozen, security fix', frozen, 'security-fix', { frozen: 'true', tier: 'freeze', gate: 'allow' }],
    ['notify, feature', notify, 'feature', { frozen: 'false', tier: 'notify', gate: 'allow' }],
    [
      'consider-freeze, feature without an approval',
      review,
      'feature',
      { frozen: 'false', tier: 'consider-freeze', gate: 'block' },
    ],
    ['healthy, feature', healthy, 'feature', { frozen: 'false', tier: 'none', gate: 'allow' }],
    ['metrics down, feature', down, 'feature', { frozen: 'true', tier: 'none', gate: 'block', 'budget-remaining': '' }],
    [
      'frozen, feature through a break-glass: still frozen, but this one goes',
      brokenGlass,
      'feature',
      { frozen: 'true', tier: 'freeze', gate: 'allow' },
    ],
  ] as const)('%s', async (_name, make, type, expected) => {
    expect(freezeOutputs(await make(), type)).toMatchObject(expected);
  });

  it('gives the budget remaining as a fraction', async () => {
    expect(Number(freezeOutputs(await frozen(), 'feature')['budget-remaining'])).toBeCloseTo(-1, 9);
  });
});

describe('breakGlassIssue', () => {
  it('records who, when, why and until when, with the audit label', () => {
    const issue = breakGlassIssue(
      {
        user: 'alice',
        justification: 'payment outage | fix',
        expiresAt: '2026-11-22T12:00:00.000Z',
        accepted: true,
        reason: 'ok',
        audit: { label: 'bellwether:break-glass', openIssue: true },
      },
      {
        key: KEY,
        changeType: 'feature',
        at: NOW,
        lifted: 'the budget is spent',
        runUrl: 'https://github.com/acme/shop/actions/runs/1',
      },
    );
    expect(issue.title).toBe('Break-glass: feature of checkout by @alice');
    expect(issue.labels).toEqual(['bellwether:break-glass']);
    expect(issue.body).toContain('| who | @alice |');
    expect(issue.body).toContain(`| when | ${NOW.toISOString()} |`);
    expect(issue.body).toContain('| why | payment outage \\| fix |');
    expect(issue.body).toContain('| until | 2026-11-22T12:00:00.000Z |');
  });
});
