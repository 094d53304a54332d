// node:child_process as the explorer page sees it (environment/explorer.mjs puts this module in its
// place): a page starts no program (ffmpeg, for MP4s, is for Node).

export function spawn(command: string): never {
  throw Object.assign(new Error(`spawn ${command} ENOENT: a web page starts no program`), { code: 'ENOENT' });
}
