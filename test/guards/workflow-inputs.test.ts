/**
 * Every input and secret a reusable workflow declares is passed on, and every
 * input a template passes is declared. A declared input that no step uses is
 * a setting the adopter fills in for nothing (the waves workflow's `metrics`
 * once was); an undeclared one is refused by GitHub when the run starts.
 */
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  callInterface,
  jobsOf,
  obj,
  readYaml,
  REUSABLE_USES,
  reusableWorkflows,
  templates,
} from '../workflows/workflow-files.js';

/** Names used as `<context>.<name>` in a text; a name ends where an expression name cannot go on. */
export function contextNames(text: string, context: 'inputs' | 'secrets'): Set<string> {
  return new Set([...text.matchAll(new RegExp(`\\b${context}\\.([A-Za-z_][\\w-]*)`, 'g'))].map((m) => m[1] as string));
}

describe.each(reusableWorkflows().map((wf) => [wf.path, wf] as const))('%s', (_path, wf) => {
  const iface = callInterface(wf);
  // Only the jobs pass values on: the interface's own descriptions and defaults do not count.
  const jobs = stringify(Object.fromEntries(jobsOf(wf)));

  it('passes on every input it declares', () => {
    const used = contextNames(jobs, 'inputs');
    expect(
      Object.keys(iface.inputs).filter((name) => !used.has(name)),
      'inputs no step uses',
    ).toEqual([]);
  });

  it('passes on every secret it declares', () => {
    const used = contextNames(jobs, 'secrets');
    expect(
      Object.keys(iface.secrets).filter((name) => !used.has(name)),
      'secrets no step uses',
    ).toEqual([]);
  });

  it('uses only inputs and secrets it declares', () => {
    expect([...contextNames(jobs, 'inputs')].filter((name) => !(name in iface.inputs))).toEqual([]);
    // The job token is not a declared secret.
    expect(
      [...contextNames(jobs, 'secrets')].filter((name) => !(name in iface.secrets) && name !== 'GITHUB_TOKEN'),
    ).toEqual([]);
  });
});

describe.each(templates().map((wf) => [wf.path, wf] as const))('%s', (_path, wf) => {
  it('passes only inputs and secrets the called workflow declares', () => {
    for (const [id, job] of jobsOf(wf)) {
      const called = REUSABLE_USES.exec(String(job['uses'] ?? ''));
      if (!called) continue;
      const iface = callInterface(readYaml(`.github/workflows/${called[2] as string}`));
      expect(
        Object.keys(obj(job['with'])).filter((name) => !(name in iface.inputs)),
        `inputs of job ${id}`,
      ).toEqual([]);
      expect(
        Object.keys(obj(job['secrets'])).filter((name) => !(name in iface.secrets)),
        `secrets of job ${id}`,
      ).toEqual([]);
    }
  });
});

describe('contextNames', () => {
  it('reads hyphenated names whole and stops at what cannot be part of a name', () => {
    expect(
      [
        ...contextNames(
          '${{ inputs.bellwether-ref }} ${{ inputs.notify-issue > 0 }} secrets.X || inputs.a.b',
          'inputs',
        ),
      ].sort(),
    ).toEqual(['a', 'bellwether-ref', 'notify-issue']);
  });
});
