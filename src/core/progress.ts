// How long work reports its progress, in one shape everywhere: `on_progress(fraction, note?)`.

/** Called as work goes on with the fraction done (0–1) and, where there is one, what is being done. */
export type OnProgress = (fraction: number, note?: string) => void;

/**
 * The progress callback of options that take `on_progress`, or the deprecated `onProgress` of the
 * same shape that they took before.
 * @example progressOf({ on_progress: (f) => bar.update(f) })?.(0.5)
 */
export function progressOf(options: { on_progress?: OnProgress; onProgress?: OnProgress } | undefined): OnProgress | undefined {
  return options?.on_progress ?? options?.onProgress;
}
