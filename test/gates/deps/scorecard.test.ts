/**
 * The OpenSSF Scorecard floor: which project a source repository is, how
 * the Scorecard API's answers are read (nock, on the API's documented
 * shape), and what the review decides from the scores.
 */
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decideDependencies } from '../../../src/gates/deps/decide.js';
import { fetchScorecards, scorecardProject } from '../../../src/gates/deps/scorecard.js';
import { change, depsPolicy } from './helpers.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const API = 'https://api.securityscorecards.dev';

/** An answer of the Scorecard API, as it documents it (GET /projects/{platform}/{org}/{repo}). */
function scorecardAnswer(project: string, score: number): unknown {
  return {
    date: '2026-11-16T00:00:00Z',
    repo: { name: project, commit: '0123456789abcdef0123456789abcdef01234567' },
    scorecard: { version: 'v5.1.1', commit: 'fedcba9876543210fedcba9876543210fedcba98' },
    score,
    checks: [
      {
        name: 'Maintained',
        score: 10,
        reason:
          '30 commit(s) out of 30 and 0 issue activity out of 30 found in the last 90 days -- score normalized to 10',
        details: null,
        documentation: {
          short: 'Determines if the project is "actively maintained".',
          url: 'https://github.com/ossf/scorecard/blob/main/docs/checks.md#maintained',
        },
      },
    ],
  };
}

describe('scorecardProject', () => {
  it.each([
    ['https://github.com/Chalk/chalk', 'github.com/chalk/chalk'],
    ['git+https://github.com/lodash/lodash.git', 'github.com/lodash/lodash'],
    ['https://www.github.com/a/b/tree/main/packages/c', 'github.com/a/b'],
    ['https://gitlab.com/group/project', 'gitlab.com/group/project'],
    ['https://bitbucket.org/a/b', undefined],
    ['https://github.com/only-owner', undefined],
    ['not a url', undefined],
    [null, undefined],
  ])('%s is %s', (url, project) => {
    expect(scorecardProject(url)).toBe(project);
  });
});

describe('fetchScorecards', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());

  it('reads scores, treats 404 as no score, and says why the others could not be read', async () => {
    nock(API)
      .get('/projects/github.com/good/repo')
      .reply(200, scorecardAnswer('github.com/good/repo', 7.4))
      .get('/projects/github.com/unscored/repo')
      .reply(404, { code: 404, message: 'Not Found' })
      .get('/projects/github.com/broken/repo')
      .reply(503, 'unavailable')
      .get('/projects/github.com/odd/repo')
      .reply(200, { score: 'high' });
    const result = await fetchScorecards([
      'github.com/good/repo',
      'github.com/unscored/repo',
      'github.com/broken/repo',
      'github.com/odd/repo',
      'github.com/good/repo',
    ]);
    expect([...result.scores]).toEqual([['github.com/good/repo', 7.4]]);
    expect(result.unreadable).toEqual(
      expect.arrayContaining([
        { project: 'github.com/broken/repo', message: 'the Scorecard API answered 503' },
        { project: 'github.com/odd/repo', message: 'the Scorecard API answered without a score from 0 to 10' },
      ]),
    );
    expect(result.unreadable).toHaveLength(2);
    expect(nock.isDone()).toBe(true);
  });
});

describe('the Scorecard floor in the review', () => {
  const scored = (url: string | null, extra = {}) => change({ sourceRepositoryUrl: url, ...extra });
  const decide = (section: unknown, url: string | null, scores: Array<[string, number | string]>) =>
    decideDependencies({
      changes: [scored(url)],
      policy: depsPolicy({ licenses: { check: false }, ...(section as object) }),
      scorecards: new Map(scores),
      now: NOW,
    });

  it('fails an added dependency below the floor, with the score and the floor in the message', () => {
    const d = decide({ scorecard: { minScore: 5 } }, 'https://github.com/small/lib', [['github.com/small/lib', 3.2]]);
    expect(d.verdict).toBe('fail');
    expect(d.findings).toEqual([expect.objectContaining({ ruleId: 'dependency-scorecard-low', blocking: true })]);
    expect(d.findings[0]?.message).toContain('whose OpenSSF Scorecard score is 3.2, below the floor of 5');
  });

  it('passes one at or above the floor', () => {
    expect(
      decide({ scorecard: { minScore: 5 } }, 'https://github.com/big/lib', [['github.com/big/lib', 5]]).findings,
    ).toEqual([]);
  });

  it.each([
    ['warn', false],
    ['fail', true],
  ] as const)('a project without a score is %s by the missing setting', (missing, blocking) => {
    const d = decide({ scorecard: { minScore: 5, missing } }, 'https://github.com/new/lib', [
      ['github.com/new/lib', 'the Scorecard API answered 503'],
    ]);
    expect(d.findings).toEqual([expect.objectContaining({ ruleId: 'dependency-scorecard-unknown', blocking })]);
    expect(d.findings[0]?.message).toContain(
      'no Scorecard score for github.com/new/lib (the Scorecard API answered 503)',
    );
  });

  it('says so when the source repository is on no host the API covers, and stays quiet when missing is allowed', () => {
    expect(decide({ scorecard: { minScore: 5 } }, 'https://bitbucket.org/a/b', []).findings[0]?.message).toContain(
      'no source repository that the Scorecard API covers',
    );
    expect(decide({ scorecard: { minScore: 5, missing: 'allow' } }, null, []).findings).toEqual([]);
  });

  it('is off unless the policy sets a floor', () => {
    expect(decide({}, 'https://github.com/small/lib', [['github.com/small/lib', 0.5]]).findings).toEqual([]);
  });
});
