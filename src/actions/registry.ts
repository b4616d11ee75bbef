/**
 * What each action does, by name. The bundle's single entrypoint dispatches
 * here; every action reads its declared inputs, runs over Deps and returns
 * outputs and a job summary as values.
 */
import { NotAvailableError } from '../runtime/errors.js';
import type { Deps } from '../deps/deps.js';
import type { RunContext } from '../runtime/context.js';
import type { Inputs, InputSpecs } from '../runtime/inputs.js';
import type { ActionSpec } from './spec.js';
import { actionSpecs } from './specs.js';
import { canaryAction } from './canary.js';
import { wavesAction } from './waves.js';
import { gateAction } from './gate.js';
import { rollbackAction } from './rollback.js';
import { postmortemAction } from './postmortem.js';
import { freezeAction } from './freeze.js';

/** What an action run produced. */
export interface ActionResult {
  /** Values for `GITHUB_OUTPUT`, by the output names the spec declares. */
  readonly outputs: Readonly<Record<string, string>>;
  /** Markdown for the job summary. */
  readonly summary?: string;
  /** Set when the decision is negative: the step fails with this message. */
  readonly failure?: string;
}

export interface ActionImpl<I extends InputSpecs = InputSpecs> {
  readonly spec: ActionSpec<I>;
  run(inputs: Inputs<I>, deps: Deps, ctx: RunContext): Promise<ActionResult>;
}

/** Capabilities that have not shipped: they fail clearly instead of pretending. */
function notAvailable<I extends InputSpecs>(spec: ActionSpec<I>): ActionImpl<I> {
  return {
    spec,
    run: async () => {
      throw new NotAvailableError(`The ${spec.title} action`);
    },
  };
}

const implementations = new Map<string, ActionImpl>(actionSpecs.map((s) => [s.name, notAvailable(s as ActionSpec)]));
for (const impl of [gateAction, canaryAction, rollbackAction, freezeAction, postmortemAction, wavesAction] as unknown as ActionImpl[]) implementations.set(impl.spec.name, impl);

/** The implementation of an action by its folder name. */
export function actionByName(name: string): ActionImpl {
  const impl = implementations.get(name);
  if (!impl) throw new Error(`no action named ${JSON.stringify(name)} in this bundle (have: ${[...implementations.keys()].join(', ')})`);
  return impl;
}

/** Names of every action in the bundle. */
export function actionNames(): string[] {
  return [...implementations.keys()];
}
