// The options of every command that opens a dataset: how to read NetCDF files that say too little,
// and how patient to be with a remote server. They go to `openDataset` as its options.
import type { Args, OptionSpec } from './args.js';
import { InputError, invalid } from '../errors.js';
import { openDataset, type Dataset, type OpenDatasetOptions } from '../dataset/openDataset.js';
import { VARIABLES, type Variable } from '../dataset/discover.js';

const PERIODS = ['5-year', 'annual', 'as-is'] as const;

/** The options that shape how a dataset is opened, for each command that opens one. */
export const DATASET_OPTIONS: Record<string, OptionSpec> = {
  'source-crs': { type: 'string', value: 'EPSG:code|proj4', description: 'CRS of NetCDF files without a grid mapping (Obu et al. 2019: EPSG:3995)' },
  'netcdf-periods': { type: 'string', value: PERIODS.join('|'), description: 'how NetCDF time steps become periods (default: 5-year means of annual steps)' },
  'netcdf-variables': { type: 'string', value: 'magt=NAME,…', description: 'the NetCDF variable holding each product variable, e.g. magt=T2m (ESA CCI)' },
  'timeout-s': { type: 'string', value: 'seconds', description: 'longest wait for part of a remote file before it is asked again (default 120)' },
  tries: { type: 'string', value: 'count', description: 'tries of each request for part of a remote file (default 3)' },
};

/**
 * `openDataset`'s options from a command line: each checked, a bad one an `InputError` naming the option.
 * @example datasetOptions(args) // { crs: 'EPSG:3995', periods: 'annual' }
 */
export function datasetOptions(args: Args): OpenDatasetOptions {
  const out: OpenDatasetOptions = {};
  const crs = args.string('source-crs');
  if (crs !== undefined) out.crs = crs;
  const periods = args.string('netcdf-periods');
  if (periods !== undefined) {
    if (!(PERIODS as readonly string[]).includes(periods)) throw new InputError(invalid('option --netcdf-periods', periods, PERIODS.join(', ')));
    out.periods = periods as OpenDatasetOptions['periods'];
  }
  const variables = args.string('netcdf-variables');
  if (variables !== undefined) {
    out.variables = {};
    for (const pair of variables.split(',').map((p) => p.trim()).filter(Boolean)) {
      const [variable, name, extra] = pair.split('=').map((p) => p.trim());
      if (!Object.hasOwn(VARIABLES, variable) || !name || extra !== undefined) {
        throw new InputError(invalid('option --netcdf-variables', pair, `variable=NAME with variable one of ${Object.keys(VARIABLES).join(', ')}, e.g. magt=T2m`));
      }
      out.variables[variable as Variable] = name;
    }
  }
  const timeout = args.optionalNumber('timeout-s');
  if (timeout !== undefined) {
    if (!(timeout > 0)) throw new InputError(invalid('option --timeout-s', timeout, 'seconds above 0'));
    out.timeout_s = timeout;
  }
  const tries = args.optionalNumber('tries');
  if (tries !== undefined) {
    if (!(Number.isInteger(tries) && tries >= 1)) throw new InputError(invalid('option --tries', tries, 'a whole number ≥ 1'));
    out.tries = tries;
  }
  return out;
}

/** Opens the command's dataset (its first word, else `$PERMAFROST_DATA`, else the sample) with the options given. */
export function openSource(args: Args, source: string | undefined = args.positionals[0]): Promise<Dataset> {
  return openDataset(source, datasetOptions(args));
}
