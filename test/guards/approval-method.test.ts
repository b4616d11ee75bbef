/**
 * Every value of a canary policy's `approvers.method` changes a decision,
 * and what each does is said the same way by `bellwether policy check` and
 * docs/policies.md.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPROVAL_METHOD_MEANING, approvalCounts } from '../../src/canary/promotion/approval.js';
import type { CommandOrigin } from '../../src/canary/promotion/model.js';
import { APPROVAL_METHODS } from '../../src/policy/schemas/canary.js';
import { runCliProcess } from '../helpers/cli-process.js';

const ORIGINS: readonly CommandOrigin[] = [
  { kind: 'terminal' },
  { kind: 'workflow', event: 'workflow_dispatch' },
  { kind: 'workflow', event: 'schedule' },
  { kind: 'workflow', event: 'push', environmentApprovers: ['monalisa'] },
];

describe('approvers.method', () => {
  it.each(APPROVAL_METHODS.flatMap((a) => APPROVAL_METHODS.filter((b) => b !== a).map((b) => [a, b] as const)))(
    '%s and %s decide differently somewhere',
    (a, b) => {
      expect(ORIGINS.some((o) => approvalCounts(a, o).counts !== approvalCounts(b, o).counts)).toBe(true);
    },
  );

  it.each(APPROVAL_METHODS)('docs/policies.md says what %s does', (method) => {
    const docs = readFileSync(new URL('../../docs/policies.md', import.meta.url), 'utf8');
    expect(docs).toContain(`| \`${method}\` | ${APPROVAL_METHOD_MEANING[method]} |`);
  });

  it.each(APPROVAL_METHODS)('bellwether policy check says what %s does', async (method) => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-method-'));
    writeFileSync(join(dir, 'canary.yml'), `kind: canary\napprovers:\n  method: ${method}\n`);
    const run = await runCliProcess(['policy', 'check', dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`  approvers.method ${method}: ${APPROVAL_METHOD_MEANING[method]}`);
  });
});
