/**
 * A local git repository of release manifests for the end-to-end tests of
 * the CLI: canary policies with metrics, a stage that has soaked long enough
 * to be judged, and git run with a fixed author.
 */
import { execFileSync } from 'node:child_process';

/** A canary policy for one service judged on one latency metric from `provider`; `extraAnalysis` adds lines under `analysis:`. */
export function canaryPolicy(service: string, provider: string, extraAnalysis = ''): string {
  return `kind: canary
services: [${service}]
analysis:
  interval: 5m
  lookback: 10m
${extraAnalysis}  judge:
    metrics:
      - name: latency-p99
        query: 'latency_p99_seconds{service="{{service}}",version="{{version}}"}'
        direction: increase
provider: ${provider}
`;
}

/** A manifest whose first stage has soaked long enough for a judgment to be due now. */
export function soakingManifest(service: string, since: Date): string {
  const at = since.toISOString();
  return `service: ${service}
environment: production
region: us-east-1
stable:
  version: 1.41.0
canary:
  version: 1.42.0
  weight: 1
promotion:
  id: ${service}/production/us-east-1/1.42.0
  version: 1.42.0
  phase: soaking
  stage: 0
  startedAt: ${at}
  stageStartedAt: ${at}
  failedIntervals: 0
  judgments: []
  history:
    - at: ${at}
      event: started
      by: alice
`;
}

export function stableManifest(service: string, region: string): string {
  return `service: ${service}\nenvironment: production\nregion: ${region}\nstable:\n  version: 1.41.0\ncanary:\n  version: null\n  weight: 0\n`;
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  });
}
