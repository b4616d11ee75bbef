/**
 * What bellwether-canary.yml wires, read as data: ticks and every command but
 * a promote under `approval-environment` run in a job without an environment;
 * that promote runs in a second job, in the environment, so that its
 * reviewers approve the run before the action reads who did. The two jobs
 * run the same steps with the same permissions, so they cannot drift apart,
 * and each passes on the break-glass inputs. The action's own behaviour is
 * held by test/actions/canary-action.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { jobsOf, LOCAL_ACTION, obj, readYaml, stepsOf } from './workflow-files.js';

const wf = readYaml('.github/workflows/bellwether-canary.yml');
const jobs = Object.fromEntries(jobsOf(wf));

describe('bellwether-canary.yml', () => {
  it('runs a promote in the approval environment only when one is named, and everything else without one', () => {
    expect(Object.keys(jobs).sort()).toEqual(['canary', 'canary-approved']);
    expect(jobs['canary']!['environment']).toBeUndefined();
    expect(jobs['canary']!['if']).toBe("inputs.approval-environment == '' || inputs.command != 'promote'");
    expect(jobs['canary-approved']!['environment']).toBe('${{ inputs.approval-environment }}');
    expect(jobs['canary-approved']!['if']).toBe("inputs.approval-environment != '' && inputs.command == 'promote'");
  });

  it('gives both jobs the same steps, permissions and concurrency group', () => {
    const { if: _a, environment: _e, ...approved } = jobs['canary-approved']!;
    const { if: _b, ...plain } = jobs['canary']!;
    expect(approved).toEqual(plain);
  });

  it('passes the break-glass to the action and lets the job open the postmortem and the follow-up issue', () => {
    const step = stepsOf(jobs['canary']!).find((s) => LOCAL_ACTION.exec(String(s['uses'] ?? ''))?.[1] === 'canary');
    expect(obj(step?.['with'])).toMatchObject({
      'break-glass': '${{ inputs.break-glass }}',
      'break-glass-expiry': '${{ inputs.break-glass-expiry }}',
    });
    expect(obj(jobs['canary']!['permissions'])).toMatchObject({
      issues: 'write',
      'pull-requests': 'write',
      actions: 'read',
    });
  });
});
