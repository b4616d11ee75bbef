import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { loadPolicyFile, parsePolicyText } from '../../src/policy/load.js';
import { PolicyProblem } from '../../src/policy/problems.js';
import { ConfigurationError } from '../../src/runtime/errors.js';
import { nodeFiles } from '../../src/runtime/files.js';

const schema = z.strictObject({
  name: z.string(),
  enabled: z.boolean().default(true),
  mode: z.enum(['hold', 'fail']).default('hold'),
  items: z.array(z.strictObject({ id: z.int().min(1), tags: z.array(z.string()).default([]) })).default([]),
});

/** The message of what parsePolicyText throws. */
function failure(yaml: string): ConfigurationError {
  try {
    parsePolicyText(yaml, 'p.yml', schema);
  } catch (err) {
    if (err instanceof ConfigurationError) return err;
    throw err;
  }
  throw new Error('expected a ConfigurationError');
}

describe('parsePolicyText', () => {
  it('fills defaults', () => {
    expect(parsePolicyText('name: x\nitems:\n  - id: 2\n', 'p.yml', schema)).toEqual({
      name: 'x',
      enabled: true,
      mode: 'hold',
      items: [{ id: 2, tags: [] }],
    });
  });

  it.each([
    // wrong types, in plain words
    ['name: x\nenabled: yes', 'p.yml:2: enabled: expected true or false, got "yes"'],
    ['name: 12', 'p.yml:1: name: expected a string, got 12'],
    ['name: x\nitems: {id: 1}', 'p.yml:2: items: expected a list, got a mapping'],
    ['name: x\nitems:\n  - id: 1.5', 'p.yml:3: items[0].id: expected a whole number, got 1.5'],
    ['name: x\nitems:\n  - id: 0', 'p.yml:3: items[0].id: expected a number of at least 1, got 0'],
    ['name: x\nitems:\n  - id:', 'p.yml:3: items[0].id: expected a number, got an empty value'],
    ['name: x\nitems:\n  - id: .nan', 'p.yml:3: items[0].id: expected a number, got .nan'],
    ['- a\n- b', 'p.yml:1: expected a mapping, got a list'],
    // enums, with did-you-mean
    ['name: x\nmode: hodl', 'p.yml:2: mode: expected one of "hold" or "fail", got "hodl"; did you mean "hold"?'],
    ['name: x\nmode: stop', 'p.yml:2: mode: expected one of "hold" or "fail", got "stop"'],
    // a missing field is reported at the mapping that should hold it
    ['enabled: false', 'p.yml:1: name: missing required field'],
    ['name: x\nitems:\n  - tags: [a]', 'p.yml:3: items[0].id: missing required field'],
    // unknown keys, at their own line, with did-you-mean or the allowed keys
    ['name: x\nenabeld: true', 'p.yml:2: enabeld: unknown key "enabeld"; did you mean "enabled"?'],
    ['name: x\nitems:\n  - id: 1\n    tgas: []', 'p.yml:4: items[0].tgas: unknown key "tgas"; did you mean "tags"?'],
    [
      'name: x\ncolour: red',
      'p.yml:2: colour: unknown key "colour"; expected one of "name", "enabled", "mode" or "items"',
    ],
  ])('%j', (yaml, message) => {
    expect(failure(yaml).message).toBe(message);
  });

  it('reports every problem at once, one line each, sorted by line', () => {
    const err = failure(['items:', '  - id: 0', '    tag: []', '  - id: x', 'mode: hodl', 'enabled: 1'].join('\n'));
    expect(err.message.split('\n')).toEqual([
      '6 problems:',
      'p.yml:1: name: missing required field',
      'p.yml:2: items[0].id: expected a number of at least 1, got 0',
      'p.yml:3: items[0].tag: unknown key "tag"; did you mean "tags"?',
      'p.yml:4: items[1].id: expected a number, got "x"',
      'p.yml:5: mode: expected one of "hold" or "fail", got "hodl"; did you mean "hold"?',
      'p.yml:6: enabled: expected true or false, got 1',
    ]);
    expect(err.problems).toHaveLength(6);
    const third = err.problems[2];
    expect(third).toBeInstanceOf(PolicyProblem);
    expect(third?.location).toEqual({ file: 'p.yml', line: 3, field: 'items[0].tag' });
    expect((third as PolicyProblem).column).toBe(5);
    expect((third as PolicyProblem).detail).toBe('unknown key "tag"; did you mean "tags"?');
  });

  it('names every unknown key of one mapping separately', () => {
    const err = failure('name: x\nfoo: 1\nbar: 2');
    expect(err.problems.map((p) => p.location.field)).toEqual(['foo', 'bar']);
    expect(err.problems.map((p) => p.location.line)).toEqual([2, 3]);
  });

  it('quotes keys that are not plain names in the field path', () => {
    const loose = z.strictObject({ labels: z.record(z.string(), z.number()) });
    expect(() => parsePolicyText('labels:\n  "a b": x', 'p.yml', loose)).toThrow(
      'p.yml:2: labels["a b"]: expected a number, got "x"',
    );
  });

  it('treats an empty document as an empty mapping', () => {
    const allDefaults = z.strictObject({ mode: z.enum(['hold', 'fail']).default('hold') });
    expect(parsePolicyText('', 'p.yml', allDefaults)).toEqual({ mode: 'hold' });
    expect(parsePolicyText('# only a comment\n', 'p.yml', allDefaults)).toEqual({ mode: 'hold' });
  });
});

describe('YAML problems', () => {
  it.each([
    ['name: x\nitems: [1, 2\nmode: hold', /^p\.yml:3:1: YAML syntax error: /],
    ['name: x\n  mode: hold: x', /\np\.yml:2:9: YAML syntax error: Nested mappings are not allowed/],
    ['name: "x', /^p\.yml:1:\d+: YAML syntax error: /],
    ['name: x\n\tmode: hold', /^p\.yml:2:1: YAML syntax error: /],
  ])('syntax error in %j names file:line:col', (yaml, pattern) => {
    expect(failure(yaml).message).toMatch(pattern);
  });

  it('rejects duplicate keys with the field path and both lines', () => {
    const err = failure('name: x\nitems:\n  - id: 1\n    id: 2\nname: y');
    expect(err.message.split('\n')).toEqual([
      '2 problems:',
      'p.yml:4: items[0].id: duplicate key "id" (first given on line 3)',
      'p.yml:5: name: duplicate key "name" (first given on line 1)',
    ]);
  });

  it('reports syntax errors and duplicate keys together', () => {
    const err = failure('name: x\nname: y\nitems: [1, 2\nmode: hold');
    expect(err.problems).toHaveLength(2);
    expect(err.problems[0]?.message).toBe('p.yml:2: name: duplicate key "name" (first given on line 1)');
    expect(err.problems[1]?.message).toMatch(/^p\.yml:4:1: YAML syntax error/);
  });

  it('refuses nesting beyond 64 levels and keys that are lists or mappings', () => {
    const loose = z.unknown();
    const deep = `x: ${'['.repeat(70)}${']'.repeat(70)}`;
    expect(() => parsePolicyText(deep, 'p.yml', loose)).toThrow('p.yml:1: nested more than 64 levels deep');
    const block = Array.from({ length: 70 }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
    expect(() => parsePolicyText(block, 'p.yml', loose)).toThrow('p.yml:65: nested more than 64 levels deep');
    const hugely = `x: ${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(() => parsePolicyText(hugely, 'p.yml', loose)).toThrow(
      /nested too deeply to read|nested more than 64 levels/,
    );
    expect(() => parsePolicyText('? [a, b]\n: 1', 'p.yml', loose)).toThrow(
      'p.yml:1: expected a plain key (a name), got a list or mapping used as a key',
    );
  });

  it('rejects several documents in one file', () => {
    expect(failure('name: x\n---\nname: y').message).toBe(
      'p.yml:2:1: a policy file holds one YAML document, but this one has several (separated by "---")',
    );
  });

  it('allows anchors and aliases, and points into the anchored block', () => {
    const yaml = ['name: x', 'items:', '  - &base', '    id: 1', '    tags: [a]', '  - *base'].join('\n');
    expect(parsePolicyText(yaml, 'p.yml', schema).items).toEqual([
      { id: 1, tags: ['a'] },
      { id: 1, tags: ['a'] },
    ]);
    const bad = ['name: x', 'items:', '  - &base', '    id: 0', '  - *base'].join('\n');
    expect(failure(bad).message.split('\n').slice(1)).toEqual([
      'p.yml:4: items[0].id: expected a number of at least 1, got 0',
      'p.yml:4: items[1].id: expected a number of at least 1, got 0',
    ]);
  });

  it('allows merge keys', () => {
    const yaml = ['name: x', 'items:', '  - &base', '    id: 1', '  - <<: *base', '    tags: [b]'].join('\n');
    expect(parsePolicyText(yaml, 'p.yml', schema).items[1]).toEqual({ id: 1, tags: ['b'] });
  });

  it('refuses a document whose aliases expand without bound (billion laughs)', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [name, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
      ['f', 'e'],
    ]) {
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const loose = z.record(z.string(), z.unknown());
    expect(() => parsePolicyText(lines.join('\n'), 'p.yml', loose)).toThrow(
      /^p\.yml:1:1: aliases expand to too much data/,
    );
  });
});

describe('loadPolicyFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bellwether-policy-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads and validates a file, naming it as given', async () => {
    const file = join(dir, 'ok.yml');
    await writeFile(file, '\uFEFFname: x\n');
    await expect(loadPolicyFile(file, schema, nodeFiles)).resolves.toMatchObject({ name: 'x', mode: 'hold' });
    const bad = join(dir, 'bad.yml');
    await writeFile(bad, 'name: x\nmode: 3\n');
    await expect(loadPolicyFile(bad, schema, nodeFiles)).rejects.toThrow(
      `${bad}:2: mode: expected one of "hold" or "fail", got 3`,
    );
  });

  it('says plainly when the file is missing, a directory or not UTF-8 text', async () => {
    const missing = join(dir, 'nope.yml');
    await expect(loadPolicyFile(missing, schema, nodeFiles)).rejects.toThrow(`${missing}: no such policy file`);
    const sub = join(dir, 'sub.yml');
    await mkdir(sub);
    await expect(loadPolicyFile(sub, schema, nodeFiles)).rejects.toThrow(
      `${sub}: is a directory; expected a policy file`,
    );
    const latin1 = join(dir, 'latin1.yml');
    await writeFile(latin1, Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0a]));
    await expect(loadPolicyFile(latin1, schema, nodeFiles)).rejects.toThrow(`${latin1}: is not UTF-8 text`);
    const binary = join(dir, 'binary.yml');
    await writeFile(binary, Buffer.from([0x00, 0x01, 0x02]));
    await expect(loadPolicyFile(binary, schema, nodeFiles)).rejects.toThrow(`${binary}: holds NUL bytes`);
  });
});
