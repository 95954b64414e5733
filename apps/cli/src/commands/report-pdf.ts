import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VahubError } from '@vahub/core';

export interface HtmlToPdfOptions {
  html: string;
  /** Where the PDF goes. */
  out: string;
  /** @defaultValue `VAHUB_CHROMIUM`, else `chromium` on the PATH (Debian's package) */
  chromium?: string;
  /** The whole print is bounded: a Chromium that hangs is stopped. @defaultValue 60_000 */
  timeoutMs?: number;
}

const INSTALL = 'install Chromium (Debian: apt-get install chromium) or set VAHUB_CHROMIUM to its path';

/**
 * The report's own HTML printed to PDF by headless Chromium: the PDF is the page a person sees,
 * with no second layout to keep in step and no PDF library in the install. The page is written to a
 * private temporary folder first (Chromium prints a URL); the page has no script and loads nothing.
 */
export async function htmlToPdf(options: HtmlToPdfOptions): Promise<void> {
  const chromium = options.chromium ?? process.env.VAHUB_CHROMIUM ?? 'chromium';
  const dir = await mkdtemp(join(tmpdir(), 'vahub-report-'));
  const page = join(dir, 'report.html');
  const out = resolve(options.out);
  try {
    await writeFile(page, options.html, 'utf8');
    await run(chromium, {
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-extensions',
        `--user-data-dir=${join(dir, 'profile')}`,
        '--no-pdf-header-footer',
        `--print-to-pdf=${out}`,
        pathToFileURL(page).href,
      ],
      timeoutMs: options.timeoutMs ?? 60_000,
    });
    const written = await stat(out).catch(() => null);
    if (!written || written.size === 0) {
      throw new VahubError(
        `Chromium (${chromium}) ran but wrote no PDF to ${out}: check that the folder is writable`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(command: string, options: { args: string[]; timeoutMs: number }): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, options.args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2_000);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(
        new VahubError(
          `Chromium (${command}) did not finish printing the PDF within ${options.timeoutMs} ms`,
        ),
      );
    }, options.timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(
        new VahubError(
          err.code === 'ENOENT'
            ? `PDF needs Chromium, and "${command}" was not found: ${INSTALL}`
            : `could not start Chromium (${command}): ${err.message}`,
        ),
      );
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) done();
      else {
        const last = stderr.trim().split('\n').slice(-3).join(' | ');
        fail(
          new VahubError(
            `Chromium (${command}) failed (${signal ?? `exit ${code}`}) printing the PDF: ${last}`,
          ),
        );
      }
    });
  });
}
