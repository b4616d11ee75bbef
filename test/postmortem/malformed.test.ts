import { describe, expect, it } from 'vitest';
import { InMemoryGitHub } from '../../src/github/fake.js';
import { parseActionItems } from '../../src/postmortem/action-items.js';
import { postmortemFields } from '../../src/postmortem/form.js';
import type { Incident, PostmortemRules } from '../../src/postmortem/incident.js';
import { reviewPostmortem } from '../../src/postmortem/incident.js';
import { headingKey, parsePostmortemForm, stripHtmlComments } from '../../src/postmortem/parse.js';
import { openOrUpdatePostmortem } from '../../src/postmortem/run.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { RecordingLogger } from '../../src/runtime/logger.js';
import { COMPLETE_FORM, RULES } from './fixtures.js';

/** A body as GitHub renders a submitted issue form, with each heading as given. */
function submitted(answers: Record<string, string>, headings: Record<string, string> = {}): string {
  return postmortemFields
    .map((f) => `${headings[f.id] ?? `### ${f.label}`}\n\n${answers[f.id] ?? '_No response_'}`)
    .join('\n\n');
}

const complete = COMPLETE_FORM;

const rules: PostmortemRules = { ...RULES, timeZone: 'Europe/Berlin' };

describe('answers in the wrong shape', () => {
  const table =
    '| priority | owner | due | what |\n| --- | --- | --- | --- |\n| P0 | @alice | 2026-12-01 | Re-enable the cache |';
  it.each([
    [
      'a table where a list is expected',
      table,
      [],
      [
        'line 1: action items are a table; write one task a line, `- [ ] P0 @owner YYYY-MM-DD what`, so they can be tracked',
      ],
    ],
    [
      'plain bullets without a checkbox',
      '- [ ] P1 @bob 2026-12-03 Add a cache metric\n- Re-enable the cache\n1. Write the runbook\n  - a note under a task',
      [1],
      [
        'line 2 ("Re-enable the cache") is not a task; write it as `- [ ] P0 @owner YYYY-MM-DD what`',
        'line 3 ("Write the runbook") is not a task; write it as `- [ ] P0 @owner YYYY-MM-DD what`',
      ],
    ],
    [
      'prose only',
      'We will look at the cache later.',
      [],
      ['no task lines; write one a line, `- [ ] P0 @owner YYYY-MM-DD what`'],
    ],
    [
      'a task commented out',
      '<!-- - [ ] P0 @alice 2026-12-01 Re-enable the cache -->\n- [ ] P1 @bob 2026-12-03 Add a cache metric',
      [1],
      [],
    ],
  ])('action items as %s', (_name, answer, lines, messages) => {
    const form = parsePostmortemForm(submitted({ ...complete, 'action-items': answer }));
    expect(form.problems).toEqual([]);
    const { items, problems } = parseActionItems(form.answers['action-items'] ?? null);
    expect(items.map((i) => i.line)).toEqual(lines);
    expect(problems.map((p) => p.message)).toEqual(messages);
  });

  it('a P0 item written in a table keeps the postmortem open instead of being lost', () => {
    const form = parsePostmortemForm(submitted({ ...complete, 'action-items': table }));
    const { items, problems } = parseActionItems(form.answers['action-items'] ?? null);
    const review = reviewPostmortem(
      { startedAt: '2026-11-20T10:00:00Z' },
      [...form.problems, ...problems],
      items,
      rules,
      new Date('2026-11-21T10:00:00Z'),
    );
    expect(review.mayClose).toBe(false);
    expect(review.reasons).toEqual(['1 section(s) incomplete']);
  });
});

describe('HTML comments left in', () => {
  it.each([
    [
      'a hint comment as the only answer',
      { 'root-cause': '<!-- Ask why five times -->' },
      ['"Root cause" has no answer yet'],
    ],
    ['a hint comment over a real answer', { 'root-cause': '<!-- Ask why five times -->\n1. Why? A cache flag.' }, []],
    [
      'a comment over several lines',
      { resolution: '<!--\nWhat ended the impact?\n-->\n' },
      ['"Resolution" has no answer yet'],
    ],
    ['a heading inside a comment', { lessons: '<!--\n### Resolution\n\nold text\n-->' }, []],
  ])('%s', (_name, answers, messages) => {
    const form = parsePostmortemForm(submitted({ ...complete, ...answers }));
    expect(form.problems.map((p) => p.message)).toEqual(messages);
  });

  it('reports a comment never closed at its line, and the sections it hides', () => {
    const body = submitted({ ...complete, lucky: '<!-- draft notes' });
    const line = body.split('\n').indexOf('<!-- draft notes') + 1;
    expect(line).toBeGreaterThan(1);
    expect(parsePostmortemForm(body).problems.map((p) => p.message)).toEqual([
      `line ${line}: an HTML comment (<!--) is never closed, so GitHub hides everything after it`,
      'the "Action items" section is missing',
    ]);
  });

  it('keeps the text around a comment', () => {
    expect(stripHtmlComments('a<!-- x -->b\n<!--\ny\n-->c')).toEqual({ text: 'ab\nc', unclosedAtLine: null });
    expect(stripHtmlComments('a\nb <!-- open')).toEqual({ text: 'a\nb ', unclosedAtLine: 2 });
    expect(parsePostmortemForm(submitted({ ...complete, 'root-cause': 'A<!-- hint -->B' })).answers['root-cause']).toBe(
      'AB',
    );
  });
});

describe('headings renamed by hand', () => {
  it.each([
    ['other case', '### ROOT CAUSE', true],
    ['a trailing colon', '### Root cause:', true],
    ['bold', '### **Root cause**', true],
    ['numbered', '### 6. Root cause', true],
    ['a note in brackets', '### Root cause (five whys)', true],
    ['a level-2 heading', '## Root cause', true],
    ['another word', '### Why it happened', false],
    // A level-4 heading is a sub-heading of the answer above it (Timeline), not a section.
    ['a level-4 heading', '#### Root cause', false],
  ])('%s: %s', (_name, heading, read) => {
    const form = parsePostmortemForm(submitted(complete, { 'root-cause': heading }));
    if (read) {
      expect(form.answers['root-cause']).toBe(complete['root-cause']);
      expect(form.problems).toEqual([]);
    } else {
      expect(form.answers['root-cause']).toBeNull();
      expect(form.problems[0]).toEqual({ field: 'root-cause', message: 'the "Root cause" section is missing' });
    }
  });

  it('a level-4 heading stays inside the answer above it', () => {
    const form = parsePostmortemForm(submitted(complete, { 'root-cause': '#### Root cause' }));
    expect(form.answers.timeline).toBe(`see below\n\n#### Root cause\n\n${complete['root-cause']}`);
    expect(form.problems.map((p) => p.field)).toEqual(['root-cause']);
  });

  it('names the headings that are not in the form when a section is missing', () => {
    const form = parsePostmortemForm(
      `${submitted(complete, { 'root-cause': '### Why it happened' })}\n\n### Evidence\n\ntable`,
    );
    expect(form.problems[1]!.message).toMatch(
      /^headings not in the form: "why it happened"; use the form's headings \(Summary, Severity, .*Lessons learned\)$/,
    );
  });

  it('does not complain about extra headings when nothing is missing', () => {
    expect(parsePostmortemForm(`${submitted(complete)}\n\n### Follow-up meeting\n\nTuesday`).problems).toEqual([]);
  });

  it('normalises headings', () => {
    expect(headingKey(' **6. Root  Cause** (five whys): ')).toBe('root cause');
  });
});

describe('severity typed by hand', () => {
  it.each([
    ['SEV2', 'sev2', []],
    ['Sev-1', 'sev1', []],
    ['sev 3 (few users)', 'sev3', []],
    ['critical', null, ['expected one of sev1, sev2, sev3, sev4, got "critical"']],
    ['sev5', null, ['expected one of sev1, sev2, sev3, sev4, got "sev5"']],
  ])('%s', (answer, severity, messages) => {
    const form = parsePostmortemForm(submitted({ ...complete, severity: answer }));
    expect(form.severity).toBe(severity);
    expect(form.problems.map((p) => p.message)).toEqual(messages);
  });
});

describe('an incident with no deployments', () => {
  const incident: Incident = {
    key: 'freeze/checkout/production',
    title: 'checkout frozen: fast burn',
    severity: 'sev2',
    trigger: 'freeze',
    service: 'checkout',
    environment: 'production',
    startedAt: '2026-11-22T09:00:00Z',
    resolvedAt: '2026-11-22T10:00:00Z',
    summary: 'The error budget burned 14 times too fast.',
    links: [],
    events: [{ at: '2026-11-22T09:05:00Z', kind: 'freeze', text: 'Deploys frozen: fast burn 14.4x' }],
  };

  function setup() {
    const clock = new ManualClock('2026-11-22T12:00:00Z');
    const github = new InMemoryGitHub({ owner: 'acme', repo: 'shop' }, clock);
    return { github, deps: { github, clock, logger: new RecordingLogger() } };
  }

  it.each([
    [
      'an environment without deployments',
      incident,
      'No deployments of production were found from a day before the incident to its end.',
    ],
    [
      'no environment named',
      { ...incident, environment: undefined },
      'No environment was named for this incident, so no deployments were read.',
    ],
  ])('the timeline says so for %s, and a re-run leaves it unchanged', async (_name, given, note) => {
    const s = setup();
    const first = await openOrUpdatePostmortem({ incident: given, rules, labels: ['postmortem'] }, s.deps);
    if (first.status === 'skipped') throw new Error('a sev2 incident needs a postmortem');
    const timeline =
      /<!-- bellwether:begin timeline -->\n([\s\S]*?)\n<!-- bellwether:end timeline -->/.exec(first.issue.body)?.[1] ??
      '';
    expect(timeline.split('\n').slice(2)).toEqual([
      `| 2026-11-22 10:00:00 GMT+1 | 2026-11-22T09:00:00Z | note | ${note} |`,
      '| 2026-11-22 10:05:00 GMT+1 | 2026-11-22T09:05:00Z | freeze | Deploys frozen: fast burn 14.4x |',
    ]);
    expect((await openOrUpdatePostmortem({ incident: given, rules, labels: ['postmortem'] }, s.deps)).status).toBe(
      'unchanged',
    );
  });

  it('the note goes once a deployment of the window is found', async () => {
    const s = setup();
    await openOrUpdatePostmortem({ incident, rules, labels: ['postmortem'] }, s.deps);
    const sha = s.github.seedBranch('main', { 'README.md': 'shop\n' });
    // The clock is past the incident; the deployment is created now, outside the window, and stays off the timeline.
    await s.github.createDeployment({
      ref: sha,
      environment: 'production',
      key: 'later',
      description: 'after the incident',
    });
    const again = await openOrUpdatePostmortem({ incident, rules, labels: ['postmortem'] }, s.deps);
    expect(again.status).toBe('unchanged');
    const opened = await openOrUpdatePostmortem(
      { incident: { ...incident, resolvedAt: undefined }, rules, labels: ['postmortem'] },
      s.deps,
    );
    if (opened.status === 'skipped') throw new Error('a sev2 incident needs a postmortem');
    expect(opened.status).toBe('updated');
    expect(opened.issue.body).toMatch(/\| deployment \| Deployment #\d+ created for production: after the incident/);
    expect(opened.issue.body).not.toContain('No deployments of production');
  });
});
