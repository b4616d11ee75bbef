/**
 * The dependency review as a gate family: the dependency changes of a pull
 * request, from GitHub's dependency graph or the lock files.
 */
import type { GitHubPort } from '../../github/port.js';
import type { Clock } from '../../runtime/clock.js';
import type { Files } from '../../runtime/files.js';
import { resultOf } from '../core/combine.js';
import type { GateFamilyRunner } from '../core/family.js';
import { readTextFile } from '../core/fs.js';
import type { FamilyDecision } from './decision.js';
import { renderMarkdown } from './render.js';
import { runDepsGate } from './run.js';
import { depsSarifRun } from './sarif.js';

/** The dependency family: it runs on a pull request (a base and a head to compare). */
export function dependenciesFamily(options: {
  readonly clock: Clock;
  readonly files: Files;
  readonly github?: GitHubPort;
}): GateFamilyRunner<FamilyDecision> {
  return {
    family: 'dependencies',
    applies: (change) => change.range !== undefined,
    async run(change) {
      const range = change.range;
      if (!range) throw new Error('the dependency review needs a base and a head');
      const policy = change.policy ? { policy: await change.policy } : {};
      const decision = await runDepsGate(
        { base: range.base, head: range.head, root: change.cwd, ...policy },
        {
          clock: options.clock,
          files: options.files,
          ...(options.github ? { github: options.github } : {}),
          git: change.git,
          readText: readTextFile,
        },
      );
      return {
        value: decision,
        result: resultOf(
          'dependencies',
          decision,
          decision.notes[0] !== undefined ? { text: decision.notes[0] } : undefined,
        ),
        markdown: renderMarkdown([decision]),
        sarif: [depsSarifRun([decision])],
        annotations: [],
      };
    },
  };
}
