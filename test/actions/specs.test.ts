import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderActionReadme, renderActionYaml } from '../../src/actions/render-docs.js';
import { actionSpecs } from '../../src/actions/specs.js';

describe.each(actionSpecs.map((s) => [s.name, s] as const))('action %s', (name, spec) => {
  it('has a committed action.yml and README generated from its spec', () => {
    expect(readFileSync(`actions/${name}/action.yml`, 'utf8')).toBe(renderActionYaml(spec));
    expect(readFileSync(`actions/${name}/README.md`, 'utf8')).toBe(renderActionReadme(spec));
  });

  it('runs on node24 from the shared bundle and describes every input and output', () => {
    const doc = parse(readFileSync(`actions/${name}/action.yml`, 'utf8')) as {
      runs: { using: string; main: string };
      inputs: Record<string, { description: string }>;
      outputs: Record<string, { description: string }>;
      branding: { icon: string; color: string };
    };
    expect(doc.runs).toEqual({ using: 'node24', main: `../../dist/actions/${name}.js` });
    for (const input of Object.values(doc.inputs)) expect(input.description.length).toBeGreaterThan(10);
    for (const output of Object.values(doc.outputs)) expect(output.description.length).toBeGreaterThan(5);
    expect(doc.branding.icon).toBeTruthy();
  });

  it('has a bundle stub that dispatches on its name', () => {
    expect(readFileSync(`dist/actions/${name}.js`, 'utf8')).toContain(`runAction(${JSON.stringify(name)})`);
  });
});
