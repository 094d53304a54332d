import { join } from 'node:path';
import { python, referee, root } from '../helpers.js';

/** Runs test/dataset/verbs_referee.py (GDAL, PROJ, numpy; see its usage) with `input` as JSON on stdin; returns its JSON. */
export function verbsReferee<T = any>(args: (string | number)[], input?: unknown): T {
  const script = join(root, 'test', 'dataset', 'verbs_referee.py');
  return JSON.parse(referee(python, [script, ...args.map(String)], input === undefined ? undefined : JSON.stringify(input)));
}

/** gdallocationinfo's value of `band` of `file` at each lon/lat (GDAL projects the point and takes the cell holding it): null outside the grid or at nodata. */
export function gdallocationinfo(file: string, band: number, points: number[][]): (number | null)[] {
  const lines = referee('gdallocationinfo', ['-valonly', '-b', String(band), '-wgs84', file], points.map((p) => `${p[0]} ${p[1]}`).join('\n') + '\n').split('\n');
  const nodata = JSON.parse(referee('gdalinfo', ['-json', file])).bands[band - 1].noDataValue;
  return points.map((_, i) => (lines[i] === '' || Number(lines[i]) === nodata ? null : Number(lines[i])));
}
