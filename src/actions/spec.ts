/**
 * The shape of an action's declaration. `action.yml` and the action's README
 * are generated from it (npm run docs), and its inputs are read from it.
 */
import type { InputSpecs } from '../runtime/inputs.js';

export interface OutputSpec {
  readonly description: string;
}

export interface ActionSpec<I extends InputSpecs = InputSpecs> {
  /** Folder name under actions/, and the name the bundle dispatches on. */
  readonly name: string;
  /** The `name:` GitHub shows in the marketplace and the run log. */
  readonly title: string;
  readonly description: string;
  readonly inputs: I;
  readonly outputs: Readonly<Record<string, OutputSpec>>;
  /** Marketplace branding (a Feather icon name and a colour). */
  readonly branding: {
    readonly icon: string;
    readonly color: 'white' | 'yellow' | 'blue' | 'green' | 'orange' | 'red' | 'purple' | 'gray-dark';
  };
  /** Longer usage notes for the README: Markdown. */
  readonly usage: string;
}

/** Declares a spec with its literal input types kept, so reading them is typed. */
export function defineAction<const I extends InputSpecs>(spec: ActionSpec<I>): ActionSpec<I> {
  return spec;
}
