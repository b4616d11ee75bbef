/**
 * The rollback through the REST port against the validated GitHub mock:
 * every request and every reply is checked against GitHub's OpenAPI
 * description, and every expected call must be made. Each mocked answer
 * moves the test clock by one simulated round trip, so the time from the
 * failure signal to the rollback commit is measured on the test clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockGitHub } from '../helpers/github-nock.js';
import type { Expectation, GitHubMock, RecordedRequest, Reply } from '../helpers/github-nock.js';
import {
  example,
  exampleAsIs,
  exampleItem,
  fileReply,
  pullReply,
  putReply,
  refReply,
  sha,
  testClient,
} from '../github/fixtures.js';
import { GitHubContentStore } from '../../src/gitops/content-store.js';
import { parseManifest } from '../../src/gitops/manifest.js';
import { rollbackPolicySchema } from '../../src/policy/schemas/rollback.js';
import { GitHubRollbackPublisher } from '../../src/rollback/publish.js';
import { quarantineSchema } from '../../src/rollback/quarantine.js';
import type { RollbackInputs } from '../../src/rollback/run.js';
import { runRollback } from '../../src/rollback/run.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { ConfigurationError } from '../../src/runtime/errors.js';
import { RecordingLogger } from '../../src/runtime/logger.js';
import { parse } from 'yaml';
import { T0, VERDICT_EVIDENCE, VERDICT_ROLLBACK } from './fixtures.js';

/** One simulated GitHub round trip on the test clock. */
const RTT_MS = 80;

const MANIFEST = 'deploy/checkout/production/us-east-1.yaml';
const QUARANTINE = 'deploy/checkout/quarantine.yaml';
const BRANCH = 'bellwether/rollback/checkout/production/1.42.0';
const RECORD = 'deploy/checkout/rollbacks/1.42.0.md';
const ENV = 'production/us-east-1';

const GET_CONTENT = 'GET /repos/{owner}/{repo}/contents/{path}';
const PUT_CONTENT = 'PUT /repos/{owner}/{repo}/contents/{path}';
const GET_REF = 'GET /repos/{owner}/{repo}/git/ref/{ref}';
const PULLS = 'GET /repos/{owner}/{repo}/pulls';
const STATUSES = 'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses';
const NOT_FOUND: Reply = {
  status: 404,
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
};

const manifest = (canary: string, weight: number, previous = ['1.40.2']) => `service: checkout
environment: production
region: us-east-1
stable:
  version: 1.41.0
canary:
  version: ${canary}
  weight: ${weight}
previous:
${previous.map((v) => `  - version: ${v}`).join('\n')}
`;

const inputs: RollbackInputs = {
  ...VERDICT_ROLLBACK,
  regions: ['us-east-1'],
  evidence: VERDICT_EVIDENCE,
  signalAt: T0,
};

const full = rollbackPolicySchema.parse({
  kind: 'rollback',
  emergencyDirectCommit: true,
  autoMerge: true,
  reviewers: { users: ['alice'], teams: ['acme/sre'] },
});

let gh: GitHubMock;
let clock: ManualClock;
beforeEach(() => {
  gh = mockGitHub();
  clock = new ManualClock(T0);
});
afterEach(() => {
  try {
    gh.done();
  } finally {
    gh.close();
  }
});

/** Expects a call whose answer takes one round trip on the test clock. */
function on(route: string, e: Expectation): void {
  const { reply } = e;
  gh.expect(route, {
    ...e,
    reply: (req: RecordedRequest) => {
      clock.advance(RTT_MS);
      return typeof reply === 'function' ? reply(req) : reply;
    },
  });
}

const decoded = (b: { content: string }) => Buffer.from(b.content, 'base64').toString('utf8');

function deps() {
  const { port } = testClient();
  const store = new GitHubContentStore(port, 'main');
  return {
    port,
    deps: { store, publisher: new GitHubRollbackPublisher(port), clock, logger: new RecordingLogger(), github: port },
  };
}

/** The pull request, its branch, labels, reviewers and auto-merge, as a first rollback publishes them. */
function expectNewPullRequest(number: number, options: { branchExists?: string; existingLabel?: boolean } = {}) {
  on(PULLS, { query: { head: `acme:${BRANCH}`, base: 'main', state: 'open' }, reply: { status: 200, body: [] } });
  on(GET_REF, { params: { ref: 'heads/main' }, reply: { status: 200, body: refReply('heads/main', sha('c2')) } });
  if (options.branchExists) {
    on(GET_REF, {
      params: { ref: `heads/${BRANCH}` },
      reply: { status: 200, body: refReply(`heads/${BRANCH}`, sha('c0')) },
    });
    on(GET_CONTENT, {
      params: { path: RECORD },
      query: { ref: BRANCH },
      reply: { status: 200, body: fileReply(RECORD, options.branchExists, sha('r1')) },
    });
    on(PUT_CONTENT, {
      params: { path: RECORD },
      body: { branch: BRANCH, sha: sha('r1') },
      reply: { status: 200, body: putReply(200, sha('r2'), sha('c4')) },
    });
  } else {
    on(GET_REF, { params: { ref: `heads/${BRANCH}` }, reply: NOT_FOUND });
    on('POST /repos/{owner}/{repo}/git/refs', {
      body: { ref: `refs/heads/${BRANCH}`, sha: sha('c2') },
      reply: { status: 201, body: refReply(`heads/${BRANCH}`, sha('c2'), 'POST /repos/{owner}/{repo}/git/refs', 201) },
    });
    on(GET_CONTENT, { params: { path: RECORD }, query: { ref: BRANCH }, reply: NOT_FOUND });
    on(PUT_CONTENT, {
      params: { path: RECORD },
      body: (b: { branch: string; sha?: string; content: string }) =>
        b.branch === BRANCH && b.sha === undefined && decoded(b).includes('| latency p99 | High |'),
      reply: { status: 201, body: putReply(201, sha('r1'), sha('c3')) },
    });
  }
  on('POST /repos/{owner}/{repo}/pulls', {
    body: { head: BRANCH, base: 'main', title: 'Roll back checkout 1.42.0 in production to 1.41.0' },
    reply: {
      status: 201,
      body: pullReply('POST /repos/{owner}/{repo}/pulls', 201, {
        number,
        node_id: `PR_kw${number}`,
        html_url: `https://github.com/acme/shop/pull/${number}`,
        head: BRANCH,
        base: 'main',
      }),
    },
  });
  on('GET /repos/{owner}/{repo}/labels/{name}', {
    params: { name: 'bellwether:rollback' },
    reply: {
      status: 200,
      body: example('GET /repos/{owner}/{repo}/labels/{name}', 200, { name: 'bellwether:rollback' }),
    },
  });
  if (options.existingLabel) {
    on('GET /repos/{owner}/{repo}/labels/{name}', {
      params: { name: 'bellwether:quarantined' },
      reply: {
        status: 200,
        body: example('GET /repos/{owner}/{repo}/labels/{name}', 200, { name: 'bellwether:quarantined' }),
      },
    });
  } else {
    on('GET /repos/{owner}/{repo}/labels/{name}', { params: { name: 'bellwether:quarantined' }, reply: NOT_FOUND });
    on('POST /repos/{owner}/{repo}/labels', {
      body: { name: 'bellwether:quarantined', color: 'd93f0b' },
      reply: {
        status: 201,
        body: example('POST /repos/{owner}/{repo}/labels', 201, { name: 'bellwether:quarantined' }),
      },
    });
  }
  on('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
    params: { issue_number: number },
    body: { labels: ['bellwether:rollback', 'bellwether:quarantined'] },
    reply: { status: 200, body: exampleAsIs('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', 200) },
  });
  on('POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', {
    params: { pull_number: number },
    body: { reviewers: ['alice'], team_reviewers: ['sre'] },
    reply: {
      status: 201,
      body: pullReply('POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', 201, { number }),
    },
  });
  on('POST /graphql', {
    body: (b: { query: string; variables: Record<string, string> }) =>
      /enablePullRequestAutoMerge/.test(b.query) &&
      b.variables['pullRequestId'] === `PR_kw${number}` &&
      b.variables['mergeMethod'] === 'SQUASH',
    reply: {
      status: 200,
      body: {
        data: {
          enablePullRequestAutoMerge: { pullRequest: { autoMergeRequest: { enabledAt: '2026-11-22T12:00:02Z' } } },
        },
      },
    },
  });
}

/** The canary deployments of the environment, then a status on the failed one and on the last good one. */
function expectDeploymentStatuses() {
  const deployment = (id: number, version: string) =>
    exampleItem('GET /repos/{owner}/{repo}/deployments', {
      id,
      environment: ENV,
      task: 'deploy:canary',
      payload: { service: 'checkout', version },
    });
  on('GET /repos/{owner}/{repo}/deployments', {
    query: { environment: ENV, task: 'deploy:canary' },
    reply: { status: 200, body: [deployment(31, '1.42.0'), deployment(30, '1.41.0')] },
  });
  on(STATUSES, {
    params: { deployment_id: 31 },
    reply: {
      status: 200,
      body: [exampleItem(STATUSES, { state: 'in_progress', description: 'canary 1.42.0 at 25%' })],
    },
  });
  on('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
    params: { deployment_id: 31 },
    body: {
      state: 'failure',
      description: '1.42.0 rolled back to 1.41.0: canary verdict Fail: latency p99 High',
      log_url: 'https://github.com/acme/shop/actions/runs/7',
      auto_inactive: false,
    },
    reply: {
      status: 201,
      body: example('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', 201, { state: 'failure' }),
    },
  });
  on(STATUSES, {
    params: { deployment_id: 30 },
    reply: { status: 200, body: [exampleItem(STATUSES, { state: 'success', description: 'promoted' })] },
  });
  on('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
    params: { deployment_id: 30 },
    body: { state: 'success', description: 'serves again after the rollback of 1.42.0', auto_inactive: false },
    reply: {
      status: 201,
      body: example('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', 201, { state: 'success' }),
    },
  });
}

/** Measured figures, printed once so that they can be quoted. */
const figures: string[] = [];
afterEach(() => {
  if (figures.length) console.log(figures.splice(0).join('\n'));
});

describe('runRollback through the REST port and the validated GitHub mock', () => {
  it('one full rollback with an emergency commit: contents, refs, pull request, labels, reviewers, auto-merge and deployment statuses', async () => {
    on(GET_CONTENT, { params: { path: QUARANTINE }, query: { ref: 'main' }, reply: NOT_FOUND });
    on(GET_CONTENT, {
      params: { path: MANIFEST },
      query: { ref: 'main' },
      reply: { status: 200, body: fileReply(MANIFEST, manifest('1.42.0', 25), sha('m1')) },
    });
    on(PUT_CONTENT, {
      params: { path: MANIFEST },
      body: (b: { sha: string; branch: string; content: string }) =>
        b.sha === sha('m1') && b.branch === 'main' && parseManifest(decoded(b), MANIFEST).canary.weight === 0,
      reply: { status: 200, body: putReply(200, sha('m2'), sha('c1')) },
    });
    on(PUT_CONTENT, {
      params: { path: QUARANTINE },
      body: (b: { sha?: string; branch: string; content: string }) =>
        b.sha === undefined &&
        b.branch === 'main' &&
        quarantineSchema.parse(parse(decoded(b))).versions[0]?.version === '1.42.0',
      reply: { status: 201, body: putReply(201, sha('q1'), sha('c2')) },
    });
    expectNewPullRequest(12);
    expectDeploymentStatuses();

    const { port, deps: d } = deps();
    const out = await runRollback(inputs, full, d);

    expect(out).toMatchObject({
      bad: '1.42.0',
      good: '1.41.0',
      quarantined: true,
      pullRequest: {
        number: 12,
        created: true,
        url: 'https://github.com/acme/shop/pull/12',
        notes: ['auto-merge is on'],
      },
    });
    expect(out.regions[0]).toMatchObject({ committed: true, commitSha: sha('c1') });
    expect(out.deployments).toEqual([{ environment: ENV, failedId: 31, lastGoodId: 30, lastGoodEnvironment: ENV }]);
    // The manifest commit is the third request: read the quarantine, read the manifest, write it.
    expect(out.timeToRestoreMs).toBe(3 * RTT_MS);
    const calls = port.calls();
    expect(calls.total).toBe(gh.requests.length);
    expect(calls.total).toBeLessThanOrEqual(22);
    expect(calls.byRoute[PUT_CONTENT]).toBe(3);
    figures.push(
      `rollback figures: full emergency rollback, 1 region: ${calls.total} GitHub requests (${Object.entries(
        calls.byRoute,
      )
        .map(([r, n]) => `${n}× ${r}`)
        .join(
          ', ',
        )}); failure signal to rollback commit ${out.timeToRestoreMs} ms on the test clock at ${RTT_MS} ms per request`,
    );
  });

  it('the manifest changed under us: a 409 on the write, then the rollback is applied to what is there now', async () => {
    on(GET_CONTENT, { params: { path: QUARANTINE }, query: { ref: 'main' }, reply: NOT_FOUND });
    on(GET_CONTENT, {
      params: { path: MANIFEST },
      query: { ref: 'main' },
      reply: { status: 200, body: fileReply(MANIFEST, manifest('1.42.0', 25), sha('m1')) },
    });
    on(PUT_CONTENT, {
      params: { path: MANIFEST },
      body: { sha: sha('m1') },
      reply: {
        status: 409,
        body: { message: `${MANIFEST} does not match ${sha('m1')}`, documentation_url: 'https://docs.github.com/rest' },
      },
    });
    // A promotion tick moved the canary to 50% and recorded an older version meanwhile.
    on(GET_CONTENT, {
      params: { path: MANIFEST },
      query: { ref: 'main' },
      reply: { status: 200, body: fileReply(MANIFEST, manifest('1.42.0', 50, ['1.40.2', '1.40.1']), sha('m2')) },
    });
    on(PUT_CONTENT, {
      params: { path: MANIFEST },
      body: (b: { sha: string; content: string }) => {
        const m = parseManifest(decoded(b), MANIFEST);
        return (
          b.sha === sha('m2') && m.canary.weight === 0 && m.previous.map((p) => p.version).join() === '1.40.2,1.40.1'
        );
      },
      reply: { status: 200, body: putReply(200, sha('m3'), sha('c1')) },
    });
    on(PUT_CONTENT, {
      params: { path: QUARANTINE },
      reply: { status: 201, body: putReply(201, sha('q1'), sha('c2')) },
    });
    expectNewPullRequest(12);
    expectDeploymentStatuses();

    const { port, deps: d } = deps();
    const out = await runRollback(inputs, full, d);

    expect(out.regions[0]).toMatchObject({ committed: true, commitSha: sha('c1') });
    expect(out.markdown).toContain('canary 1.42.0 from 25% to 0%');
    expect(gh.requests.filter((r) => r.route === PUT_CONTENT && r.status === 409)).toHaveLength(1);
    // Two more requests than the first run: the refused write and the fresh read.
    expect(out.timeToRestoreMs).toBe(5 * RTT_MS);
    expect(port.calls().total).toBeLessThanOrEqual(24);
    figures.push(
      `rollback figures: with one 409 on the manifest: ${port.calls().total} GitHub requests; failure signal to rollback commit ${out.timeToRestoreMs} ms on the test clock`,
    );
  });

  it('a closed rollback PR: the re-run restores nothing twice and opens a new PR from the same branch', async () => {
    const quarantined = `service: checkout\nversions:\n  - version: 1.42.0\n    reason: canary verdict Fail\n    at: '2026-11-22T11:00:00.000Z'\n    by: bellwether\nlifted: []\n`;
    on(GET_CONTENT, {
      params: { path: QUARANTINE },
      query: { ref: 'main' },
      reply: { status: 200, body: fileReply(QUARANTINE, quarantined, sha('q1')) },
    });
    on(GET_CONTENT, {
      params: { path: MANIFEST },
      query: { ref: 'main' },
      reply: { status: 200, body: fileReply(MANIFEST, manifest('null', 0), sha('m2')) },
    });
    // Nothing left to restore: is the rollback already recorded on the deploy branch? No: its PR was closed unmerged.
    on(GET_CONTENT, { params: { path: RECORD }, query: { ref: 'main' }, reply: NOT_FOUND });
    expectNewPullRequest(13, { branchExists: 'the first rollback record\n', existingLabel: true });
    expectDeploymentStatuses();

    const { port, deps: d } = deps();
    const out = await runRollback({ ...inputs, version: '1.42.0' }, full, d);

    expect(out.regions[0]).toMatchObject({ committed: false, plan: { kind: 'already-safe' } });
    expect(out.pullRequest).toMatchObject({ number: 13, created: true });
    expect(out.timeToRestoreMs).toBeNull();
    expect(gh.requests.filter((r) => r.route === PUT_CONTENT).map((r) => r.params['path'])).toEqual([RECORD]);
    expect(port.calls().total).toBeLessThanOrEqual(19);
    figures.push(`rollback figures: re-run after a closed PR: ${port.calls().total} GitHub requests`);
  });

  it('an alert for a service that does not exist: a clear error, and nothing written', async () => {
    on(GET_CONTENT, { params: { path: 'deploy/chekout/quarantine.yaml' }, reply: NOT_FOUND });
    on(GET_CONTENT, { params: { path: 'deploy/chekout/production/us-east-1.yaml' }, reply: NOT_FOUND });

    const { port, deps: d } = deps();
    const err = await runRollback({ ...inputs, service: 'chekout', trigger: 'alert' }, full, d).catch(
      (e: unknown) => e,
    );

    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toBe(
      'deploy/chekout/production/us-east-1.yaml: no release manifest for chekout in production/us-east-1',
    );
    expect(gh.requests.every((r) => r.method === 'GET')).toBe(true);
    expect(port.calls().total).toBe(2);
  });
});
