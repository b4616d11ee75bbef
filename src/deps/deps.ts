/**
 * Every effect Bellwether has goes through one Deps object, built once in the
 * entrypoint (action main, CLI, tests). Orchestration takes `(inputs, deps)`;
 * decisions take plain values and never see Deps.
 */
import type { GitHubPort } from '../github/port.js';
import type { GitPort } from '../gitops/git.js';
import type { MetricsProviders } from '../metrics/provider.js';
import type { Clock, Sleep } from '../runtime/clock.js';
import type { Files } from '../runtime/files.js';
import type { Logger } from '../runtime/logger.js';
import type { WebhookPort } from '../runtime/webhooks.js';

export interface Deps {
  readonly clock: Clock;
  readonly sleep: Sleep;
  readonly logger: Logger;
  /** The repository's GitHub API; without a token every verb fails with a ConfigurationError. */
  readonly github: GitHubPort;
  readonly metrics: MetricsProviders;
  readonly git: GitPort;
  /** Where notifications are posted (Slack, Teams, CloudEvents webhooks); entrypoints that announce events set it. */
  readonly webhooks?: WebhookPort;
  /** Reading policies, SLOs and other input files. */
  readonly files: Files;
}
