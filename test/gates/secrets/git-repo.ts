/**
 * A throwaway git repository for tests: real git, a fixed identity, and
 * helpers to write files and commit.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CommandGit } from '../../../src/gitops/git.js';

export class TempRepo {
  readonly dir: string;
  readonly git: CommandGit;
  private constructor(dir: string) {
    this.dir = dir;
    this.git = new CommandGit(dir, { name: 'Test', email: 'test@example.org' });
  }

  static async create(): Promise<TempRepo> {
    const repo = new TempRepo(mkdtempSync(join(tmpdir(), 'bw-secrets-')));
    await repo.git.run(['init', '-q', '-b', 'main']);
    await repo.git.run(['config', 'commit.gpgsign', 'false']);
    return repo;
  }

  write(path: string, content: string | Uint8Array): void {
    const full = join(this.dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }

  async commit(message: string): Promise<string> {
    await this.git.run(['add', '-A']);
    await this.git.run(['commit', '-q', '--allow-empty', '-m', message]);
    return (await this.git.run(['rev-parse', 'HEAD'])).stdout.trim();
  }

  async run(...args: string[]): Promise<string> {
    return (await this.git.run(args)).stdout;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
