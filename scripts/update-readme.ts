/**
 * Writes each action's action.yml and README.md from its spec in
 * src/actions/specs.ts, so inputs and outputs are defined once, and the
 * postmortem issue form from src/postmortem/form.ts.
 * `npm run docs` writes; `npm run docs -- --check` fails when a file is stale.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderActionReadme, renderActionYaml } from '../src/actions/render-docs.js';
import { actionSpecs } from '../src/actions/specs.js';
import { renderIssueForm } from '../src/postmortem/form.js';

const root = new URL('..', import.meta.url).pathname;
const check = process.argv.includes('--check');
const stale: string[] = [];
const files: Array<[string, string]> = actionSpecs.flatMap((spec): Array<[string, string]> => [
  [join(root, 'actions', spec.name, 'action.yml'), renderActionYaml(spec)],
  [join(root, 'actions', spec.name, 'README.md'), renderActionReadme(spec)],
]);
// The postmortem issue form: Bellwether's own, and the copy adopters take.
for (const path of ['.github/ISSUE_TEMPLATE/postmortem.yml', 'workflows/ISSUE_TEMPLATE/postmortem.yml']) {
  files.push([join(root, path), renderIssueForm()]);
}
{
  for (const [path, text] of files) {
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (current === text) continue;
    if (check) stale.push(path.slice(root.length));
    else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      console.log(`wrote ${path.slice(root.length)}`);
    }
  }
}
if (stale.length > 0) {
  console.error(`stale generated files (run npm run docs):\n  ${stale.join('\n  ')}`);
  process.exit(1);
}
