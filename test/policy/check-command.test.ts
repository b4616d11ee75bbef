import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPROVAL_METHOD_MEANING } from '../../src/canary/promotion/approval.js';
import { policyCheckCommand } from '../../src/cli/policy-check-command.js';
import type { PolicyFileReport } from '../../src/cli/policy-check-command.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bellwether-check-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(relative: string, text: string): Promise<string> {
  const path = join(dir, relative);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
  return path;
}

describe('policyCheckCommand', () => {
  it('passes valid files with exit 0', async () => {
    const a = await write('canary.yml', 'kind: canary\n');
    const b = await write('nested/deeper/rollback.yaml', 'kind: rollback\n');
    await write('notes.txt', 'not a policy');
    await symlink(a, join(dir, 'linked.yml'));
    const out = await policyCheckCommand({ paths: [dir], format: 'text' });
    expect(out.exitCode).toBe(0);
    // A canary policy's approval method is said in words.
    const status = `approvers.method status: ${APPROVAL_METHOD_MEANING.status}`;
    expect(out.stdout).toBe(
      `ok ${a} (canary)\n  ${status}\nok ${join(dir, 'linked.yml')} (canary)\n  ${status}\nok ${b} (rollback)\n3 policy files checked, all valid\n`,
    );
  });

  it('says that team lists need a token that can read organization teams', async () => {
    const canary = await write(
      'teams/canary.yml',
      'kind: canary\ntier: critical\napprovers:\n  teams: [acme/release]\ntiers:\n  critical:\n    approvers: { teams: [acme/sre] }\n    change: { approvers: { teams: [acme/cab] } }\n',
    );
    const freeze = await write('teams/freeze.yml', 'kind: freeze\nbreakGlass:\n  teams: [acme/sre]\n');
    const out = await policyCheckCommand({ paths: [canary, freeze], format: 'text' });
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain(
      "  approvers.teams: membership of acme/release is looked up on GitHub; a workflow's GITHUB_TOKEN cannot read organization teams",
    );
    expect(out.stdout).toContain('  tiers.critical.approvers.teams: membership of acme/sre is looked up on GitHub');
    expect(out.stdout).toContain(
      '  tiers.critical.change.approvers.teams: membership of acme/cab is looked up on GitHub',
    );
    expect(out.stdout).toContain(
      "  breakGlass.teams: membership of acme/sre is looked up on GitHub; a workflow's GITHUB_TOKEN cannot read organization teams",
    );
    expect(out.stdout).toContain('a team that cannot be read grants nothing');
  });

  it('reports every problem of every file with exit 2', async () => {
    const good = await write('a-good.yml', 'kind: postmortem\n');
    const bad = await write('b-bad.yml', 'kind: canary\nstages:\n  - weight: "50%"\nprovidr: x\n');
    const broken = await write('c-broken.yml', 'kind: freeze\nslos: [a\n');
    const unknown = await write('d-unknown.yml', 'kind: deploy\n');
    const out = await policyCheckCommand({ paths: [dir], format: 'text' });
    expect(out.exitCode).toBe(2);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`ok ${good} (postmortem)`);
    expect(lines[1]).toBe(`${bad}:3: stages[0].weight: expected a number from 0 to 100, got "50%"`);
    expect(lines[2]).toBe(`${bad}:4: providr: unknown key "providr"; did you mean "provider"?`);
    expect(lines[3]).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:1: YAML syntax error: `));
    expect(lines[4]).toBe(
      `${unknown}:1: kind: unknown kind "deploy"; expected one of "canary", "waves", "freeze", "rollback", "postmortem", "notify" or "gates"`,
    );
    expect(lines[lines.length - 1]).toBe(`4 policy files checked: 3 invalid, ${lines.length - 2} problems`);
  });

  it('gives per-file JSON with line, column, field and message', async () => {
    const bad = await write('bad.yml', 'kind: canary\nstages:\n  - weight: "50%"\n');
    const good = await write('good.yml', 'kind: freeze\n');
    const out = await policyCheckCommand({ paths: [bad, good], format: 'json' });
    expect(out.exitCode).toBe(2);
    const parsed = JSON.parse(out.stdout) as { valid: boolean; files: PolicyFileReport[] };
    expect(parsed).toEqual({
      valid: false,
      files: [
        {
          file: bad,
          kind: 'canary',
          valid: false,
          notes: [],
          problems: [
            { line: 3, column: 13, field: 'stages[0].weight', message: 'expected a number from 0 to 100, got "50%"' },
          ],
        },
        { file: good, kind: 'freeze', valid: true, notes: [], problems: [] },
      ],
    });
  });

  it('reports missing paths, empty directories and unreadable files', async () => {
    const missing = join(dir, 'nope');
    const empty = join(dir, 'empty');
    await mkdir(empty);
    const latin1 = await write('latin1.yml', '');
    await writeFile(latin1, Buffer.from([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xe9]));
    const out = await policyCheckCommand({ paths: [missing, empty, latin1], format: 'json' });
    expect(out.exitCode).toBe(2);
    const parsed = JSON.parse(out.stdout) as { files: PolicyFileReport[] };
    expect(parsed.files.map((f) => [f.file, f.problems.map((p) => p.message)])).toEqual([
      [missing, ['no such file or directory']],
      [empty, ['no policy files (*.yml, *.yaml) in this directory']],
      [latin1, ['is not UTF-8 text; a policy file must be YAML saved as UTF-8']],
    ]);
  });

  it('checks .github/bellwether, where every verb looks for policies, when no path is given', async () => {
    const out = await policyCheckCommand({ paths: [], format: 'json' });
    const parsed = JSON.parse(out.stdout) as { valid: boolean; files: PolicyFileReport[] };
    // This repository keeps its shipped policies in policies/, so the default folder is missing here.
    expect(parsed.files.map((f) => f.file)).toEqual(['.github/bellwether']);
  });
});

describe('files kept beside policies', () => {
  it('checks the metrics providers file and OpenSLO documents with their own readers', async () => {
    const metrics = await write(
      'metrics.yml',
      'providers:\n  prom:\n    type: prometheus\n    url: https://prometheus.example.org\n    auth: { type: bearer, tokenEnv: PROM_TOKEN }\n',
    );
    const slo = await write(
      'slo.yml',
      [
        'apiVersion: openslo/v1',
        'kind: SLO',
        'metadata:',
        '  name: checkout-availability',
        'spec:',
        '  service: checkout',
        '  budgetingMethod: Occurrences',
        '  timeWindow:',
        '    - duration: 28d',
        '      isRolling: true',
        '  objectives:',
        '    - target: 0.999',
        '  indicator:',
        '    metadata:',
        '      name: ratio',
        '    spec:',
        '      ratioMetric:',
        '        counter: true',
        '        good:',
        '          metricSource:',
        '            type: Prometheus',
        '            spec:',
        '              query: sum(rate(http_requests_total{code!~"5.."}[{{window}}]))',
        '        total:',
        '          metricSource:',
        '            type: Prometheus',
        '            spec:',
        '              query: sum(rate(http_requests_total[{{window}}]))',
        '',
      ].join('\n'),
    );
    const out = await policyCheckCommand({ paths: [dir], format: 'text' });
    expect(out.stdout).toBe(
      `ok ${metrics} (metrics providers)\nok ${slo} (OpenSLO)\n2 policy files checked, all valid\n`,
    );
    expect(out.exitCode).toBe(0);
  });

  it('names the file, line and field of a mistake in them, once', async () => {
    const metrics = await write(
      'metrics.yml',
      'providers:\n  prom:\n    type: prometheus\n    urll: https://prometheus.example.org\n',
    );
    const out = await policyCheckCommand({ paths: [dir], format: 'text' });
    expect(out.exitCode).toBe(2);
    expect(out.stdout).toContain(`${metrics}:3:5: providers.prom:`);
    expect(out.stdout).not.toContain(`${metrics}: ${metrics}`);
  });
});
