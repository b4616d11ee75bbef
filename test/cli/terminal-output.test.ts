import { mkdtempSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actorOf } from '../../src/cli/actor.js';
import { GitContentStore } from '../../src/gitops/content-store.js';
import { CommandGit } from '../../src/gitops/git.js';
import { MANIFEST_TEXT } from '../canary/promotion/fixtures.js';
import { runCliProcess } from '../helpers/cli-process.js';

const PATH = 'deploy/checkout/production/us-east-1.yaml';

async function repo(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bw-cli-text-'));
  const git = new CommandGit(dir);
  await git.run(['init', '-q', '-b', 'main']);
  await new GitContentStore(git, 'main').write(PATH, MANIFEST_TEXT, null, 'initial manifest');
  return dir;
}

const where = ['--service', 'checkout', '--region', 'us-east-1'];

describe('the terminal gets text made for a terminal', () => {
  it('canary start without $USER: the login starts it, in aligned plain text without Markdown, HTML or colour when piped', async () => {
    const dir = await repo();
    // The helper's environment has PATH and HOME only: no $USER, no $GITHUB_ACTOR.
    const run = await runCliProcess(['canary', 'start', '--version', '1.42.0', ...where, '--repo', dir]);
    // the log on stderr names the actor too
    expect(run.stderr).toContain(`Started 1.42.0 at 1% (${userInfo().username} started it;`);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('Canary 1.42.0 of checkout / production / us-east-1');
    expect(lines[1]).toMatch(new RegExp(`^Started 1\\.42\\.0 at 1%\\. ${userInfo().username} started it; `));
    expect(run.stdout).not.toContain('unknown started it');
    expect(run.stdout).not.toMatch(/\| stage \||<details>|\*\*|^#+ /m);
    expect(run.stdout).not.toContain('\u001b[');
    const header = lines.findIndex((l) => /^STAGE\s+WEIGHT\s+SOAK\s+STATE/.test(l));
    expect(header).toBeGreaterThan(0);
    expect(lines[header + 1]).toMatch(/^\s+1\s+1%\s+\d+m\s+soaking$/);
    // columns line up: each weight ends where its header ends
    const end = lines[header]!.indexOf('WEIGHT') + 'WEIGHT'.length;
    for (const row of lines.slice(header + 1, header + 5)) expect(row.indexOf('%') + 1).toBe(end);
  });

  it('a tick with no canary names the service, not an empty version ("Canary  of")', async () => {
    const dir = await repo();
    const run = await runCliProcess(['canary', 'tick', ...where, '--repo', dir, '--by', 'alice']);
    expect(run.stdout.split('\n')[0]).toBe('Canary of checkout / production / us-east-1 (no canary version)');
    expect(run.stdout).not.toContain('Canary  of');
  });

  it('NO_COLOR or a pipe: no colour; the judge text too', async () => {
    const run = await runCliProcess(
      [
        'canary',
        'judge',
        '--config',
        'test/fixtures/canary/kayenta-config.json',
        '--input',
        'test/fixtures/canary/kayenta-input.json',
      ],
      { env: { NO_COLOR: '1' } },
    );
    expect(run.stdout.split('\n')[0]).toBe(
      'Fail: latency-p99 High — canary 0.188 s against baseline 0.126 s, +49% (the policy allows +10%)',
    );
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('asks for --by when nothing names the user', () => {
    expect(actorOf(undefined, {}, () => 'root')).toBe('root');
    expect(actorOf(undefined, { USER: 'alice' }, () => 'root')).toBe('alice');
    expect(() => actorOf(undefined, {}, () => '')).toThrow(/say who with --by <user>/);
  });
});
