import { inspect } from 'node:util';

/** A Jupyter `error` output: the error's name, its message, and the lines a notebook shows. */
export interface ErrorOutput { ename: string; evalue: string; traceback: string[] }

/** Frames of the kernel's own machinery (tslab, Node's vm, the launcher): below the cell, of no use to its author. */
const KERNEL_FRAME = /^\s+at .*(node:vm|node:internal|[\\/]tslab[\\/]dist[\\/]|[\\/]environment[\\/]tslab-[\w-]+\.cjs)/;

/** True for this package's own errors (InputError, FileError, FormatError, LimitError), from any copy of it. */
function isLibraryError(error: Error): boolean {
  for (let p = Object.getPrototypeOf(error); p; p = Object.getPrototypeOf(p)) if (p.constructor?.name === 'PermafrostError') return true;
  return false;
}

/**
 * How a notebook shows an error thrown by a cell. This package's errors (InputError, FileError,
 * FormatError, LimitError) say what was wrong in one line, `InputError: invalid latitude: 40
 * (expected …)`, their stack only when `trace` is on; other errors keep their stack, without the
 * kernel's own frames; a thrown non-error shows as `Uncaught <value>`.
 *
 * Options: `trace` (default: `$PERMAFROST_TRACE` is `1`).
 * @example errorOutput(new InputError('invalid latitude: 40 (expected 45 to 90)')).traceback // ['InputError: invalid latitude: 40 (expected 45 to 90)']
 */
export function errorOutput(error: unknown, options: { trace?: boolean } = {}): ErrorOutput {
  const trace = options.trace ?? process.env.PERMAFROST_TRACE === '1';
  if (!(error instanceof Error)) {
    const evalue = inspect(error, { depth: 2, breakLength: Infinity });
    return { ename: 'Uncaught', evalue, traceback: [`Uncaught ${evalue}`] };
  }
  const ename = error.name || 'Error';
  const headline = `${ename}: ${error.message}`;
  if (isLibraryError(error)) {
    const full = (error as { trace?: string }).trace;
    return { ename, evalue: error.message, traceback: trace && full ? full.split('\n') : [headline] };
  }
  let stack = typeof error.stack === 'string' && error.stack.includes(error.message) ? error.stack.split('\n') : [headline];
  // Node's vm puts the compiled line and a caret above an error thrown at the top of a cell: not the cell's own text
  const top = stack.findIndex((line) => line.startsWith(ename));
  if (top > 0) stack = stack.slice(top);
  const firstKernelFrame = stack.findIndex((line) => KERNEL_FRAME.test(line));
  return { ename, evalue: error.message, traceback: trace || firstKernelFrame < 0 ? stack : stack.slice(0, firstKernelFrame) };
}
