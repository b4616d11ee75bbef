/**
 * GitHub's REST objects (deployments and their statuses, check runs, pull
 * requests, issues, environments, dependency changes) as Bellwether's values.
 * Missing or mistyped fields become empty values, never exceptions: what the
 * shapes require is checked where the answer arrives (`objectOf`, `arrayOf`).
 */
import type {
  CheckRun,
  DependencyChange,
  DependencyVulnerability,
  Deployment,
  DeploymentState,
  DeploymentStatus,
  Environment,
  Issue,
  ProtectionRule,
  PullRequest,
} from './port.js';

type Raw = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
/** A string field that may be null; an empty string stays a string. */
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
/** A string field where GitHub sends null or '' for "none". */
const nonEmptyOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const labelsOf = (v: unknown): string[] =>
  Array.isArray(v) ? v.map((l) => (typeof l === 'string' ? l : str((l as Raw | null)?.['name']))).filter(Boolean) : [];

export function toEnvironment(e: Raw): Environment {
  const rules = Array.isArray(e['protection_rules']) ? (e['protection_rules'] as Raw[]) : [];
  return { name: str(e['name']), protectionRules: rules.map(toProtectionRule) };
}

function toProtectionRule(r: Raw): ProtectionRule {
  const rule: { type: string; waitTimerMinutes?: number; reviewers?: string[] } = { type: str(r['type']) };
  if (typeof r['wait_timer'] === 'number') rule.waitTimerMinutes = r['wait_timer'];
  if (Array.isArray(r['reviewers'])) {
    rule.reviewers = (r['reviewers'] as Raw[]).map((rev) => {
      const who = (rev['reviewer'] ?? {}) as Raw;
      return str(who['login']) || str(who['slug']) || str(who['name']);
    });
  }
  return rule;
}

export function toDependencyChange(d: Raw): DependencyChange {
  const scope = d['scope'] === 'runtime' || d['scope'] === 'development' ? d['scope'] : 'unknown';
  const vulns = Array.isArray(d['vulnerabilities']) ? (d['vulnerabilities'] as Raw[]) : [];
  return {
    changeType: d['change_type'] === 'removed' ? 'removed' : 'added',
    manifest: str(d['manifest']),
    ecosystem: str(d['ecosystem']),
    name: str(d['name']),
    version: str(d['version']),
    packageUrl: nonEmptyOrNull(d['package_url']),
    license: nonEmptyOrNull(d['license']),
    sourceRepositoryUrl: nonEmptyOrNull(d['source_repository_url']),
    scope,
    vulnerabilities: vulns.map((v): DependencyVulnerability => ({
      severity: str(v['severity']),
      advisoryGhsaId: str(v['advisory_ghsa_id']),
      advisorySummary: str(v['advisory_summary']),
      advisoryUrl: str(v['advisory_url']),
    })),
  };
}

export function toDeployment(d: Raw): Deployment {
  const payload = d['payload'];
  return {
    id: num(d['id']),
    sha: str(d['sha']),
    ref: str(d['ref']),
    environment: str(d['environment']),
    task: str(d['task']),
    description: strOrNull(d['description']),
    payload: payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Raw) : {},
    createdAt: str(d['created_at']),
  };
}

export function toDeploymentStatus(s: Raw): DeploymentStatus {
  return {
    id: num(s['id']),
    state: str(s['state']) as DeploymentState,
    description: str(s['description']),
    environmentUrl: nonEmptyOrNull(s['environment_url']),
    logUrl: nonEmptyOrNull(s['log_url']),
    createdAt: str(s['created_at']),
  };
}

export function toCheckRun(c: Raw): CheckRun {
  return {
    id: num(c['id']),
    name: str(c['name']),
    headSha: str(c['head_sha']),
    externalId: strOrNull(c['external_id']),
    status: str(c['status']),
    conclusion: strOrNull(c['conclusion']),
  };
}

export function toPullRequest(p: Raw): PullRequest {
  const head = (p['head'] ?? {}) as Raw;
  const base = (p['base'] ?? {}) as Raw;
  return {
    number: num(p['number']),
    nodeId: str(p['node_id']),
    url: str(p['html_url']),
    state: p['state'] === 'closed' ? 'closed' : 'open',
    merged: p['merged'] === true || typeof p['merged_at'] === 'string',
    draft: p['draft'] === true,
    title: str(p['title']),
    body: str(p['body']),
    head: str(head['ref']),
    base: str(base['ref']),
    headSha: str(head['sha']),
    labels: labelsOf(p['labels']),
  };
}

export function toIssue(i: Raw): Issue {
  return {
    number: num(i['number']),
    nodeId: str(i['node_id']),
    url: str(i['html_url']),
    title: str(i['title']),
    body: str(i['body']),
    state: i['state'] === 'closed' ? 'closed' : 'open',
    labels: labelsOf(i['labels']),
    ...(typeof i['created_at'] === 'string' ? { createdAt: i['created_at'] } : {}),
  };
}
