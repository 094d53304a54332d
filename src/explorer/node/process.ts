// The `process` global as the explorer page sees it (environment/explorer.mjs injects it): the
// settings of the library that a page wants, and nothing of Node's.

export const process = {
  env: {
    // a page has no disk to keep summaries on (the library would try, and catch the failure)
    PERMAFROST_SUMMARY_CACHE: '0',
  } as Record<string, string | undefined>,
  pid: 1,
  argv: [] as string[],
  execArgv: [] as string[],
  platform: 'browser',
  versions: {} as Record<string, string>,
  stderr: { write: (text: string) => { console.warn(text); return true; } },
  stdout: { write: (text: string) => { console.log(text); return true; } },
  on: () => process,
  once: () => process,
  cwd: () => '/',
};
