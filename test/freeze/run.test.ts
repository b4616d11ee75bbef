import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExpiry, pickProvider, publishFreezeState, runFreezeGate } from '../../src/freeze/run.js';
import type { FreezeRunDeps, FreezeRunInputs } from '../../src/freeze/run.js';
import { GitHubError } from '../../src/github/errors.js';
import { InMemoryGitHub } from '../../src/github/fake.js';
import type { MetricsProvider, MetricsProviders } from '../../src/metrics/provider.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { ConfigurationError } from '../../src/runtime/errors.js';
import { RecordingLogger } from '../../src/runtime/logger.js';
import { checkoutRates, FakeMetrics } from './fake-metrics.js';
import { nodeFiles } from '../../src/runtime/files.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/freeze');
const CHECKOUT = path.join(FIXTURES, 'checkout-availability.yaml');
const START = '2026-11-22T09:30:00Z';
const SHA = 'ffac537e6cbbf934b08745a378932722df287a53';
const HOUR = 3_600_000;

const providers = (map: Record<string, MetricsProvider>): MetricsProviders => ({
  get: (name) => {
    const p = map[name];
    if (!p) throw new ConfigurationError(`no metrics provider named ${name}`);
    return p;
  },
  names: () => Object.keys(map),
});

/** A world whose checkout error rate the test sets between runs. */
function world() {
  const clock = new ManualClock(START);
  const github = new InMemoryGitHub({ owner: 'acme', repo: 'shop' }, clock);
  let bad = 0.02;
  const metrics = new FakeMetrics((q, t) => checkoutRates({}, { bad, total: 10 })(q, t));
  const deps: FreezeRunDeps = {
    github,
    metrics: providers({ prometheus: metrics }),
    clock,
    logger: new RecordingLogger(),
    files: nodeFiles,
  };
  const inputs = (extra: Partial<FreezeRunInputs> = {}): FreezeRunInputs => ({
    mode: 'publish',
    workspace: FIXTURES,
    slo: [CHECKOUT],
    changeType: 'feature',
    actor: 'alice',
    sha: SHA,
    runId: 7,
    ...extra,
  });
  return { clock, github, deps, inputs, setBad: (v: number) => (bad = v) };
}

describe('publishFreezeState over time', () => {
  it('opens one issue, leaves it while nothing changes, closes it when the freeze lifts and reopens the same one', async () => {
    const w = world();
    const freezeIssues = () => w.github.issues().filter((i) => i.labels.includes('deploy-freeze'));
    const postmortems = () => w.github.issues().filter((i) => i.labels.includes('postmortem'));
    const first = await publishFreezeState(w.inputs(), w.deps);
    expect(first.plan.kind).toBe('open');
    expect(w.github.commitStatuses(SHA).map((s) => [s.context, s.state])).toEqual([
      ['bellwether/error-budget', 'failure'],
    ]);
    // The freeze is an incident: its postmortem is opened with the budget it used and the freeze on its timeline.
    expect(postmortems()).toHaveLength(1);
    expect(postmortems()[0]).toMatchObject({
      title: '[Postmortem] checkout: feature deployments frozen by the error budget policy',
    });
    expect(postmortems()[0]?.body).toMatch(/\| freeze \| feature deployments frozen by /);
    expect(postmortems()[0]?.body).toContain('Error budget used:');
    expect(first.outputs['postmortem-issue']).toBe(String(postmortems()[0]?.number));
    expect(first.summary).toMatch(/Postmortem of the freeze opened: /);
    const [issue] = freezeIssues();
    expect(issue).toMatchObject({
      number: 1,
      state: 'open',
      title: 'Deploy freeze: checkout',
      labels: ['deploy-freeze'],
    });

    // An hour later, still frozen with other figures: the issue text has not changed, so it is not edited.
    w.clock.advance(HOUR);
    w.setBad(0.03);
    const before = w.github.calls().byRoute['PATCH /repos/{owner}/{repo}/issues/{issue_number}'] ?? 0;
    const second = await publishFreezeState(w.inputs(), w.deps);
    expect(second.plan.kind).toBe('none');
    // Neither the freeze issue nor the postmortem (its authors' now) is edited.
    expect(w.github.calls().byRoute['PATCH /repos/{owner}/{repo}/issues/{issue_number}'] ?? 0).toBe(before);
    expect(freezeIssues()[0]?.body).toBe(issue?.body);
    expect(postmortems()).toHaveLength(1);
    expect(second.outputs['postmortem-issue']).toBe(first.outputs['postmortem-issue']);
    expect(second.summary).toContain('Postmortem of the freeze already opened (open)');
    // Closed by its authors during the same freeze: found, and said to be closed, not called open.
    await w.github.updateIssue(Number(first.outputs['postmortem-issue']), { state: 'closed' });
    const closed = await publishFreezeState(w.inputs(), w.deps);
    expect(closed.summary).toContain('Postmortem of the freeze already opened (closed)');
    expect(postmortems()).toHaveLength(1);

    w.clock.advance(HOUR);
    w.setBad(0.001);
    const lifted = await publishFreezeState(w.inputs(), w.deps);
    expect(lifted.plan.kind).toBe('close');
    expect(lifted.outputs.frozen).toBe('false');
    expect(lifted.outputs['postmortem-issue']).toBe('');
    expect(w.github.commitStatuses(SHA).map((s) => s.state)).toEqual(['success', 'failure', 'failure', 'failure']); // newest first; three runs while frozen
    expect(freezeIssues()[0]).toMatchObject({ number: 1, state: 'closed' });
    expect(freezeIssues()[0]?.body).toContain('The freeze lifted at 2026-11-22T11:30:00.000Z');

    w.clock.advance(HOUR);
    const quiet = await publishFreezeState(w.inputs({ breakGlass: 'not here' }), w.deps);
    expect(quiet.plan.kind).toBe('none');
    expect(quiet.summary).toContain('The break-glass inputs are ignored on a schedule');

    w.clock.advance(HOUR);
    w.setBad(0.02);
    const again = await publishFreezeState(w.inputs(), w.deps);
    expect(again.plan.kind).toBe('reopen');
    expect(freezeIssues()).toHaveLength(1);
    expect(freezeIssues()[0]).toMatchObject({ number: 1, state: 'open' });
    expect(freezeIssues()[0]?.body).toContain('Frozen since 2026-11-22T13:30:00.000Z.');
    // A second freeze is a second incident.
    expect(postmortems()).toHaveLength(2);
  });

  it('reads the SLOs from the policy when the slo input is empty, as paths from the repository root', async () => {
    const w = world();
    const out = await publishFreezeState(
      w.inputs({ slo: [], policy: await writePolicy('slos: [checkout-availability.yaml]\n') }),
      w.deps,
    );
    expect(out.report?.slos.map((s) => s.name)).toEqual(['checkout-availability']);
    await expect(publishFreezeState(w.inputs({ slo: [], policy: await writePolicy('') }), w.deps)).rejects.toThrow(
      'inputs.slo: no SLOs to evaluate',
    );
  });
});

describe('runFreezeGate', () => {
  it.each([
    ['a permitted user with a reason and an expiry', 'alice', 'outage fix', '2h', 'allow', 1],
    ['someone the policy does not name', 'mallory', 'outage fix', '2h', 'block', 0],
    ['a permitted user without a reason', 'alice', ' ', '2h', 'block', 0],
    ['a permitted user without an expiry', 'alice', 'outage fix', undefined, 'block', 0],
    ['a permitted user past breakGlassMaxDuration', 'alice', 'outage fix', '25h', 'block', 0],
    ['a permitted user with an expiry in the past', 'alice', 'outage fix', '2026-11-22T09:00:00Z', 'block', 0],
  ] as const)('break-glass by %s', async (_name, actor, reason, expiry, verdict, issues) => {
    const w = world();
    const out = await runFreezeGate(
      w.inputs({
        mode: 'gate',
        actor,
        breakGlass: reason,
        ...(expiry ? { breakGlassExpiry: expiry } : {}),
        policy: await writePolicy('breakGlass:\n  users: [alice]\n'),
      }),
      w.deps,
    );
    expect(out.outputs.gate).toBe(verdict);
    expect(out.failure === undefined).toBe(verdict === 'allow');
    expect(w.github.issues().filter((i) => i.labels.includes('bellwether:break-glass'))).toHaveLength(issues);
  });

  it('lets a member of a break-glass team through, and says why a team that cannot be read grants nothing', async () => {
    const policy = await writePolicy('breakGlass:\n  teams: [acme/sre]\n');
    const w = world();
    w.github.setTeamMembers('acme/sre', ['bob']);
    const member = await runFreezeGate(
      w.inputs({ mode: 'gate', actor: 'bob', breakGlass: 'outage fix', breakGlassExpiry: '2h', policy }),
      w.deps,
    );
    expect(member.outputs.gate).toBe('allow');
    const outsider = await runFreezeGate(
      w.inputs({ mode: 'gate', actor: 'carol', breakGlass: 'outage fix', breakGlassExpiry: '2h', policy }),
      w.deps,
    );
    expect(outsider.outputs.gate).toBe('block');
    expect(outsider.failure).toContain('carol is not permitted to break the glass');
    const unread = world();
    const out = await runFreezeGate(
      unread.inputs({ mode: 'gate', actor: 'bob', breakGlass: 'outage fix', breakGlassExpiry: '2h', policy }),
      unread.deps,
    );
    expect(out.outputs.gate).toBe('block');
    expect(out.failure).toContain(
      "team membership could not be checked (acme/sre: the token cannot read the team acme/sre (GitHub answers 404 for it); a workflow's GITHUB_TOKEN never can",
    );
  });

  it('allows a rollback without reading the policy, the SLOs or the metrics', async () => {
    const w = world();
    const out = await runFreezeGate(
      w.inputs({ mode: 'gate', changeType: 'rollback', slo: ['/nonexistent.yaml'], policy: '/nonexistent' }),
      w.deps,
    );
    expect(out).toMatchObject({ outputs: { gate: 'allow' } });
    expect(out.failure).toBeUndefined();
  });

  it('blocks a feature when no metrics provider is configured', async () => {
    const w = world();
    const out = await runFreezeGate(w.inputs({ mode: 'gate' }), { ...w.deps, metrics: providers({}) });
    expect(out.outputs.gate).toBe('block');
    expect(out.failure).toContain('no metrics provider is configured');
  });
});

describe('pickProvider', () => {
  const p = new FakeMetrics(() => 1);
  it.each([
    ['the one named', { a: p, b: p }, 'b', 'fake'],
    ['the only one', { a: p }, undefined, 'fake'],
    ['prometheus among several', { prometheus: p, datadog: p }, undefined, 'fake'],
    ['none: every query unavailable', {}, undefined, 'none'],
  ] as const)('%s', (_name, map, name, type) => {
    expect(pickProvider(providers(map), name).type).toBe(type);
  });
  it('asks which one when several are configured and none is prometheus', () => {
    expect(() => pickProvider(providers({ a: p, b: p }), undefined)).toThrow(
      'inputs.provider: the metrics file configures a, b',
    );
  });
});

describe('parseExpiry', () => {
  const now = new Date(START);
  it.each([
    ['4h', '2026-11-22T13:30:00.000Z'],
    ['90m', '2026-11-22T11:00:00.000Z'],
    ['2026-11-22T18:00:00+01:00', '2026-11-22T17:00:00.000Z'],
  ])('%s', (text, iso) => {
    expect(parseExpiry(text, now).toISOString()).toBe(iso);
  });
  it('is no time at all when left out, which the gate refuses', () => {
    expect(Number.isNaN(parseExpiry(undefined, now).getTime())).toBe(true);
  });
  it('names the input when it is neither', () => {
    expect(() => parseExpiry('tomorrow', now)).toThrow('inputs.break-glass-expiry: expected an RFC 3339 time');
  });
});

/** A freeze policy file with these lines after its kind. */
async function writePolicy(lines: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bw-freeze-run-'));
  const file = path.join(dir, 'freeze.yml');
  await writeFile(file, `kind: freeze\n${lines}`);
  return file;
}

describe('runFreezeGate at the consider-freeze tier', () => {
  async function pullRequest(w: ReturnType<typeof world>): Promise<number> {
    w.github.seedBranch('main', { a: '1' });
    w.github.seedBranch('feature', { a: '2' });
    return (await w.github.createPullRequest({ head: 'feature', base: 'main', title: 'f', body: '' })).number;
  }

  it('lets the feature out once a reviewer approves the pull request, not before', async () => {
    const w = world();
    w.setBad(0.006);
    const pr = await pullRequest(w);
    const before = await runFreezeGate(w.inputs({ mode: 'gate', pullRequest: pr }), w.deps);
    expect(before.outputs).toMatchObject({ gate: 'block', tier: 'consider-freeze', frozen: 'false' });
    w.github.addReview(pr, 'hubot', 'APPROVED');
    const after = await runFreezeGate(w.inputs({ mode: 'gate', pullRequest: pr }), w.deps);
    expect(after.outputs).toMatchObject({ gate: 'allow', tier: 'consider-freeze' });
    expect(after.failure).toBeUndefined();
  });

  it('keeps the block when the reviews cannot be read, and says what the job lacks', async () => {
    const w = world();
    w.setBad(0.006);
    const pr = await pullRequest(w);
    w.github.addReview(pr, 'hubot', 'APPROVED');
    w.github.failNext(
      'pullRequestApprovals',
      new GitHubError(
        'pullRequestApprovals',
        403,
        'Resource not accessible by integration',
        'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
      ),
    );
    const run = await runFreezeGate(w.inputs({ mode: 'gate', pullRequest: pr }), w.deps);
    expect(run.outputs['gate']).toBe('block');
    expect(run.summary).toContain(`The reviews of pull request #${pr} could not be read`);
    expect(run.summary).toContain('`pull-requests: read`');
  });
});
