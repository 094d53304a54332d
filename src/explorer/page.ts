// The explorer page (dist/explorer/index.html, built by environment/explorer.mjs): the picked files
// go through the library's own `check`, `openDataset`, `summarize`, `layers` and figure builders,
// bundled for the browser; what it computed stays in `window.permafrostExplorer` for scripts and tests.
import { checkFolder, checkText, type CheckReport } from '../dataset/check.js';
import type { Variable } from '../dataset/discover.js';
import { csvText } from '../dataset/exportTable.js';
import { openDataset, type Dataset } from '../dataset/openDataset.js';
import type { Figure } from '../display/show.js';
import { HISTORY_SCRIPT } from '../display/historyScript.js';
import { tableHtml } from '../display/tableHtml.js';
import { areaFigure } from '../plot/areaFigure.js';
import { mapFigure } from '../plot/mapFigure.js';
import { pickFiles } from './node/fs.js';

type Table = Awaited<ReturnType<Dataset['summarize']>>;
interface Plotly {
  newPlot(el: HTMLElement, figure: { data: unknown[]; layout?: unknown; config?: unknown; frames?: unknown[] }): Promise<HTMLElement>;
  downloadImage(el: HTMLElement, options: { format: 'png'; filename: string; width?: number; height?: number; scale?: number }): Promise<string>;
  purge(el: HTMLElement): void;
}

/** A table as scripts read it: column names and rows. */
export interface TableData { columns: string[]; rows: Record<string, unknown>[] }

/** What the page computed, for tests and teachers' scripts (`window.permafrostExplorer`). */
export interface ExplorerState {
  /** `loading` while it works, `ready` when everything is shown, `error` (see `error`). */
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  files: string[];
  /** What `check` found (`checkFolder`'s report). */
  check: CheckReport | null;
  periods: string[];
  variables: string[];
  synthetic: boolean | null;
  /** `ds.summarize({ by: ['period'] })`. */
  summary: TableData | null;
  /** `ds.summarize({ by: ['period', 'region'] })`. */
  summaryByRegion: TableData | null;
  /** Seconds each step took. */
  timings_s: Record<string, number>;
}

const state: ExplorerState = {
  status: 'idle', error: null, files: [], check: null, periods: [], variables: [], synthetic: null, summary: null, summaryByRegion: null, timings_s: {},
};
(window as unknown as { permafrostExplorer: ExplorerState }).permafrostExplorer = state;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const plotly = () => (window as unknown as { Plotly: Plotly }).Plotly;
const permafrostHistory = new Function(`${HISTORY_SCRIPT}\nreturn permafrostHistory;`)() as (gd: HTMLElement, spec: Figure, box: HTMLElement) => void;

let dataset: Dataset | null = null;
let run = 0;

function say(text: string, error = false): void {
  const status = $('status');
  status.textContent = text;
  status.classList.toggle('error', error);
}

/** Seconds `step` takes, kept in `timings_s`. */
async function timed<T>(name: string, step: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await step();
  state.timings_s[name] = (performance.now() - start) / 1000;
  return result;
}

const tableData = (t: Table): TableData => ({ columns: t.columnNames(), rows: t.objects() as Record<string, unknown>[] });

function download(name: string, text: string, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

async function draw(el: HTMLElement, figure: Figure): Promise<HTMLElement> {
  plotly().purge(el);
  // as a notebook draws it (src/display/figure.ts): the figure's JSON, frames and all
  return plotly().newPlot(el, { data: figure.data, layout: figure.layout, config: { displaylogo: false, responsive: true, ...figure.config }, frames: figure.frames });
}

const figures = new Map<string, { el: HTMLElement; figure: Figure; name: string }>();

function savePng(key: string): void {
  const f = figures.get(key);
  if (!f) return;
  const layout = f.figure.layout as { width?: number; height?: number } | undefined;
  void plotly().downloadImage(f.el, { format: 'png', filename: f.name, width: layout?.width ?? (f.el.clientWidth || 900), height: layout?.height ?? 460, scale: 2 });
}

/** The map of one variable, all periods on a slider, with click-for-history. */
async function showMap(ds: Dataset, variable: Variable): Promise<void> {
  say(`Drawing the ${variable.toUpperCase()} map…`);
  const layers = await timed(`layers_${variable}`, () => ds.layers(variable, { max_cells_across: 200 }));
  const figure = mapFigure(layers, { dataset: ds, title: `${variable.toUpperCase()} by period` });
  const box = $('history');
  box.hidden = true;
  box.removeAttribute('data-values');
  const gd = await draw($('map'), figure);
  box.hidden = false;
  box.style.display = 'none';
  permafrostHistory(gd, figure, box);
  figures.set('map', { el: gd, figure, name: `${variable}-map` });
}

/** Everything for the picked files: check, open, summaries, the map and the area figure. */
async function explore(files: File[]): Promise<void> {
  const mine = ++run;
  await dataset?.close().catch(() => {});
  dataset = null;
  Object.assign(state, { status: 'loading', error: null, files: files.map((f) => f.name), check: null, periods: [], variables: [], synthetic: null, summary: null, summaryByRegion: null, timings_s: {} });
  for (const id of ['check-section', 'map-section', 'summary-section']) $(id).hidden = true;
  try {
    say(`Checking ${files.length} file(s)…`);
    const folder = await pickFiles(files);
    const report = await timed('check', () => checkFolder(folder));
    state.check = report;
    $('check').textContent = checkText(report);
    $('check-section').hidden = false;
    if (!report.ok) throw new Error(`these files do not open as the product: ${report.error}`);
    const ds = await timed('open', () => openDataset(folder));
    if (mine !== run) return;
    dataset = ds;
    Object.assign(state, { periods: ds.periods.map((p) => p.label), variables: ds.variables, synthetic: ds.synthetic });

    say('Summarizing by period…');
    const summary = await timed('summary', () => ds.summarize({ by: ['period'], onProgress: (f) => say(`Summarizing by period… ${Math.round(f * 100)} %`) }));
    state.summary = tableData(summary);
    $('summary').innerHTML = tableHtml(summary, { limit: 100 });
    $('summary-csv').onclick = () => download('summary-by-period.csv', csvText(summary), 'text/csv');
    $('summary-section').hidden = false;
    if (summary.columnNames().includes('permafrost_area_km2')) {
      const area = areaFigure(summary, { dataset: ds, title: 'Permafrost area by period' });
      figures.set('area', { el: await draw($('area'), area), figure: area, name: 'permafrost-area' });
    }

    const select = $<HTMLSelectElement>('variable');
    select.innerHTML = ds.variables.map((v) => `<option value="${v}">${v.toUpperCase()}</option>`).join('');
    select.onchange = () => void showMap(ds, select.value as Variable).then(() => say('Ready.'), fail);
    $('map-section').hidden = false;
    await showMap(ds, ds.variables[0]);

    say('Summarizing by period and region…');
    const byRegion = await timed('summary_by_region', () => ds.summarize({ by: ['period', 'region'] }));
    state.summaryByRegion = tableData(byRegion);
    $('summary-region').innerHTML = tableHtml(byRegion, { limit: 1000 });
    const regionCsv = $<HTMLButtonElement>('region-csv');
    regionCsv.disabled = false;
    regionCsv.onclick = () => download('summary-by-period-and-region.csv', csvText(byRegion), 'text/csv');
    state.status = 'ready';
    say(`Ready: ${ds.variables.map((v) => v.toUpperCase()).join(', ')} over ${ds.periods.length} periods${ds.synthetic ? ' (the SYNTHETIC sample, not the real product)' : ''}.`);
  } catch (err) {
    if (mine === run) fail(err);
  }
}

function fail(err: unknown): void {
  state.status = 'error';
  state.error = err instanceof Error ? err.message : String(err);
  say(`Error: ${state.error}`, true);
}

const take = (list: File[]) => { if (list.length) void explore(list); };
const picked = (e: Event) => [...((e.target as HTMLInputElement).files ?? [])];
$<HTMLInputElement>('files').addEventListener('change', (e) => take(picked(e)));
// a folder's own files, not those of its subfolders (the sample's predictors/, for one)
$<HTMLInputElement>('folder').addEventListener('change', (e) => take(picked(e).filter((f) => f.webkitRelativePath.split('/').length <= 2)));
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); take([...(e.dataTransfer?.files ?? [])]); });
// files picked before this script ran (it starts once inflated)
take([...($<HTMLInputElement>('files').files ?? [])]);
$('map-png').addEventListener('click', () => savePng('map'));
$('area-png').addEventListener('click', () => savePng('area'));

// served from a checkout (`permafrost-lab explorer --serve`): the sample is one click away
if (/^https?:$/.test(location.protocol)) {
  fetch('sample/index.json').then((r) => (r.ok ? r.json() as Promise<string[]> : null)).then((names) => {
    if (!names) return;
    const button = $<HTMLButtonElement>('sample');
    button.hidden = false;
    button.onclick = async () => {
      say('Fetching the sample…');
      void explore(await Promise.all(names.map(async (n) => new File([await (await fetch(`sample/${encodeURIComponent(n)}`)).blob()], n))));
    };
  }).catch(() => { /* no sample served */ });
}
