/**
 * `bellwether gate --base REF [--mode diff|full]` as a process: diff counts
 * the workflow findings the change introduces, full counts every one.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandGit } from '../../src/gitops/git.js';
import { runCliProcess } from '../helpers/cli-process.js';

const INHERITED = `name: greet
on: pull_request_target
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - run: echo "Thanks for \${{ github.event.pull_request.title }}"
`;

const INTRODUCED = `name: release
on: push
permissions:
  contents: read
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: someone/publish@v1
`;

async function change(): Promise<{ dir: string; base: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bw-gate-mode-cli-'));
  const git = new CommandGit(dir);
  await git.run(['init', '-q', '-b', 'main']);
  mkdirSync(join(dir, '.github/workflows'), { recursive: true });
  writeFileSync(join(dir, '.github/workflows/greet.yml'), INHERITED);
  await git.run(['add', '.']);
  await git.run(['commit', '-q', '-m', 'base']);
  const base = (await git.run(['rev-parse', 'HEAD'])).stdout.trim();
  writeFileSync(join(dir, '.github/workflows/release.yml'), INTRODUCED);
  await git.run(['add', '.']);
  await git.run(['commit', '-q', '-m', 'head']);
  return { dir, base };
}

type Report = { families: Array<{ family: string; findings: number }> };
const workflowFindings = (stdout: string) =>
  (JSON.parse(stdout) as Report).families.find((f) => f.family === 'workflows')?.findings;

describe('bellwether gate --mode', () => {
  it('counts only the findings the change introduces by default, and every finding with full', async () => {
    const { dir, base } = await change();
    const diff = await runCliProcess(['gate', '--base', base, '--format', 'json'], { cwd: dir });
    const full = await runCliProcess(['gate', '--base', base, '--mode', 'full', '--format', 'json'], { cwd: dir });
    expect(diff.stderr).toBe('');
    expect(full.stderr).toBe('');
    // release.yml brings one unpinned action; greet.yml's four findings were already at the base.
    expect(workflowFindings(diff.stdout)).toBe(1);
    expect(workflowFindings(full.stdout)).toBe(5);
  });
});
