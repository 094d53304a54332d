// node:path as the explorer page sees it (environment/explorer.mjs puts this module in its place):
// POSIX paths, the current folder being `/`.

export const sep = '/';

export function normalize(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') { if (out.length && out[out.length - 1] !== '..') out.pop(); else if (!absolute) out.push('..'); } else out.push(part);
  }
  const joined = (absolute ? '/' : '') + out.join('/') || (absolute ? '/' : '.');
  return path.endsWith('/') && !joined.endsWith('/') ? `${joined}/` : joined;
}

export const join = (...parts: string[]): string => normalize(parts.filter(Boolean).join('/'));

export function resolve(...parts: string[]): string {
  let path = '';
  for (const part of parts) path = part.startsWith('/') ? part : `${path}/${part}`;
  const p = normalize(path.startsWith('/') ? path : `/${path}`);
  return p.length > 1 ? p.replace(/\/$/, '') : p;
}

export function dirname(path: string): string {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const at = p.lastIndexOf('/');
  return at < 0 ? '.' : at === 0 ? '/' : p.slice(0, at).replace(/\/+$/, '') || '/';
}

export function basename(path: string, suffix?: string): string {
  const name = path.replace(/\/+$/, '').split('/').pop() ?? '';
  return suffix && name.endsWith(suffix) && name !== suffix ? name.slice(0, -suffix.length) : name;
}

export function extname(path: string): string {
  const name = basename(path);
  const at = name.lastIndexOf('.');
  return at <= 0 ? '' : name.slice(at);
}

export function relative(from: string, to: string): string {
  const a = resolve(from).split('/').filter(Boolean), b = resolve(to).split('/').filter(Boolean);
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  return [...a.slice(k).map(() => '..'), ...b.slice(k)].join('/');
}

export const isAbsolute = (path: string): boolean => path.startsWith('/');

export default { sep, normalize, join, resolve, dirname, basename, extname, relative, isAbsolute };
