/**
 * A real browser for the HTML reports: Debian's `chromium`, headless, as a
 * process. `--dump-dom` gives the page after its layout scripts ran (a test
 * injects one that measures the page and writes the figures into the DOM);
 * `--screenshot` keeps a picture of the page as people see it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The browser's command, or null when none is installed. */
export function findChromium(): string | null {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim() !== '') return found.stdout.trim();
  }
  return null;
}

/** Why the browser tests cannot run, said so that CI fails with it. */
export const NO_CHROMIUM =
  'Chromium is not installed: the HTML report is checked in a real browser. Install it (Debian: apt-get install -y --no-install-recommends chromium; .ci/run does)';

function run(bin: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    bin,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--hide-scrollbars',
      `--user-data-dir=${mkdtempSync(join(tmpdir(), 'bw-chromium-'))}`,
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The page's DOM after load, at a window of `width` × `height`. */
export async function dumpDom(bin: string, file: string, width: number, height: number): Promise<string> {
  const out = await run(bin, [
    `--window-size=${width},${height}`,
    '--virtual-time-budget=5000',
    '--dump-dom',
    `file://${file}`,
  ]);
  if (out.code !== 0) throw new Error(`chromium --dump-dom exited ${out.code}: ${out.stderr.slice(-2000)}`);
  return out.stdout;
}

/** A screenshot of the page at a window of `width` × `height`, written to `png`. */
export async function screenshot(bin: string, file: string, png: string, width: number, height: number): Promise<void> {
  const out = await run(bin, [`--window-size=${width},${height}`, `--screenshot=${png}`, `file://${file}`]);
  if (out.code !== 0) throw new Error(`chromium --screenshot exited ${out.code}: ${out.stderr.slice(-2000)}`);
}
