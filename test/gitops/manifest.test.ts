import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { GitContentStore } from '../../src/gitops/content-store.js';
import type { ContentStore } from '../../src/gitops/content-store.js';
import { CommandGit } from '../../src/gitops/git.js';
import { manifestPath, parseManifest, renderManifest, updateManifest } from '../../src/gitops/manifest.js';

const TEXT = `# Release manifest of checkout in production, us-east-1.
service: checkout
environment: production
region: us-east-1
stable:
  version: 1.41.0 # the version every user gets
canary:
  version: 1.42.0
  weight: 1
`;

describe('release manifests', () => {
  it('parses with defaults and names file, line and field on mistakes', () => {
    expect(parseManifest('service: a\nenvironment: prod\nstable:\n  version: 1.0.0\n', 'm.yaml').canary).toEqual({
      version: null,
      weight: 0,
    });
    expect(() => parseManifest(TEXT.replace('weight: 1', 'weight: "5%"'), 'deploy/m.yaml')).toThrow(
      /^deploy\/m\.yaml:9(:\d+)?: canary\.weight: /,
    );
    expect(() => parseManifest(TEXT.replace('version: 1.42.0', 'version: 1.41.0'), 'm.yaml')).toThrow(
      /canary\.version: the canary is the stable version 1\.41\.0/,
    );
    expect(() => parseManifest(TEXT.replace('  version: 1.42.0\n', '  version: null\n'), 'm.yaml')).toThrow(
      /a canary with traffic needs a version/,
    );
  });

  it('renders a change keeping comments and layout', () => {
    const m = parseManifest(TEXT, 'm.yaml');
    const out = renderManifest(TEXT, { ...m, canary: { ...m.canary, weight: 5 } });
    expect(out).toBe(TEXT.replace('weight: 1', 'weight: 5'));
  });

  it('builds the conventional path', () => {
    expect(manifestPath('deploy/', 'checkout', 'production', 'us-east-1')).toBe(
      'deploy/checkout/production/us-east-1.yaml',
    );
    expect(manifestPath('deploy', 'checkout', 'staging')).toBe('deploy/checkout/staging/default.yaml');
  });
});

describe('updateManifest over real git', () => {
  let store: ContentStore;
  const path = 'deploy/checkout/production/us-east-1.yaml';

  beforeEach(async () => {
    const git = new CommandGit(mkdtempSync(join(tmpdir(), 'bw-manifest-')));
    await git.run(['init', '-q', '-b', 'main']);
    store = new GitContentStore(git, 'main');
    await store.write(path, TEXT, null, 'initial');
  });

  it('commits a traffic shift once; re-running converges without a second commit', async () => {
    const to5 = (m: ReturnType<typeof parseManifest>) => ({ ...m, canary: { ...m.canary, weight: 5 } });
    const first = await updateManifest(store, path, to5, 'checkout: canary 1.42.0 to 5%');
    expect(first).toMatchObject({ changed: true, manifest: { canary: { weight: 5 } } });
    const again = await updateManifest(store, path, to5, 'checkout: canary 1.42.0 to 5%');
    expect(again).toMatchObject({ changed: false, conflicts: 0 });
    expect((await store.read(path))?.text).toContain('weight: 5');
  });

  it('re-reads after a concurrent write and applies the change on top of it', async () => {
    let raced = false;
    const racing: ContentStore = {
      branch: 'main',
      read: (p) => store.read(p),
      async write(p, text, sha, message) {
        if (!raced) {
          raced = true;
          const cur = await store.read(p);
          await store.write(p, cur!.text.replace('1.41.0', '1.41.1'), cur!.sha, 'hotfix of stable');
        }
        return store.write(p, text, sha, message);
      },
    };
    const res = await updateManifest(racing, path, (m) => ({ ...m, canary: { ...m.canary, weight: 25 } }), 'to 25%');
    expect(res.conflicts).toBe(1);
    const final = parseManifest((await store.read(path))!.text, path);
    expect(final.stable.version).toBe('1.41.1');
    expect(final.canary.weight).toBe(25);
  });
});
