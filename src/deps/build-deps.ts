/**
 * Builds the one Deps object of an entrypoint. Nothing here runs at import
 * time; the action main and the CLI call it once.
 */
import type { GitHubPort } from '../github/port.js';
import { CommandGit } from '../gitops/git.js';
import type { MetricsProviders } from '../metrics/provider.js';
import { realSleep, systemClock } from '../runtime/clock.js';
import type { Clock, Sleep } from '../runtime/clock.js';
import type { Deps } from './deps.js';
import { ConfigurationError } from '../runtime/errors.js';
import { nodeFiles } from '../runtime/files.js';
import type { Files } from '../runtime/files.js';
import type { Logger } from '../runtime/logger.js';
import { processSecrets } from '../runtime/secrets.js';
import { fetchWebhooks } from '../runtime/webhooks.js';
import type { WebhookPort } from '../runtime/webhooks.js';

export interface BuildDepsOptions {
  readonly token: string;
  readonly apiUrl?: string;
  readonly logger: Logger;
  /** Working directory for git. */
  readonly cwd: string;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  readonly metrics?: MetricsProviders;
  readonly webhooks?: WebhookPort;
  /** The files the run reads; the real file system unless told. */
  readonly files?: Files;
  /** Connects the GitHub port; absent or without a token, GitHub verbs fail with a clear message. */
  readonly connectGitHub?: (token: string, apiUrl: string | undefined, logger: Logger) => GitHubPort;
}

export function buildDeps(options: BuildDepsOptions): Deps & { readonly webhooks: WebhookPort } {
  if (options.token) {
    options.logger.mask(options.token);
    processSecrets.add(options.token);
  }
  const github =
    options.token && options.connectGitHub
      ? options.connectGitHub(options.token, options.apiUrl, options.logger)
      : disconnectedGitHub();
  return {
    clock: options.clock ?? systemClock,
    sleep: options.sleep ?? realSleep,
    logger: options.logger,
    github,
    metrics: options.metrics ?? noMetrics,
    git: new CommandGit(options.cwd),
    webhooks: options.webhooks ?? fetchWebhooks(),
    files: options.files ?? nodeFiles,
  };
}

/** A GitHub port for runs without a token: any use says what is missing. */
export function disconnectedGitHub(): GitHubPort {
  return new Proxy({} as GitHubPort, {
    get(_target, verb) {
      if (verb === 'then') return undefined;
      return () => {
        throw new ConfigurationError(
          `GitHub is not connected, so ${String(verb)} cannot run: pass a token (the \`token\` input or GITHUB_TOKEN).`,
        );
      };
    },
  });
}

/** No metrics providers configured: asking for one names what is missing. */
export const noMetrics: MetricsProviders = {
  get(name) {
    throw new ConfigurationError(`no metrics provider named ${JSON.stringify(name)} is configured`);
  },
  names: () => [],
};
