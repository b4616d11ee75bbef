import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { locateDependency } from '../../../src/gates/deps/locate.js';
import { dependencyPurl, formatPurl, parsePurl, purlMatches } from '../../../src/gates/deps/purl.js';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/deps/${name}`, import.meta.url), 'utf8');

describe('locateDependency', () => {
  it.each([
    ['package-lock.json', 'lodash', '4.17.20', { line: 25, column: 5 }],
    ['package-lock.json', 'lodash', '3.10.1', { line: 20, column: 5 }],
    ['package-lock.json', 'lodash', '9.9.9', { line: 20, column: 5 }],
    ['package-lock.json', '@acme/ui', '2.1.0', { line: 15, column: 5 }],
    ['package-lock.json', 'react', '18.0.0', undefined],
    ['package.json', 'lodash', '4.17.20', { line: 6, column: 5 }],
    ['package.json', 'left-pad', '1.3.0', { line: 9, column: 5 }],
    ['package.json', 'shop', '1.0.0', undefined],
    ['requirements.txt', 'flask', '3.0.0', { line: 2, column: 1 }],
    ['requirements.txt', 'python-dateutil', '2.8.2', { line: 3, column: 1 }],
    ['requirements.txt', 'requests', '2.31.0', { line: 4, column: 3 }],
    ['requirements.txt', 'web', '1.0', undefined],
    ['go.mod', 'github.com/pkg/errors', 'v0.9.1', { line: 5, column: 9 }],
    ['go.mod', 'golang.org/x/text', '0.14.0', { line: 8, column: 2 }],
    ['go.mod', 'golang.org/x/net', 'v0.99.0', { line: 9, column: 2 }],
    ['go.mod', 'example.com/shop', 'v1.0.0', undefined],
  ])('%s: %s@%s', (manifest, name, version, expected) => {
    expect(locateDependency(`sub/${manifest}`, fixture(manifest), name, version)).toEqual(expected);
  });

  it('does not locate in a manifest type it does not know', () => {
    expect(locateDependency('Cargo.lock', 'name = "serde"', 'serde', '1.0.0')).toBeUndefined();
  });
});

describe('package URLs', () => {
  it.each([
    ['pkg:npm/lodash@4.17.21', { type: 'npm', namespace: '', name: 'lodash', version: '4.17.21' }],
    ['pkg:/npm/%40actions/core@1.1.0', { type: 'npm', namespace: '@actions', name: 'core', version: '1.1.0' }],
    ['pkg:npm/@babel/*', { type: 'npm', namespace: '@babel', name: '*' }],
    [
      'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar',
      { type: 'maven', namespace: 'org.apache.logging.log4j', name: 'log4j-core', version: '2.14.1' },
    ],
    [
      'pkg:golang/golang.org/x/net@v0.17.0#http2',
      { type: 'golang', namespace: 'golang.org/x', name: 'net', version: 'v0.17.0' },
    ],
    ['npm/lodash', undefined],
    ['pkg:npm/', undefined],
  ])('parses %s', (text, expected) => {
    expect(parsePurl(text)).toEqual(expected);
  });

  it.each([
    [{ ecosystem: 'npm', name: '@scope/pkg', version: '1.0.0', packageUrl: null }, 'pkg:npm/@scope/pkg@1.0.0'],
    [{ ecosystem: 'pip', name: 'requests', version: '2.31.0', packageUrl: null }, 'pkg:pypi/requests@2.31.0'],
    [
      { ecosystem: 'maven', name: 'org.slf4j:slf4j-api', version: '2.0.9', packageUrl: null },
      'pkg:maven/org.slf4j/slf4j-api@2.0.9',
    ],
    [
      { ecosystem: 'actions', name: 'actions/checkout', version: '4.0.0', packageUrl: null },
      'pkg:githubactions/actions/checkout@4.0.0',
    ],
    [{ ecosystem: 'npm', name: 'x', version: '2.0.0', packageUrl: 'pkg:npm/x' }, 'pkg:npm/x@2.0.0'],
  ])('names a dependency %j as %s', (dep, text) => {
    expect(formatPurl(dependencyPurl(dep))).toBe(text);
  });

  it.each([
    ['pkg:npm/lodash', 'pkg:npm/lodash@4.17.21', true],
    ['pkg:npm/Lodash', 'pkg:npm/lodash@4.17.21', true],
    ['pkg:npm/lodash@4.17.21', 'pkg:npm/lodash@4.17.21', true],
    ['pkg:npm/lodash@4.17.20', 'pkg:npm/lodash@4.17.21', false],
    ['pkg:npm/lodash', 'pkg:npm/lodash.merge@4.6.2', false],
    ['pkg:npm/lodash*', 'pkg:npm/lodash.merge@4.6.2', true],
    ['pkg:npm/@babel/*', 'pkg:npm/%40babel/core@7.0.0', true],
    ['pkg:npm/@babel/*', 'pkg:npm/babel-core@6.0.0', false],
    ['pkg:pypi/lodash', 'pkg:npm/lodash@4.17.21', false],
  ])('%s matches %s: %s', (pattern, purl, ok) => {
    expect(purlMatches(parsePurl(pattern)!, parsePurl(purl)!)).toBe(ok);
  });
});
