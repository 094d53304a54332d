import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FileError, FormatError, InputError, invalid } from '../errors.js';
import { PRODUCT_PERIODS, parsePeriod } from './periods.js';

/** The product's variables, their value column names and units. */
export const VARIABLES = {
  magt: { column: 'magt_c', unit: '°C', title: 'mean annual ground temperature' },
  alt: { column: 'alt_cm', unit: 'cm', title: 'active layer thickness' },
  permafrost: { column: 'permafrost', unit: '', title: 'permafrost (1) or not (0)' },
} as const;

export type Variable = keyof typeof VARIABLES;

/** Where one variable and period is stored: a file and a 0-based band. */
export interface Slot {
  file: string;
  band: number;
}

/** A discovered layout: per variable, per period label, the file and band. */
export interface Layout {
  folder: string;
  variables: Map<Variable, Map<string, Slot>>;
  /** How it was found: `manifest`, `band descriptions`, `file names`. */
  how: string;
  /** Files seen, for messages. */
  files: string[];
  /** What was assumed on the way, for `show(ds)`, `info` and `check`: e.g. unnamed bands taken as the eight periods in order. */
  notices: string[];
  /** Per file: how its variable and periods were found (`band descriptions`, `file name`, `band count`, `manifest`). */
  sources: Map<string, string>;
}

/** What a file's bands are called, read by the caller (openRaster) and handed in. */
export type BandNames = (file: string) => Promise<{ bands: number; bandNames: string[] }>;

/** The product's own Chinese terms, most specific first (多年冻土活动层厚度 is ALT, not permafrost). */
const CHINESE: [RegExp, Variable][] = [
  [/活动层/, 'alt'],
  [/地温|地表温度|地下温度/, 'magt'],
  [/冻土/, 'permafrost'],
];

/**
 * Which variable a file name speaks of, by whole words: `MAGT_1980-1984.tif` → magt,
 * `alt_1980_1984.tif` → alt, `Permafrost_distribution.tif` → permafrost, `GT_80_84.tif` → magt,
 * `PF_probability.tif` → permafrost, and the product's Chinese terms (年平均地温 / 地温 → magt,
 * 活动层厚度 / 活动层 → alt, 多年冻土 / 冻土分布 → permafrost). Null when none or several.
 */
export function variableOfName(name: string): Variable | null {
  const stem = basename(name).replace(/\.[^.]+$/, '');
  for (const [pattern, variable] of CHINESE) if (pattern.test(stem)) return variable;
  const words = stem.toLowerCase().split(/[^a-z]+/).filter(Boolean);
  const found = new Set<Variable>();
  const air = words.includes('air') || words.includes('surface'); // air_temperature.tif is a predictor, not MAGT
  for (const w of words) {
    if ((['magt', 'gt', 'mag', 'temperature', 'ground', 'nianpingjundiwen', 'diwen'].includes(w) || /^magt/.test(w)) && !air) found.add('magt');
    else if (['alt', 'thaw', 'active', 'thickness', 'huodongceng'].includes(w)) found.add('alt'); // not 'layer' alone: layer_3.tif says nothing
    else if (['permafrost', 'pf', 'distribution', 'pzi', 'extent', 'probability', 'zonation', 'zone', 'zones', 'dongtu'].includes(w)) found.add('permafrost');
  }
  return found.size === 1 ? [...found][0] : null;
}

/** Band descriptions that name nothing: none at all (`band_1`), or `Band 1`, `layer_2`, `b3`, `4`. */
export function unnamedBands(names: string[]): boolean {
  return names.every((n) => /^(band|layer|b)?[\s_-]*[0-9]+$/i.test(n.trim()));
}

/** The manifest a folder needs when its names say nothing, as an example for messages. */
export function manifestExample(file: string, bands: number): string {
  const periods = PRODUCT_PERIODS.slice(0, Math.min(bands, 8)).map((p) => `"${p.label}"`);
  return `{ "variables": { "magt": { "file": "${file}", "periods": [${periods.slice(0, 2).join(', ')}${periods.length > 2 ? ', …' : ''}] } } }`;
}

/**
 * Finds the variables and periods of a product folder (or a `dataset.json` manifest): a
 * multi-band file per variable with periods in the band descriptions, one file per variable and
 * period with the period in the name, or a manifest where names say nothing. Throws an
 * `InputError` that lists the files it saw when it cannot tell.
 */
export async function discoverLayout(source: string, bandNames: BandNames, options: { headers?: Record<string, string> } = {}): Promise<Layout> {
  if (/^https?:\/\//i.test(source)) return fromUrl(source, bandNames, options.headers);
  const path = resolve(source);
  if (!existsSync(path)) throw new InputError(`dataset not found: ${path}`);
  if (statSync(path).isFile()) {
    if (path.endsWith('.json')) return fromManifest(path);
    throw new InputError(invalid('dataset source', path, 'a folder of GeoTIFFs or a dataset.json manifest'));
  }
  const manifest = join(path, 'dataset.json');
  if (existsSync(manifest)) return fromManifest(manifest);
  const tifs = readdirSync(path).filter((n) => /\.tiff?$/i.test(n)).sort();
  if (tifs.length === 0) throw new InputError(`no GeoTIFF files in ${path} (saw: ${readdirSync(path).join(', ') || 'nothing'})`);
  const variables = new Map<Variable, Map<string, Slot>>();
  const unknown: string[] = [];
  const hows = new Set<string>();
  const notices: string[] = [];
  const sources = new Map<string, string>();
  for (const name of tifs) {
    const variable = variableOfName(name);
    if (!variable) { unknown.push(name); continue; }
    const file = join(path, name);
    const fromName = parsePeriod(name);
    const { bands, bandNames: names } = await bandNames(file);
    const slots = variables.get(variable) ?? new Map<string, Slot>();
    if (fromName && bands === 1) {
      add(slots, fromName.label, { file, band: 0 }, variable);
      hows.add('file names');
      sources.set(file, `${variable} from the file name, period ${fromName.label} from the file name`);
    } else {
      const periods = names.map((n) => parsePeriod(n));
      if (periods.every((p) => p)) {
        periods.forEach((p, band) => add(slots, p!.label, { file, band }, variable));
        hows.add('band descriptions');
        sources.set(file, `${variable} from the file name, periods from the band descriptions`);
      } else if (!fromName && bands === PRODUCT_PERIODS.length && unnamedBands(names)) {
        // The product's eight periods, in order: what a GDAL or ArcGIS export without band names holds.
        PRODUCT_PERIODS.forEach((p, band) => add(slots, p.label, { file, band }, variable));
        hows.add('band count');
        sources.set(file, `${variable} from the file name, periods from the band count (8 unnamed bands taken as 1980-1984 … 2015-2019 in order)`);
        notices.push(`${name}: its 8 bands have no period names; taken as the product's periods in order (band 1 = 1980-1984 … band 8 = 2015-2019). ` +
          `If that is wrong, write a dataset.json manifest.`);
      } else {
        throw new InputError(`cannot tell the periods of ${name}: band descriptions ${JSON.stringify(names)} do not name periods like "1980-1984"` +
          `${fromName ? ` and it has ${bands} bands although its name names one period` : ` and it has ${bands} band(s), not the product's 8`}; ` +
          `write a dataset.json manifest beside it, e.g. ${manifestExample(name, bands)} (files seen: ${tifs.join(', ')})`);
      }
    }
    variables.set(variable, slots);
  }
  if (variables.size === 0) {
    throw new InputError(`cannot tell which variable any file holds (expected names with MAGT, ALT or permafrost; files seen: ${tifs.join(', ')}); write a dataset.json manifest`);
  }
  if (unknown.length) {
    throw new InputError(`cannot tell which variable these files hold: ${unknown.join(', ')} (files seen: ${tifs.join(', ')}); rename them or write a dataset.json manifest`);
  }
  checkPeriods(variables, tifs);
  return { folder: path, variables, how: [...hows].join(' and '), files: tifs.map((n) => join(path, n)), notices, sources };

  function add(slots: Map<string, Slot>, label: string, slot: Slot, variable: Variable): void {
    if (slots.has(label)) {
      throw new InputError(`${variable} ${label} is in two places: ${basename(slots.get(label)!.file)} and ${basename(slot.file)} (files seen: ${tifs.join(', ')})`);
    }
    slots.set(label, slot);
  }
}

/** Every variable must cover the same periods; a gap is named. */
function checkPeriods(variables: Map<Variable, Map<string, Slot>>, seen: string[]): void {
  const all = new Set<string>();
  for (const slots of variables.values()) for (const p of slots.keys()) all.add(p);
  const sorted = [...all].sort();
  for (const [variable, slots] of variables) {
    const missing = sorted.filter((p) => !slots.has(p));
    if (missing.length) throw new InputError(`${variable} is missing period(s) ${missing.join(', ')} that other variables have (files seen: ${seen.join(', ')})`);
  }
}

/** A URL: a `dataset.json` manifest (file names resolved against it) or one multi-band GeoTIFF. */
async function fromUrl(url: string, bandNames: BandNames, headers?: Record<string, string>): Promise<Layout> {
  if (/\.json(\?|$)/i.test(url)) {
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: AbortSignal.timeout(120_000) });
    } catch (err) {
      throw new FileError(`cannot reach the server: ${(err as Error).message}`, url);
    }
    if (!response.ok) throw new FileError(`the server answered ${response.status} ${response.statusText}`, url);
    let json: unknown;
    try { json = await response.json(); } catch (err) { throw new FormatError(`not valid JSON: ${(err as Error).message}`, url); }
    return manifestLayout(json, url, (name) => new URL(name, url).href, () => true);
  }
  const variable = variableOfName(new URL(url).pathname);
  if (!variable) throw new InputError(`cannot tell which variable ${url} holds (expected MAGT, ALT or permafrost in its name); serve a dataset.json manifest`);
  const { bandNames: names } = await bandNames(url);
  const periods = names.map((n) => parsePeriod(n));
  if (periods.some((p) => !p)) throw new InputError(`cannot tell the periods of ${url}: band descriptions ${JSON.stringify(names)}; serve a dataset.json manifest`);
  const slots = new Map<string, Slot>(periods.map((p, band) => [p!.label, { file: url, band }]));
  return { folder: url, variables: new Map([[variable, slots]]), how: 'band descriptions', files: [url], notices: [],
    sources: new Map([[url, `${variable} from the file name, periods from the band descriptions`]]) };
}

/**
 * `dataset.json`: `{ "variables": { "magt": { "file": "a.tif", "periods": ["1980-1984", …] },
 * "alt": { "files": { "1980-1984": "b1.tif", … } } } }` (a band per period in order, or a file per period).
 */
function fromManifest(path: string): Layout {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new FormatError(`not valid JSON: ${(err as Error).message}`, path);
  }
  return manifestLayout(json, path, (name) => resolve(dirname(path), name), existsSync);
}

function manifestLayout(value: unknown, where: string, locate: (name: string) => string, exists: (file: string) => boolean): Layout {
  const json = value as { variables?: Record<string, { file?: string; periods?: string[]; files?: Record<string, string> }> };
  if (!json || typeof json.variables !== 'object') throw new FormatError('expected { "variables": { "magt": … } }', where);
  const variables = new Map<Variable, Map<string, Slot>>();
  const files: string[] = [];
  for (const [name, spec] of Object.entries(json.variables!)) {
    if (!(name in VARIABLES)) throw new FormatError(invalid('variable', name, Object.keys(VARIABLES).join(', ')), where);
    const slots = new Map<string, Slot>();
    if (spec.file && Array.isArray(spec.periods)) {
      spec.periods.forEach((p, band) => {
        const period = parsePeriod(p);
        if (!period) throw new FormatError(invalid(`period of ${name}`, p, 'like "1980-1984"'), where);
        slots.set(period.label, { file: locate(spec.file!), band });
      });
      files.push(locate(spec.file));
    } else if (spec.files && typeof spec.files === 'object') {
      for (const [p, file] of Object.entries(spec.files)) {
        const period = parsePeriod(p);
        if (!period) throw new FormatError(invalid(`period of ${name}`, p, 'like "1980-1984"'), where);
        slots.set(period.label, { file: locate(file), band: 0 });
        files.push(locate(file));
      }
    } else {
      throw new FormatError(`variable ${name} needs "file" with "periods", or "files" by period`, where);
    }
    for (const slot of slots.values()) if (!exists(slot.file)) throw new FormatError(`names a file that does not exist: ${slot.file}`, where);
    variables.set(name as Variable, slots);
  }
  checkPeriods(variables, files.map((f) => basename(f)));
  const unique = [...new Set(files)];
  return { folder: where, variables, how: 'manifest', files: unique, notices: [], sources: new Map(unique.map((f) => [f, 'manifest'])) };
}
