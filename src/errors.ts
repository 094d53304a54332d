/**
 * The errors this package throws on purpose. Each names the thing at fault (a file, band, row,
 * option) and what was expected, so a notebook cell shows one readable line, and callers can
 * tell a bad file (`FormatError`), a missing or unreadable one (`FileError`) and a bad argument
 * (`InputError`) from a bug.
 */
export class PermafrostError extends Error {
  /** Where the problem is: a path, URL, `file band 3`, `stations.csv line 12`, an option name. */
  readonly where?: string;
  /** The full stack trace, for debugging (the `stack` shown in notebooks is one line). */
  declare readonly trace?: string;
  constructor(message: string, where?: string) {
    super(where ? `${where}: ${message}` : message);
    this.name = new.target.name;
    this.where = where;
    // A notebook cell shows `stack`: one readable line, not this package's internals.
    // not enumerable: a notebook that prints the error's fields shows one line, not the trace
    Object.defineProperty(this, 'trace', { value: this.stack, enumerable: false, writable: false });
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** A file or URL that cannot be found, opened, read or written. */
export class FileError extends PermafrostError {}

/** A file whose contents are not what its format promises: not a TIFF, truncated, unsupported. */
export class FormatError extends PermafrostError {}

/** An argument or option with a value this package cannot use. */
export class InputError extends PermafrostError {}

/** A request that would need more memory or time than the configured limits allow. */
export class LimitError extends PermafrostError {}

/**
 * A worker thread that died (crashed, ran out of memory or was ended) while it held a task. Tasks
 * are pure, so the block engine runs such a task again once before it lets this error through.
 */
export class WorkerError extends PermafrostError {}

/**
 * Formats the one message shape used everywhere: `invalid <what>: <value> (expected <expected>)`.
 * @example invalid('band', 9, '0 to 7') // "invalid band: 9 (expected 0 to 7)"
 */
export function invalid(what: string, value: unknown, expected?: string): string {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return `invalid ${what}: ${shown}${expected ? ` (expected ${expected})` : ''}`;
}
