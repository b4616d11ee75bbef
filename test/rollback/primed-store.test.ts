import { describe, expect, it } from 'vitest';
import type { ContentStore, StoredText } from '../../src/gitops/content-store.js';
import { PrimedStore } from '../../src/rollback/primed-store.js';

/** A store over a map that counts reads, standing in for GitHub. */
function counting(files: Record<string, StoredText>) {
  let reads = 0;
  const store: ContentStore = {
    branch: 'main',
    read: async (path) => {
      reads++;
      return files[path] ?? null;
    },
    write: async (path, text) => {
      files[path] = { text, sha: `sha-of-${text}` };
      return { sha: `sha-of-${text}`, commitSha: 'c' };
    },
  };
  return { store, reads: () => reads };
}

describe('PrimedStore', () => {
  it('answers a primed read once without asking, then reads through', async () => {
    const inner = counting({ a: { text: 'now', sha: 's2' } });
    const store = new PrimedStore(inner.store);
    store.prime('a', { text: 'before', sha: 's1' });
    expect(await store.read('a')).toEqual({ text: 'before', sha: 's1' });
    expect(inner.reads()).toBe(0);
    expect(await store.read('a')).toEqual({ text: 'now', sha: 's2' });
    expect(inner.reads()).toBe(1);
  });

  it('primes a missing file as null', async () => {
    const inner = counting({ a: { text: 'exists', sha: 's1' } });
    const store = new PrimedStore(inner.store);
    store.prime('a', null);
    expect(await store.read('a')).toBeNull();
    expect(inner.reads()).toBe(0);
  });

  it('a write drops the priming of its path, so the next read is fresh', async () => {
    const inner = counting({});
    const store = new PrimedStore(inner.store);
    store.prime('a', null);
    await store.write('a', 'x', null, 'm');
    expect(await store.read('a')).toEqual({ text: 'x', sha: 'sha-of-x' });
    expect(inner.reads()).toBe(1);
    expect(store.branch).toBe('main');
  });
});
