/**
 * Any sequence of faults on the creating request: at most one issue is ever
 * written, and the verb either returns that issue or fails naming itself.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fault } from '../helpers/faults.js';
import type { Fault } from '../helpers/faults.js';
import { mockGitHub } from '../helpers/github-nock.js';
import { GitHubError } from '../../src/github/errors.js';
import { markerComment } from '../../src/github/markers.js';
import { example, exampleItem, testClient } from './fixtures.js';

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
              const { pull_request: _pr, ...row } = exampleItem(LIST, { number: n, body: (req.body as { body: string }).body });
              world.push(row);
              return { status: 201, body: example(CREATE, 201, { number: n, body: (req.body as { body: string }).body }) };
            },
          });
          for (const f of sequence) gh.fault(CREATE, f);
          const { port } = testClient({ requestTimeoutMs: 60 });
          const outcome = await port.createIssue({ title: 'Incident', body: 'timeline', marker: 'incident/77' }).catch((e: unknown) => e);
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
