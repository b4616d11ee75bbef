import { describe, expect, it } from 'vitest';
import { markerComment } from '../../src/github/markers.js';
import type { Incident } from '../../src/postmortem/incident.js';
import { incidentMarker } from '../../src/postmortem/render.js';
import { REMINDER_MARKER, remindPostmortems } from '../../src/postmortem/remind.js';
import { REVIEW_MARKER, reviewPostmortemIssue } from '../../src/postmortem/review-issue.js';
import { openOrUpdatePostmortem } from '../../src/postmortem/run.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { commentReply, example, exampleItem, issueReply, testClient } from '../github/fixtures.js';
import { useGitHubMock } from '../helpers/github-nock.js';
import type { RecordedRequest } from '../helpers/github-nock.js';
import { RULES } from './fixtures.js';

const gh = useGitHubMock();

const ISSUES = 'GET /repos/{owner}/{repo}/issues';
const CREATE = 'POST /repos/{owner}/{repo}/issues';
const UPDATE = 'PATCH /repos/{owner}/{repo}/issues/{issue_number}';
const COMMENTS = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments';
const COMMENT = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments';
const EDIT_COMMENT = 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}';

const rules = RULES;

const incident: Incident = {
  key: 'rollback/checkout/production/1.42.0',
  title: 'checkout 1.42.0 rolled back in production',
  severity: 'sev2',
  trigger: 'rollback',
  service: 'checkout',
  startedAt: '2026-11-20T14:00:00Z',
  resolvedAt: '2026-11-20T14:20:00Z',
  summary: 'The canary failed at 5%.',
  evidence: '| latency p99 | High |',
  links: [{ label: 'failed run', url: 'https://github.com/acme/shop/actions/runs/1' }],
  events: [{ at: '2026-11-20T14:15:00Z', kind: 'verdict', text: 'Canary verdict Fail' }],
};
const marker = markerComment(incidentMarker(incident.key));

/** An issue as GitHub lists it: its example with this number, body, state and a `postmortem` label. */
function issueRow(route: string, status: number, number: number, body: string, state: 'open' | 'closed' = 'open') {
  const base = route === ISSUES ? exampleItem(ISSUES) : example(route, status);
  const label = { ...((base['labels'] as Record<string, unknown>[])[0] ?? {}), name: 'postmortem' };
  const row: Record<string, unknown> = {
    ...base,
    number,
    body,
    state,
    labels: [label],
    html_url: `https://github.com/acme/shop/issues/${number}`,
  };
  delete row['pull_request'];
  return route === ISSUES ? row : issueReply(route, status, row);
}

function deps(now = '2026-11-22T15:00:00Z') {
  const { port, logger } = testClient();
  return { github: port, clock: new ManualClock(now), logger };
}
const bodyOf = (r: RecordedRequest) => (r.body as { body: string }).body;

describe('openOrUpdatePostmortem over REST', () => {
  it('ensures the label and opens the issue with its marker', async () => {
    gh.expect(ISSUES, {
      query: { state: 'all' },
      reply: { status: 200, body: [issueRow(ISSUES, 200, 3, 'another issue')] },
    });
    gh.expect('GET /repos/{owner}/{repo}/labels/{name}', {
      params: { name: 'postmortem' },
      reply: { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } },
    });
    gh.expect('POST /repos/{owner}/{repo}/labels', {
      body: { name: 'postmortem', color: 'b60205' },
      reply: { status: 201, body: example('POST /repos/{owner}/{repo}/labels', 201, { name: 'postmortem' }) },
    });
    gh.expect(ISSUES, { query: { state: 'all', labels: 'postmortem' }, reply: { status: 200, body: [] } });
    gh.expect(CREATE, {
      body: (b: { title: string; body: string; labels: string[] }) =>
        b.title === `[Postmortem] ${incident.title}` &&
        b.body.endsWith(`${marker}\n`) &&
        b.labels.join() === 'postmortem',
      reply: (r) => ({ status: 201, body: issueRow(CREATE, 201, 42, bodyOf(r)) }),
    });
    const out = await openOrUpdatePostmortem({ incident, rules, labels: ['postmortem'] }, deps());
    expect(out.status).toBe('created');
    if (out.status === 'skipped') return;
    expect(out.issue).toMatchObject({
      number: 42,
      url: 'https://github.com/acme/shop/issues/42',
      labels: ['postmortem'],
    });
    const sent = bodyOf(gh.applied(CREATE)[0]!);
    expect(sent).toContain('| 2026-11-20 09:15:00 EST | 2026-11-20T14:15:00Z | verdict | Canary verdict Fail |');
    expect(sent).toContain('No environment was named for this incident');
    expect(out.review.blocking.map((p) => p.field)).toEqual(['root-cause', 'action-items']);
  });

  it('finds the issue by its marker on a re-run and writes nothing when the managed blocks are the same', async () => {
    const first = await openWithFake();
    gh.expect(ISSUES, { query: { state: 'all' }, reply: { status: 200, body: [issueRow(ISSUES, 200, 42, first)] } });
    const out = await openOrUpdatePostmortem({ incident, rules, labels: ['postmortem'] }, deps('2026-11-23T09:00:00Z'));
    expect(out.status).toBe('unchanged');
    expect(gh.requests.map((r) => r.route)).toEqual([ISSUES]);
  });

  it('updates only the managed blocks when the timeline grew, keeping what people wrote', async () => {
    const first = await openWithFake();
    const edited = first.replace('### Root cause\n\n_No response_', '### Root cause\n\n1. Why? The cache flag.');
    gh.expect(ISSUES, { query: { state: 'all' }, reply: { status: 200, body: [issueRow(ISSUES, 200, 42, edited)] } });
    gh.expect(UPDATE, {
      params: { issue_number: 42 },
      reply: (r) => ({ status: 200, body: issueRow(UPDATE, 200, 42, bodyOf(r)) }),
    });
    const later = {
      ...incident,
      events: [
        ...incident.events,
        { at: '2026-11-20T14:20:00Z', kind: 'rollback' as const, text: 'Traffic back to 1.41.0' },
      ],
    };
    const out = await openOrUpdatePostmortem({ incident: later, rules, labels: ['postmortem'] }, deps());
    expect(out.status).toBe('updated');
    const sent = gh.applied(UPDATE)[0]!.body as Record<string, unknown>;
    expect(Object.keys(sent)).toEqual(['body']);
    expect(sent['body']).toBe(
      edited.replace(
        '| verdict | Canary verdict Fail |',
        '| verdict | Canary verdict Fail |\n| 2026-11-20 09:20:00 EST | 2026-11-20T14:20:00Z | rollback | Traffic back to 1.41.0 |',
      ),
    );
  });
});

describe('the timeline from deployments over REST', () => {
  it("reads one page of the environment's deployments and the statuses of those before the incident ended", async () => {
    const DEPLOYMENTS = 'GET /repos/{owner}/{repo}/deployments';
    const STATUSES = 'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses';
    const deployment = (id: number, createdAt: string) =>
      exampleItem(DEPLOYMENTS, {
        id,
        environment: 'production',
        ref: 'v1.42.0',
        description: 'canary 1.42.0',
        created_at: createdAt,
        payload: {},
      });
    const status = (id: number, state: string, createdAt: string, description: string) =>
      exampleItem(STATUSES, {
        id,
        state,
        created_at: createdAt,
        description,
        log_url: 'https://github.com/acme/shop/actions/runs/7',
      });
    gh.expect(DEPLOYMENTS, {
      query: { environment: 'production', per_page: 10 },
      reply: { status: 200, body: [deployment(12, '2026-11-21T09:00:00Z'), deployment(11, '2026-11-20T13:50:00Z')] },
    });
    gh.expect(STATUSES, {
      params: { deployment_id: 11 },
      reply: {
        status: 200,
        body: [
          status(2, 'failure', '2026-11-20T14:16:00Z', 'canary failed at 5%'),
          status(1, 'in_progress', '2026-11-20T13:51:00Z', 'canary 1%'),
        ],
      },
    });
    gh.expect(ISSUES, { times: 2, reply: { status: 200, body: [] } });
    gh.expect('GET /repos/{owner}/{repo}/labels/{name}', {
      reply: { status: 200, body: example('GET /repos/{owner}/{repo}/labels/{name}', 200, { name: 'postmortem' }) },
    });
    gh.expect(CREATE, { reply: (r) => ({ status: 201, body: issueRow(CREATE, 201, 42, bodyOf(r)) }) });
    const out = await openOrUpdatePostmortem(
      { incident: { ...incident, environment: 'production' }, rules, labels: ['postmortem'] },
      deps(),
    );
    if (out.status !== 'created') throw new Error(`expected a new issue, got ${out.status}`);
    const rows = out.issue.body.split('\n').filter((l) => /^\| 2026-/.test(l));
    expect(rows).toEqual([
      '| 2026-11-20 08:50:00 EST | 2026-11-20T13:50:00Z | deployment | Deployment #11 created for production: canary 1.42.0 (v1.42.0@' +
        String(deployment(11, '')['sha']).slice(0, 7) +
        ') |',
      '| 2026-11-20 08:51:00 EST | 2026-11-20T13:51:00Z | deployment-status | [Deployment #11 in\\_progress: canary 1%](https://github.com/acme/shop/actions/runs/7) |',
      '| 2026-11-20 09:15:00 EST | 2026-11-20T14:15:00Z | verdict | Canary verdict Fail |',
      '| 2026-11-20 09:16:00 EST | 2026-11-20T14:16:00Z | deployment-status | [Deployment #11 failure: canary failed at 5%](https://github.com/acme/shop/actions/runs/7) |',
    ]);
    // The deployment made after the incident ended was not looked into.
    expect(gh.applied(STATUSES).map((r) => r.params['deployment_id'])).toEqual(['11']);
  });
});

describe('reviewing a closed postmortem over REST', () => {
  it('reopens it while a P0 item is open, with one sticky comment updated in place on the next review', async () => {
    const first = await openWithFake();
    const filled = first
      .replace('### Root cause\n\n_No response_', '### Root cause\n\n1. Why? The cache flag.')
      .replace(
        '### Action items\n\n_No response_',
        '### Action items\n\n- [ ] P0 @alice 2026-11-21 Guard the cache flag',
      );
    gh.expect(UPDATE, {
      params: { issue_number: 42 },
      body: { state: 'open' },
      reply: { status: 200, body: issueRow(UPDATE, 200, 42, filled) },
    });
    gh.expect(COMMENTS, {
      params: { issue_number: 42 },
      reply: { status: 200, body: [commentReply(COMMENTS, 200, 5, 'thanks')] },
    });
    gh.expect(COMMENT, {
      params: { issue_number: 42 },
      reply: (r) => ({ status: 201, body: commentReply(COMMENT, 201, 77, bodyOf(r)) }),
    });
    const first1 = await reviewPostmortemIssue(
      { number: 42, body: filled, createdAt: incident.startedAt },
      true,
      rules,
      deps(),
    );
    expect(first1.reopened).toBe(true);
    const posted = bodyOf(gh.applied(COMMENT)[0]!);
    expect(posted).toContain('Reopened: this postmortem cannot be closed yet (1 P0 action item(s) still open).');
    expect(posted).toContain('- P0 @alice due 2026-11-21: Guard the cache flag');
    expect(posted).toContain(markerComment(REVIEW_MARKER));

    // The item is ticked and the issue closed again: it stays closed and the same comment says so.
    const done = filled.replace('- [ ] P0', '- [x] P0');
    gh.expect(COMMENTS, {
      params: { issue_number: 42 },
      reply: { status: 200, body: [commentReply(COMMENTS, 200, 5, 'thanks'), commentReply(COMMENTS, 200, 77, posted)] },
    });
    gh.expect(EDIT_COMMENT, {
      params: { comment_id: 77 },
      reply: (r) => ({ status: 200, body: commentReply(EDIT_COMMENT, 200, 77, bodyOf(r)) }),
    });
    const second = await reviewPostmortemIssue(
      { number: 42, body: done, createdAt: incident.startedAt },
      true,
      rules,
      deps(),
    );
    expect(second).toMatchObject({ reopened: false, review: { mayClose: true } });
    expect(gh.applied(UPDATE)).toHaveLength(1);
    expect(gh.applied(COMMENT)).toHaveLength(1);
    expect(bodyOf(gh.applied(EDIT_COMMENT)[0]!)).toContain(
      'Complete: every section is written and no P0 action item is open.',
    );
  });
});

describe('reminders over REST', () => {
  it('posts the reminder once, then leaves an unchanged reminder alone', async () => {
    const body = (await openWithFake()).replace(
      '### Action items\n\n_No response_',
      '### Action items\n\n- [ ] P0 @alice 2026-11-21 Guard the cache flag',
    );
    gh.expect(COMMENTS, { params: { issue_number: 42 }, reply: { status: 200, body: [] } });
    gh.expect(COMMENT, {
      params: { issue_number: 42 },
      reply: (r) => ({ status: 201, body: commentReply(COMMENT, 201, 90, bodyOf(r)) }),
    });
    const issues = [{ number: 42, body, createdAt: incident.startedAt, state: 'open' as const }];
    const first = await remindPostmortems({ issues, rules }, deps('2026-11-23T12:00:00Z'));
    expect(first.commented).toEqual([{ issueNumber: 42, commentId: 90, created: true }]);
    const posted = bodyOf(gh.applied(COMMENT)[0]!);
    expect(posted).toContain(
      'The draft was due 2026-11-22 (America/New_York) and still lacks:\n- "Root cause" has no answer yet',
    );
    expect(posted).toContain(markerComment(REMINDER_MARKER));

    gh.expect(COMMENTS, {
      params: { issue_number: 42 },
      reply: { status: 200, body: [commentReply(COMMENTS, 200, 90, posted)] },
    });
    const again = await remindPostmortems({ issues, rules }, deps('2026-11-23T18:00:00Z'));
    expect(again.commented).toEqual([{ issueNumber: 42, commentId: 90, created: false }]);
    expect(gh.requests.filter((r) => r.method !== 'GET')).toHaveLength(1);
  });
});

/**
 * The body the first run sends, captured by answering its calls; the
 * expectations it used are consumed, so each test starts from a clean slate.
 */
async function openWithFake(): Promise<string> {
  gh.expect(ISSUES, { times: 2, reply: { status: 200, body: [] } });
  gh.expect('GET /repos/{owner}/{repo}/labels/{name}', {
    reply: { status: 200, body: example('GET /repos/{owner}/{repo}/labels/{name}', 200, { name: 'postmortem' }) },
  });
  gh.expect(CREATE, { reply: (r) => ({ status: 201, body: issueRow(CREATE, 201, 42, bodyOf(r)) }) });
  const out = await openOrUpdatePostmortem({ incident, rules, labels: ['postmortem'] }, deps());
  if (out.status !== 'created') throw new Error(`expected a new issue, got ${out.status}`);
  gh.requests.splice(0);
  return out.issue.body;
}
