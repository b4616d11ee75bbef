/**
 * Writes each action's action.yml and README.md from its spec in
 * src/actions/specs.ts, so inputs and outputs are defined once.
 * `npm run docs` writes; `npm run docs -- --check` fails when a file is stale.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { renderActionReadme, renderActionYaml } from '../src/actions/render-docs.js';
import { actionSpecs } from '../src/actions/specs.js';

const root = new URL('..', import.meta.url).pathname;
const check = process.argv.includes('--check');
const stale: string[] = [];
for (const spec of actionSpecs) {
  const dir = join(root, 'actions', spec.name);
  const files: Array<[string, string]> = [
    [join(dir, 'action.yml'), renderActionYaml(spec)],
    [join(dir, 'README.md'), renderActionReadme(spec)],
  ];
  for (const [path, text] of files) {
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (current === text) continue;
    if (check) stale.push(path.slice(root.length));
    else {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path, text);
      console.log(`wrote ${path.slice(root.length)}`);
    }
  }
}
if (stale.length > 0) {
  console.error(`stale generated files (run npm run docs):\n  ${stale.join('\n  ')}`);
  process.exit(1);
}
