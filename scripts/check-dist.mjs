// Checks the committed dist/ without changing it:
//  - a fresh build (into a temporary folder) gives the same files, byte for byte;
//  - every import in dist/ is relative to a file in dist/ or a Node built-in,
//    so the actions run from a checkout that has no node_modules;
//  - each action.yml's runs.main is a file of dist/;
//  - licenses.txt names every package whose code is in the bundle;
//  - a copy of dist/ alone, far from any node_modules, answers --version and --help.
// Prints what it examined and each problem; exits 1 when there is one.
//
//   node scripts/check-dist.mjs   (npm run check-dist)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { actionNames, build } from './build.mjs';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
const problems = [];

function filesUnder(top) {
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
    );
  return walk(top)
    .map((p) => relative(top, p))
    .sort();
}

if (!existsSync(dist)) {
  console.log('check-dist: dist/ is missing (npm run build)');
  process.exit(1);
}
const committed = filesUnder(dist);

// A fresh build, compared file by file.
const fresh = mkdtempSync(join(tmpdir(), 'bellwether-dist-'));
let packages, metafile;
try {
  ({ packages, metafile } = await build(join(fresh, 'dist')));
  const built = filesUnder(join(fresh, 'dist'));
  for (const f of built.filter((f) => !committed.includes(f)))
    problems.push(`dist/${f}: missing (a fresh build makes it)`);
  for (const f of committed.filter((f) => !built.includes(f)))
    problems.push(`dist/${f}: not made by a fresh build (stale: delete it)`);
  for (const f of built.filter((f) => committed.includes(f)))
    if (!readFileSync(join(dist, f)).equals(readFileSync(join(fresh, 'dist', f))))
      problems.push(`dist/${f}: differs from a fresh build`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}

// Imports: esbuild's record of the fresh build (the same bytes as dist/, checked above)
// says which imports stay outside the bundle; each must be a Node built-in.
const builtins = new Set(builtinModules);
let imports = 0;
for (const [file, output] of Object.entries(metafile.outputs))
  for (const i of output.imports) {
    imports++;
    if (i.external && !i.path.startsWith('node:') && !builtins.has(i.path))
      problems.push(
        `${relative(fresh, join(root, file))}: imports ${JSON.stringify(i.path)}, which is not in the bundle (actions run without node_modules)`,
      );
  }
// The stubs beside it import dist/index.js only.
for (const f of ['cli.js', ...actionNames().map((name) => `actions/${name}.js`)]) {
  const text = existsSync(join(dist, f)) ? readFileSync(join(dist, f), 'utf8') : '';
  for (const [, spec] of text.matchAll(/\bfrom\s*'([^']+)'/g)) {
    imports++;
    if (resolve(dirname(join(dist, f)), spec) !== join(dist, 'index.js'))
      problems.push(`dist/${f}: imports ${spec}, where it should import dist/index.js`);
  }
}

// Each action's runs.main.
const actions = actionNames();
for (const name of actions) {
  const yml = readFileSync(join(root, 'actions', name, 'action.yml'), 'utf8');
  const main = /^\s+main:\s*(\S+)\s*$/m.exec(yml)?.[1];
  if (!main) problems.push(`actions/${name}/action.yml: no runs.main`);
  else if (!existsSync(join(root, 'actions', name, main)))
    problems.push(`actions/${name}/action.yml: runs.main ${main} is not a file`);
}

// Licenses of every bundled package.
const licenses = existsSync(join(dist, 'licenses.txt')) ? readFileSync(join(dist, 'licenses.txt'), 'utf8') : '';
const listed = new Set(licenses.split('\n\n').map((entry) => entry.split('\n')[0]));
for (const name of packages.keys())
  if (!listed.has(name)) problems.push(`dist/licenses.txt: no entry for ${name}, whose code is in the bundle`);

// dist/ alone: no node_modules to fall back on.
const alone = mkdtempSync(join(tmpdir(), 'bellwether-dist-alone-'));
try {
  cpSync(dist, join(alone, 'dist'), { recursive: true });
  for (const args of [['--version'], ['--help']]) {
    try {
      execFileSync(process.execPath, [join(alone, 'dist', 'cli.js'), ...args], { cwd: alone, stdio: 'pipe' });
    } catch (err) {
      problems.push(
        `dist/cli.js ${args.join(' ')} fails in a copy of dist/ alone: ${
          String(err.stderr ?? err.message)
            .trim()
            .split('\n')[0]
        }`,
      );
    }
  }
} finally {
  rmSync(alone, { recursive: true, force: true });
}

console.log(
  `check-dist: ${committed.length} files of dist/ against a fresh build, ${imports} imports, ${actions.length} actions' runs.main, licenses of ${packages.size} bundled packages, --version and --help from dist/ alone`,
);
for (const p of problems) console.log(`  ${p}`);
console.log(problems.length === 0 ? 'check-dist: ok' : `check-dist: ${problems.length} problems`);
process.exitCode = problems.length === 0 ? 0 : 1;
