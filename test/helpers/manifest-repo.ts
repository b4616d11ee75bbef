/**
 * A real git checkout of release manifests for tests that drive the CLI as
 * a process: a repository made with ordinary `git add` and `git commit`, as
 * a person's clone is, and readers of its history.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CommandGit } from '../../src/gitops/git.js';
import { parseManifest } from '../../src/gitops/manifest.js';
import { MANIFEST_TEXT } from '../canary/promotion/fixtures.js';

export const MANIFEST = 'deploy/checkout/production/us-east-1.yaml';

/** The manifest every canary test starts from: one text, kept in the promotion fixtures. */
export { MANIFEST_TEXT };

/** A fresh checkout of `main` holding the checkout service's manifest, committed the ordinary way. */
export async function manifestCheckout(prefix = 'bw-checkout-'): Promise<{ dir: string; git: CommandGit }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const git = new CommandGit(dir, { name: 'Alice', email: 'alice@example.com' });
  await git.run(['init', '-q', '-b', 'main']);
  mkdirSync(dirname(join(dir, MANIFEST)), { recursive: true });
  writeFileSync(join(dir, MANIFEST), MANIFEST_TEXT);
  await git.run(['add', '.']);
  await git.run(['commit', '-q', '-m', 'checkout: initial manifest']);
  return { dir, git };
}

/** The arguments every local canary verb of these tests takes. */
export function verbArgs(dir: string, by = 'alice'): string[] {
  return ['--service', 'checkout', '--region', 'us-east-1', '--repo', dir, '--by', by];
}

/** The canary weight of each commit that changed the manifest on `main`, oldest first. */
export async function weightHistory(git: CommandGit): Promise<number[]> {
  const shas = (await git.run(['log', '--reverse', '--format=%H', 'main', '--', MANIFEST])).stdout.trim().split('\n');
  const weights: number[] = [];
  for (const sha of shas)
    weights.push(parseManifest((await git.run(['show', `${sha}:${MANIFEST}`])).stdout, MANIFEST).canary.weight);
  return weights;
}

/**
 * A folder with a `git` that waits on its first `cat-file` (the first read
 * of a manifest) until `parties` processes have all read, then runs the real
 * git. Put first on PATH, it makes processes started together really decide
 * on the same state before any of them writes: a double click, made certain.
 */
export function readBarrier(parties: number): { bin: string; arrive(pid: number): void } {
  const root = mkdtempSync(join(tmpdir(), 'bw-barrier-'));
  const bin = join(root, 'bin');
  const arrived = join(root, 'arrived');
  mkdirSync(bin);
  mkdirSync(arrived);
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(
    join(bin, 'git'),
    `#!/bin/sh
if [ "$1" = cat-file ] && [ ! -e "${arrived}/$PPID" ]; then
  : > "${arrived}/$PPID"
  while [ "$(ls "${arrived}" | wc -l)" -lt ${parties} ]; do sleep 0.05; done
fi
exec "${realGit}" "$@"
`,
  );
  chmodSync(join(bin, 'git'), 0o755);
  // A process killed before its first read counts as arrived, or the others would wait for it forever.
  return { bin, arrive: (pid) => writeFileSync(join(arrived, String(pid)), '') };
}
