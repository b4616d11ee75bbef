import { describe, expect, it } from 'vitest';
import { hasMarker, markerComment, withMarker } from '../../src/github/markers.js';
import { parseRateLimit } from '../../src/github/request-budget.js';
import { parseRepoRef } from '../../src/github/connect.js';
import { splitAnnotations, ANNOTATIONS_PER_REQUEST } from '../../src/github/rest-port.js';

describe('markers', () => {
  it.each([
    ['body', 'canary/api', 'body\n<!-- bellwether:canary/api -->\n'],
    ['body\n', 'canary/api', 'body\n<!-- bellwether:canary/api -->\n'],
    ['', 'x', '<!-- bellwether:x -->\n'],
  ])('withMarker(%j, %s)', (body, marker, want) => {
    expect(withMarker(body, marker)).toBe(want);
    expect(withMarker(want, marker)).toBe(want);
  });

  it('matches the whole marker only', () => {
    expect(hasMarker(withMarker('b', 'freeze/api-v2'), 'freeze/api')).toBe(false);
    expect(hasMarker(withMarker('b', 'freeze/api'), 'freeze/api')).toBe(true);
    expect(hasMarker(null, 'x')).toBe(false);
  });

  it('refuses markers that could break out of the HTML comment', () => {
    expect(() => markerComment('x -->')).toThrow(RangeError);
    expect(() => markerComment('')).toThrow(RangeError);
  });
});

describe('parseRateLimit', () => {
  it.each([
    [{}, null],
    [{ 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': 'many', 'x-ratelimit-reset': '1' }, null],
    [
      { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '10', 'x-ratelimit-reset': '1800000000' },
      { limit: 1000, remaining: 10, used: 990, resetAt: new Date(1_800_000_000_000), resource: 'core' },
    ],
    [
      {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '1',
        'x-ratelimit-used': '4999',
        'x-ratelimit-reset': '0',
        'x-ratelimit-resource': 'graphql',
      },
      { limit: 5000, remaining: 1, used: 4999, resetAt: new Date(0), resource: 'graphql' },
    ],
  ])('%j → %j', (headers, want) => {
    expect(parseRateLimit(headers)).toEqual(want);
  });
});

describe('parseRepoRef', () => {
  it('reads owner/repo', () => {
    expect(parseRepoRef('acme/shop.api')).toEqual({ owner: 'acme', repo: 'shop.api' });
  });
  it.each(['', 'acme', 'acme/shop/x', ' / '])('refuses %j naming the field', (text) => {
    expect(() => parseRepoRef(text)).toThrow(/GITHUB_REPOSITORY: expected owner\/repo/);
  });
});

describe('splitAnnotations', () => {
  const ann = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      path: 'p',
      startLine: i + 1,
      endLine: i + 1,
      level: 'notice' as const,
      message: 'm',
    }));
  it.each([
    [0, 0, []],
    [1, 1, []],
    [50, 50, []],
    [51, 50, [1]],
    [175, 50, [50, 50, 25]],
  ])('%i annotations → first %i, then %j', (n, first, rest) => {
    const [head, tail] = splitAnnotations({ title: 't', summary: 's', annotations: ann(n) });
    expect(((head?.['annotations'] as unknown[]) ?? []).length).toBe(first);
    expect(tail.map((o) => (o['annotations'] as unknown[]).length)).toEqual(rest);
    expect(tail.every((o) => o['title'] === 't' && o['summary'] === 's')).toBe(true);
    expect(ANNOTATIONS_PER_REQUEST).toBe(50);
  });
});
