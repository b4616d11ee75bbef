import { describe, expect, it } from 'vitest';
import { parseCommandFile, runBundledAction } from '../helpers/action-runner.js';

describe('bundled actions under the runner contract', () => {
  it("reports a missing policy plainly, as the user's mistake, without a stack", async () => {
    const run = await runBundledAction('waves', {
      inputs: { service: 'checkout', version: '1.2.3', command: 'advance' },
    });
    expect(run.exitCode).toBe(1);
    const error = run.commands.find((c) => c.command === 'error')?.message ?? '';
    expect(error).toBe(
      'no waves policy applies to checkout, and a waves policy has no defaults to fall back on: add one',
    );
    expect(error).not.toContain('internal error');
    expect(run.outputs).toEqual({});
  });

  it('reports a missing required input by name and masks the token', async () => {
    const run = await runBundledAction('canary', {});
    expect(run.exitCode).toBe(1);
    expect(run.commands.find((c) => c.command === 'error')?.message).toBe('inputs.service: required input is missing');
    expect(run.masked).toContain('ghs_test-token-0123456789');
  });

  it('rejects an input outside its declared values', async () => {
    const run = await runBundledAction('canary', { inputs: { service: 'checkout', command: 'launch' } });
    expect(run.exitCode).toBe(1);
    expect(run.commands.find((c) => c.command === 'error')?.message).toContain(
      'inputs.command: expected one of tick, start',
    );
  });
});

describe('parseCommandFile', () => {
  it('reads plain and heredoc entries', () => {
    expect(parseCommandFile('a=1\nmatrix<<ghadelimiter_1\n{"x":\n1}\nghadelimiter_1\nb=two=2\n')).toEqual({
      a: '1',
      matrix: '{"x":\n1}',
      b: 'two=2',
    });
  });
});
