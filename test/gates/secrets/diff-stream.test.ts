/**
 * A diff scanned piece by piece, from chunks or from a file on disk, must
 * give exactly what the whole diff scanned at once gives: the cuts fall
 * between files, whatever the sizes of the chunks, non-ASCII text, a file
 * larger than a piece, a byte-order mark or text before the first header.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanGitDiff } from '../../../src/gates/secrets/diff-scan.js';
import { CHUNK_BYTES, scanGitDiffChunks, scanGitDiffFile } from '../../../src/gates/secrets/diff-stream.js';
import { DEFAULT_SECRETS_POLICY } from '../../../src/gates/secrets/policy.js';
import { defaultRules } from '../../../src/gates/secrets/rules.js';
import type { ScanResult } from '../../../src/gates/secrets/scan.js';
import { Fake, seeded } from './fake-secrets.js';

function canonical(r: ScanResult): unknown {
  const findings = r.findings.map((f) =>
    [f.file, f.line, f.column, f.endLine, f.endColumn, f.ruleId, f.fingerprint, f.message].join('|'),
  );
  return { files: r.files, lines: r.lines, bytes: r.bytes, notices: r.notices, findings };
}

/** A diff of added files, about `bytes` long, with secrets, non-ASCII lines and one file larger than a piece. */
function makeDiff(seed: number, bytes: number): string {
  const f = new Fake(seed);
  const rand = seeded(seed);
  const parts: string[] = [];
  let size = 0;
  for (let n = 0; size < bytes; n++) {
    const big = n === 3;
    const count = big ? Math.ceil((CHUNK_BYTES * 2) / 40) : 5 + Math.floor(rand() * 200);
    const lines: string[] = [];
    for (let i = 0; i < count; i++) {
      const r = rand();
      if (r < 0.02) lines.push(`GITHUB_TOKEN=ghp_${f.alnum(36)}`);
      else if (r < 0.04) lines.push(`  api_key: "${f.password(28)}"`);
      else if (r < 0.1) lines.push(`// commentaire réservé – ünïcödé ${f.alnum(8)} 🚀`);
      else lines.push(`const value${i} = compute(${f.alnum(12)}, ${i});`);
    }
    const path = `src/m${n}/file ${n}.ts`;
    const part = `diff --git a/${path} b/${path}\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1,${count} @@\n${lines.map((l) => `+${l}`).join('\n')}\n`;
    parts.push(part);
    size += Buffer.byteLength(part);
  }
  return parts.join('');
}

/** `bytes` cut into chunks of random sizes, some far smaller and some larger than a piece. */
function chunked(bytes: Buffer, seed: number): Buffer[] {
  const rand = seeded(seed);
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const n = 1 + Math.floor(rand() * (rand() < 0.5 ? 4096 : CHUNK_BYTES * 3));
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'bellwether-diff-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a diff scanned piece by piece', () => {
  const diff = makeDiff(7, CHUNK_BYTES * 6);
  const whole = canonical(scanGitDiff(diff, defaultRules(), DEFAULT_SECRETS_POLICY));

  it('finds what the whole diff gives, from chunks of any size', async () => {
    expect((whole as { findings: unknown[] }).findings.length).toBeGreaterThan(10);
    for (const seed of [1, 2, 3]) {
      const result = await scanGitDiffChunks(chunked(Buffer.from(diff), seed), defaultRules(), DEFAULT_SECRETS_POLICY);
      expect(canonical(result)).toEqual(whole);
    }
  });

  it('finds what the whole diff gives, from a file on disk', () => {
    const file = join(dir, 'change.diff');
    writeFileSync(file, diff);
    expect(canonical(scanGitDiffFile(file, defaultRules(), DEFAULT_SECRETS_POLICY))).toEqual(whole);
  });

  it('drops a byte-order mark and keeps text before the first header, as a decoder and the whole scan do', async () => {
    const withPreamble = `Subject: a patch\n\n${diff}`;
    const expected = canonical(scanGitDiff(withPreamble, defaultRules(), DEFAULT_SECRETS_POLICY));
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(withPreamble)]);
    expect(canonical(await scanGitDiffChunks(chunked(bytes, 4), defaultRules(), DEFAULT_SECRETS_POLICY))).toEqual(
      expected,
    );
    const file = join(dir, 'bom.diff');
    writeFileSync(file, bytes);
    expect(canonical(scanGitDiffFile(file, defaultRules(), DEFAULT_SECRETS_POLICY))).toEqual(expected);
  });

  it('reads an empty diff as nothing examined', async () => {
    const file = join(dir, 'empty.diff');
    writeFileSync(file, '');
    expect(canonical(scanGitDiffFile(file, defaultRules(), DEFAULT_SECRETS_POLICY))).toEqual({
      files: 0,
      lines: 0,
      bytes: 0,
      notices: [],
      findings: [],
    });
    expect(canonical(await scanGitDiffChunks([], defaultRules(), DEFAULT_SECRETS_POLICY))).toEqual({
      files: 0,
      lines: 0,
      bytes: 0,
      notices: [],
      findings: [],
    });
  });
});
