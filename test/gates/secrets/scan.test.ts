import { describe, expect, it } from 'vitest';
import { parseUnifiedDiff } from '../../../src/gates/core/diff.js';
import { DEFAULT_SECRETS_POLICY, secretsPolicySchema } from '../../../src/gates/secrets/policy.js';
import { defaultRules } from '../../../src/gates/secrets/rules.js';
import { looksBinary, scanDiffFiles, scanFileContent } from '../../../src/gates/secrets/scan.js';
import { Fake } from './fake-secrets.js';

const f = new Fake(11);
const token = `ghp_${f.alnum(36)}`;
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('scanFileContent', () => {
  it('scans text and counts what it read', () => {
    const r = scanFileContent('src/a.ts', bytes(`a\nb = "${token}"\n`), defaultRules(), DEFAULT_SECRETS_POLICY);
    expect(r.findings.map((x) => [x.ruleId, x.line])).toEqual([['github-pat', 2]]);
    expect(r).toMatchObject({ files: 1, lines: 3, notices: [] });
  });

  it('checks only the name of a file past maxFileBytes, and says so', () => {
    const policy = secretsPolicySchema.parse({ maxFileBytes: 10 });
    const r = scanFileContent('.env', bytes(`TOKEN=${token}\n`), defaultRules(), policy);
    expect(r.findings.map((x) => x.ruleId)).toEqual(['env-file']);
    expect(r.notices[0]?.message).toMatch(/larger than maxFileBytes/);
    expect(r.bytes).toBe(0);
  });

  it('does not read lines out of a binary file', () => {
    const data = new Uint8Array([...bytes(token), 0, 1, 2]);
    expect(looksBinary(data)).toBe(true);
    expect(scanFileContent('blob.bin', data, defaultRules(), DEFAULT_SECRETS_POLICY).findings).toEqual([]);
  });

  it('skips a byte order mark and allowed lock files', () => {
    expect(
      scanFileContent('a.txt', bytes(`\uFEFF${token}`), defaultRules(), DEFAULT_SECRETS_POLICY).findings[0]?.column,
    ).toBe(1);
    expect(
      scanFileContent('package-lock.json', bytes(`"x": "${token}"`), defaultRules(), DEFAULT_SECRETS_POLICY),
    ).toMatchObject({ files: 0, findings: [] });
  });
});

describe('scanDiffFiles', () => {
  it('scans added lines, checks names of added files only, and skips deletions', () => {
    const diff = [
      'diff --git a/.env b/.env',
      'index 1..2 100644',
      '--- a/.env',
      '+++ b/.env',
      '@@ -1 +1,2 @@',
      ' A=1',
      `+B=${token}`,
      'diff --git a/id_rsa b/id_rsa',
      'deleted file mode 100644',
      '--- a/id_rsa',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      `-${token}`,
    ].join('\n');
    const r = scanDiffFiles(parseUnifiedDiff(diff), defaultRules(), DEFAULT_SECRETS_POLICY);
    expect(r.findings.map((x) => [x.file, x.line, x.ruleId])).toEqual([['.env', 2, 'github-pat']]);
    expect(r).toMatchObject({ files: 1, lines: 1 });
  });
});
