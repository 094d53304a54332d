// Captions under figures: wrapped to the figure's width, again for each size a figure is drawn at.

/** Breaks a caption into lines of at most `width` characters (Plotly does not wrap annotations); a newline starts a new paragraph. */
export function wrap(text: string, width = 90): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/)) {
      if (!word) continue;
      if (line && line.length + 1 + word.length > width) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(line);
  }
  return lines;
}

/** Characters of caption text that fit on one line of a figure this many pixels wide (11 px font). */
export const charsFor = (width: number) => Math.max(30, Math.floor((width - 30) / 6.6));

/** Pixels per caption line. */
export const LINE = 16;

/** The layout of a figure drawn `width` pixels wide: its caption wrapped again to fit, the bottom margin grown or shrunk to match. */
export function fitCaptions(layout: Record<string, unknown>, width: number): Record<string, unknown> {
  const caption = (layout.meta as { caption?: string } | undefined)?.caption;
  const annotations = (layout.annotations as Record<string, unknown>[] | undefined) ?? [];
  const at = annotations.findIndex((a) => a.name === 'caption');
  if (!caption || at < 0) return layout;
  const before = String(annotations[at].text).split('<br>').length;
  const lines = wrap(caption, charsFor(width));
  const margin = layout.margin as { b: number; l?: number };
  // captions start 12 px from the figure's left edge, whatever the plot's left margin
  const xshift = 12 - (margin.l ?? 80);
  return { ...layout, annotations: annotations.map((a, i) => (i === at ? { ...a, text: lines.join('<br>'), xshift } : a.name === 'synthetic' ? { ...a, xshift } : a)),
    margin: { ...margin, b: margin.b + LINE * (lines.length - before) } };
}

