import { describe, expect, it } from 'vitest';
import { parseActionItems } from '../../src/postmortem/action-items.js';
import type { Incident } from '../../src/postmortem/incident.js';
import { deadlines, postmortemRequired, reviewPostmortem } from '../../src/postmortem/incident.js';
import { parsePostmortemForm } from '../../src/postmortem/parse.js';
import { refreshManagedBlocks, renderPostmortemBody } from '../../src/postmortem/render.js';
import { formatInZone, mergeTimeline, renderTimeline } from '../../src/postmortem/timeline.js';
import { RULES } from './fixtures.js';

const rules = RULES;

const incident: Incident = {
  key: 'rollback/checkout/production/1.42.0',
  title: 'checkout 1.42.0 rolled back in production',
  severity: 'sev2',
  trigger: 'rollback',
  service: 'checkout',
  environment: 'production',
  startedAt: '2026-03-08T06:40:00Z',
  detectedAt: '2026-03-08T06:52:00Z',
  resolvedAt: '2026-03-08T06:58:00Z',
  summary: 'The canary of 1.42.0 failed at 5%: p99 latency doubled.',
  evidence: '| metric | state |\n| --- | --- |\n| latency p99 | High |',
  budgetConsumed: 0.25,
  links: [{ label: 'failed run', url: 'https://github.com/acme/shop/actions/runs/1' }],
  events: [
    { at: '2026-03-08T06:52:00Z', kind: 'verdict', text: 'Canary verdict Fail (score 40) at 5%' },
    { at: '2026-03-08T06:40:00Z', kind: 'traffic', text: 'Canary 1.42.0 at 1%' },
    { at: '2026-03-08T06:52:00Z', kind: 'verdict', text: 'Canary verdict Fail (score 40) at 5%' },
  ],
};

describe('postmortemRequired', () => {
  it.each([
    [{ severity: 'sev1' as const }, 0, true, 'sev1 incidents always get a postmortem'],
    [{ severity: 'sev3' as const, budgetConsumed: 0.21 }, 0, true, 'it used 21% of the error budget, more than 20%'],
    [
      { severity: 'sev3' as const, budgetConsumed: 0.2 },
      0,
      false,
      'sev3 without recurrence or a large error budget cost does not need one',
    ],
    [{ severity: 'sev3' as const, budgetConsumed: undefined }, 2, true, 'a recurring sev3: 3 in 30 days for checkout'],
    [
      { severity: 'sev4' as const, budgetConsumed: undefined },
      5,
      false,
      'sev4 without recurrence or a large error budget cost does not need one',
    ],
  ])('%j with %i recent sev3', (change, recent, required, reason) => {
    expect(postmortemRequired({ ...incident, ...change }, rules, recent)).toEqual({ required, reason });
  });
});

describe('timeline', () => {
  it('sorts, drops repeats and shows local time across a daylight-saving change', () => {
    const events = mergeTimeline(incident.events);
    expect(events.map((e) => e.kind)).toEqual(['traffic', 'verdict']);
    // 2026-03-08 is the spring-forward day in New York: 06:40Z is 01:40 EST, 07:10Z is 03:10 EDT.
    expect(formatInZone('2026-03-08T06:40:00Z', 'America/New_York').local).toBe('2026-03-08 01:40:00 EST');
    expect(formatInZone('2026-03-08T07:10:00Z', 'America/New_York').local).toBe('2026-03-08 03:10:00 EDT');
    expect(renderTimeline(events, 'America/New_York').split('\n')[2]).toBe(
      '| 2026-03-08 01:40:00 EST | 2026-03-08T06:40:00Z | traffic | Canary 1.42.0 at 1% |',
    );
  });

  it('says so when an incident has no events', () => {
    expect(renderTimeline([], 'UTC')).toMatch(/^_No events were found/);
  });
});

describe('the prefilled body', () => {
  const due = deadlines(incident, rules);
  const body = renderPostmortemBody({ ...incident, events: mergeTimeline(incident.events) }, due, rules.timeZone);

  it('is readable by the form parser and is missing only what people must write', () => {
    const form = parsePostmortemForm(body);
    expect(form.severity).toBe('sev2');
    expect(form.problems.map((p) => p.field)).toEqual(['root-cause', 'action-items']);
    expect(body).toContain('Duration: 18 min');
    expect(body).toContain('Error budget used: 25% of the SLO window');
    expect(due).toEqual({ draft: '2026-03-10', final: '2026-03-15' });
  });

  it('refreshes only the managed blocks and keeps what people wrote', () => {
    const edited = body.replace('### Root cause\n\n_No response_', '### Root cause\n\n1. Why? A cache flag.');
    const newer = renderPostmortemBody(
      {
        ...incident,
        events: [...incident.events, { at: '2026-03-08T06:58:00Z', kind: 'rollback', text: 'Traffic back to 1.41.0' }],
      },
      due,
      rules.timeZone,
    );
    const out = refreshManagedBlocks(edited, newer);
    expect(out).toContain('1. Why? A cache flag.');
    expect(out).toContain('Traffic back to 1.41.0');
    expect(refreshManagedBlocks(out, newer)).toBe(out);
    const stripped = edited.replace(
      /<!-- bellwether:begin timeline -->[\s\S]*<!-- bellwether:end timeline -->/,
      'our own timeline',
    );
    expect(refreshManagedBlocks(stripped, newer)).toContain('our own timeline');
  });

  it('keeps the timeline rows a refresh from another source does not have, in time order, and drops stale notes', () => {
    // The canary run wrote its judgments; the postmortem job later knows only the deployments.
    const first = renderPostmortemBody(
      {
        ...incident,
        events: [
          { at: '2026-03-08T06:45:00Z', kind: 'verdict', text: 'judgment Fail' },
          { at: '2026-03-08T06:41:00Z', kind: 'note', text: 'No deployments yet' },
        ],
      },
      due,
      rules.timeZone,
    );
    const later = renderPostmortemBody(
      {
        ...incident,
        events: [
          { at: '2026-03-08T06:40:00Z', kind: 'deployment', text: 'Deployment #7 created' },
          { at: '2026-03-08T06:50:00Z', kind: 'deployment-status', text: 'Deployment #7 failure' },
        ],
      },
      due,
      rules.timeZone,
    );
    const out = refreshManagedBlocks(first, later);
    const rows = out
      .split('\n')
      .filter((l) => /^\| \d{4}-/.test(l))
      .map((l) => l.split(' | ')[3]);
    expect(rows).toEqual(['Deployment #7 created |', 'judgment Fail |', 'Deployment #7 failure |']);
    expect(refreshManagedBlocks(out, later)).toBe(out);
  });

  it('blocks close-out while P0 items are open and asks for a P0 when the budget cost was large', () => {
    const none = reviewPostmortem(incident, [], [], rules, new Date('2026-03-09T00:00:00Z'));
    expect(none.blocking).toEqual([
      {
        field: 'action-items',
        message: 'the incident used 25% of the error budget, so at least one P0 action item is needed',
      },
    ]);
    const { items } = parseActionItems('- [ ] P0 @alice 2026-03-12 Guard the cache flag');
    const open = reviewPostmortem(incident, [], items, rules, new Date('2026-03-13T12:00:00Z'));
    expect(open).toMatchObject({ mayClose: false, reasons: ['1 P0 action item(s) still open'], draftLate: false });
    expect(open.overdue.map((i) => i.text)).toEqual(['Guard the cache flag']);
    const late = reviewPostmortem(
      incident,
      [{ field: 'root-cause', message: 'x' }],
      items,
      rules,
      new Date('2026-03-11T12:00:00Z'),
    );
    expect(late.draftLate).toBe(true);
    expect(
      reviewPostmortem(incident, [], items, { ...rules, allowCloseWithOpenP0: true }, new Date('2026-03-09T00:00:00Z'))
        .mayClose,
    ).toBe(true);
  });
});
