import { describe, expect, it } from 'vitest';
import { InMemoryGitHub } from '../../src/github/fake.js';
import { postmortemPolicySchema } from '../../src/policy/schemas/postmortem.js';
import { readIssueEvent, rulesOf, severityOfLabel } from '../../src/postmortem/events.js';
import type { Incident } from '../../src/postmortem/incident.js';
import { reviewPostmortemIssue } from '../../src/postmortem/review-issue.js';
import { openOrUpdatePostmortem } from '../../src/postmortem/run.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { RecordingLogger } from '../../src/runtime/logger.js';
import { webhookPayload } from '../helpers/payloads.js';

const policy = postmortemPolicySchema.parse({ kind: 'postmortem', timeZone: 'America/New_York' });
const rules = rulesOf(policy);

function setup(start = '2026-11-22T15:00:00Z') {
  const clock = new ManualClock(start);
  const github = new InMemoryGitHub({ owner: 'acme', repo: 'shop' }, clock);
  const sha = github.seedBranch('main', { 'README.md': 'shop\n' });
  return { clock, github, sha, deps: { github, clock, logger: new RecordingLogger() } };
}

const rollback: Incident = {
  key: 'rollback/checkout/production/1.42.0',
  title: 'checkout 1.42.0 rolled back in production',
  severity: 'sev2',
  trigger: 'rollback',
  service: 'checkout',
  environment: 'production/us-east-1',
  startedAt: '2026-11-22T14:00:00Z',
  resolvedAt: '2026-11-22T14:20:00Z',
  summary: 'The canary failed at 5%.',
  evidence: '| latency p99 | High |',
  budgetConsumed: 0.05,
  links: [],
  events: [{ at: '2026-11-22T14:15:00Z', kind: 'verdict', text: 'Canary verdict Fail' }],
};

describe('severity labels', () => {
  it.each([
    ['sev1', 'sev1'],
    ['SEV-2', 'sev2'],
    ['severity:3', 'sev3'],
    ['incident/sev1', 'sev1'],
    ['bug', null],
    ['sev5', null],
  ])('%s → %s', (label, sev) => {
    expect(severityOfLabel(label)).toBe(sev);
  });
});

describe('openOrUpdatePostmortem', () => {
  it('opens one issue with the deployments on the timeline, and re-running changes nothing', async () => {
    const s = setup('2026-11-22T13:50:00Z');
    const d = await s.github.createDeployment({
      ref: s.sha,
      environment: 'production/us-east-1',
      key: 'k1',
      description: 'canary 1.42.0',
    });
    s.clock.advance(25 * 60_000);
    await s.github.createDeploymentStatus(d.id, { state: 'failure', description: 'canary failed at 5%' });
    s.clock.advance(45 * 60_000);
    const first = await openOrUpdatePostmortem({ incident: rollback, rules, labels: policy.labels }, s.deps);
    expect(first.status).toBe('created');
    if (first.status === 'skipped') throw new Error('unreachable');
    expect(first.issue.title).toBe('[Postmortem] checkout 1.42.0 rolled back in production');
    expect(first.issue.body).toContain('Canary verdict Fail');
    expect(first.issue.body).toContain(`Deployment #${d.id} failure: canary failed at 5%`);
    expect(first.issue.labels).toEqual(['postmortem']);
    expect(first.review.mayClose).toBe(false);
    const again = await openOrUpdatePostmortem({ incident: rollback, rules, labels: policy.labels }, s.deps);
    expect(again.status).toBe('unchanged');
    expect(s.github.issues()).toHaveLength(1);
  });

  it('refreshes the timeline on a later run and keeps what people wrote', async () => {
    const s = setup();
    const first = await openOrUpdatePostmortem(
      { incident: { ...rollback, environment: undefined }, rules, labels: policy.labels },
      s.deps,
    );
    if (first.status === 'skipped') throw new Error('unreachable');
    await s.github.updateIssue(first.issue.number, {
      body: first.issue.body.replace('### Root cause\n\n_No response_', '### Root cause\n\n1. Why? The cache flag.'),
    });
    const later = await openOrUpdatePostmortem(
      {
        incident: {
          ...rollback,
          environment: undefined,
          events: [
            ...rollback.events,
            { at: '2026-11-22T14:20:00Z', kind: 'rollback', text: 'Traffic back to 1.41.0' },
          ],
        },
        rules,
        labels: policy.labels,
      },
      s.deps,
    );
    expect(later.status).toBe('updated');
    const [issue] = s.github.issues();
    expect(issue!.body).toContain('1. Why? The cache flag.');
    expect(issue!.body).toContain('Traffic back to 1.41.0');
  });

  it('skips incidents the policy does not ask a postmortem for', async () => {
    const s = setup();
    const out = await openOrUpdatePostmortem(
      { incident: { ...rollback, severity: 'sev4', budgetConsumed: 0.01 }, rules, labels: policy.labels },
      s.deps,
    );
    expect(out.status).toBe('skipped');
    expect(s.github.issues()).toHaveLength(0);
  });
});

describe('issue events', () => {
  it('turns a real issues.labeled payload with a severity label into an incident', () => {
    const payload = webhookPayload('issues', 'labeled');
    (payload['label'] as { name: string }).name = 'sev1';
    const event = readIssueEvent(payload, policy);
    expect(event.kind).toBe('incident');
    if (event.kind !== 'incident') return;
    const issue = payload['issue'] as { number: number; title: string };
    expect(event.incident).toMatchObject({
      key: `issue-${issue.number}`,
      severity: 'sev1',
      trigger: 'label',
      title: issue.title,
    });
  });

  it('ignores other labels and other actions', () => {
    expect(readIssueEvent(webhookPayload('issues', 'labeled'), policy)).toMatchObject({ kind: 'ignore' });
    expect(readIssueEvent(webhookPayload('issues', 'opened'), policy)).toMatchObject({ kind: 'ignore' });
  });

  it('reopens a postmortem closed with a P0 item open, and says why in one comment', async () => {
    const s = setup();
    const opened = await openOrUpdatePostmortem({ incident: rollback, rules, labels: policy.labels }, s.deps);
    if (opened.status === 'skipped') throw new Error('unreachable');
    const filled = opened.issue.body
      .replace('### Root cause\n\n_No response_', '### Root cause\n\n1. Why? The cache flag.')
      .replace(
        '### Action items\n\n_No response_',
        '### Action items\n\n- [ ] P0 @alice 2026-11-20 Guard the cache flag',
      );
    await s.github.updateIssue(opened.issue.number, { body: filled, state: 'closed' });
    const { review, reopened } = await reviewPostmortemIssue(
      { number: opened.issue.number, body: filled, createdAt: rollback.startedAt },
      true,
      rules,
      s.deps,
    );
    expect(reopened).toBe(true);
    expect(review.overdue.map((i) => i.text)).toEqual(['Guard the cache flag']);
    expect(s.github.issues()[0]!.state).toBe('open');
    const comments = s.github.comments(opened.issue.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(
      'Reopened: this postmortem cannot be closed yet (1 P0 action item(s) still open)',
    );
    await reviewPostmortemIssue(
      { number: opened.issue.number, body: filled.replace('- [ ] P0', '- [x] P0'), createdAt: rollback.startedAt },
      true,
      rules,
      s.deps,
    );
    expect(s.github.comments(opened.issue.number)).toHaveLength(1);
    expect(s.github.comments(opened.issue.number)[0]!.body).toContain('Complete');
  });
});
