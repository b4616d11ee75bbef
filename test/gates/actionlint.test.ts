import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionlintText } from '../helpers/actionlint.js';

const clean = join(import.meta.dirname, '..', 'fixtures', 'gates', 'clean', '.github', 'workflows');
const vulnerable = join(import.meta.dirname, '..', 'fixtures', 'gates', 'vulnerable');

describe('the fixture corpus against actionlint', () => {
  it.each(readdirSync(clean).filter((f) => f.endsWith('.yml')))(
    'clean %s is a valid workflow to actionlint too',
    async (name) => {
      const problems = await actionlintText(readFileSync(join(clean, name), 'utf8'), name);
      expect(problems).toEqual([]);
    },
  );

  it('invalid.yml is invalid to actionlint on the same lines as ours', async () => {
    const problems = await actionlintText(readFileSync(join(vulnerable, 'invalid.yml'), 'utf8'), 'invalid.yml');
    const lines = [...new Set(problems.map((p) => p.line))].sort((a, b) => a - b);
    // actionlint also checks inputs of actions against their metadata (line 18), which needs the network.
    expect(lines).toEqual([4, 6, 8, 12, 14, 15, 16, 18, 19, 20, 21, 23, 26, 32, 36, 41, 42, 48, 51]);
  });
});
