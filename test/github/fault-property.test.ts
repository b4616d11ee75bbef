/**
 * Any sequence of faults on a writing request: it is applied at most once,
 * and the verb either returns what was written or fails naming itself.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fault } from '../helpers/faults.js';
import type { Fault } from '../helpers/faults.js';
import { mockGitHub } from '../helpers/github-nock.js';
import { GitHubError } from '../../src/github/errors.js';
import { markerComment } from '../../src/github/markers.js';
import { blobSha } from '../../src/github/fake-repository.js';
import { example, exampleItem, fileReply, putReply, sha, testClient } from './fixtures.js';

const LIST = 'GET /repos/{owner}/{repo}/issues';
const CREATE = 'POST /repos/{owner}/{repo}/issues';

const faults: Fault[] = [
  fault.serverError(502),
  fault.serverError(502, { afterWrite: true }),
  fault.serverError(503),
  fault.timeout(120),
  fault.timeout(120, { afterWrite: true }),
  fault.malformedBody(),
  fault.secondaryRateLimit({ status: 403, retryAfter: 1 }),
  fault.secondaryRateLimit({ status: 429, retryAfter: 1 }),
];

describe('createIssue under any sequence of faults', () => {
  it('never opens a second issue', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...faults), { maxLength: 4 }), async (sequence) => {
        const gh = mockGitHub();
        try {
          const marker = markerComment('incident/77');
          const world: Record<string, unknown>[] = [];
          gh.expect(LIST, {
            times: Infinity,
            reply: () => ({ status: 200, body: world.map((w) => ({ ...w })) }),
          });
          gh.expect(CREATE, {
            times: Infinity,
            reply: (req) => {
              const n = world.length + 1;
              const { pull_request: _pr, ...row } = exampleItem(LIST, {
                number: n,
                body: (req.body as { body: string }).body,
              });
              world.push(row);
              return {
                status: 201,
                body: example(CREATE, 201, { number: n, body: (req.body as { body: string }).body }),
              };
            },
          });
          for (const f of sequence) gh.fault(CREATE, f);
          const { port } = testClient({ requestTimeoutMs: 60 });
          const outcome = await port
            .createIssue({ title: 'Incident', body: 'timeline', marker: 'incident/77' })
            .catch((e: unknown) => e);
          expect(world.length).toBeLessThanOrEqual(1);
          if (outcome instanceof Error) {
            expect(outcome).toBeInstanceOf(GitHubError);
            expect(outcome.message).toMatch(/^GitHub createIssue failed with \d{3}/);
            expect(world).toHaveLength(0);
          } else {
            expect(world).toHaveLength(1);
            expect(outcome).toMatchObject({ number: 1 });
            expect(String(world[0]?.['body'])).toContain(marker);
          }
          expect(gh.problems()).toEqual([]);
        } finally {
          gh.close();
        }
      }),
      { numRuns: 20 },
    );
  });
});

describe('putContent under any sequence of faults', () => {
  const GET = 'GET /repos/{owner}/{repo}/contents/{path}';
  const PUT = 'PUT /repos/{owner}/{repo}/contents/{path}';
  const BRANCH = 'GET /repos/{owner}/{repo}/branches/{branch}';

  it('commits at most once, compare-and-swap on the sha it read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...faults), { maxLength: 4 }), async (sequence) => {
        const gh = mockGitHub();
        try {
          const file = { text: 'weight: 5\n', commits: 0 };
          gh.expect(GET, {
            times: Infinity,
            reply: () => ({ status: 200, body: fileReply('deploy/api.yaml', file.text, blobSha(file.text)) }),
          });
          gh.expect(BRANCH, {
            times: Infinity,
            reply: () => ({ status: 200, body: example(BRANCH, 200, { name: 'main' }) }),
          });
          gh.expect(PUT, {
            times: Infinity,
            reply: (req) => {
              const body = req.body as { sha?: string; content: string };
              if (body.sha !== blobSha(file.text))
                return {
                  status: 409,
                  body: {
                    message: `is at ${blobSha(file.text)} but expected ${body.sha}`,
                    documentation_url: 'https://docs.github.com/rest',
                  },
                };
              file.text = Buffer.from(body.content, 'base64').toString('utf8');
              file.commits += 1;
              return { status: 200, body: putReply(200, blobSha(file.text), sha(file.commits)) };
            },
          });
          for (const f of sequence) gh.fault(PUT, f);
          const { port } = testClient({ requestTimeoutMs: 60 });
          const outcome = await port
            .putContent('deploy/api.yaml', {
              text: 'weight: 25\n',
              message: 'canary 25%',
              branch: 'main',
              expectedSha: blobSha('weight: 5\n'),
            })
            .catch((e: unknown) => e);
          expect(file.commits).toBeLessThanOrEqual(1);
          if (outcome instanceof Error) {
            expect(outcome.message).toMatch(/^GitHub putContent failed with \d{3}/);
            expect(file.commits).toBe(0);
          } else {
            expect(file).toEqual({ text: 'weight: 25\n', commits: 1 });
            expect(outcome).toMatchObject({ sha: blobSha('weight: 25\n') });
          }
          expect(gh.problems()).toEqual([]);
        } finally {
          gh.close();
        }
      }),
      { numRuns: 20 },
    );
  });
});
