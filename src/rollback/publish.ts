/**
 * The rollback pull request, and where it goes: GitHub (a branch, the
 * commits, the pull request with labels, reviewers and optional auto-merge,
 * found again and updated on re-runs), or a file for offline runs that
 * shows the pull request that would be opened.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { processSecrets } from '../runtime/secrets.js';
import { join } from 'node:path';
import type { GitHubPort } from '../github/port.js';
import { GitHubContentStore } from '../gitops/content-store.js';
import { escapeMarkdown, fencedBlock, markdownCode } from '../report/markdown.js';

export interface RollbackPullRequest {
  readonly branch: string;
  readonly base: string;
  readonly title: string;
  readonly body: string;
  /** Files the pull request commits: manifests (when no emergency commit ran), the quarantine and the rollback record. */
  readonly files: ReadonlyArray<{ readonly path: string; readonly text: string; readonly message: string }>;
  readonly labels: readonly string[];
  readonly reviewers: { readonly users: readonly string[]; readonly teams: readonly string[] };
  readonly autoMerge: boolean;
}

export interface Published {
  readonly number: number | null;
  readonly url: string;
  readonly created: boolean;
  readonly notes: readonly string[];
}

/** Where a rollback pull request goes: an injected strategy, GitHub or a file. */
export interface RollbackPublisher {
  /**
   * True when what it publishes can be merged (a pull request on GitHub).
   * A publisher that only writes a draft leaves nothing to merge, so the
   * rollback commits traffic and the quarantine to the branch itself.
   */
  readonly opensPullRequests: boolean;
  publish(pr: RollbackPullRequest): Promise<Published>;
}

/**
 * Publishes to GitHub. GitHub finds only open pull requests by branch: with
 * none open, the branch (kept from a closed one, or made from the base) is
 * brought up to date and a new pull request is opened from it. Whether a
 * re-run should publish at all once its rollback merged is `runRollback`'s
 * call.
 */
export class GitHubRollbackPublisher implements RollbackPublisher {
  readonly opensPullRequests = true;
  constructor(private readonly github: GitHubPort) {}

  async publish(pr: RollbackPullRequest): Promise<Published> {
    const notes: string[] = [];
    const existing = await this.github.findPullRequest(pr.branch, pr.base);
    if (!existing) {
      const base = await this.github.getRef(`heads/${pr.base}`);
      if (!base) throw new Error(`the deploy branch ${pr.base} does not exist`);
      if (!(await this.github.getRef(`heads/${pr.branch}`)))
        await this.github.createRef(`heads/${pr.branch}`, base.sha);
    }
    const store = new GitHubContentStore(this.github, pr.branch);
    for (const f of pr.files) {
      const current = await store.read(f.path);
      if (current?.text === f.text) continue;
      await store.write(f.path, f.text, current?.sha ?? null, f.message);
    }
    if (existing) {
      if (existing.body !== pr.body) await this.github.updatePullRequest(existing.number, { body: pr.body });
      return {
        number: existing.number,
        url: existing.url,
        created: false,
        notes: ['updated the open rollback pull request'],
      };
    }
    const created = await this.github.createPullRequest({
      head: pr.branch,
      base: pr.base,
      title: pr.title,
      body: pr.body,
    });
    for (const name of pr.labels)
      await this.github.ensureLabel({ name, color: 'd93f0b', description: 'Set by Bellwether' });
    if (pr.labels.length > 0) await this.github.addLabels(created.number, pr.labels);
    if (pr.reviewers.users.length + pr.reviewers.teams.length > 0) {
      // Policies name teams `org/slug`; GitHub's team_reviewers takes the slug within the repository's organization.
      await this.github.requestReviewers(created.number, {
        users: pr.reviewers.users,
        teams: pr.reviewers.teams.map((t) => t.slice(t.indexOf('/') + 1)),
      });
    }
    if (pr.autoMerge) {
      const merge = await this.github.enableAutoMerge(created.nodeId, 'SQUASH');
      notes.push(merge.enabledAt ? 'auto-merge is on' : 'auto-merge could not be turned on');
    }
    return { number: created.number, url: created.url, created: true, notes };
  }
}

/** The fence's language for a file, from its extension. */
function infoOf(path: string): string {
  const ext = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  return ext === 'yml' || ext === 'yaml' ? 'yaml' : ext === 'md' ? 'markdown' : ext === 'json' ? 'json' : '';
}

/**
 * Writes the pull request that would be opened, as a draft file, for local
 * runs without GitHub. `why` says why no pull request was opened.
 */
export class FileRollbackPublisher implements RollbackPublisher {
  readonly opensPullRequests = false;
  constructor(
    private readonly dir: string,
    private readonly why = 'no GitHub token',
  ) {}

  async publish(pr: RollbackPullRequest): Promise<Published> {
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, `${pr.branch.replace(/[^\w.-]+/g, '-')}.md`);
    // Each file in a fence longer than any inside it: a rollback record quotes Markdown with its own fences.
    const files = pr.files.map((f) =>
      [
        `#### ${markdownCode(f.path)} (${escapeMarkdown(f.message.split('\n')[0] ?? '')})`,
        '',
        fencedBlock(f.text.trimEnd(), infoOf(f.path)),
      ].join('\n'),
    );
    const text = [
      `# ${pr.title}`,
      '',
      `Branch \`${pr.branch}\` into \`${pr.base}\`; labels ${pr.labels.map((l) => `\`${l}\``).join(', ') || 'none'}; reviewers ${[...pr.reviewers.users, ...pr.reviewers.teams].map((r) => `@${r}`).join(', ') || 'none'}; auto-merge ${pr.autoMerge ? 'on' : 'off'}.`,
      '',
      pr.body,
      '',
      '### Files in this pull request',
      '',
      ...files,
      '',
    ].join('\n');
    await writeFile(path, processSecrets.redact(text));
    return {
      number: null,
      url: path,
      created: true,
      notes: [`no pull request was opened: ${this.why}; the draft is at ${path}`],
    };
  }
}
