// src/geotiff/kernelModule.ts as the explorer's workers see it (environment/explorer.mjs puts this
// module in its place): the kernels are bundled into the worker's script, not imported at run time.
import * as kernels from '../stats/kernels.js';

export type { KernelModule } from '../geotiff/kernelModule.js';

export async function loadKernelModule(url: string): Promise<typeof kernels> {
  if (!/\/stats\/kernels\.js$/.test(url)) throw new Error(`the explorer's workers bundle the kernels of src/stats/kernels.ts, not ${url}`);
  return kernels;
}
