import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  actionInterface,
  BELLWETHER_PATH,
  callInterface,
  fitsInputType,
  jobsOf,
  LOCAL_ACTION,
  missingPermissions,
  obj,
  outputReferences,
  readYaml,
  REUSABLE_USES,
  reusableWorkflows,
  stepsOf,
  templates,
  triggersOf,
} from './workflow-files.js';

// actionlint checks each file alone; it cannot see that a template calls a
// reusable workflow with inputs it declares, or that a reusable workflow runs
// an action with inputs its action.yml has. These checks can.

const reusable = reusableWorkflows();
const calls = templates().flatMap((wf) =>
  jobsOf(wf)
    .filter(([, job]) => typeof job['uses'] === 'string')
    .map(([id, job]) => ({ wf, id, job, uses: String(job['uses']) })),
);

describe('the reusable workflows', () => {
  it('are the six of the pipeline and the DORA report', () => {
    expect(reusable.map((f) => f.path)).toEqual([
      '.github/workflows/bellwether-canary.yml',
      '.github/workflows/bellwether-dora.yml',
      '.github/workflows/bellwether-freeze.yml',
      '.github/workflows/bellwether-gate.yml',
      '.github/workflows/bellwether-postmortem.yml',
      '.github/workflows/bellwether-rollback.yml',
      '.github/workflows/bellwether-waves.yml',
    ]);
  });

  describe.each(reusable.map((f) => [f.path, f] as const))('%s', (_path, wf) => {
    const iface = callInterface(wf);

    it('is only callable, with the Bellwether repository and commit as required inputs', () => {
      expect(Object.keys(triggersOf(wf))).toEqual(['workflow_call']);
      for (const name of ['bellwether-repository', 'bellwether-ref'])
        expect(obj(iface.inputs[name])).toMatchObject({ type: 'string', required: true });
    });

    it('declares every output from a job output that exists', () => {
      const jobs = Object.fromEntries(jobsOf(wf));
      for (const [name, spec] of Object.entries(iface.outputs)) {
        const refs = outputReferences(String(obj(spec)['value']), 'jobs');
        // One job's output, or the same output of jobs that exclude each other (`a || b`).
        expect(refs.length, name).toBeGreaterThanOrEqual(1);
        expect(new Set(refs.map(([, output]) => output)).size, name).toBe(1);
        for (const [job, output] of refs)
          expect(obj(obj(jobs[job])['outputs']), `${name} from ${job}.${output}`).toHaveProperty([output]);
      }
    });

    it.each(jobsOf(wf).map(([id, job]) => [id, job] as const))(
      'job %s runs Bellwether checked out at the pinned commit, or no action at all',
      (_id, job) => {
        const steps = stepsOf(job);
        // A job that only records a region's deployment through its environment runs no action.
        if (steps.every((s) => s['uses'] === undefined)) return;
        const local = steps
          .map((s, i) => [i, LOCAL_ACTION.exec(String(s['uses'] ?? ''))?.[1]] as const)
          .filter(([, name]) => name !== undefined);
        // A job that runs the bundled CLI (the DORA report) runs it from the pinned checkout.
        const cli = steps.findIndex((s) => String(s['run'] ?? '').includes(`node ${BELLWETHER_PATH}/dist/cli.js `));
        if (local.length === 0 && cli >= 0) {
          const checkout = steps.slice(0, cli).find((s) => obj(s['with'])['path'] === BELLWETHER_PATH);
          expect(checkout?.['uses']).toMatch(/^actions\/checkout@[0-9a-f]{40}$/);
          expect(obj(checkout?.['with'])).toMatchObject({
            repository: '${{ inputs.bellwether-repository }}',
            ref: '${{ inputs.bellwether-ref }}',
            'persist-credentials': false,
          });
          return;
        }
        expect(local).toHaveLength(1);
        const [at, name] = local[0] as readonly [number, string];
        const checkout = steps.slice(0, at).find((s) => obj(s['with'])['path'] === BELLWETHER_PATH);
        expect(checkout?.['uses']).toMatch(/^actions\/checkout@[0-9a-f]{40}$/);
        expect(obj(checkout?.['with'])).toMatchObject({
          repository: '${{ inputs.bellwether-repository }}',
          ref: '${{ inputs.bellwether-ref }}',
          'persist-credentials': false,
        });

        const action = actionInterface(name);
        expect(action, `actions/${name}/action.yml`).toBeDefined();
        const given = obj(steps[at]?.['with']);
        expect(
          Object.keys(given).filter((k) => !(k in (action?.inputs ?? {}))),
          'inputs the action does not have',
        ).toEqual([]);
        const required = Object.entries(action?.inputs ?? {})
          .filter(([, spec]) => obj(spec)['required'] === true)
          .map(([k]) => k);
        expect(
          required.filter((k) => !(k in given)),
          'required inputs not given',
        ).toEqual([]);

        // Outputs read from the action's step exist in its action.yml.
        const stepId = String(steps[at]?.['id'] ?? '');
        for (const [step, output] of outputReferences(JSON.stringify(job), 'steps')) {
          if (step === stepId) expect(action?.outputs, `steps.${step}.outputs.${output}`).toHaveProperty([output]);
        }
      },
    );
  });
});

describe('the templates', () => {
  it('call every reusable workflow', () => {
    const called = new Set(calls.map((c) => REUSABLE_USES.exec(c.uses)?.[2]));
    expect([...called].sort()).toEqual(reusable.map((f) => f.path.replace('.github/workflows/', '')));
  });

  describe.each(calls.map((c) => [`${c.wf.path} job ${c.id}`, c] as const))('%s', (_name, { wf, job, uses }) => {
    const m = REUSABLE_USES.exec(uses);
    const target = m ? join('.github/workflows', m[2] as string) : '';

    it('calls a reusable workflow of this repository, pinned by commit with the version in a comment', () => {
      expect(m, uses).not.toBeNull();
      expect(existsSync(target), target).toBe(true);
      const line = wf.text.split('\n').find((l) => l.includes(`uses: ${uses}`));
      expect(line).toMatch(/ # v\d+\.\d+\.\d+$/);
    });

    it('names the same Bellwether repository and commit in its inputs as in uses', () => {
      expect(obj(job['with'])).toMatchObject({ 'bellwether-repository': m?.[1], 'bellwether-ref': m?.[3] });
    });

    it('passes only declared inputs and secrets, of the declared types, and every required one', () => {
      const iface = callInterface(readYaml(target));
      const given = obj(job['with']);
      for (const [name, value] of Object.entries(given)) {
        expect(iface.inputs, `input ${name}`).toHaveProperty([name]);
        expect(fitsInputType(value, obj(iface.inputs[name])['type']), `input ${name} = ${JSON.stringify(value)}`).toBe(
          true,
        );
      }
      const required = Object.entries(iface.inputs)
        .filter(([, spec]) => obj(spec)['required'] === true)
        .map(([k]) => k);
      expect(required.filter((k) => !(k in given))).toEqual([]);
      for (const name of Object.keys(obj(job['secrets'])))
        expect(iface.secrets, `secret ${name}`).toHaveProperty([name]);
      expect(job['secrets']).not.toBe('inherit');
    });

    it('grants the called job every permission it asks for', () => {
      for (const [id, called] of jobsOf(readYaml(target))) {
        expect(missingPermissions(job['permissions'], called['permissions']), `permissions of ${id}`).toEqual([]);
      }
    });
  });

  it.each(templates().map((wf) => [wf.path, wf] as const))(
    '%s reads only outputs the called workflows declare',
    (_path, wf) => {
      const jobs = Object.fromEntries(jobsOf(wf));
      for (const [need, output] of outputReferences(wf.text, 'needs')) {
        const called = REUSABLE_USES.exec(String(obj(jobs[need])['uses'] ?? ''));
        expect(called, `needs.${need} calls a reusable workflow`).not.toBeNull();
        expect(
          callInterface(readYaml(join('.github/workflows', called?.[2] as string))).outputs,
          `needs.${need}.outputs.${output}`,
        ).toHaveProperty([output]);
      }
    },
  );
});

describe('missingPermissions', () => {
  it.each([
    [{ contents: 'read' }, { contents: 'read' }, []],
    [{ contents: 'write' }, { contents: 'read' }, []],
    [{ contents: 'read' }, { contents: 'write' }, ['contents: write']],
    [{}, { issues: 'read' }, ['issues: read']],
    [{ issues: 'write' }, {}, []],
  ])('granted %j, wanted %j', (granted, wanted, missing) => {
    expect(missingPermissions(granted, wanted)).toEqual(missing);
  });
});
