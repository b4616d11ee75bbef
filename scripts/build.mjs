// Builds the single bundle (dist/index.js) with ncc, then writes the tiny
// stubs that the CLI bin and each action's `runs.main` point at.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
rmSync(join(root, 'lib'), { recursive: true, force: true });
// tsc first (it knows the files are ES modules; type errors are caught by `npm run typecheck`), then ncc bundles the JavaScript.
execFileSync('tsc', ['-p', 'tsconfig.build.json', '--noCheck'], { cwd: root, stdio: 'inherit' });
execFileSync('ncc', ['build', 'lib/index.js', '-o', 'dist', '--minify', '--license', 'licenses.txt', '--quiet'], {
  cwd: root,
  stdio: 'inherit',
});

// ncc lists the licenses of the modules it bundles, but not of the packages
// that only supply JSON data; their notices are added here, from their own package.json.
const dataPackages = ['spdx-license-ids', 'spdx-exceptions'];
const notices = dataPackages.map((name) => {
  const pkg = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'));
  const author = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name;
  return `\n${name}\n${pkg.license}\n${author ? `by ${author}; ` : ''}data from the SPDX License List, https://spdx.org/licenses/\n`;
});
appendFileSync(join(dist, 'licenses.txt'), notices.join(''));

writeFileSync(
  join(dist, 'cli.js'),
  "#!/usr/bin/env node\nimport { runCli } from './index.js';\nprocess.exitCode = await runCli(process.argv.slice(2));\n",
  { mode: 0o755 },
);
mkdirSync(join(dist, 'actions'), { recursive: true });
const actions = readdirSync(join(root, 'actions')).filter((name) =>
  existsSync(join(root, 'actions', name, 'action.yml')),
);
for (const name of actions.sort()) {
  writeFileSync(
    join(dist, 'actions', `${name}.js`),
    `import { runAction } from '../index.js';\nawait runAction(${JSON.stringify(name)});\n`,
  );
}
console.log(`built dist/index.js, dist/cli.js and ${actions.length} action stubs`);
