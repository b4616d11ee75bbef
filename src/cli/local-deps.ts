/**
 * The Deps of a verb that works on a local git repository: no GitHub token,
 * git in the repository, the metrics providers of its metrics file. A verb
 * builds it once, after reading its flags (the repository is one of them);
 * tests hand the verb another builder to inject fakes.
 */
import { buildDeps } from '../deps/build-deps.js';
import type { Deps } from '../deps/deps.js';
import { loadMetricsProviders } from '../metrics/load-providers.js';
import type { Logger } from '../runtime/logger.js';
import { StreamLogger } from '../runtime/logger.js';

/** What a local verb knows when it builds its Deps. */
export interface LocalDepsOptions {
  /** The git repository the verb works on. */
  readonly repo: string;
  /** The metrics providers file, when the verb measures anything. */
  readonly metricsFile?: string;
  /** Where the verb logs; stderr unless told. */
  readonly logger?: Logger;
}

/** Builds the Deps of one local verb. */
export type LocalDepsBuilder = (options: LocalDepsOptions) => Deps;

/** The real effects: the system clock, git in `repo`, a logger on stderr. */
export const localDeps: LocalDepsBuilder = ({ repo, metricsFile, logger = new StreamLogger() }) => {
  return buildDeps({
    token: '',
    logger,
    cwd: repo,
    ...(metricsFile ? { metrics: loadMetricsProviders(metricsFile, logger) } : {}),
  });
};
