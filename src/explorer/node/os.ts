// node:os as the explorer page sees it (environment/explorer.mjs puts this module in its place):
// the cores the browser reports, and a memory budget (browsers do not say how much is free).

const nav = (globalThis as { navigator?: { hardwareConcurrency?: number; deviceMemory?: number } }).navigator;

export const availableParallelism = (): number => Math.max(1, nav?.hardwareConcurrency ?? 2);

/** What a tab can use: a quarter of the device's memory where the browser tells it, else 4 GB; half of it counts as free (memory.ts takes half of that). */
export const totalmem = (): number => Math.max(2, (nav?.deviceMemory ?? 16) / 4) * 2 ** 30;
export const freemem = (): number => totalmem() / 2;

export const homedir = (): string => '/home';
export const tmpdir = (): string => '/tmp';
