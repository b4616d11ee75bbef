import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { openP0, overdueItems, parseActionItems } from '../../src/postmortem/action-items.js';
import { postmortemFields, renderIssueForm } from '../../src/postmortem/form.js';
import { parsePostmortemForm } from '../../src/postmortem/parse.js';
import { COMPLETE_FORM } from './fixtures.js';

/** A body as GitHub renders a submitted issue form. */
function submitted(answers: Record<string, string>): string {
  return postmortemFields.map((f) => `### ${f.label}\n\n${answers[f.id] ?? '_No response_'}`).join('\n\n');
}

const complete = COMPLETE_FORM;

describe('the issue form template', () => {
  it('is committed as generated, for Bellwether and for adopters', () => {
    expect(readFileSync('.github/ISSUE_TEMPLATE/postmortem.yml', 'utf8')).toBe(renderIssueForm());
    expect(readFileSync('workflows/ISSUE_TEMPLATE/postmortem.yml', 'utf8')).toBe(renderIssueForm());
  });

  it('has every section the practice asks for, with ids unique and a severity dropdown', () => {
    const form = parse(renderIssueForm()) as {
      body: Array<{ type: string; id?: string; attributes: { label?: string; options?: string[] } }>;
    };
    const labels = form.body.filter((b) => b.type !== 'markdown').map((b) => b.attributes.label);
    expect(labels).toEqual([
      'Summary',
      'Severity',
      'Impact',
      'Detection',
      'Timeline',
      'Root cause',
      'Trigger',
      'Resolution',
      'What went well',
      'What went wrong',
      'Where we got lucky',
      'Action items',
      'Lessons learned',
    ]);
    const ids = form.body.flatMap((b) => (b.id ? [b.id] : []));
    expect(new Set(ids).size).toBe(ids.length);
    expect(form.body.find((b) => b.id === 'severity')).toMatchObject({
      type: 'dropdown',
      attributes: { options: ['sev1', 'sev2', 'sev3', 'sev4'] },
    });
  });
});

describe('parsePostmortemForm', () => {
  it('reads a complete submission', () => {
    const got = parsePostmortemForm(submitted(complete));
    expect(got.problems).toEqual([]);
    expect(got.severity).toBe('sev2');
    expect(got.answers.trigger).toBeNull();
    expect(got.answers.impact).toBe(complete.impact);
  });

  it.each([
    [
      'an empty answer',
      { ...complete, 'root-cause': '_No response_' },
      { field: 'root-cause', message: '"Root cause" has no answer yet' },
    ],
    [
      'the placeholder left as it is',
      { ...complete, impact: 'Users: \nDuration: \nError budget used: ' },
      { field: 'impact', message: '"Impact" has no answer yet' },
    ],
    [
      'a bad severity',
      { ...complete, severity: 'critical' },
      { field: 'severity', message: 'expected one of sev1, sev2, sev3, sev4, got "critical"' },
    ],
  ])('reports %s', (_name, answers, problem) => {
    expect(parsePostmortemForm(submitted(answers)).problems).toEqual([problem]);
  });

  it('reports a section removed by hand, and survives no body at all', () => {
    const body = submitted(complete).replace(/### Resolution\n\nRolled back\./, '');
    expect(parsePostmortemForm(body).problems).toEqual([
      { field: 'resolution', message: 'the "Resolution" section is missing' },
    ]);
    expect(parsePostmortemForm(null).problems.map((p) => p.field)).toEqual(
      postmortemFields.filter((f) => f.required).map((f) => f.id),
    );
  });

  it('reads CRLF bodies and headings with trailing hashes', () => {
    const body = submitted(complete).replace(/\n/g, '\r\n').replace('### Summary', '### Summary ###');
    expect(parsePostmortemForm(body).answers.summary).toBe(complete.summary);
  });
});

describe('action items', () => {
  const text = [
    '- [ ] P0 @alice 2026-12-01 Re-enable the cache behind a flag',
    '- [x] P1 @acme/sre 2026-11-25 Add a latency canary metric (#88)',
    '* [ ] @bob 2026-11-20 Write the runbook',
    '- [ ] P2 @carol 2026-02-30 Impossible date',
    'not a task',
  ].join('\n');

  it('parses priority, owner, due date and linked issue; names what a line lacks', () => {
    const { items, problems } = parseActionItems(text);
    expect(items[0]).toEqual({
      done: false,
      priority: 'P0',
      owner: 'alice',
      due: '2026-12-01',
      text: 'Re-enable the cache behind a flag',
      line: 1,
      issue: null,
    });
    expect(items[1]).toMatchObject({ done: true, owner: 'acme/sre', issue: 88 });
    expect(problems).toEqual([
      { field: 'action-items', message: 'line 3 ("Write the runbook") needs a priority (P0 to P3)' },
      { field: 'action-items', message: 'line 4: 2026-02-30 is not a calendar date' },
    ]);
  });

  it('finds overdue items by the calendar of the policy time zone', () => {
    const { items } = parseActionItems(text);
    // 2026-12-02 03:00 UTC is still 2026-12-01 in Los Angeles: nothing of 12-01 is overdue there yet.
    const now = new Date('2026-12-02T03:00:00Z');
    expect(overdueItems(items, now, 'America/Los_Angeles').map((i) => i.line)).toEqual([3]);
    expect(overdueItems(items, now, 'Europe/Berlin').map((i) => i.line)).toEqual([1, 3]);
    expect(openP0(items).map((i) => i.line)).toEqual([1]);
  });
});
