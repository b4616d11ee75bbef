/**
 * The one place that touches @actions/core. Every action's bundle stub calls
 * `runAction(name)`; inputs, outputs, the summary and the failure are
 * translated between GitHub's runner contract and Bellwether's values here.
 */
import * as core from '@actions/core';
import { readRunContext } from '../runtime/context.js';
import { parseRepoRef } from '../github/repo-ref.js';
import { buildDeps } from '../deps/build-deps.js';
import { ConfigurationError, NotAvailableError } from '../runtime/errors.js';
import { envInputSource, readInputs } from '../runtime/inputs.js';
import type { Logger } from '../runtime/logger.js';
import type { MetricsProviders } from '../metrics/provider.js';
import { processSecrets, registerEnvironmentSecrets } from '../runtime/secrets.js';
import { actionByName, actionSpecByName } from './registry.js';

// The runner masks its logs too, but only those; redacting here keeps a secret out of annotations wherever they are copied.
const hide = (text: string) => processSecrets.redact(text);
const coreLogger: Logger = {
  debug: (m) => core.debug(hide(m)),
  info: (m) => core.info(hide(m)),
  warning: (m, w) =>
    core.warning(hide(m), w ? { file: w.file, startLine: w.startLine, endLine: w.endLine, title: w.title } : {}),
  error: (m, w) =>
    core.error(hide(m), w ? { file: w.file, startLine: w.startLine, endLine: w.endLine, title: w.title } : {}),
  mask: (s) => mask(s),
};

/** Masked in the runner's logs, and redacted from what Bellwether writes itself (outputs, summary, commits, bodies). */
function mask(secret: string): void {
  core.setSecret(secret);
  processSecrets.add(secret);
}

/**
 * Actions that take metrics read the named file, else .github/bellwether/metrics.yml
 * when it is there. Only they load the metrics code.
 */
async function metricsOf(named: string, workspace: string): Promise<MetricsProviders | undefined> {
  const [{ locateMetricsFile }, { loadMetricsProviders }] = await Promise.all([
    import('../policy/locate.js'),
    import('../metrics/load-providers.js'),
  ]);
  const file = locateMetricsFile(named || undefined, workspace);
  return file ? loadMetricsProviders(file, coreLogger) : undefined;
}

export async function runAction(name: string): Promise<void> {
  try {
    const spec = actionSpecByName(name);
    registerEnvironmentSecrets(process.env);
    const inputs = readInputs(spec.inputs, envInputSource(), mask);
    const ctx = readRunContext();
    const repo = parseRepoRef(`${ctx.owner}/${ctx.repo}`);
    // Inputs and the run context are checked before the action's code and Octokit load: a mistake there fails fast.
    const [action, { gitHubConnector }] = await Promise.all([actionByName(name), import('../github/connect.js')]);
    const text = (name: string) => (typeof inputs[name] === 'string' ? (inputs[name] as string) : '');
    const metrics = 'metrics' in spec.inputs ? await metricsOf(text('metrics'), ctx.workspace) : undefined;
    const deps = buildDeps({
      token: text('token'),
      apiUrl: ctx.apiUrl,
      logger: coreLogger,
      cwd: ctx.workspace,
      connectGitHub: gitHubConnector(repo),
      ...(metrics ? { metrics } : {}),
    });
    const result = await action.run(inputs, deps, ctx);
    const targets = {
      slack: text('notify-slack-webhook'),
      teams: text('notify-teams-webhook'),
      webhook: text('notify-webhook'),
    };
    // The notification code loads only when there is something to announce and somewhere to announce it.
    const announced =
      result.notice && Object.values(targets).some((t) => t.trim() !== '')
        ? await (await import('../notify/announce.js')).announce(result.notice, targets, text('policy'), deps, ctx)
        : '';
    const summary = (result.summary ?? '') + announced;
    for (const [key, value] of Object.entries(result.outputs)) core.setOutput(key, hide(value));
    if (summary) await core.summary.addRaw(hide(summary), true).write();
    if (result.failure) core.setFailed(hide(result.failure));
  } catch (err) {
    // A user's mistake is shown plainly; anything else is a bug and keeps its stack.
    if (err instanceof ConfigurationError || err instanceof NotAvailableError) core.setFailed(hide(err.message));
    else
      core.setFailed(
        hide(
          `Bellwether internal error, please report it: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        ),
      );
  }
}
