/**
 * How many SLO files of a corpus Bellwether reads: every `.yaml` and `.yml`
 * under the folders given, each read on its own (as `bellwether budget
 * --slo <file>` would), then each folder read as one set so that references
 * across its files resolve. Prints one line per file (loaded, or the first
 * problem) and the totals. Fetches nothing.
 *
 *   node --import tsx scripts/corpus/score-slo.ts <folder> [<folder> ...]
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseOpenSloText, resolveSlos } from '../../src/freeze/openslo.js';
import { windowQuery } from '../../src/freeze/promql-window.js';
import { ConfigurationError } from '../../src/runtime/errors.js';

async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const full = path.join(dir, name);
    if ((await stat(full)).isDirectory()) out.push(...(await yamlFiles(full)));
    else if (/\.ya?ml$/.test(name)) out.push(full);
  }
  return out;
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  // An aggregate error starts with "N problems:"; its first problem says more.
  const first =
    /^\d+ problems:$/.test(lines[0] ?? '') && lines.length > 1 ? `${lines[0]} ${lines[1]?.trim()}` : (lines[0] ?? text);
  return first.slice(0, 240);
}

/** A loaded SLO says whether Bellwether can evaluate it; older loaders have no such field. */
function unevaluable(slo: object): string | undefined {
  const reason = (slo as { unsupported?: { reason?: string } }).unsupported?.reason;
  return typeof reason === 'string' ? reason : undefined;
}

const folders = process.argv.slice(2);
if (folders.length === 0) {
  console.error('usage: score-slo.ts <folder> [<folder> ...]');
  process.exit(2);
}

let files = 0;
let loaded = 0;
let slos = 0;
let evaluable = 0;
for (const folder of folders) {
  const parsed: { file: string; contents: ReturnType<typeof parseOpenSloText> }[] = [];
  const texts = new Map<string, string>();
  for (const file of await yamlFiles(folder)) texts.set(file, await readFile(file, 'utf8'));
  // First pass: every file alone, so that one bad file does not hide the others.
  const alone = new Map<string, string | undefined>();
  for (const [file, text] of texts) {
    try {
      parsed.push({ file, contents: parseOpenSloText(text, file) });
      alone.set(file, undefined);
    } catch (err) {
      if (!(err instanceof ConfigurationError)) throw err;
      alone.set(file, firstLine(err));
    }
  }
  // Second pass: the files that parsed, together, so indicatorRef and metricSourceRef resolve across them.
  const resolved = new Map<string, string | undefined>();
  for (const p of parsed) {
    try {
      const defs = resolveSlos(
        parsed.map((q) => (q === p ? q : { ...q, contents: { ...q.contents, slos: [], sloth: [] } })),
        windowQuery,
      );
      const mine = defs.filter((d) => d.at.file === p.file);
      slos += mine.length;
      evaluable += mine.filter((d) => unevaluable(d) === undefined).length;
      const notes = mine.map((d) =>
        unevaluable(d) === undefined ? `${d.name}` : `${d.name} (not evaluable: ${unevaluable(d)})`,
      );
      resolved.set(p.file, undefined);
      alone.set(p.file, undefined);
      console.log(`ok   ${p.file}${notes.length > 0 ? `: ${notes.join('; ')}` : ''}`);
    } catch (err) {
      if (!(err instanceof ConfigurationError)) throw err;
      resolved.set(p.file, firstLine(err));
    }
  }
  for (const [file, problem] of [...alone, ...resolved]) {
    if (problem !== undefined) console.log(`FAIL ${file}: ${problem}`);
  }
  files += texts.size;
  loaded += [...texts.keys()].filter((f) => alone.get(f) === undefined && resolved.get(f) === undefined).length;
}
console.log(`\n${loaded} of ${files} files load; ${slos} SLOs read, ${evaluable} of them evaluable by Bellwether`);
