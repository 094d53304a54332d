/** The share of a cell that is permafrost, by the coding of `GroupSpec.frozen`: 0 none, 1 presence
 * (a value of 1), 2 MAGT below 0, 3 a fraction (× `scale`, clamped to 0–1), 4 classes (`table[value]`). */
export function frozenShare(v: number, frozen: number, scale: number, table: ArrayLike<number>): number {
  switch (frozen) {
    case 1: return v === 1 ? 1 : 0;
    case 2: return v < 0 ? 1 : 0;
    case 3: { const f = v * scale; return f <= 0 ? 0 : f >= 1 ? 1 : f; }
    case 4: return Number.isInteger(v) && v >= 0 && v < table.length ? table[v] : 0;
    default: return 0;
  }
}

