// The `setTimeout` and `clearTimeout` globals as the explorer page sees them (environment/explorer.mjs
// injects them): Node's timers have `unref` and `ref` (whether a timer keeps the process alive); a
// page has no process to keep alive, so they do nothing here.

/** A browser timer with Node's `ref` and `unref`. */
export interface Timer { id: number; ref(): Timer; unref(): Timer; hasRef(): boolean }

const browserSetTimeout = globalThis.setTimeout, browserClearTimeout = globalThis.clearTimeout;

function pageSetTimeout(callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): Timer {
  const timer: Timer = { id: browserSetTimeout(callback, ms, ...args) as unknown as number, ref: () => timer, unref: () => timer, hasRef: () => true };
  return timer;
}

function pageClearTimeout(timer: Timer | number | undefined): void {
  browserClearTimeout(typeof timer === 'object' && timer ? timer.id : timer);
}

export { pageSetTimeout as setTimeout, pageClearTimeout as clearTimeout };
