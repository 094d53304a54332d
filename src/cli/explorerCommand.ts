import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandSpec } from './args.js';
import { FileError, InputError, invalid } from '../errors.js';
import { sampleFolder } from '../dataset/openDataset.js';

/** The explorer page that `npm run build` makes (environment/explorer.mjs): dist/explorer/index.html. */
export function explorerPage(): string {
  // beside dist/cli/, or dist/'s when running from the TypeScript sources (tests): src/explorer/ holds its template
  const built = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../dist/explorer/index.html' : '../explorer/index.html', import.meta.url));
  if (!existsSync(built)) throw new FileError('the explorer page is not built: run npm run build', built);
  return built;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json', '.tif': 'image/tiff', '.csv': 'text/csv', '.md': 'text/markdown',
};

/**
 * Serves the explorer page's folder on 127.0.0.1 (`port` 0: any free port), and the sample's files
 * under `/sample/` with their list in `/sample/index.json`, for the page's "Open the sample" button.
 * @example const { url, close } = await serveExplorer({ port: 8080 })
 */
export async function serveExplorer(options: { port?: number } = {}): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const folder = resolve(explorerPage(), '..');
  const sample = existsSync(sampleFolder()) ? sampleFolder() : null;
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const send = (status: number, body: string | Buffer, type = 'text/plain; charset=utf-8') => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (sample && path === '/sample/index.json') {
      return send(200, JSON.stringify(readdirSync(sample).filter((n) => statSync(join(sample, n)).isFile())), TYPES['.json']);
    }
    const [base, rest] = sample && path.startsWith('/sample/') ? [sample, path.slice('/sample/'.length)] : [folder, path === '/' ? 'index.html' : path.slice(1)];
    const file = resolve(base, rest);
    if (!file.startsWith(base + sep) || !existsSync(file) || !statSync(file).isFile()) return send(404, `not found: ${path}\n`);
    send(200, readFileSync(file), TYPES[extname(file)] ?? 'application/octet-stream');
  });
  await new Promise<void>((ok, fail) => { server.once('error', fail); server.listen(options.port ?? 0, '127.0.0.1', ok); });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { url: `http://127.0.0.1:${port}/`, server, close: () => new Promise((ok) => server.close(() => ok())) };
}

/** `permafrost-lab explorer`: where the page is, or the page served. */
export const explorerCommands: Record<string, CommandSpec> = {
  explorer: {
    brief: 'The explorer page: its path, to open in a browser (nothing to install), or --serve.',
    summary: 'Prints the path of the explorer page (dist/explorer/index.html): open it in a browser, pick the product\'s files (or the sample\'s), and it checks them, maps each variable by period, and summarizes by period and region, all in the page. With --serve, serves it on 127.0.0.1 instead, with the sample one click away.',
    usage: '[options]',
    positionals: 0,
    options: {
      serve: { type: 'boolean', description: 'serve the page on 127.0.0.1 until stopped (Ctrl-C), with the sample under /sample/' },
      port: { type: 'string', value: 'port', default: '0', description: 'the port to serve on (0: any free port)' },
    },
    examples: ['permafrost-lab explorer', 'permafrost-lab explorer --serve --port 8080'],
    async run(args) {
      if (!args.flag('serve')) {
        process.stdout.write(`${explorerPage()}\n`);
        return 0;
      }
      const port = Number(args.string('port'));
      if (!(Number.isInteger(port) && port >= 0 && port < 65536)) throw new InputError(invalid('option --port', args.string('port'), 'a port number from 0 to 65535'));
      const { url } = await serveExplorer({ port });
      process.stdout.write(`serving the explorer at ${url} (Ctrl-C to stop)\n`);
      await new Promise<never>(() => {});
      return 0;
    },
  },
};
