import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/runtime/clock.js';
import { readRunContext, runUrl } from '../../src/runtime/context.js';
import { buildDeps, disconnectedGitHub } from '../../src/deps/build-deps.js';
import { ConfigurationError, formatLocated, isConfigurationError } from '../../src/runtime/errors.js';
import { RecordingLogger, StreamLogger } from '../../src/runtime/logger.js';

describe('errors', () => {
  it.each([
    [
      { file: 'policies/canary.yml', line: 14, field: 'stages[2].weight' },
      'policies/canary.yml:14: stages[2].weight: bad',
    ],
    [{ file: 'a.yml', line: 3, column: 7 }, 'a.yml:3:7: bad'],
    [{ field: 'inputs.mode' }, 'inputs.mode: bad'],
    [{}, 'bad'],
  ])('formats %j', (loc, text) => {
    expect(formatLocated('bad', loc)).toBe(text);
    expect(new ConfigurationError('bad', loc).message).toBe(text);
  });

  it('keeps user mistakes apart from bugs', () => {
    expect(isConfigurationError(new ConfigurationError('x'))).toBe(true);
    expect(isConfigurationError(new TypeError('x'))).toBe(false);
  });
});

describe('loggers', () => {
  it('redacts masked secrets in every level', () => {
    const log = new RecordingLogger();
    log.mask('s3cr3t');
    log.info('token s3cr3t used');
    log.error('failed with s3cr3t', { file: 'a.yml', startLine: 2 });
    expect(log.messages()).toEqual(['token *** used', 'failed with ***']);
    expect(log.records[1]?.where).toEqual({ file: 'a.yml', startLine: 2 });
  });

  it('writes debug lines only when verbose', () => {
    const lines: string[] = [];
    const quiet = new StreamLogger((l) => lines.push(l));
    quiet.debug('hidden');
    quiet.warning('careful', { file: 'w.yml', startLine: 4 });
    const loud = new StreamLogger((l) => lines.push(l), true);
    loud.mask('tok');
    loud.debug('tok shown');
    expect(lines).toEqual(['warning: w.yml:4: careful', 'debug: *** shown']);
  });
});

describe('ManualClock', () => {
  it('advances only when slept on', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    await clock.sleep(15 * 60_000);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:15:00.000Z');
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});

describe('readRunContext', () => {
  it('reads the runner variables and the event payload', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-ctx-'));
    const path = join(dir, 'event.json');
    writeFileSync(path, JSON.stringify({ action: 'opened', number: 7 }));
    const ctx = readRunContext({
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: path,
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_RUN_ID: '42',
      GITHUB_SHA: 'abc',
    });
    expect(ctx).toMatchObject({
      eventName: 'pull_request',
      owner: 'acme',
      repo: 'shop',
      runId: 42,
      sha: 'abc',
      payload: { number: 7 },
    });
    expect(runUrl(ctx)).toBe('https://github.com/acme/shop/actions/runs/42');
  });

  it('names the payload file when it is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-ctx-'));
    const path = join(dir, 'event.json');
    writeFileSync(path, '{not json');
    expect(() => readRunContext({ GITHUB_EVENT_PATH: path })).toThrow(`${path}: the event payload is not JSON`);
  });
});

describe('buildDeps', () => {
  it('masks the token and says what is missing when GitHub is not connected', () => {
    const logger = new RecordingLogger();
    const deps = buildDeps({ token: '', logger, cwd: process.cwd() });
    expect(() => (deps.github as unknown as { createIssue(): void }).createIssue()).toThrow(
      /GitHub is not connected, so createIssue cannot run/,
    );
    expect(() => deps.metrics.get('prometheus')).toThrow(ConfigurationError);
    buildDeps({ token: 'ghs_x', logger, cwd: process.cwd() });
    logger.info('ghs_x');
    expect(logger.messages()).toEqual(['***']);
  });

  it('is not mistaken for a promise', async () => {
    await expect(Promise.resolve(disconnectedGitHub())).resolves.toBeDefined();
  });
});
