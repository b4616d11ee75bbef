/**
 * The REST adapter's base: calls bound to one repository, each failure named
 * by the verb that made it; lists read page by page.
 */
import { processSecrets } from '../runtime/secrets.js';
import type { GitHubClient } from './client.js';
import { GitHubError } from './errors.js';
import type { RepoRef } from './port.js';
import { arrayOf, toPortError } from './rest-support.js';

/** Pages read when scanning a list (100 items each). */
export const MAX_PAGES = 10;

export type Params = Record<string, unknown>;

/** Plumbing shared by the REST verbs. */
export class RestCaller {
  constructor(
    protected readonly client: GitHubClient,
    readonly repoRef: RepoRef,
  ) {}

  protected async call(
    verb: string,
    route: string,
    params: Params = {},
    isConflict?: (status: number, message: string) => boolean,
  ): Promise<unknown> {
    return this.request(verb, route, { owner: this.repoRef.owner, repo: this.repoRef.repo, ...params }, isConflict);
  }

  /** Null on 404 instead of an error. */
  protected async callOrNull(verb: string, route: string, params: Params = {}): Promise<unknown> {
    return nullOn404(this.call(verb, route, params));
  }

  /** A route outside the repository (`/orgs/…`): no owner and repo are added, which GET would send as query parameters. */
  protected async callOutsideOrNull(verb: string, route: string, params: Params): Promise<unknown> {
    return nullOn404(this.request(verb, route, params));
  }

  private async request(
    verb: string,
    route: string,
    params: Params,
    isConflict?: (status: number, message: string) => boolean,
  ): Promise<unknown> {
    try {
      // Every body Bellwether sends (pull requests, comments, check runs, issues) leaves without the process's secrets.
      return (await this.client.request(route, processSecrets.redactDeep(params))).data;
    } catch (err) {
      throw toPortError(verb, route, err, isConflict);
    }
  }

  /** Items of a list, page by page, up to `limit` (each page is a request against the budget). */
  protected async pages(
    verb: string,
    route: string,
    params: Params,
    pick: (data: unknown) => unknown[] = (d) => arrayOf(verb, d),
    limit = MAX_PAGES * 100,
  ): Promise<Record<string, unknown>[]> {
    const all: Record<string, unknown>[] = [];
    const perPage = Math.max(1, Math.min(100, limit));
    for (let page = 1; page <= MAX_PAGES && all.length < limit; page++) {
      const items = pick(await this.call(verb, route, { ...params, per_page: perPage, page })) as Record<
        string,
        unknown
      >[];
      all.push(...items);
      if (items.length < perPage) break;
    }
    return all.slice(0, limit);
  }
}

async function nullOn404(call: Promise<unknown>): Promise<unknown> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof GitHubError && err.status === 404) return null;
    throw err;
  }
}
