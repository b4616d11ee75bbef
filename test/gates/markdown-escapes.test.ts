/**
 * The gates' Markdown (job summary, pull request comment, rule catalog) with
 * values that carry Markdown of their own: a pipe, a backtick, a line break, a
 * tag and a link in file names, package names, messages and reasons. Parsed
 * as CommonMark with GitHub's tables, each table keeps its columns, no fence
 * opens and no tag or link reaches the reader.
 */
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GATES_POLICY } from '../../src/gates/core/policy-schema.js';
import { decideDependencies } from '../../src/gates/deps/decide.js';
import { renderMarkdown as renderDepsMarkdown } from '../../src/gates/deps/render.js';
import type { SecretsReport } from '../../src/gates/secrets/render.js';
import { renderSecretsMarkdown } from '../../src/gates/secrets/render.js';
import { auditSource } from '../../src/gates/workflows/audit.js';
import { decideGate } from '../../src/gates/workflows/decide.js';
import { renderMarkdown, renderRuleCatalog } from '../../src/gates/workflows/render.js';
import { escapeMarkdownKeepingCode } from '../../src/report/markdown.js';
import { parseMarkdown } from '../helpers/markdown.js';
import { change, depsPolicy, vuln } from './deps/helpers.js';

const NOW = new Date('2026-06-15T12:00:00Z');
const HOSTILE = 'a|b `c` <script>x</script> [link](https://evil.example)\n```\nd_e*f*';

function wellFormed(md: string): void {
  const parsed = parseMarkdown(md);
  expect(parsed.problems).toEqual([]);
  expect(parsed.fences).toEqual([]);
  const html = new MarkdownIt('commonmark').enable('table').render(md);
  expect(html).not.toContain('<script>');
  expect(html).not.toContain('<a ');
}

describe('gate Markdown escapes what values carry', () => {
  it('workflow hardening: file, message, fix and reason', () => {
    const text =
      'on: pull_request_target\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n';
    const d = decideGate({
      audits: [auditSource('.github/workflows/ci.yml', text)],
      policy: DEFAULT_GATES_POLICY,
      now: NOW,
    });
    expect(d.findings.length).toBeGreaterThan(0);
    const hostile = {
      ...d,
      findings: d.findings.map((f) => ({ ...f, file: HOSTILE, message: HOSTILE, fix: HOSTILE })),
      suppressed: [{ finding: { ...d.findings[0]!, file: HOSTILE }, by: 'waiver' as const, reason: HOSTILE }],
    } as typeof d;
    const md = renderMarkdown(hostile);
    wellFormed(md);
    expect(parseMarkdown(md).tables).toBe(2);
  });

  it('workflow rule catalog: code in the fix texts stays code', () => {
    const md = renderRuleCatalog();
    wellFormed(md);
    expect(md).toContain('`pull_request`');
  });

  it('dependency review: package names, messages and reasons', () => {
    const d = decideDependencies({
      changes: [change({ name: HOSTILE, version: '1.0.0', vulnerabilities: [vuln('critical')] })],
      policy: depsPolicy({ failOnSeverity: 'high' }),
      now: NOW,
    });
    const withReason = {
      ...d,
      suppressed: [{ finding: d.findings[0]!, by: 'waiver' as const, reason: HOSTILE }],
    } as typeof d;
    const md = renderDepsMarkdown([withReason]);
    wellFormed(md);
    expect(parseMarkdown(md).tables).toBe(1);
  });

  it('secrets: file, redacted secret, fix, owner and notices', () => {
    const report = {
      summary: { mode: 'files', files: 1, lines: 3 },
      decision: {
        verdict: 'fail',
        failOn: 'high',
        blocking: 1,
        findings: [
          {
            file: HOSTILE,
            line: 3,
            column: 1,
            ruleId: 'github-pat',
            severity: 'critical',
            secret: { redacted: 'ghp_`|x' },
            fix: HOSTILE,
          },
        ],
        suppressed: [],
        expiredWaivers: [{ rule: 'github-pat', line: 4, owner: HOSTILE, expires: '2026-01-01' }],
      },
      notices: [{ file: HOSTILE, message: HOSTILE }],
    } as unknown as SecretsReport;
    const md = renderSecretsMarkdown(report);
    wellFormed(md);
    expect(parseMarkdown(md).tables).toBe(1);
  });

  it('keeps backticked spans of our own texts as code, with the pipes inside them escaped in tables', () => {
    expect(escapeMarkdownKeepingCode('use `a|b` not <b>', true)).toBe('use `a\\|b` not \\<b\\>');
    expect(escapeMarkdownKeepingCode('a `lone backtick')).toBe('a \\`lone backtick');
  });
});
