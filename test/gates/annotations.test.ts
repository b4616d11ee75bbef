import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS_PER_REQUEST, checkRunAnnotations } from '../../src/gates/core/annotations.js';
import { auditSource } from '../../src/gates/workflows/audit.js';
import { decideGate } from '../../src/gates/workflows/decide.js';
import { DEFAULT_GATES_POLICY } from '../../src/gates/core/policy-schema.js';
import { validateRequest } from '../helpers/openapi.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'gates', 'vulnerable');
const NOW = new Date('2026-06-15T12:00:00Z');
const decision = (names: string[]) =>
  decideGate({
    audits: names.map((n) => auditSource(`.github/workflows/${n}`, readFileSync(join(dir, n), 'utf8'))),
    policy: DEFAULT_GATES_POLICY,
    now: NOW,
  });

describe('checkRunAnnotations', () => {
  it('makes annotations the checks API accepts', () => {
    const [batch] = checkRunAnnotations(decision(['injection.yml', 'pinning.yml']), { failOn: 'high' });
    const body = {
      name: 'bellwether gate',
      head_sha: 'a'.repeat(40),
      status: 'completed',
      conclusion: 'failure',
      output: { title: 't', summary: 's', annotations: batch },
    };
    const { errors } = validateRequest('POST', new URL('https://api.github.com/repos/o/r/check-runs'), body);
    expect(errors).toEqual([]);
  });

  it('levels by the threshold and puts the most severe first', () => {
    const [batch = []] = checkRunAnnotations(decision(['injection.yml']), { failOn: 'high' });
    expect(batch.map((a) => [a.annotation_level, a.start_line, a.title])).toEqual([
      ['failure', 16, 'critical: template-injection'],
      ['failure', 18, 'critical: template-injection'],
      ['failure', 22, 'critical: template-injection'],
      ['failure', 32, 'critical: template-injection'],
      ['notice', 4, 'low: privileged-trigger'],
    ]);
    expect(batch[0]).toMatchObject({ path: '.github/workflows/injection.yml', start_column: 17, end_column: 49 });
  });

  it('keeps only findings on changed lines when they are given', () => {
    const changed = new Map([['.github/workflows/injection.yml', new Set([18, 19])]]);
    const batches = checkRunAnnotations(decision(['injection.yml']), { failOn: 'high', changedLines: changed });
    expect(batches.flat().map((a) => a.start_line)).toEqual([18]);
  });

  it('leaves columns out of annotations that span lines', () => {
    const text =
      'on: issues\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          echo ${{\n            github.event.issue.title\n          }}\n';
    const d = decideGate({
      audits: [auditSource('w.yml', text, { kind: 'workflow' })],
      policy: DEFAULT_GATES_POLICY,
      now: NOW,
    });
    const [batch = []] = checkRunAnnotations(d, { failOn: 'high' });
    expect(batch[0]).toMatchObject({ start_line: 8, end_line: 10 });
    expect(batch[0]).not.toHaveProperty('start_column');
  });

  it('splits into requests of at most 50', () => {
    const steps = Array.from({ length: 120 }, (_, i) => `      - uses: someone/tool${i}@v1\n`).join('');
    const text = `on: push\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
    const d = decideGate({
      audits: [auditSource('.github/workflows/w.yml', text)],
      policy: DEFAULT_GATES_POLICY,
      now: NOW,
    });
    expect(checkRunAnnotations(d, { failOn: 'high' }).map((b) => b.length)).toEqual([
      ANNOTATIONS_PER_REQUEST,
      ANNOTATIONS_PER_REQUEST,
      20,
    ]);
  });
});
