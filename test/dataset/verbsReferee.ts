import { join } from 'node:path';
import { python, referee, root } from '../helpers.js';

/** Runs test/dataset/verbs_referee.py (GDAL, PROJ, numpy; see its usage) with `input` as JSON on stdin; returns its JSON. */
export function verbsReferee<T = any>(args: (string | number)[], input?: unknown): T {
  const script = join(root, 'test', 'dataset', 'verbs_referee.py');
  return JSON.parse(referee(python, [script, ...args.map(String)], input === undefined ? undefined : JSON.stringify(input)));
}
