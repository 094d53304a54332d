/**
 * Loads the kernel module a task names (`src/stats/kernels.ts`, built), once per worker. Its own
 * module so that a build for the browser (environment/explorer.mjs) can put the bundled kernels in
 * its place: a page opened from file:// cannot import modules at run time.
 * @example const { runTask } = await loadKernelModule(KERNEL_MODULE)
 */
export function loadKernelModule(url: string): Promise<KernelModule> {
  return import(url) as Promise<KernelModule>;
}

/** A kernel module, as the engine's tasks name it. */
export interface KernelModule { runTask(task: unknown): Promise<{ result: unknown; transfer: ArrayBuffer[] }> }
