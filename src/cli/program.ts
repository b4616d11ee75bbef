/**
 * The `bellwether` command. Its verbs mirror the actions; each verb parses
 * its flags and calls one function that returns a CommandOutput.
 *
 * Exit codes: 0 ok; 1 a negative decision (a failed gate, a Fail or Marginal
 * verdict, a freeze in force); 2 a usage or configuration error; 3 a bug in
 * Bellwether (reported with its stack); 4 no decision for want of data (the
 * canary judge's NoData: hold, and judge again with more data).
 */
import { Command, CommanderError, Option } from 'commander';
import { ConfigurationError, NotAvailableError } from '../runtime/errors.js';
import type { CliIo } from './io.js';
import { processIo } from './io.js';
import type { CommandOutput } from './output.js';
import { ExitCode } from './output.js';
import { handlers } from './handlers.js';
import { METRICS_FILE, POLICY_DIR } from '../policy/paths.js';
import { VERSION } from '../version.js';

/** Exit code for an unexpected error: a bug to report, not a user mistake. */
export const INTERNAL_ERROR = 3;

const CANARY_VERBS = {
  start: 'start a staged promotion of a version',
  tick: 'advance whatever is due: judge, move to the next stage, promote or fail',
  promote: 'approve a waiting stage, skip the rest of the soak, or accept a Marginal judgment (--reason needed)',
  pause: 'stop the soak clock and hold traffic where it is',
  resume: 'continue a paused promotion',
  abort: 'end the promotion and send traffic back to stable',
  rollback: 'roll the canary back and hand over to the rollback flow',
} as const;

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const emit = (out: CommandOutput) => {
    if (out.stdout) io.stdout(out.stdout.endsWith('\n') ? out.stdout : out.stdout + '\n');
    exitCode = out.exitCode;
  };
  const program = buildProgram(io, emit);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successes; every other parse failure is a usage error.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
        return ExitCode.ok;
      return ExitCode.usage;
    }
    if (err instanceof ConfigurationError || err instanceof NotAvailableError) {
      io.stderr(`bellwether: ${err.message}\n`);
      return ExitCode.usage;
    }
    io.stderr(
      `bellwether: internal error, please report it: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return INTERNAL_ERROR;
  }
  return exitCode;
}

const formatOption = (choices: readonly string[] = ['text', 'json']) =>
  new Option('--format <format>', 'output format').choices([...choices]).default('text');

function buildProgram(io: CliIo, emit: (out: CommandOutput) => void): Command {
  const program = new Command('bellwether')
    .description(
      'Safe deployments on GitHub: security gates, judged canaries, region waves, rollback pull requests, error-budget freezes and postmortems.',
    )
    .version(VERSION)
    // Program options only before the verb, so that a verb's own --version is its own.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 negative decision (failed gate, failed or marginal verdict, freeze in force),\n2 usage or configuration error, 3 internal error,\n4 no decision for want of data (canary judge NoData: hold).',
    );
  const run = (fn: () => Promise<CommandOutput>) => async () => emit(await fn());

  const gate = program.command('gate').description('security gates for pull requests');
  gate
    .command('all', { isDefault: true })
    .description('every gate family on a change, one verdict (the default: `bellwether gate --base REF`)')
    .argument('[paths...]', 'files or folders for the workflow audit', ['.github/workflows'])
    .option(
      '--base <ref>',
      'base of the change: also scan its added lines for secrets and review its dependencies; with --mode diff, workflow findings already at the base do not count',
    )
    .option('--head <ref>', 'head of the change', 'HEAD')
    .addOption(
      new Option(
        '--mode <mode>',
        'diff: count what the change introduces; full: count every finding and scan every tracked file for secrets',
      )
        .choices(['diff', 'full'])
        .default('diff'),
    )
    .option('--policy <file>', 'gates policy')
    .addOption(formatOption(['text', 'json', 'sarif']))
    .action((paths: string[], o) =>
      run(() =>
        handlers.gateAll({ paths, base: o.base, head: o.head, mode: o.mode, policy: o.policy, format: o.format }),
      )(),
    );
  gate
    .command('workflows')
    .description('audit GitHub Actions workflows and action.yml files')
    .argument('[paths...]', 'files or folders', ['.github/workflows'])
    .option('--policy <file>', 'gate policy file')
    .option('--baseline <file>', 'JSON report of the base branch: report only new findings')
    .addOption(formatOption(['text', 'json', 'sarif']))
    .action((paths: string[], o) =>
      run(() => handlers.gateWorkflows({ paths, policy: o.policy, baseline: o.baseline, format: o.format }))(),
    );
  gate
    .command('secrets')
    .description('scan the lines a change adds (or whole paths) for secrets; findings are redacted everywhere')
    .argument('[paths...]', 'files or folders to scan whole')
    .option('--base <ref>', 'scan the lines added by git diff BASE...HEAD')
    .option('--head <ref>', 'the head of the change (default HEAD)')
    .option('--diff <file>', 'a unified diff file to scan instead of asking git')
    .option('--policy <file>', 'gates policy with a secrets section')
    .addOption(formatOption(['text', 'json', 'sarif']))
    .action((paths: string[], o) =>
      run(() =>
        handlers.gateSecrets({
          ...(paths.length ? { paths } : {}),
          base: o.base,
          head: o.head,
          diff: o.diff,
          policy: o.policy,
          format: o.format,
        }),
      )(),
    );
  gate
    .command('deps')
    .description('review the dependencies a change adds: vulnerabilities, licenses (SPDX), allow and deny lists')
    .requiredOption('--base <ref>', 'base commit or branch')
    .option('--head <ref>', 'head commit or branch', 'HEAD')
    .option('--policy <file>', 'gates policy with a dependencies section')
    .option('--snapshot <file>', "JSON of GitHub's dependency-graph compare answer, for offline use")
    .addOption(formatOption(['text', 'json', 'sarif']))
    .action((o) =>
      run(() =>
        handlers.gateDeps({ base: o.base, head: o.head, policy: o.policy, snapshot: o.snapshot, format: o.format }),
      )(),
    );
  gate
    .command('posture')
    .description(
      'check repository posture: branch protection, CODEOWNERS, SECURITY.md, Dependabot, workflow permissions',
    )
    .option('--snapshot <file>', 'JSON snapshot of the repository settings')
    .option('--policy <file>', 'gates policy with a posture section')
    .addOption(formatOption(['text', 'json', 'sarif']))
    .action((o) => run(() => handlers.gatePosture({ snapshot: o.snapshot, policy: o.policy, format: o.format }))());

  const canary = program.command('canary').description('staged canary promotion and the canary judge');
  canary
    .command('judge')
    .description('judge canary samples against baseline samples')
    .requiredOption('--config <file>', 'Kayenta canary config JSON or a Bellwether canary policy')
    .requiredOption('--input <file>', 'samples: {"<metric>": {"baseline": [...], "canary": [...]}}')
    .addOption(new Option('--profile <profile>', 'judge profile').choices(['bellwether', 'kayenta']))
    .option('--pass-threshold <n>', 'score needed to pass', parseNumber)
    .option('--marginal-threshold <n>', 'score below which the verdict is Fail', parseNumber)
    .option('--look <n>', 'bellwether profile: this judgment is look N of --looks over one soak', parseNumber)
    .option('--looks <n>', 'bellwether profile: the looks planned for the soak', parseNumber)
    .addOption(formatOption())
    .action((o) =>
      run(() =>
        handlers.canaryJudge({
          config: o.config,
          input: o.input,
          profile: o.profile,
          passThreshold: o.passThreshold,
          marginalThreshold: o.marginalThreshold,
          format: o.format,
          color: io.color,
          ...(o.look !== undefined || o.looks !== undefined
            ? { sequential: { look: o.look ?? 1, looks: o.looks ?? o.look ?? 1 } }
            : {}),
        }),
      )(),
    );
  for (const verb of ['start', 'tick', 'promote', 'pause', 'resume', 'abort', 'rollback'] as const) {
    const cmd = canary
      .command(verb)
      .description(CANARY_VERBS[verb])
      .requiredOption('--service <name>', 'the service')
      .option('--environment <name>', 'the environment', 'production')
      .option('--region <name>', 'the region, for regional services')
      .option('--repo <dir>', 'git repository holding the release manifests', '.')
      .option('--branch <name>', 'branch of the manifests', 'main')
      .option('--manifests <dir>', 'folder of release manifests in the repository', 'deploy')
      .option(
        '--policy <path>',
        'policy file or folder (default: .github/bellwether/ in --repo; the embedded defaults when there is none)',
      )
      .option(
        '--metrics <path>',
        'metrics providers file, or a folder with metrics.yml (default: .github/bellwether/metrics.yml in --repo)',
      )
      .option(
        '--out <dir>',
        'where the draft of a rollback pull request is written (default: bellwether/drafts in the git directory of --repo, which git status never shows)',
      )
      .option('--by <user>', 'who is asking (default: $GITHUB_ACTOR or $USER)')
      .option('--reason <text>', 'why; recorded in the manifest history')
      .option(
        '--break-glass <reason>',
        "deploy through an error-budget freeze: the justification, judged by the freeze policy's breakGlass (who is --by)",
      )
      .option('--break-glass-expiry <time>', 'when the break-glass ends: an RFC 3339 time or a duration such as 2h')
      .option('--wait', 'keep reconciling until the promotion ends or waits for a person')
      .addOption(formatOption());
    if (verb === 'promote') {
      cmd.option(
        '--change-record <id>',
        "the change record a stage with approval: change needs (an identifier or a link matching the tier's change.recordPattern)",
      );
    }
    if (verb === 'start') {
      cmd.requiredOption('--version <version>', 'the version to promote');
      cmd.option(
        '--irreversible',
        "the release cannot be undone by an older one: a failure follows the rollback policy's irreversible:",
      );
    }
    cmd.action((o) =>
      run(() =>
        handlers.canaryControl({
          command: verb,
          service: o.service,
          environment: o.environment,
          region: o.region,
          version: o.version,
          irreversible: Boolean(o.irreversible),
          by: o.by,
          reason: o.reason,
          changeRecord: o.changeRecord,
          breakGlass: o.breakGlass,
          breakGlassExpiry: o.breakGlassExpiry,
          repo: o.repo,
          branch: o.branch,
          manifests: o.manifests,
          policy: o.policy,
          metrics: o.metrics,
          out: o.out,
          wait: Boolean(o.wait),
          format: o.format,
          color: io.color,
        }),
      )(),
    );
  }

  const waves = program.command('waves').description('region waves: plan when each region deploys');
  waves
    .command('plan')
    .description(
      'plan the waves of a release: regions, batches and earliest start times, with the reasons for each wait',
    )
    .option('--policy <path>', 'waves policy file, or a folder of policies (default: .github/bellwether/)')
    .option('--at <rfc3339>', 'plan as if now were this time')
    .option('--service <name>')
    .option('--version <version>')
    .option('--environment <name>', 'environment, for the GitHub environment names', 'production')
    .option('--regions <list>', 'only these regions (comma-separated)')
    .option('--deploy-time <duration>', 'estimated time for one region to deploy and turn healthy', undefined)
    .option('--canary-time <duration>', 'estimated time of the canary stages where they run', undefined)
    .option('--holidays <file...>', 'holiday calendar files')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .action((o) =>
      run(() =>
        handlers.wavesPlan({
          policy: o.policy,
          at: o.at,
          service: o.service,
          version: o.version,
          environment: o.environment,
          ...(o.regions
            ? {
                regions: String(o.regions)
                  .split(',')
                  .map((r: string) => r.trim()),
              }
            : {}),
          deployTime: o.deployTime,
          canaryTime: o.canaryTime,
          holidays: o.holidays,
          format: o.format,
        }),
      )(),
    );
  const budget = program
    .command('budget')
    .description('error budgets, burn rates, alerts and the deploy gate of OpenSLO and Sloth SLOs')
    // Its own options only before `rules`, so that the subcommand's flags are its own.
    .enablePositionalOptions()
    // Checked in the action: a required option here would be asked of `budget rules` too.
    .option('--slo <paths>', 'OpenSLO or Sloth files or folders (comma-separated; required)')
    .option('--prometheus <url>', 'Prometheus base URL')
    .option('--policy <file>', 'freeze policy file')
    .option('--at <rfc3339>', 'evaluate at this time')
    .option(
      '--deadline <duration>',
      "wait at most this long for all the metrics (default: the policy's metricsDeadline, 60s)",
    )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .action((o) =>
      run(() => {
        if (!o.slo)
          throw new ConfigurationError('budget needs --slo: the OpenSLO or Sloth files or folders', { field: '--slo' });
        return handlers.budget({
          slo: o.slo,
          prometheus: o.prometheus,
          policy: o.policy,
          at: o.at,
          deadline: o.deadline,
          format: o.format,
        });
      })(),
    );
  budget
    .command('rules')
    .description(
      'Prometheus recording and multiwindow burn-rate alerting rules of the SLOs: they fire when the budget says they fire',
    )
    .requiredOption('--slo <paths>', 'OpenSLO or Sloth files or folders (comma-separated)')
    .option('--policy <file>', 'freeze policy file (its burnRateAlerts and minimumTraffic)')
    .option('--out <file>', 'write the rule file here instead of printing it')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((o) => run(() => handlers.budgetRules({ slo: o.slo, policy: o.policy, out: o.out, format: o.format }))());
  program
    .command('freeze')
    .description('the deploy gate of the error budget policy for one change type: exit 0 allow, 1 block')
    .requiredOption('--slo <paths>', 'OpenSLO or Sloth files or folders (comma-separated)')
    .option('--prometheus <url>', 'Prometheus base URL')
    .option('--policy <file>', 'freeze policy file')
    .addOption(
      new Option('--change-type <type>', 'what is being deployed')
        .choices(['feature', 'security-fix', 'hotfix', 'rollback'])
        .default('feature'),
    )
    .option('--at <rfc3339>', 'evaluate at this time')
    .option(
      '--deadline <duration>',
      "wait at most this long for all the metrics (default: the policy's metricsDeadline, 60s); a rollback never waits",
    )
    .addOption(formatOption())
    .action((o) =>
      run(() =>
        handlers.freeze({
          slo: o.slo,
          prometheus: o.prometheus,
          policy: o.policy,
          changeType: o.changeType,
          at: o.at,
          deadline: o.deadline,
          format: o.format,
        }),
      )(),
    );
  const rollback = program
    .command('rollback')
    .description('roll back to the last known good version, quarantine the bad one and write the rollback pull request')
    // Its own options only before `lift`, so that the subcommand's flags are its own.
    .enablePositionalOptions()
    .option('--service <name>', 'the service (required)')
    .option('--reason <text>', 'why; recorded in the pull request and the quarantine (required)')
    .option('--environment <name>', 'the environment', 'production')
    .option(
      '--region <name>',
      'a region, or all (the regions of the waves policy; without one, every manifest of the environment)',
      'all',
    )
    .option('--version <version>', 'the bad version (default: the canary in progress, else the stable one)')
    .option('--target <version>', 'the version to go back to (default: the last known good one)')
    .option('--by <user>', 'who is asking (default: $GITHUB_ACTOR or $USER)')
    .option('--repo <dir>', 'git repository holding the release manifests', '.')
    .option('--branch <name>', "the deploy branch (default: the policy's)")
    .option('--manifests <dir>', 'folder of release manifests in the repository', 'deploy')
    .option(
      '--policy <path>',
      'policy file or folder (default: .github/bellwether/ in --repo; the embedded defaults when there is none)',
    )
    .option(
      '--out <dir>',
      'where the draft of the rollback pull request is written (default: bellwether/drafts in the git directory of --repo, which git status never shows)',
    )
    .addOption(formatOption())
    .action((o) =>
      run(() => {
        if (!o.service || !o.reason) throw new ConfigurationError('rollback needs --service and --reason');
        return handlers.rollback({
          service: o.service,
          environment: o.environment,
          region: o.region,
          version: o.version,
          target: o.target,
          reason: o.reason,
          by: o.by,
          repo: o.repo,
          branch: o.branch,
          manifests: o.manifests,
          policy: o.policy,
          out: o.out,
          format: o.format,
        });
      })(),
    );
  rollback
    .command('lift')
    .description('lift the quarantine of a version, with a reason that is recorded')
    .requiredOption('--service <name>', 'the service')
    .requiredOption('--version <version>', 'the quarantined version')
    .requiredOption('--reason <text>', 'why it may be promoted again')
    .option('--by <user>', 'who lifts it (default: $GITHUB_ACTOR or $USER)')
    .option('--repo <dir>', 'git repository holding the release manifests', '.')
    .option('--branch <name>', 'the deploy branch', 'main')
    .option('--manifests <dir>', 'folder of release manifests in the repository', 'deploy')
    .addOption(formatOption())
    .action((o) =>
      run(() =>
        handlers.rollbackLift({
          service: o.service,
          version: o.version,
          reason: o.reason,
          by: o.by,
          repo: o.repo,
          branch: o.branch,
          manifests: o.manifests,
          format: o.format,
        }),
      )(),
    );
  program
    .command('dora')
    .description(
      "DORA metrics of a service in an environment (deployment frequency, lead time, change failure rate, time to restore) from its release manifests' history in git",
    )
    .option('--service <name>', 'the service (required)')
    .option('--environment <name>', 'the environment', 'production')
    .option('--repo <dir>', 'git repository holding the release manifests', '.')
    .option('--manifests <dir>', 'folder of release manifests in the repository', 'deploy')
    .option('--ref <ref>', 'the branch or commit whose history is read', 'HEAD')
    .option(
      '--source-repo <dir>',
      'git repository the versions are tags or commits of, for lead time (default: --repo)',
    )
    .option('--since <when>', 'start of the period: a duration back from --until (90d, 4w) or a date', '90d')
    .option('--until <date>', 'end of the period (default: now)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .action((o) =>
      run(() =>
        handlers.dora({
          service: o.service,
          environment: o.environment,
          repo: o.repo,
          manifests: o.manifests,
          ref: o.ref,
          sourceRepo: o.sourceRepo,
          since: o.since,
          until: o.until,
          format: o.format,
        }),
      )(),
    );
  program
    .command('backtest')
    .description(
      'replay recorded releases through a canary policy, offline: what it would have decided and when, the regressions caught and missed and the good releases failed',
    )
    .option(
      '--releases <file>',
      'the releases to replay: service, region, and each version with its start and truth (required)',
    )
    .option('--policy <path>', 'canary policy file or folder', '.github/bellwether')
    .option(
      '--metrics <file>',
      'metrics providers file; replay providers answer from recordings',
      '.github/bellwether/metrics.yml',
    )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .action((o) =>
      run(() => handlers.backtest({ releases: o.releases, policy: o.policy, metrics: o.metrics, format: o.format }))(),
    );
  program
    .command('postmortem')
    .description(
      'not available yet as a verb: the postmortem action (actions/postmortem) and the canary, rollback and freeze flows open postmortem issues',
    )
    .addOption(formatOption())
    .action(() => run(() => handlers.notYet('postmortem'))());

  const policy = program.command('policy').description('policy files');
  policy
    .command('check')
    .description('validate policy files; every problem names the file, line and field')
    .argument('[paths...]', 'files or folders', [POLICY_DIR])
    .addOption(formatOption())
    .action((paths: string[], o) => run(() => handlers.policyCheck({ paths, format: o.format }))());

  const metrics = program.command('metrics').description('metrics providers');
  metrics
    .command('query')
    .description('run a query against a configured provider: instant, or a range with --start')
    .argument('<query>', 'the query; {{service}}, {{version}}, {{role}}, {{window}} … are filled from --var')
    .option('--config <path>', 'YAML file with `providers:`, or a folder with metrics.yml', METRICS_FILE)
    .option('--provider <name>', 'provider name (default: the only one configured)')
    .option('--var <name=value...>', 'template variables', collectVars, {})
    .option('--time <time>', 'instant query time: RFC 3339, epoch seconds, now or now-1h')
    .option('--start <time>', 'range query start')
    .option('--end <time>', 'range query end (default now)')
    .option('--step <duration>', 'range query resolution, such as 60s')
    .addOption(formatOption())
    .action((query: string, o) =>
      run(() =>
        handlers.metricsQuery({
          query,
          config: o.config,
          provider: o.provider,
          vars: o.var,
          time: o.time,
          start: o.start,
          end: o.end,
          step: o.step,
          format: o.format,
        }),
      )(),
    );
  metrics
    .command('record')
    .description("save a provider's answers for a time range, for offline replay and backtests")
    .requiredOption('--out <file>', 'where the recording goes')
    .requiredOption('--start <time>', 'start of the range')
    .option('--end <time>', 'end of the range (default now)')
    .option('--step <duration>', 'resolution')
    .option('--config <path>', 'YAML file with `providers:`, or a folder with metrics.yml', METRICS_FILE)
    .option('--provider <name>', 'provider name (default: the only one configured)')
    .option('--query <query...>', 'queries to record')
    .option('--queries-file <file>', 'one query per line; # starts a comment')
    .addOption(formatOption())
    .action((o) =>
      run(() =>
        handlers.metricsRecord({
          out: o.out,
          start: o.start,
          end: o.end,
          step: o.step,
          config: o.config,
          provider: o.provider,
          queries: o.query,
          queriesFile: o.queriesFile,
          format: o.format,
        }),
      )(),
    );

  program
    .command('example')
    .description(
      'run the main job on the shipped example, offline: canary stages, waves, a rollback and a postmortem draft',
    )
    .argument('[dir]', 'example folder', 'examples/checkout')
    .option('--out <dir>', 'where the report goes', '.bellwether/example-report')
    .option('--verbose', 'log every step to stderr')
    .addOption(formatOption())
    .action((dir: string, o) =>
      run(() => handlers.example({ dir, out: o.out, format: o.format, verbose: Boolean(o.verbose) }))(),
    );
  program
    .command('self-check')
    .description('check the shipped example end to end, offline')
    .argument('[dir]', 'example folder', 'examples')
    .addOption(formatOption())
    .action((dir: string, o) => run(() => handlers.selfCheck({ dir, format: o.format }))());

  return program;
}

function collectVars(pair: string, previous: Record<string, string>): Record<string, string> {
  const at = pair.indexOf('=');
  if (at <= 0) throw new ConfigurationError(`expected name=value, got ${JSON.stringify(pair)}`, { field: '--var' });
  return { ...previous, [pair.slice(0, at)]: pair.slice(at + 1) };
}

function parseNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new ConfigurationError(`expected a number, got ${JSON.stringify(value)}`);
  return n;
}
