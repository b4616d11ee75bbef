import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/runtime/errors.js';
import { envInputSource, readInputs } from '../../src/runtime/inputs.js';
import type { InputSpecs } from '../../src/runtime/inputs.js';

const specs = {
  service: { type: 'string', description: 's', required: true },
  region: { type: 'string', description: 'r' },
  dry: { type: 'boolean', description: 'd', default: 'false' },
  weight: { type: 'number', description: 'w', min: 0, max: 100, default: '5' },
  mode: { type: 'enum', values: ['diff', 'full'], description: 'm', default: 'diff' },
  paths: { type: 'list', description: 'p' },
  token: { type: 'string', description: 't', secret: true, default: '' },
} as const satisfies InputSpecs;

const from = (values: Record<string, string>) => (name: string) => values[name];

describe('readInputs', () => {
  it('converts every declared input with its defaults', () => {
    const got = readInputs(specs, from({ service: 'checkout', paths: 'a\nb, c\n\n' }));
    expect(got).toEqual({
      service: 'checkout',
      region: undefined,
      dry: false,
      weight: 5,
      mode: 'diff',
      paths: ['a', 'b', 'c'],
      token: '',
    });
  });

  it.each([
    [{ service: 'x', dry: 'yes' }, 'inputs.dry: expected true or false, got "yes"'],
    [{ service: 'x', weight: '150' }, 'inputs.weight: expected a number from 0 to 100, got "150"'],
    [{ service: 'x', weight: '5%' }, 'inputs.weight: expected a number from 0 to 100, got "5%"'],
    [{ service: 'x', mode: 'all' }, 'inputs.mode: expected one of diff, full, got "all"'],
    [{}, 'inputs.service: required input is missing'],
  ])('rejects %j with a message naming the input', (values, message) => {
    expect(() => readInputs(specs, from(values))).toThrow(message);
  });

  it('reports every bad input at once', () => {
    try {
      readInputs(specs, from({ dry: 'maybe', mode: 'x' }));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigurationError);
      const fields = (err as ConfigurationError).problems.map((p) => p.location.field);
      expect(fields).toEqual(['inputs.service', 'inputs.dry', 'inputs.mode']);
    }
  });

  it('hands secrets to the masker as soon as they are read', () => {
    const masked: string[] = [];
    readInputs(specs, from({ service: 'x', token: 'ghs_secret' }), (s) => masked.push(s));
    expect(masked).toEqual(['ghs_secret']);
  });

  it('reads INPUT_ variables the way the runner names them', () => {
    const source = envInputSource({ 'INPUT_SARIF-FILE': 'out.sarif', INPUT_MY_INPUT: 'v' });
    expect(source('sarif-file')).toBe('out.sarif');
    expect(source('my input')).toBe('v');
  });
});
