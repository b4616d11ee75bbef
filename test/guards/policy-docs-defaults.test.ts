/**
 * docs/policies.md tells users each field's default. A default the docs
 * state and the schema does not apply is a promise broken silently, so each
 * kind's field table is held to the schema: every plain default in backticks
 * is compared with what parsing a minimal policy of that kind gives.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseAnyPolicy } from '../../src/policy/kinds.js';
import { parseDuration } from '../../src/policy/fields.js';

const docs = readFileSync(new URL('../../docs/policies.md', import.meta.url), 'utf8');

/** The smallest valid policy of each kind the docs describe. */
const MINIMAL: Record<string, string> = {
  canary: 'kind: canary\n',
  waves: 'kind: waves\nwaves:\n  - name: pilot\n    regions: [us-east-1]\n',
  freeze: 'kind: freeze\n',
  rollback: 'kind: rollback\n',
  postmortem: 'kind: postmortem\n',
  notify: 'kind: notify\n',
};

interface Row {
  readonly kind: string;
  readonly path: string;
  readonly stated: string;
  readonly line: number;
}

/** The rows of the first field table under each `## \`kind\`` heading whose field and default are plain. */
function rows(): Row[] {
  const out: Row[] = [];
  let kind: string | undefined;
  let tables = 0;
  let inTable = false;
  docs.split('\n').forEach((line, i) => {
    const heading = /^## `(\w+)`/.exec(line);
    if (heading) {
      kind = heading[1];
      tables = 0;
      return;
    }
    if (/^## /.test(line)) kind = undefined;
    if (line.startsWith('| field | default |')) {
      tables++;
      inTable = true;
      return;
    }
    if (!line.startsWith('|')) inTable = false;
    if (!kind || !inTable || tables !== 1) return;
    const m = /^\| `([\w.]+)` \| `([^`]+)` \|/.exec(line);
    if (m) out.push({ kind, path: m[1]!, stated: m[2]!, line: i + 1 });
  });
  return out;
}

function at(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
}

/** The stated default as the schema's value would be: durations in milliseconds, YAML otherwise. */
function statedValue(stated: string, actual: unknown): unknown {
  if (typeof actual === 'number') return parseDuration(stated) ?? Number(stated);
  return parseYaml(stated) as unknown;
}

describe('docs/policies.md states the defaults the schemas apply', () => {
  const table = rows();

  it('finds the field tables of every kind', () => {
    expect(new Set(table.map((r) => r.kind))).toEqual(new Set(Object.keys(MINIMAL)));
    expect(table.length).toBeGreaterThan(30);
  });

  it.each(table.map((r) => [`${r.kind}.${r.path} (docs/policies.md:${r.line})`, r] as const))('%s', (_name, row) => {
    const policy = parseAnyPolicy(MINIMAL[row.kind]!, `${row.kind}.yml`);
    const actual = at(policy, row.path);
    expect(
      actual,
      `docs/policies.md:${row.line}: ${row.path} is not a field the ${row.kind} schema fills in`,
    ).not.toBeUndefined();
    expect(statedValue(row.stated, actual)).toEqual(actual);
  });
});

describe('docs/policies.md names every field of every kind', () => {
  it.each(Object.keys(MINIMAL))('%s', (kind) => {
    const section = docs.split(/^## /m).find((s) => s.startsWith(`\`${kind}\``)) ?? '';
    const policy = parseAnyPolicy(MINIMAL[kind]!, `${kind}.yml`) as unknown as Record<string, unknown>;
    const unnamed = Object.keys(policy).filter(
      (key) => !['kind', 'version', 'description'].includes(key) && !section.includes(`\`${key}`),
    );
    expect(unnamed).toEqual([]);
  });
});
