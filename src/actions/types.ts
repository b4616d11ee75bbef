/**
 * What an action is to the entrypoint: its spec and a run over Deps that
 * returns outputs and a job summary as values.
 */
import type { Deps } from '../deps/deps.js';
import type { RunContext } from '../runtime/context.js';
import type { Inputs, InputSpecs } from '../runtime/inputs.js';
import type { Notice } from '../notify/event.js';
import type { ActionSpec } from './spec.js';

/** What an action run produced. */
export interface ActionResult {
  /** Values for `GITHUB_OUTPUT`, by the output names the spec declares. */
  readonly outputs: Readonly<Record<string, string>>;
  /** Markdown for the job summary. */
  readonly summary?: string;
  /** Set when the decision is negative: the step fails with this message. */
  readonly failure?: string;
  /** What happened, for the chat and webhook targets of the `notify-*` inputs; absent when nothing did. */
  readonly notice?: Notice | undefined;
}

export interface ActionImpl<I extends InputSpecs = InputSpecs> {
  readonly spec: ActionSpec<I>;
  run(inputs: Inputs<I>, deps: Deps, ctx: RunContext): Promise<ActionResult>;
}
