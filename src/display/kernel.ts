import { createRequire } from 'node:module';

/** The part of tslab's display API this package uses. */
interface TslabDisplay {
  html(html: string): void;
  text(text: string): void;
  png(bytes: Uint8Array): void;
}

let cached: TslabDisplay | null | undefined;

/**
 * tslab's `display`, when this code runs inside a tslab kernel; `null` elsewhere (plain Node,
 * tests), where display calls fall back to printing text.
 */
export function kernelDisplay(): TslabDisplay | null {
  if (cached !== undefined) return cached;
  try {
    const tslab = createRequire(import.meta.url)('tslab') as { display: TslabDisplay & { raw: unknown } };
    // Outside a kernel tslab's display throws "Not ready"; probe with a harmless no-op check.
    cached = isInKernel() ? tslab.display : null;
  } catch {
    cached = null;
  }
  return cached;
}

/** True when the process is a tslab kernel (its argv names the `kernel` subcommand). */
export function isInKernel(): boolean {
  return process.argv.some((a) => /tslab/.test(a)) && process.argv.includes('kernel');
}
