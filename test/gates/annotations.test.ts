import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunAnnotations } from '../../src/gates/core/annotations.js';
import { ANNOTATIONS_PER_REQUEST } from '../../src/github/port.js';
import { splitAnnotations } from '../../src/github/rest-port.js';
import { auditSource } from '../../src/gates/workflows/audit.js';
import { decideGate } from '../../src/gates/workflows/decide.js';
import { DEFAULT_GATES_POLICY } from '../../src/gates/core/policy-schema.js';
import { validateRequest } from '../helpers/openapi.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'gates', 'vulnerable');
const NOW = new Date('2026-06-15T12:00:00Z');
const findings = (names: string[]) =>
  decideGate({
    audits: names.map((n) => auditSource(`.github/workflows/${n}`, readFileSync(join(dir, n), 'utf8'))),
    policy: DEFAULT_GATES_POLICY,
    now: NOW,
  }).findings;

describe('checkRunAnnotations', () => {
  it('makes annotations the checks API accepts once the port writes them', () => {
    const annotations = checkRunAnnotations(findings(['injection.yml', 'pinning.yml']), { failOn: 'high' });
    const [output] = splitAnnotations({ title: 't', summary: 's', annotations });
    const body = {
      name: 'bellwether gate',
      head_sha: 'a'.repeat(40),
      status: 'completed',
      conclusion: 'failure',
      output,
    };
    const { errors } = validateRequest('POST', new URL('https://api.github.com/repos/o/r/check-runs'), body);
    expect(errors).toEqual([]);
  });

  it('levels by the threshold and puts the most severe first', () => {
    const annotations = checkRunAnnotations(findings(['injection.yml']), { failOn: 'high' });
    expect(annotations.map((a) => [a.level, a.startLine, a.title])).toEqual([
      ['failure', 16, 'critical: template-injection'],
      ['failure', 18, 'critical: template-injection'],
      ['failure', 22, 'critical: template-injection'],
      ['failure', 32, 'critical: template-injection'],
      ['notice', 4, 'low: privileged-trigger'],
    ]);
    expect(annotations[0]).toMatchObject({ path: '.github/workflows/injection.yml', startLine: 16, endLine: 16 });
    expect(annotations[0]?.message).toContain('\n\nHow to fix: ');
  });

  it('keeps only findings on changed lines when they are given', () => {
    const changed = new Map([['.github/workflows/injection.yml', new Set([18, 19])]]);
    const annotations = checkRunAnnotations(findings(['injection.yml']), { failOn: 'high', changedLines: changed });
    expect(annotations.map((a) => a.startLine)).toEqual([18]);
  });

  it('spans every line of a finding that spans lines', () => {
    const text =
      'on: issues\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          echo ${{\n            github.event.issue.title\n          }}\n';
    const d = decideGate({
      audits: [auditSource('w.yml', text, { kind: 'workflow' })],
      policy: DEFAULT_GATES_POLICY,
      now: NOW,
    });
    expect(checkRunAnnotations(d.findings, { failOn: 'high' })[0]).toMatchObject({ startLine: 8, endLine: 10 });
  });

  it('annotates every finding, and the port sends them at most 50 a request', () => {
    const steps = Array.from({ length: 120 }, (_, i) => `      - uses: someone/tool${i}@v1\n`).join('');
    const text = `on: push\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
    const d = decideGate({
      audits: [auditSource('.github/workflows/w.yml', text)],
      policy: DEFAULT_GATES_POLICY,
      now: NOW,
    });
    const annotations = checkRunAnnotations(d.findings, { failOn: 'high' });
    expect(annotations).toHaveLength(120);
    const [first, rest] = splitAnnotations({ title: 't', summary: 's', annotations });
    expect([first, ...rest].map((o) => (o?.['annotations'] as unknown[]).length)).toEqual([
      ANNOTATIONS_PER_REQUEST,
      ANNOTATIONS_PER_REQUEST,
      20,
    ]);
  });
});
