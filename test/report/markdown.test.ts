import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineMetric } from '../../src/canary/judge/defaults.js';
import { judge } from '../../src/canary/judge/judge.js';
import { renderJudgmentMarkdown } from '../../src/report/judgment.js';
import { escapeMarkdown, fencedBlock, markdownCode } from '../../src/report/markdown.js';
import { FileRollbackPublisher } from '../../src/rollback/publish.js';
import { parseMarkdown } from '../helpers/markdown.js';

const seq = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

describe('Markdown that parses as written', () => {
  it('escapes what Markdown would read: a value cannot end a row, open a fence, a link or a tag', () => {
    const nasty = 'a|b `c` *d* _e_ [f](g) <h> \\ i\nj';
    expect(escapeMarkdown(nasty)).toBe('a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\](g) \\<h\\> \\\\ i j');
    const row = `| ${escapeMarkdown(nasty)} | two |`;
    const parsed = parseMarkdown(['| one | two |', '| --- | --- |', row].join('\n'));
    expect(parsed).toEqual({ fences: [], tables: 1, problems: [] });
  });

  it('code spans and fenced blocks are longer than any backtick run inside them', () => {
    expect(markdownCode('a ``b`` c')).toBe('```a ``b`` c```');
    expect(markdownCode('x|y', true)).toBe('`x\\|y`');
    const inner = ['```mermaid', 'xychart-beta', '```'].join('\n');
    const block = fencedBlock(`# record\n\n${inner}\n`, 'markdown');
    expect(block.startsWith('````markdown\n')).toBe(true);
    expect(parseMarkdown(`${block}\n\nafter`)).toEqual({ fences: ['markdown'], tables: 0, problems: [] });
  });

  it('the helper sees a stray fence and a broken table', () => {
    const broken = ['```yaml', 'a: 1', '```mermaid', 'x', '```', 'tail', '```', 'more'].join('\n');
    expect(parseMarkdown(broken).problems).toEqual(['line 7: the fence ``` is never closed']);
    const table = ['| a | b |', '| --- | --- |', '| 1 | 2 | 3 |'].join('\n');
    expect(parseMarkdown(table).problems).toEqual(['line 3: a table row with 3 cells under a header of 2']);
  });

  it("a rollback pull request's draft quotes a record holding a Mermaid chart without a stray fence", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-md-'));
    const record = ['## Rollback', '', '```mermaid', 'xychart-beta', '  bar [1, 2]', '```', ''].join('\n');
    const published = await new FileRollbackPublisher(dir).publish({
      branch: 'bellwether/rollback/checkout/production/1.43.0',
      base: 'main',
      title: 'Roll back checkout 1.43.0',
      body: 'Why: a regression.',
      files: [{ path: 'deploy/checkout/rollbacks/1.43.0.md', text: record, message: 'record the rollback' }],
      labels: ['bellwether:rollback'],
      reviewers: { users: [], teams: [] },
      autoMerge: false,
    });
    const parsed = parseMarkdown(readFileSync(published.url, 'utf8'));
    expect(parsed.problems).toEqual([]);
    expect(parsed.fences).toEqual(['markdown']);
  });

  it("a judgment's Markdown parses: tables well formed, one Mermaid fence, names with pipes and backticks escaped", () => {
    const config = {
      metrics: [
        defineMetric({ name: 'errors|5xx `api`', groups: ['errors'], direction: 'increase' }),
        defineMetric({ name: 'latency_p99', groups: ['latency'] }),
      ],
      groupWeights: {},
    };
    const result = judge(
      config,
      {
        'errors|5xx `api`': { baseline: seq(40, (i) => (i % 5) + 1), canary: seq(40, (i) => (i % 5) + 30) },
        latency_p99: { baseline: seq(40, (i) => 100 + i), canary: seq(40, (i) => 100 + i) },
      },
      { profile: 'bellwether' },
    );
    const parsed = parseMarkdown(renderJudgmentMarkdown(result));
    expect(parsed.problems).toEqual([]);
    expect(parsed.fences).toEqual(['mermaid']);
    expect(parsed.tables).toBe(4);
  });
});
