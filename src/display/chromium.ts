// The system Chromium, through playwright-core. Its own module so that the declarations of the
// rest of display/ (which notebooks' type checker reads on every kernel start) do not pull in
// playwright-core's 2 MB of types: only code that imports this module's functions reads them.
import { existsSync } from 'node:fs';
import { FileError } from '../errors.js';

/** Chromium flags that work here and on machines without a display or network. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/** The system Chromium: `$PERMAFROST_CHROMIUM`, else /usr/bin/chromium, chromium-browser or google-chrome. */
export function chromiumPath(candidates = [process.env.PERMAFROST_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean) as string[]): string {
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new FileError('no Chromium to render SVG or PNG: install it (Debian: apt-get install chromium, as npm run setup does) ' +
      'or set PERMAFROST_CHROMIUM to a Chrome or Chromium binary; .html needs no browser', candidates.join(', '));
  }
  return found;
}

/** Headless system Chromium through playwright-core, with the flags this machine and CI need. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}

