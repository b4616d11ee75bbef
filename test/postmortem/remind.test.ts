import { describe, expect, it } from 'vitest';
import { InMemoryGitHub } from '../../src/github/fake.js';
import { markerComment } from '../../src/github/markers.js';
import { postmortemFields } from '../../src/postmortem/form.js';
import type { PostmortemIssue } from '../../src/postmortem/remind.js';
import { dueReminders, REMINDER_MARKER, remindPostmortems, renderReminder } from '../../src/postmortem/remind.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { RecordingLogger } from '../../src/runtime/logger.js';
import { RULES } from './fixtures.js';

// New York leaves daylight saving time on 2026-11-01 at 02:00 EDT (06:00Z): the local
// day starts at 04:00Z before the change and at 05:00Z after it.
const rules = RULES;

function body(answers: Record<string, string>): string {
  return postmortemFields.map((f) => `### ${f.label}\n\n${answers[f.id] ?? '_No response_'}`).join('\n\n');
}

const written: Record<string, string> = {
  summary: 'Checkout 1.42.0 doubled p99 latency.',
  severity: 'sev2',
  impact: 'Users: 4%\nDuration: 18 min\nError budget used: 5%',
  detection: 'Canary verdict Fail.',
  timeline: 'see the table',
  'root-cause': '1. Why? A cache flag.',
  resolution: 'Rolled back.',
  'action-items': '- [ ] P0 @alice 2026-11-01 Guard the cache flag\n- [x] P1 @bob 2026-10-30 Add a latency metric',
};
const { 'root-cause': _rootCause, ...draft } = written;

// Created 2026-10-29 23:30 EDT: the draft is due 2026-10-31 in New York (2026-11-01 in UTC).
const createdAt = '2026-10-30T03:30:00Z';
const incomplete: PostmortemIssue = {
  number: 11,
  body: body({ ...draft, 'action-items': '- [ ] P2 @carol 2026-12-01 Write the runbook' }),
  createdAt,
};
const complete: PostmortemIssue = { number: 12, body: body(written), createdAt };

describe('dueReminders', () => {
  it.each([
    ['the draft, the last minute of its due day (23:59 EDT)', [incomplete], '2026-11-01T03:59:00Z', rules, []],
    [
      'the draft, the first minute after its due day (00:00 EDT)',
      [incomplete],
      '2026-11-01T04:00:00Z',
      rules,
      [{ issueNumber: 11, draftLate: true, missing: ['"Root cause" has no answer yet'], overdue: [] }],
    ],
    [
      'an item due 11-01, at 23:30 EST on 11-01 (04:30Z, past midnight a day earlier)',
      [complete],
      '2026-11-02T04:30:00Z',
      rules,
      [],
    ],
    [
      'an item due 11-01, at 00:00 EST on 11-02 (05:00Z after the change)',
      [complete],
      '2026-11-02T05:00:00Z',
      rules,
      [{ issueNumber: 12, draftLate: false, missing: [], overdue: ['Guard the cache flag'] }],
    ],
    [
      'an item due 11-01, at 04:30Z in a UTC team',
      [complete],
      '2026-11-02T04:30:00Z',
      { ...rules, timeZone: 'UTC' },
      [{ issueNumber: 12, draftLate: false, missing: [], overdue: ['Guard the cache flag'] }],
    ],
    ['a closed issue', [{ ...incomplete, state: 'closed' as const }], '2026-11-20T12:00:00Z', rules, []],
    [
      'the same issue listed twice',
      [incomplete, incomplete],
      '2026-11-02T12:00:00Z',
      rules,
      [{ issueNumber: 11, draftLate: true, missing: ['"Root cause" has no answer yet'], overdue: [] }],
    ],
    [
      'a draft whose body states a later due date',
      [{ ...incomplete, body: `> Draft due 2026-11-05, final due 2026-11-10.\n\n${incomplete.body}` }],
      '2026-11-05T12:00:00Z',
      rules,
      [],
    ],
    [
      'the day after that stated date',
      [{ ...incomplete, body: `> Draft due 2026-11-05, final due 2026-11-10.\n\n${incomplete.body}` }],
      '2026-11-06T05:00:00Z',
      rules,
      [{ issueNumber: 11, draftLate: true, missing: ['"Root cause" has no answer yet'], overdue: [] }],
    ],
    [
      'a large budget cost without a P0 item',
      [
        {
          ...complete,
          body: body({
            ...written,
            impact: 'Error budget used: 30%',
            'action-items': '- [ ] P1 @bob 2026-12-01 Add a metric',
          }),
        },
      ],
      '2026-11-03T12:00:00Z',
      rules,
      [
        {
          issueNumber: 12,
          draftLate: true,
          missing: ['the incident used 30% of the error budget, so at least one P0 action item is needed'],
          overdue: [],
        },
      ],
    ],
    [
      'a complete postmortem with items not yet due',
      [{ ...complete, body: body({ ...written, 'action-items': '- [ ] P0 @alice 2026-12-01 Guard it' }) }],
      '2026-11-20T12:00:00Z',
      rules,
      [],
    ],
  ])('%s', (_name, issues, now, given, expected) => {
    const got = dueReminders(issues, given, new Date(now));
    expect(
      got.map((r) => ({
        issueNumber: r.issueNumber,
        draftLate: r.draftLate,
        missing: r.missing.map((p) => p.message),
        overdue: r.overdue.map((i) => i.text),
      })),
    ).toEqual(expected);
  });

  it('states the due date of the draft in the policy time zone', () => {
    const [r] = dueReminders([incomplete], rules, new Date('2026-11-01T04:00:00Z'));
    expect(r?.draftDue).toBe('2026-10-31');
    expect(dueReminders([incomplete], { ...rules, timeZone: 'UTC' }, new Date('2026-11-01T04:00:00Z'))).toEqual([]);
  });
});

describe('renderReminder', () => {
  it('names what is missing and whom an overdue item belongs to, with no running count', () => {
    const text = renderReminder(
      {
        issueNumber: 1,
        draftDue: '2026-10-31',
        draftLate: true,
        missing: [{ field: 'root-cause', message: '"Root cause" has no answer yet' }],
        overdue: [
          {
            done: false,
            priority: 'P0',
            owner: 'alice',
            due: '2026-11-01',
            text: 'Guard the cache flag',
            line: 1,
            issue: null,
          },
        ],
      },
      'America/New_York',
    );
    expect(text).toBe(
      [
        '### Postmortem reminder',
        '',
        'The draft was due 2026-10-31 (America/New_York) and still lacks:',
        '- "Root cause" has no answer yet',
        '',
        'Action items past their due date:',
        '- P0 @alice due 2026-11-01: Guard the cache flag',
        '',
        'Tick an item (`- [x]`) when it is done; Bellwether reads the issue again on its next run.',
        '',
      ].join('\n'),
    );
  });
});

describe('remindPostmortems', () => {
  async function setup() {
    const clock = new ManualClock('2026-10-30T04:00:00Z');
    const github = new InMemoryGitHub({ owner: 'acme', repo: 'shop' }, clock);
    const a = await github.createIssue({
      title: '[Postmortem] a',
      body: incomplete.body,
      marker: 'postmortem/a',
      labels: ['postmortem'],
    });
    const b = await github.createIssue({
      title: '[Postmortem] b',
      body: complete.body,
      marker: 'postmortem/b',
      labels: ['postmortem'],
    });
    const logger = new RecordingLogger();
    return { clock, github, logger, deps: { github, clock, logger }, a, b };
  }
  const listed = (s: Awaited<ReturnType<typeof setup>>): PostmortemIssue[] =>
    s.github.issues().map((i) => ({ number: i.number, body: i.body, createdAt, state: i.state }));

  it('comments once per issue across runs and days, updating the one comment in place', async () => {
    const s = await setup();
    expect((await remindPostmortems({ issues: listed(s), rules }, s.deps)).commented).toEqual([]);
    s.clock.advance(Date.parse('2026-11-01T12:00:00Z') - s.clock.now().getTime());
    const first = await remindPostmortems({ issues: listed(s), rules }, s.deps);
    expect(first.commented.map((c) => [c.issueNumber, c.created])).toEqual([[s.a.number, true]]);
    const again = await remindPostmortems({ issues: listed(s), rules }, s.deps);
    expect(again.commented.map((c) => [c.issueNumber, c.created])).toEqual([[s.a.number, false]]);
    // A day later the P0 item of the second issue is overdue too; the first issue keeps its one comment.
    s.clock.advance(24 * 3_600_000);
    const later = await remindPostmortems({ issues: listed(s), rules }, s.deps);
    expect(later.commented.map((c) => [c.issueNumber, c.created])).toEqual([
      [s.a.number, false],
      [s.b.number, true],
    ]);
    expect(s.github.comments(s.a.number)).toHaveLength(1);
    expect(s.github.comments(s.b.number)).toHaveLength(1);
    expect(s.github.comments(s.b.number)[0]!.body).toContain('- P0 @alice due 2026-11-01: Guard the cache flag');
    expect(s.github.comments(s.b.number)[0]!.body).toContain(markerComment(REMINDER_MARKER));
  });

  it('keeps reminding the others when one issue cannot take a comment', async () => {
    const s = await setup();
    s.clock.advance(Date.parse('2026-11-03T12:00:00Z') - s.clock.now().getTime());
    const out = await remindPostmortems({ issues: [{ ...incomplete, number: 999 }, ...listed(s)], rules }, s.deps);
    expect(out.failed).toEqual([{ issueNumber: 999, error: expect.stringContaining('#999 not found') }]);
    expect(out.commented.map((c) => c.issueNumber)).toEqual([s.a.number, s.b.number]);
    expect(s.logger.records.filter((r) => r.level === 'warning').map((r) => r.message)).toEqual([
      expect.stringMatching(/^Could not remind on postmortem #999: /),
    ]);
  });
});
