// Builds dist/ with esbuild: ES modules split into chunks, so that an action
// or a CLI verb loads only the code it runs. `dist/index.js` is a small entry
// whose `runAction(name)` and `runCli(argv)` import the rest when called;
// `dist/cli.js` and `dist/actions/<name>.js` are tiny stubs that call it.
// Every package bundled into a chunk has its license in dist/licenses.txt.
//
//   node scripts/build.mjs [--out DIR]   (default: dist)
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** The package (name and folder) that a bundled input file belongs to, or undefined for our own source. */
export function packageOf(input) {
  const parts = input.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const scoped = parts[at + 1]?.startsWith('@');
  const name = scoped ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1];
  const folder = parts.slice(0, at + (scoped ? 3 : 2)).join('/');
  return { name, folder };
}

const LICENSE_FILE = /^(licen[cs]e|copying)(\.(md|txt|markdown))?$/i;

/** `name\nSPDX id\nlicense text` for each bundled package, sorted by name, as ncc's license list had it. */
export function licenseList(packages) {
  const entries = [];
  for (const [name, folder] of [...packages].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const pkg = JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8'));
    const license = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'UNKNOWN');
    const file = readdirSync(join(root, folder)).find((f) => LICENSE_FILE.test(f));
    let text;
    if (file) text = readFileSync(join(root, folder, file), 'utf8').trim();
    else {
      // Data-only packages (the SPDX lists) ship no license file: their notice comes from package.json.
      const author = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name;
      text = `${author ? `by ${author}; ` : ''}${name.startsWith('spdx-') ? 'data from the SPDX License List, https://spdx.org/licenses/' : `no license file in the package; see ${pkg.homepage ?? 'its package.json'}`}`;
    }
    entries.push(`${name}\n${license}\n${text}\n`);
  }
  return entries.join('\n');
}

/** The names of the actions: the folders under actions/ with an action.yml. */
export function actionNames() {
  return readdirSync(join(root, 'actions'))
    .filter((name) => existsSync(join(root, 'actions', name, 'action.yml')))
    .sort();
}

/**
 * `@actions/core` imports its OIDC client, and through it an HTTP client and
 * undici (400 kB), at the top of the module. Bellwether never asks for an
 * OIDC token; marking these ES modules free of side effects at import lets
 * esbuild leave out what nothing calls, so an action does not load them.
 */
const SIDE_EFFECT_FREE = /[\\/]node_modules[\\/]@actions[\\/](core|http-client)[\\/]/;
const sideEffectFree = {
  name: 'side-effect-free',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'side-effect-free') return undefined;
      const r = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'side-effect-free',
      });
      if (r.errors.length > 0 || !SIDE_EFFECT_FREE.test(r.path)) return r;
      return { ...r, sideEffects: false };
    });
  },
};

/** Builds into `out` and returns esbuild's metafile and the bundled packages (name → folder). */
export async function build(out) {
  rmSync(out, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { index: 'src/index.ts' },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Packages that ship both take their ES module build, which splits and tree-shakes.
    mainFields: ['module', 'main'],
    minify: true,
    // Licenses are listed whole in licenses.txt instead.
    legalComments: 'none',
    // Names from the content hash only: the same sources give the same files on every machine.
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
    plugins: [sideEffectFree],
    // Bundled CommonJS packages call require() for Node's built-in modules.
    banner: {
      js: 'import{createRequire as __bwCreateRequire}from"node:module";const require=__bwCreateRequire(import.meta.url);',
    },
  });
  const packages = new Map();
  // The packages whose code is in an output file (what tree shaking left out ships nothing).
  for (const output of Object.values(result.metafile.outputs))
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const p = packageOf(input);
      if (p && bytesInOutput > 0) packages.set(p.name, p.folder);
    }
  writeFileSync(join(out, 'licenses.txt'), licenseList(packages));
  writeFileSync(join(out, 'package.json'), '{\n  "type": "module"\n}\n');
  writeFileSync(
    join(out, 'cli.js'),
    "#!/usr/bin/env node\nimport { runCli } from './index.js';\nprocess.exitCode = await runCli(process.argv.slice(2));\n",
    { mode: 0o755 },
  );
  mkdirSync(join(out, 'actions'), { recursive: true });
  const actions = actionNames();
  for (const name of actions) {
    writeFileSync(
      join(out, 'actions', `${name}.js`),
      `import { runAction } from '../index.js';\nawait runAction(${JSON.stringify(name)});\n`,
    );
  }
  return { metafile: result.metafile, packages, actions };
}

if (resolve(process.argv[1] ?? '') === resolve(new URL(import.meta.url).pathname)) {
  const i = process.argv.indexOf('--out');
  const out = resolve(i > 0 ? process.argv[i + 1] : join(root, 'dist'));
  const { metafile, packages, actions } = await build(out);
  const chunks = Object.keys(metafile.outputs).filter((f) => f.includes('/chunks/'));
  console.log(
    `built ${relative(root, out) || '.'}/index.js, ${chunks.length} chunks, cli.js and ${actions.length} action stubs; licenses of ${packages.size} packages`,
  );
}
