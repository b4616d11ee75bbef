/**
 * A double click: several `bellwether canary promote` processes started at
 * once on the same canary, over a real git checkout. Every one of them has
 * read the canary at 1% before any writes (a barrier on the first read makes
 * that certain), so each is the same person's intent about the same state:
 * traffic moves one stage, and the others say another run already did it.
 */
import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../helpers/cli-process.js';
import { manifestCheckout, readBarrier, verbArgs, weightHistory } from '../helpers/manifest-repo.js';
import { MANIFEST } from '../helpers/manifest-repo.js';
import { parseManifest } from '../../src/gitops/manifest.js';

describe('concurrent canary promote processes', () => {
  for (const parties of [2, 8]) {
    it(`moves traffic exactly one stage when ${parties} promotes run at once`, async () => {
      const { dir, git } = await manifestCheckout();
      const started = await runCliProcess(['canary', 'start', '--version', '1.42.0', ...verbArgs(dir)]);
      expect(started.code, started.stderr).toBe(0);

      const { bin } = readBarrier(parties);
      const env = { PATH: `${bin}:${process.env.PATH ?? ''}` };
      const runs = await Promise.all(
        Array.from({ length: parties }, (_, i) =>
          runCliProcess(['canary', 'promote', ...verbArgs(dir, `user${i}`), '--format', 'json'], { env }),
        ),
      );
      const report = runs.map((r) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`).join('\n----\n');
      expect(
        runs.map((r) => r.code),
        report,
      ).toEqual(runs.map(() => 0));
      const outputs = runs.map((r) => JSON.parse(r.stdout) as { committed: boolean; decision: { summary: string } });
      expect(
        outputs.filter((o) => o.committed),
        report,
      ).toHaveLength(1);
      for (const o of outputs.filter((x) => !x.committed))
        expect(o.decision.summary).toBe('Already promoted to 5% by another run');

      expect(await weightHistory(git)).toEqual([0, 1, 5]);
      const final = parseManifest((await git.run(['show', `main:${MANIFEST}`])).stdout, MANIFEST);
      expect(final).toMatchObject({
        stable: { version: '1.41.0' },
        canary: { version: '1.42.0', weight: 5 },
        promotion: { phase: 'soaking', stage: 1 },
      });
    });
  }
});
