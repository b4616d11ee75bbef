/**
 * `ActionSources` over the REST API: what the workflow audit asks GitHub
 * about the repositories of the actions a workflow uses. One request per verb
 * (an annotated tag costs one more), the first page only, never a write.
 */
import type { GitHubClient } from './client.js';
import { GitHubError } from './errors.js';
import type {
  ActionAdvisory,
  ActionRepository,
  ActionSources,
  CommitRelation,
  FirstPage,
  NamedCommit,
} from './port.js';
import type { CallCounts } from './request-budget.js';
import { arrayOf, objectOf, toPortError } from './rest-support.js';

const PAGE = 100;

/** The REST adapter of `ActionSources`; share the client of the run's `GitHubPort` so that one budget counts both. */
export class RestActionSources implements ActionSources {
  constructor(private readonly client: GitHubClient) {}

  async repository(owner: string, repo: string): Promise<ActionRepository | null> {
    const data = await this.getOrNull('repository', 'GET /repos/{owner}/{repo}', { owner, repo });
    if (data === null) return null;
    const r = objectOf('repository', data);
    return { archived: r['archived'] === true, defaultBranch: String(r['default_branch'] ?? '') };
  }

  async branches(owner: string, repo: string): Promise<FirstPage<NamedCommit>> {
    const rows = arrayOf(
      'branches',
      await this.get('branches', 'GET /repos/{owner}/{repo}/branches', { owner, repo, per_page: PAGE }),
    );
    return {
      items: rows.map((b) => ({
        name: String(b['name']),
        sha: String((b['commit'] as Record<string, unknown> | undefined)?.['sha'] ?? ''),
      })),
      truncated: rows.length >= PAGE,
    };
  }

  async tags(owner: string, repo: string): Promise<FirstPage<NamedCommit>> {
    const rows = arrayOf(
      'tags',
      await this.get('tags', 'GET /repos/{owner}/{repo}/tags', { owner, repo, per_page: PAGE }),
    );
    return {
      items: rows.map((t) => ({
        name: String(t['name']),
        sha: String((t['commit'] as Record<string, unknown> | undefined)?.['sha'] ?? ''),
      })),
      truncated: rows.length >= PAGE,
    };
  }

  async tagCommit(owner: string, repo: string, tag: string): Promise<string | null> {
    const data = await this.getOrNull('tagCommit', 'GET /repos/{owner}/{repo}/git/ref/{ref}', {
      owner,
      repo,
      ref: `tags/${tag}`,
    });
    if (data === null) return null;
    const object = objectOf('tagCommit', objectOf('tagCommit', data)['object']);
    if (object['type'] !== 'tag') return String(object['sha']);
    // An annotated tag points at a tag object, which points at the commit.
    const annotated = objectOf(
      'tagCommit',
      await this.get('tagCommit', 'GET /repos/{owner}/{repo}/git/tags/{tag_sha}', {
        owner,
        repo,
        tag_sha: String(object['sha']),
      }),
    );
    return String(objectOf('tagCommit', annotated['object'])['sha']);
  }

  async compare(owner: string, repo: string, base: string, head: string): Promise<CommitRelation> {
    const data = await this.getOrNull('compare', 'GET /repos/{owner}/{repo}/compare/{basehead}', {
      owner,
      repo,
      basehead: `${base}...${head}`,
      per_page: 1,
    });
    if (data === null) return 'unknown-commit';
    const status = objectOf('compare', data)['status'];
    if (status === 'identical' || status === 'ahead' || status === 'behind' || status === 'diverged') return status;
    throw new GitHubError('compare', 502, `unexpected compare status ${JSON.stringify(status)}`);
  }

  async advisories(owner: string, repo: string): Promise<FirstPage<ActionAdvisory>> {
    const rows = arrayOf(
      'advisories',
      await this.get('advisories', 'GET /advisories', {
        ecosystem: 'actions',
        affects: `${owner}/${repo}`,
        type: 'reviewed',
        per_page: PAGE,
      }),
    );
    return { items: rows.map(toAdvisory), truncated: rows.length >= PAGE };
  }

  calls(): CallCounts {
    return this.client.calls();
  }

  private async get(verb: string, route: string, params: Record<string, unknown>): Promise<unknown> {
    try {
      return (await this.client.request(route, params)).data;
    } catch (err) {
      throw toPortError(verb, route, err);
    }
  }

  private async getOrNull(verb: string, route: string, params: Record<string, unknown>): Promise<unknown> {
    try {
      return await this.get(verb, route, params);
    } catch (err) {
      if (err instanceof GitHubError && err.status === 404) return null;
      throw err;
    }
  }
}

function toAdvisory(row: Record<string, unknown>): ActionAdvisory {
  const vulns = Array.isArray(row['vulnerabilities']) ? (row['vulnerabilities'] as Record<string, unknown>[]) : [];
  return {
    ghsaId: String(row['ghsa_id'] ?? ''),
    summary: String(row['summary'] ?? ''),
    severity: String(row['severity'] ?? 'unknown'),
    url: String(row['html_url'] ?? ''),
    vulnerabilities: vulns
      .filter((v) => (v['package'] as Record<string, unknown> | null)?.['ecosystem'] === 'actions')
      .map((v) => ({
        package: String((v['package'] as Record<string, unknown>)['name'] ?? ''),
        vulnerableRange: typeof v['vulnerable_version_range'] === 'string' ? v['vulnerable_version_range'] : '',
        firstPatched: typeof v['first_patched_version'] === 'string' ? v['first_patched_version'] : null,
      })),
  };
}
