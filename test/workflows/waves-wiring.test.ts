/**
 * What bellwether-waves.yml wires, read as data: a region's traffic moves only
 * in that region's job, under its GitHub environment's protection rules, and
 * the health checks get the metrics file and its credential. What each
 * command does is held by the bundled action's tests
 * (test/actions/waves-regions.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { jobsOf, LOCAL_ACTION, obj, readYaml, stepsOf } from './workflow-files.js';

const wf = readYaml('.github/workflows/bellwether-waves.yml');
const wavesSteps = jobsOf(wf).flatMap(([id, job]) =>
  stepsOf(job)
    .filter((s) => LOCAL_ACTION.exec(String(s['uses'] ?? ''))?.[1] === 'waves')
    .map((step) => ({ id, job, step, with: obj(step['with']) })),
);
const byCommand = (command: string) => wavesSteps.filter((s) => s.with['command'] === command);

describe('bellwether-waves.yml', () => {
  it('runs only advance outside the region jobs; advance names regions and moves no traffic', () => {
    expect(wavesSteps.map((s) => s.with['command']).sort()).toEqual(['advance', 'start-region']);
    const [advance] = byCommand('advance');
    expect(advance?.job['environment']).toBeUndefined();
  });

  it("starts each region in that region's job, under its environment, from the advance job's matrix", () => {
    const [start] = byCommand('start-region');
    expect(start?.job['environment']).toBe('${{ matrix.environment }}');
    expect(start?.job['needs']).toBe('advance');
    expect(obj(start?.job['strategy'])['matrix']).toBe('${{ fromJSON(needs.advance.outputs.matrix) }}');
    expect(start?.with['region']).toBe('${{ matrix.region }}');
  });

  it('gives the region job the same rollout as the advance job', () => {
    const [advance] = byCommand('advance');
    const [start] = byCommand('start-region');
    for (const input of ['token', 'service', 'environment', 'version', 'policy', 'manifests'])
      expect(start?.with[input], input).toBe(advance?.with[input]);
  });

  it('passes the metrics file and its credential to the step that runs the health checks', () => {
    const [advance] = byCommand('advance');
    expect(advance?.with['metrics']).toBe('${{ inputs.metrics }}');
    expect(obj(advance?.step['env'])['PROMETHEUS_TOKEN']).toBe('${{ secrets.PROMETHEUS_TOKEN }}');
  });
});
