import { createRequire } from 'node:module';

/** The part of tslab's display API this package uses. */
interface TslabDisplay {
  html(html: string): void;
  text(text: string): void;
  png(bytes: Uint8Array): void;
}

/** A Jupyter display message: several MIME types of one output. */
export interface DisplayMessage { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> }
export type DisplayWriter = (message: DisplayMessage, update: boolean) => void;

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

/**
 * The function tslab writes display messages with (`lastWriteDisplayData` of its `jupyter`
 * module), taken from the module instance the running kernel loaded (found in Node's module
 * cache, so it is the kernel's own copy even when this package sits elsewhere), at the moment of
 * the call: it is bound to the cell being run, so a message written later still lands in that cell.
 * Null outside a kernel or when tslab's internals are not where they were.
 */
export function kernelWriter(): DisplayWriter | null {
  if (!isInKernel()) return null;
  const require = createRequire(import.meta.url);
  const key = Object.keys(require.cache).find((k) => /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(k));
  const jupyter = key ? (require.cache[key]?.exports as { lastWriteDisplayData?: DisplayWriter | null } | undefined) : undefined;
  return typeof jupyter?.lastWriteDisplayData === 'function' ? jupyter.lastWriteDisplayData : null;
}

/** True when the process is a tslab kernel (its argv names the `kernel` subcommand). */
export function isInKernel(): boolean {
  return process.argv.some((a) => /tslab/.test(a)) && process.argv.includes('kernel');
}
