import { describe, expect, it } from 'vitest';
import { callInterface, jobsOf, obj, reusableWorkflows, stepsOf, templates, type YamlFile } from './workflow-files.js';

// The hardening rules Bellwether's shipped workflows keep beyond what the gate
// enforces by default: nothing granted at the top, a version comment on every
// pin, no expression inside any script, one-at-a-time deploys, and secrets only
// where a step reads them.

const shipped: YamlFile[] = [...reusableWorkflows(), ...templates()];
const byPath = shipped.map((wf) => [wf.path, wf] as const);

/** Every `uses:` line of a workflow, checked against the parsed document so that none is missed. */
function usesLines(wf: YamlFile): Array<{ uses: string; comment: string }> {
  const parsed = jobsOf(wf)
    .flatMap(([, job]) => [job['uses'], ...stepsOf(job).map((s) => s['uses'])])
    .filter((u): u is string => typeof u === 'string');
  const lines = [...wf.text.matchAll(/^\s*(?:- )?uses: (\S+)(.*)$/gm)].map((m) => ({
    uses: m[1] as string,
    comment: (m[2] as string).trim(),
  }));
  expect(lines.map((l) => l.uses).sort()).toEqual(parsed.sort());
  return lines;
}

describe.each(byPath)('%s', (_path, wf) => {
  it('grants nothing at the top and declares permissions on every job', () => {
    expect(wf.doc['permissions']).toEqual({});
    for (const [id, job] of jobsOf(wf)) expect(job, `job ${id}`).toHaveProperty(['permissions']);
  });

  it('pins every action and reusable workflow by commit SHA, with the version in a comment', () => {
    const remote = usesLines(wf).filter(({ uses }) => !uses.startsWith('./'));
    expect(remote.length).toBeGreaterThan(0);
    for (const { uses, comment } of remote) {
      expect(uses).toMatch(/@[0-9a-f]{40}$/);
      expect(comment, uses).toMatch(/^# v\d+\.\d+\.\d+$/);
    }
  });

  it('expands no expression inside a script', () => {
    for (const [id, job] of jobsOf(wf)) {
      for (const step of stepsOf(job))
        if (typeof step['run'] === 'string') expect(step['run'], `a script of job ${id}`).not.toContain('${{');
    }
  });

  it('leaves no token behind a checkout', () => {
    for (const [, job] of jobsOf(wf)) {
      for (const step of stepsOf(job).filter((s) => String(s['uses'] ?? '').startsWith('actions/checkout@'))) {
        expect(obj(step['with'])['persist-credentials']).toBe(false);
      }
    }
  });
});

describe.each(reusableWorkflows().map((wf) => [wf.path, wf] as const))('%s', (_path, wf) => {
  it('bounds every job in time', () => {
    for (const [id, job] of jobsOf(wf)) expect(job, `job ${id}`).toHaveProperty(['timeout-minutes']);
  });

  it('deploys one run at a time per service and environment, never cancelling one halfway', () => {
    for (const [id, job] of jobsOf(wf)) {
      const p = obj(job['permissions']);
      if (p['contents'] !== 'write' && p['deployments'] !== 'write') continue;
      const c = obj(job['concurrency']);
      expect(c['cancel-in-progress'], `job ${id}`).toBe(false);
      expect(String(c['group']), `job ${id}`).toMatch(/inputs\.service/);
      expect(String(c['group']), `job ${id}`).toMatch(/environment/);
    }
  });

  it('hands each declared secret to one step only, and reads no other', () => {
    const declared = Object.keys(callInterface(wf).secrets).sort();
    const read = [...wf.text.matchAll(/\bsecrets\.([\w-]+)/g)].map((m) => m[1] as string);
    expect([...new Set(read)].sort()).toEqual(declared);
    for (const [id, job] of jobsOf(wf)) {
      expect(JSON.stringify(job['env'] ?? {}), `job ${id} env`).not.toContain('secrets.');
      const holders = stepsOf(job).filter((s) => JSON.stringify(s).includes('secrets.'));
      expect(holders.length, `steps of job ${id} that see a secret`).toBeLessThanOrEqual(1);
      for (const s of holders)
        expect(s['uses'], 'a step that sees a secret runs Bellwether').toMatch(/^\.\/\.bellwether\/action\/actions\//);
    }
  });
});

describe('secrets', () => {
  it('are taken only by the workflows that reach metrics, open pull requests or announce events', () => {
    const taking = reusableWorkflows()
      .filter((wf) => Object.keys(callInterface(wf).secrets).length > 0)
      .map((wf) => wf.path);
    expect(taking).toEqual([
      '.github/workflows/bellwether-canary.yml',
      '.github/workflows/bellwether-freeze.yml',
      '.github/workflows/bellwether-postmortem.yml',
      '.github/workflows/bellwether-rollback.yml',
      '.github/workflows/bellwether-waves.yml',
    ]);
    for (const wf of reusableWorkflows()) {
      for (const [name, spec] of Object.entries(callInterface(wf).secrets))
        expect(obj(spec)['required'], `${wf.path} ${name}`).toBe(false);
    }
  });
});
