/**
 * Tests never depend on the machine's speed: the machines that run them are
 * shared and slow, so a deadline is only a guard against a hang, far past any
 * slowness. This holds the suite's own deadlines to that.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import config, { NO_SPEED_DEADLINE_MS } from '../../vitest.config.js';

const root = resolve(new URL('../..', import.meta.url).pathname);
const TEN_MINUTES = 10 * 60_000;

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'fixtures' ? [] : testFiles(path);
    return path.endsWith('.test.ts') ? [path] : [];
  });
}

const number = (text: string) => Number(text.replace(/_/g, ''));

describe('no test depends on the machine being fast', () => {
  it('the default deadline of tests and hooks is a hang guard of ten minutes or more', () => {
    expect(NO_SPEED_DEADLINE_MS).toBeGreaterThanOrEqual(TEN_MINUTES);
    expect(config.test?.testTimeout).toBe(NO_SPEED_DEADLINE_MS);
    expect(config.test?.hookTimeout).toBe(NO_SPEED_DEADLINE_MS);
  });

  it('no test or hook sets a shorter deadline of its own', () => {
    const short: string[] = [];
    for (const file of testFiles(join(root, 'test'))) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (/^\s*(\/\/|\*)/.test(line)) return;
        // `}, 120_000);` closes an it/beforeAll with a deadline; `{ timeout: 5000 }` is the options form.
        const closing = /^\s*\}\s*,\s*(\d[\d_]*)\s*\)\s*;?\s*$/.exec(line);
        const option = /\{\s*timeout:\s*(\d[\d_]*)/.exec(line);
        const ms = closing?.[1] ?? option?.[1];
        if (ms !== undefined && number(ms) < TEN_MINUTES)
          short.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(short).toEqual([]);
  });

  it('the bundled-action runner waits for the action however long it takes unless a test asks otherwise', () => {
    const runner = readFileSync(join(root, 'test', 'helpers', 'action-runner.ts'), 'utf8');
    expect(runner).not.toMatch(/timeoutMs \?\? \d/);
  });
});
