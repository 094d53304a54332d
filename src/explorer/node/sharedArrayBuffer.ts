// The `SharedArrayBuffer` global as the explorer page sees it (environment/explorer.mjs injects it):
// a page opened from file:// is not cross-origin isolated, so Chromium gives it no shared memory; an
// ArrayBuffer takes its place, and what the library would share with its workers is copied to them.

const Shared = (globalThis as unknown as { SharedArrayBuffer?: ArrayBufferConstructor }).SharedArrayBuffer ?? ArrayBuffer;
export { Shared as SharedArrayBuffer };
