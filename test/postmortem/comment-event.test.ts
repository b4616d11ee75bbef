import { describe, expect, it } from 'vitest';
import { InMemoryGitHub } from '../../src/github/fake.js';
import { markerComment } from '../../src/github/markers.js';
import { postmortemPolicySchema } from '../../src/policy/schemas/postmortem.js';
import { readIssueCommentEvent, rulesOf } from '../../src/postmortem/events.js';
import type { Incident } from '../../src/postmortem/incident.js';
import { REVIEW_MARKER, reviewPostmortemIssue } from '../../src/postmortem/review-issue.js';
import { openOrUpdatePostmortem } from '../../src/postmortem/run.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { RecordingLogger } from '../../src/runtime/logger.js';
import { issueCommentPayload, labelNamed } from './comment-payloads.js';

const policy = postmortemPolicySchema.parse({
  kind: 'postmortem',
  timeZone: 'America/New_York',
  labels: ['postmortem', 'incident-review'],
});
const rules = rulesOf(policy);

/** The real example with the issue labelled as a postmortem. */
function onPostmortem(
  action: 'created' | 'edited' | 'deleted',
  change: { issue?: Record<string, unknown>; comment?: Record<string, unknown> } = {},
) {
  const base = issueCommentPayload(action);
  return issueCommentPayload(action, {
    issue: { labels: [labelNamed(base, 'incident-review')], ...change.issue },
    comment: change.comment ?? {},
  });
}

describe('readIssueCommentEvent on real issue_comment payloads', () => {
  const base = issueCommentPayload('created');
  const number = (base['issue'] as { number: number }).number;

  it.each([
    [
      'a person comments on a postmortem',
      onPostmortem('created'),
      { kind: 'review', issueNumber: number, closed: false },
    ],
    [
      'a person edits a comment on a postmortem',
      onPostmortem('edited'),
      { kind: 'review', issueNumber: number, closed: false },
    ],
    [
      'a comment on a closed postmortem reviews without reopening',
      onPostmortem('created', { issue: { state: 'closed' } }),
      { kind: 'review', issueNumber: number, closed: false },
    ],
    [
      'a comment deleted',
      onPostmortem('deleted'),
      { kind: 'ignore', reason: `a comment on postmortem #${number} was deleted` },
    ],
    [
      'a comment on an issue that is no postmortem (the example as GitHub sent it)',
      base,
      { kind: 'ignore', reason: `a comment on #${number}, which is not a postmortem issue` },
    ],
    [
      'a comment on a pull request',
      onPostmortem('created', {
        issue: { pull_request: { url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/1' } },
      }),
      { kind: 'ignore', reason: 'a comment on a pull request' },
    ],
    [
      'a bot comments',
      onPostmortem('created', {
        comment: { user: { ...(base['comment'] as { user: object }).user, login: 'renovate[bot]', type: 'Bot' } },
      }),
      { kind: 'ignore', reason: `a comment on postmortem #${number} by renovate[bot]` },
    ],
    [
      "Bellwether's own review comment, posted with a personal token",
      onPostmortem('created', { comment: { body: `### Postmortem review\n${markerComment(REVIEW_MARKER)}\n` } }),
      { kind: 'ignore', reason: `a comment on postmortem #${number} by Codertocat` },
    ],
  ])('%s', (_name, payload, expected) => {
    expect(readIssueCommentEvent(payload, policy)).toEqual(expected);
  });

  it('reads the first real example unchanged apart from the label', () => {
    // Guards the fixture: the example must be a person's comment on an issue, as the cases assume.
    expect(base).toMatchObject({ action: 'created', comment: { user: { type: 'User' } }, issue: { state: 'open' } });
    expect((base['issue'] as Record<string, unknown>)['pull_request']).toBeUndefined();
  });
});

describe('a comment on a postmortem issue refreshes its review', () => {
  const incident: Incident = {
    key: 'rollback/checkout/production/1.42.0',
    title: 'checkout 1.42.0 rolled back',
    severity: 'sev2',
    trigger: 'rollback',
    startedAt: '2026-11-20T14:00:00Z',
    summary: 'The canary failed at 5%.',
    links: [],
    events: [],
  };

  it("posts one review comment, and Bellwether's own comment event triggers nothing more", async () => {
    const clock = new ManualClock('2026-11-22T15:00:00Z');
    const github = new InMemoryGitHub({ owner: 'acme', repo: 'shop' }, clock);
    const deps = { github, clock, logger: new RecordingLogger() };
    const opened = await openOrUpdatePostmortem({ incident, rules, labels: policy.labels }, deps);
    if (opened.status === 'skipped') throw new Error('a sev2 incident needs a postmortem');
    const body = opened.issue.body.replace(
      '### Action items\n\n_No response_',
      '### Action items\n\n- [ ] P0 @alice 2026-11-21 Guard the cache flag',
    );
    await github.updateIssue(opened.issue.number, { body });

    // What the entrypoint does with the event: read it, then review the issue the payload carries.
    const payload = onPostmortem('created', {
      issue: { number: opened.issue.number, body, created_at: incident.startedAt },
    });
    const event = readIssueCommentEvent(payload, policy);
    if (event.kind !== 'review') throw new Error(`expected a review, got ${event.kind}`);
    const issue = payload['issue'] as { body: string; created_at: string };
    const { review, reopened } = await reviewPostmortemIssue(
      { number: event.issueNumber, body: issue.body, createdAt: issue.created_at },
      event.closed,
      rules,
      deps,
    );
    expect(reopened).toBe(false);
    expect(review.overdue.map((i) => i.text)).toEqual(['Guard the cache flag']);
    expect(review.blocking.map((p) => p.field)).toEqual(['root-cause']);
    const comments = github.comments(opened.issue.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('- P0 @alice due 2026-11-21: Guard the cache flag');

    const echo = onPostmortem('created', {
      issue: { number: opened.issue.number },
      comment: { body: comments[0]!.body },
    });
    expect(readIssueCommentEvent(echo, policy).kind).toBe('ignore');
  });
});
