/**
 * The checks `bellwether self-check` runs over the shipped example. Each
 * returns a line saying what it saw, or throws saying what went wrong.
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import type { LocalDepsBuilder } from './local-deps.js';

/** A named step of the self-check over an example folder. */
export interface SelfCheck {
  readonly name: string;
  /** `depsFor` builds the effects of a check that works on a repository of its own. */
  run(dir: string, depsFor: LocalDepsBuilder): Promise<string>;
}

/** Real git: a GitOps repository is made in a temporary folder, a manifest committed and read back. */
const gitops: SelfCheck = {
  name: 'gitops repository',
  async run(dir, depsFor) {
    const tmp = await mkdtemp(join(tmpdir(), 'bellwether-self-check-'));
    try {
      const { git, files } = depsFor({ repo: tmp });
      const manifest = new TextDecoder().decode(
        await files.read(join(dir, 'gitops', 'checkout', 'production', 'us-east-1.yaml')),
      );
      await git.run(['init', '-q', '-b', 'main']);
      const path = 'deploy/checkout/production/us-east-1.yaml';
      await mkdir(join(tmp, dirname(path)), { recursive: true });
      await writeFile(join(tmp, path), manifest);
      await git.run(['add', path]);
      await git.run(['commit', '-q', '-m', 'checkout: initial release manifest']);
      const shown = (await git.run(['show', `HEAD:${path}`])).stdout;
      if (shown !== manifest) throw new Error('the committed manifest differs from what was written');
      const sha = (await git.run(['rev-parse', '--short', 'HEAD'])).stdout.trim();
      return `committed ${path} as ${sha} in a temporary repository and read it back`;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
};

export const selfChecks: readonly SelfCheck[] = [gitops];
