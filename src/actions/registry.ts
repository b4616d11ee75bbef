/**
 * What each action does, by name. The entrypoint asks for one action, and
 * only that action's code is imported: an action never loads another's.
 */
import { NotAvailableError } from '../runtime/errors.js';
import type { ActionSpec } from './spec.js';
import { actionSpecs } from './specs.js';
import type { ActionImpl } from './types.js';

/** Imports each shipped action's implementation when it is asked for. */
const loaders: Readonly<Record<string, () => Promise<ActionImpl>>> = {
  gate: async () => (await import('./gate.js')).gateAction as unknown as ActionImpl,
  canary: async () => (await import('./canary.js')).canaryAction as unknown as ActionImpl,
  rollback: async () => (await import('./rollback.js')).rollbackAction as unknown as ActionImpl,
  freeze: async () => (await import('./freeze.js')).freezeAction as unknown as ActionImpl,
  postmortem: async () => (await import('./postmortem.js')).postmortemAction as unknown as ActionImpl,
  waves: async () => (await import('./waves.js')).wavesAction as unknown as ActionImpl,
};

/** Capabilities that have not shipped: they fail clearly instead of pretending. */
function notAvailable(spec: ActionSpec): ActionImpl {
  return {
    spec,
    run: async () => {
      throw new NotAvailableError(`The ${spec.title} action`);
    },
  };
}

/**
 * The spec of an action by its folder name, without loading its
 * implementation: enough to read and check its inputs.
 */
export function actionSpecByName(name: string): ActionSpec {
  const spec = actionSpecs.find((s) => s.name === name) as ActionSpec | undefined;
  if (!spec)
    throw new Error(`no action named ${JSON.stringify(name)} in this bundle (have: ${actionNames().join(', ')})`);
  return spec;
}

/** The implementation of an action by its folder name. */
export async function actionByName(name: string): Promise<ActionImpl> {
  const spec = actionSpecByName(name);
  const load = Object.hasOwn(loaders, name) ? loaders[name] : undefined;
  if (!load) return notAvailable(spec);
  const impl = await load();
  if (impl.spec.name !== name)
    throw new Error(`the action loaded for ${JSON.stringify(name)} is named ${JSON.stringify(impl.spec.name)}`);
  return impl;
}

/** Names of every action in the bundle. */
export function actionNames(): string[] {
  return actionSpecs.map((s) => s.name);
}
