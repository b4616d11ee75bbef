/**
 * What differs between running a flow in a GitHub Actions job and in a
 * terminal, injected as one strategy so that the CLI and the actions run the
 * same orchestration: where the deploy branch is read and written (GitHub's
 * contents API or the local git repository), where a rollback pull request
 * goes (opened on GitHub, or written as a draft), and whether deployment
 * statuses are written.
 */
import { join } from 'node:path';
import { GitHubContentStore } from '../gitops/content-store.js';
import type { ContentStore } from '../gitops/content-store.js';
import { GitContentStore } from '../gitops/content-store.js';
import type { Logger } from '../runtime/logger.js';
import type { GitPort } from '../gitops/git.js';
import type { ListFiles } from '../gitops/manifest-catalog.js';
import type { GitHubPort } from '../github/port.js';
import { FileRollbackPublisher, GitHubRollbackPublisher } from '../rollback/publish.js';
import type { RollbackPublisher } from '../rollback/publish.js';
import type { PostmortemSink } from './postmortem.js';
import { draftPostmortem } from './postmortem.js';

export interface FlowTarget {
  /** The deploy branch's state, compare-and-swap. */
  store(branch: string): ContentStore;
  /** Where a rollback pull request goes. */
  readonly publisher: RollbackPublisher;
  /** GitHub, for deployment statuses; absent when the run has no GitHub. */
  readonly github?: GitHubPort;
  /** Lists the manifests there are, to name them when the one asked for is missing. */
  readonly listFiles?: ListFiles;
  /** Links to what ran (the workflow run), for pull requests and quarantines. */
  readonly links: ReadonlyArray<{ readonly label: string; readonly url: string }>;
  /**
   * Where the postmortem of a canary handed to rollback goes: the issue in
   * the canary action, a draft in a terminal. The rollback action has none:
   * rollback.yml opens the postmortem in a job of its own.
   */
  readonly postmortem?: PostmortemSink;
}

/**
 * Where the CLI writes drafts of rollback pull requests and postmortems when
 * not told: `bellwether/drafts` inside the repository's git directory. It
 * belongs to that clone, and git never shows it, so a local verb leaves
 * `git status` as clean as it found it.
 */
export async function defaultDraftDir(git: GitPort): Promise<string> {
  return join((await git.run(['rev-parse', '--absolute-git-dir'])).stdout.trim(), 'bellwether', 'drafts');
}

/**
 * An Actions job: the contents API, pull requests and deployment statuses on
 * GitHub, and the postmortem issue where the job opens one.
 */
export function gitHubTarget(github: GitHubPort, runUrl: string, postmortem?: PostmortemSink): FlowTarget {
  return {
    store: (branch) => new GitHubContentStore(github, branch),
    publisher: new GitHubRollbackPublisher(github),
    github,
    links: [{ label: 'the run', url: runUrl }],
    ...(postmortem ? { postmortem } : {}),
  };
}

/**
 * A terminal: commits to the local git repository's branch, and drafts of
 * the rollback pull request and the postmortem issue in `draftDir`, since
 * neither can be opened without GitHub.
 */
export function localTarget(git: GitPort, draftDir: string, logger?: Logger): FlowTarget {
  return {
    // The logger says when a stale git lock left by a killed run was removed.
    store: (branch) => new GitContentStore(git, branch, logger ? { logger } : {}),
    publisher: new FileRollbackPublisher(draftDir, 'the CLI works on the local git repository, without a GitHub token'),
    postmortem: draftPostmortem(draftDir),
    listFiles: async (branch, dir) => {
      try {
        const out = (await git.run(['ls-tree', '-r', '--name-only', `refs/heads/${branch}`, '--', dir])).stdout;
        return out.split('\n').filter(Boolean);
      } catch {
        // A branch that does not exist lists nothing; the error then says so.
        return [];
      }
    },
    links: [],
  };
}
