import { afterEach, describe, expect, it } from 'vitest';
import '../../src/runtime/quiet-warnings.js';

describe('the glob notice', () => {
  const seen: string[] = [];
  const listener = (w: Error): void => {
    seen.push(`${w.name}: ${w.message}`);
  };
  afterEach(() => {
    process.off('warning', listener);
    seen.length = 0;
  });

  it('is not emitted, while other warnings are', async () => {
    process.on('warning', listener);
    process.emitWarning('glob is an experimental feature and might change at any time', 'ExperimentalWarning');
    process.emitWarning(
      'something else is an experimental feature and might change at any time',
      'ExperimentalWarning',
    );
    process.emitWarning('glob is an experimental feature and might change at any time', 'DeprecationWarning');
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([
      'ExperimentalWarning: something else is an experimental feature and might change at any time',
      'DeprecationWarning: glob is an experimental feature and might change at any time',
    ]);
  });
});
