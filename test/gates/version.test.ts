/**
 * One version: `bellwether --version`, the SARIF every gate verb writes and
 * the gates' own constant all say package.json's version.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { GATES_VERSION } from '../../src/gates/core/run-all.js';
import { VERSION } from '../../src/version.js';
import { runCliProcess } from '../helpers/cli-process.js';

const fixtures = resolve(new URL('../fixtures', import.meta.url).pathname);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bellwether-version-'));
  writeFileSync(
    join(dir, 'change.diff'),
    'diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -0,0 +1 @@\n+hello\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function driverVersions(stdout: string): string[] {
  const log = JSON.parse(stdout) as {
    runs: Array<{ tool: { driver: { version: string; semanticVersion?: string } } }>;
  };
  return log.runs.flatMap((r) => [r.tool.driver.version, r.tool.driver.semanticVersion ?? r.tool.driver.version]);
}

describe('one version string', () => {
  it('the constants are package.json’s version', () => {
    expect(VERSION).toBe(packageJson.version);
    expect(GATES_VERSION).toBe(packageJson.version);
  });

  it('bellwether --version prints it', async () => {
    const out = await runCliProcess(['--version']);
    expect(out.code).toBe(0);
    expect(out.stdout.trim()).toBe(packageJson.version);
  });

  it.each([
    ['workflows', ['gate', 'workflows', join(fixtures, 'gates', 'clean'), '--format', 'sarif']],
    ['secrets', ['gate', 'secrets', '--diff', 'change.diff', '--format', 'sarif']],
    [
      'dependencies',
      [
        'gate',
        'deps',
        '--base',
        'a',
        '--head',
        'b',
        '--snapshot',
        join(fixtures, 'deps', 'changes.json'),
        '--format',
        'sarif',
      ],
    ],
    [
      'posture',
      ['gate', 'posture', '--snapshot', join(fixtures, 'deps', 'posture-snapshot.json'), '--format', 'sarif'],
    ],
  ])('gate %s writes it as SARIF tool.driver.version', async (_family, args) => {
    const out = await runCliProcess(args, { cwd: dir });
    expect(out.stderr).toBe('');
    const versions = driverVersions(out.stdout);
    expect(versions.length).toBeGreaterThan(0);
    expect(new Set(versions)).toEqual(new Set([packageJson.version]));
  });
});
