// What every figure builder returns: a Plotly figure as plain JSON (drawn by src/display/).

/** A Plotly figure as plain JSON. */
export interface Figure {
  data: Record<string, unknown>[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
  /** Plotly animation frames (a figure that steps through periods with a slider). */
  frames?: { name: string; data: Record<string, unknown>[]; traces?: number[]; layout?: Record<string, unknown> }[];
  /** The builder that made the figure and its options (recorded in saved files; not drawn). */
  source?: { builder: string; options: Record<string, unknown>; synthetic?: boolean; dataset?: { source: string; synthetic: boolean; files: string[] } };
}

/** True for `{ data: [...] }` objects. */
export function isFigure(value: unknown): value is Figure {
  return !!value && Array.isArray((value as Figure).data);
}
