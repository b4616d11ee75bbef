import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditSource } from '../../src/gates/workflows/audit.js';
import { countLines } from '../../src/gates/workflows/run.js';
import { decideGate } from '../../src/gates/workflows/decide.js';
import { DEFAULT_GATES_POLICY } from '../../src/gates/core/policy-schema.js';
import {
  COMMENT_MARKER,
  renderJson,
  renderMarkdown,
  renderRuleCatalog,
  renderText,
} from '../../src/gates/workflows/render.js';
import { RULES } from '../../src/gates/workflows/rules.js';
import { FINGERPRINT_KEY, sarifUri, workflowsSarifRun } from '../../src/gates/workflows/sarif.js';
import { sarifLog } from '../../src/report/sarif.js';
import { VERSION } from '../../src/version.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'gates');
const NOW = new Date('2026-06-15T12:00:00Z');

function decision(files: string[]) {
  const audits = files.map((f) => ({
    ...auditSource(`./test/fixtures/gates/${f}`, readFileSync(join(dir, f), 'utf8')),
    lines: countLines(readFileSync(join(dir, f))),
  }));
  return decideGate({ audits, policy: DEFAULT_GATES_POLICY, now: NOW });
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{
    physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, number> };
  }>;
  partialFingerprints: Record<string, string>;
}

describe('SARIF', () => {
  const d = decision(['vulnerable/injection.yml', 'vulnerable/pinning.yml', 'vulnerable/invalid.yml']);
  const log = JSON.parse(JSON.stringify(sarifLog([workflowsSarifRun(d)])));
  const run = log.runs[0];
  const results: SarifResult[] = run.results;

  it('is a SARIF 2.1.0 log with one run of our tool', () => {
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    expect(run.tool.driver).toMatchObject({ name: 'bellwether-gates', version: VERSION });
    expect(results).toHaveLength(d.findings.length);
  });

  it('describes every rule with help and a security-severity code scanning understands', () => {
    const rules = run.tool.driver.rules as Array<{
      id: string;
      shortDescription: { text: string };
      help: { text: string; markdown: string };
      properties: Record<string, string>;
      defaultConfiguration: { level: string };
    }>;
    expect(rules.map((r) => r.id)).toEqual([...RULES.keys()]);
    for (const r of rules) {
      expect(r.shortDescription.text).not.toBe('');
      expect(r.help.text).toContain('How to fix:');
      expect(r.help.markdown).toContain('How to fix:');
      const sev = Number(r.properties['security-severity']);
      expect(sev).toBeGreaterThan(0);
      expect(sev).toBeLessThanOrEqual(10);
      expect(['error', 'warning', 'note']).toContain(r.defaultConfiguration.level);
    }
    const injection = rules.find((r) => r.id === 'template-injection');
    expect(injection?.properties['security-severity']).toBe('9.5');
    expect(injection?.help.text).toContain('zizmor: template-injection');
  });

  it('gives every result a rule index, a relative location with a region and a fingerprint', () => {
    const rules = run.tool.driver.rules as Array<{ id: string }>;
    for (const r of results) {
      expect(rules[r.ruleIndex]?.id).toBe(r.ruleId);
      expect(r.message.text).not.toBe('');
      const loc = r.locations[0]!.physicalLocation;
      expect(loc.artifactLocation.uri).toMatch(/^test\/fixtures\/gates\/vulnerable\/[a-z-]+\.yml$/);
      expect(loc.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      const { startLine, startColumn, endLine, endColumn } = loc.region as Record<string, number>;
      expect(startLine).toBeGreaterThanOrEqual(1);
      expect(startColumn).toBeGreaterThanOrEqual(1);
      expect(endLine).toBeGreaterThanOrEqual(startLine!);
      if (endLine === startLine) expect(endColumn).toBeGreaterThan(startColumn!);
      expect(r.partialFingerprints[FINGERPRINT_KEY]).toMatch(/^[0-9a-f]{32}$/);
    }
    const first = results.find((r) => r.ruleId === 'template-injection');
    expect(first).toMatchObject({
      level: 'error',
      locations: [{ physicalLocation: { region: { startLine: 16, startColumn: 17, endLine: 16, endColumn: 49 } } }],
    });
  });

  it.each([
    ['./a/b.yml', 'a/b.yml'],
    ['a\\b.yml', 'a/b.yml'],
    ['.github/workflows/x.yml', '.github/workflows/x.yml'],
    ['my flows/a#1.yml', 'my%20flows/a%231.yml'],
  ])('uri of %s is %s', (file, uri) => {
    expect(sarifUri(file)).toBe(uri);
  });
});

describe('text, JSON and Markdown', () => {
  const d = decision(['vulnerable/secrets.yml']);

  it('text lists findings compiler-style, then the verdict', () => {
    const text = renderText(d);
    expect(text.split('\n')[0]).toBe(
      "./test/fixtures/gates/vulnerable/secrets.yml:8:14: medium [secrets-inherit] job 'call' passes every secret of the repository to the reusable workflow it calls.",
    );
    expect(text).toContain(
      `FAIL: 3 findings in 1 file(s) of ${countLines(readFileSync(join(dir, 'vulnerable/secrets.yml')))} line(s) (1 high, 2 medium); 1 at or above high; 0 suppressed.`,
    );
  });

  it('JSON carries the fingerprints a later run uses as its baseline', () => {
    const json = JSON.parse(renderJson(d));
    expect(json).toMatchObject({ verdict: 'fail', mode: 'full', failOn: 'high', blocking: 1, filesAudited: 1 });
    expect(json.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual([
      'secrets-inherit',
      'container-credentials',
      'secrets-tojson',
    ]);
    expect(json.findings[0].fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  it('Markdown has a table and escapes pipes in messages', () => {
    const md = renderMarkdown(d);
    expect(md).toContain('### ❌ Workflow hardening: failed');
    expect(md).toContain('| severity | rule | location | finding | how to fix |');
    expect(md).toContain(
      '| high | `container-credentials`<br>zizmor hardcoded-container-credentials, actionlint credentials | `./test/fixtures/gates/vulnerable/secrets.yml:15:19` |',
    );
    expect(md.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    const clean = renderMarkdown(decideGate({ audits: [], policy: DEFAULT_GATES_POLICY, now: NOW }));
    expect(clean).toContain('### ✅ Workflow hardening: passed');
    expect(clean).not.toContain('| severity |');
  });
});

describe('Markdown size', () => {
  it('stays under the limit, most severe first, and says how many rows it left out', () => {
    const steps = Array.from(
      { length: 400 },
      (_, i) => `      - uses: someone/tool${i}@v1\n      - run: npm install -g tool${i}\n`,
    ).join('');
    const text = `on: push\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
    const d = decideGate({
      audits: [auditSource('.github/workflows/big.yml', text)],
      policy: DEFAULT_GATES_POLICY,
      now: NOW,
    });
    expect(d.findings).toHaveLength(800);
    const md = renderMarkdown(d, { maxChars: 20_000 });
    expect(md.length).toBeLessThanOrEqual(20_000);
    const rows = md.split('\n').filter((l) => l.startsWith('| high') || l.startsWith('| low'));
    expect(rows.every((r) => r.startsWith('| high'))).toBe(true);
    expect(md).toContain(`…and ${800 - rows.length} more; the JSON and SARIF reports list every finding.`);
    expect(renderMarkdown(d).length).toBeLessThanOrEqual(60_000);
  });
});

describe('rule catalog', () => {
  it('has one row per rule with its equivalents', () => {
    const table = renderRuleCatalog().trim().split('\n');
    expect(table).toHaveLength(RULES.size + 2);
    expect(table).toContain(
      '| `always-true-condition` | high | Condition is always true | unsound-condition | if-cond | Write the whole condition inside one ${{ }} (or without it), and do not use a block scalar with a trailing newline for `if:`. |',
    );
  });
});
