/**
 * Renders an action's action.yml and README from its spec. Pure, so the
 * generator and the test that checks the committed files share it.
 */
import { stringify } from 'yaml';
import type { ActionSpec } from './spec.js';

const GENERATED = 'Generated from src/actions/specs.ts by `npm run docs`; edit the spec, not this file.';

export function renderActionYaml(spec: ActionSpec): string {
  const inputs: Record<string, Record<string, unknown>> = {};
  for (const [name, input] of Object.entries(spec.inputs)) {
    const entry: Record<string, unknown> = {
      description: input.description + enumNote(input),
      required: Boolean(input.required),
    };
    if (input.default !== undefined) entry.default = input.default;
    inputs[name] = entry;
  }
  const outputs: Record<string, { description: string }> = {};
  for (const [name, output] of Object.entries(spec.outputs)) outputs[name] = { description: output.description };
  const doc = {
    name: spec.title,
    description: spec.description,
    author: 'Bellwether',
    branding: spec.branding,
    inputs,
    outputs,
    runs: { using: 'node24', main: `../../dist/actions/${spec.name}.js` },
  };
  return `# ${GENERATED}\n${stringify(doc, { lineWidth: 0 })}`;
}

export function renderActionReadme(spec: ActionSpec): string {
  const rows = Object.entries(spec.inputs).map(
    ([name, i]) =>
      `| \`${name}\` | ${cell(i.description + enumNote(i))} | ${i.required ? 'yes' : 'no'} | ${i.default === undefined ? '' : i.default === '' ? '(empty)' : `\`${cell(i.default)}\``} |`,
  );
  const outs = Object.entries(spec.outputs).map(([name, o]) => `| \`${name}\` | ${cell(o.description)} |`);
  return [
    `<!-- ${GENERATED} -->`,
    `# ${spec.title}`,
    '',
    spec.description,
    '',
    spec.usage,
    '',
    '## Inputs',
    '',
    '| name | description | required | default |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    '## Outputs',
    '',
    '| name | description |',
    '| --- | --- |',
    ...outs,
    '',
  ].join('\n');
}

function enumNote(input: { type: string; values?: readonly string[] }): string {
  return input.type === 'enum' && input.values ? ` One of: ${input.values.map((v) => `\`${v}\``).join(', ')}.` : '';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}
