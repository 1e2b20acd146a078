import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { onTestFinished } from 'vitest';

/**
 * Headless Chromium for the tests that look at a rendered report. Debian's package installs it
 * as /usr/bin/chromium (`apt-get install chromium`); CI does not, so those tests skip with a
 * message when it is absent.
 */
export const CHROMIUM = '/usr/bin/chromium';

/** Chromium is installed here. */
export const hasChromium = existsSync(CHROMIUM);

/**
 * Renders a local HTML file to a PNG screenshot and returns the PNG bytes. The flags keep the
 * browser off the network (no component updates, sync, background requests or QUIC) and its
 * profile in a temporary folder removed after the test.
 */
export function screenshot(htmlFile: string, size = { width: 1200, height: 1600 }): Promise<Buffer> {
  const profile = mkdtempSync(join(tmpdir(), 'eskeys-chromium-'));
  const png = join(profile, 'page.png');
  onTestFinished(() => rmSync(profile, { recursive: true, force: true }));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--hide-scrollbars',
    `--user-data-dir=${profile}`,
    `--screenshot=${png}`,
    `--window-size=${size.width},${size.height}`,
    pathToFileURL(htmlFile).href,
  ];
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM, args, { timeout: 90_000 }, (error, _stdout, stderr) => {
      if (!existsSync(png))
        reject(new Error(`chromium wrote no screenshot: ${error?.message ?? ''}\n${stderr}`));
      else resolve(readFileSync(png));
    });
  });
}
