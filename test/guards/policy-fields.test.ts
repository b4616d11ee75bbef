/**
 * Every field a policy schema declares is read by some code outside the
 * schemas: a field that is validated and then never read would let a user
 * configure something, see no error, and believe it works.
 *
 * This is a static check: it walks each kind's schema for its field names
 * and looks for a read of each (`x.field`, `x?.field`, `['field']`, or a
 * destructuring) in src/, comments and schema files left out. It proves a
 * field reaches code, not that its value changes a decision; the tests of
 * each capability hold that. A field read by index (a tier's name) or
 * accepted with one value only is listed below with why.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { policyKinds } from '../../src/policy/kinds.js';
import { schemaFields } from './schema-fields.js';

const root = new URL('../..', import.meta.url).pathname;

/** Fields that are read without their name in the code, with the reason. */
const READ_OTHERWISE: Record<string, string> = {
  'canary: tiers.critical': 'read as tiers[tier], the policy’s own tier',
  'canary: tiers.standard': 'read as tiers[tier], the policy’s own tier',
  'canary: tiers.non-critical': 'read as tiers[tier], the policy’s own tier',
  'canary: tiers.infrastructure': 'read as tiers[tier], the policy’s own tier',
  'freeze: breakGlass.requireReason': 'accepts only true: the gate always requires a reason, which the audit records',
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const SCHEMA_FILES = ['src/policy/schemas/', 'src/gates/core/policy-schema.ts'];
const code = sources(join(root, 'src'))
  .filter((file) => !SCHEMA_FILES.some((s) => relative(root, file).startsWith(s)))
  .map((file) =>
    readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, ''),
  )
  .join('\n');

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
const isRead = (key: string) =>
  new RegExp(`\\??\\.${escape(key)}\\b|\\[['"]${escape(key)}['"]\\]|[{,]\\s*${escape(key)}\\s*[,}:=]`).test(code);

describe('every policy field is read by some code', () => {
  const all = Object.entries(policyKinds).flatMap(([kind, schema]) =>
    [...schemaFields(schema)]
      .filter(([, key]) => !['kind', 'version', 'description'].includes(key))
      .map(([path, key]) => ({ id: `${kind}: ${path}`, key })),
  );

  it('finds the fields of every kind', () => {
    expect(new Set(all.map((f) => f.id.split(':')[0]))).toEqual(new Set(Object.keys(policyKinds)));
    expect(all.length).toBeGreaterThan(100);
  });

  it('reads each one outside the schemas, or says why not', () => {
    const unread = all.filter((f) => !(f.id in READ_OTHERWISE) && !isRead(f.key)).map((f) => f.id);
    expect(unread).toEqual([]);
    // An exception whose field is gone or now read by name is stale.
    const stale = Object.keys(READ_OTHERWISE).filter(
      (id) =>
        !all.some((f) => f.id === id) ||
        (!id.startsWith('canary: tiers.') && isRead(all.find((f) => f.id === id)!.key)),
    );
    expect(stale).toEqual([]);
  });
});
