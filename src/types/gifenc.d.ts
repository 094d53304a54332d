declare module 'gifenc' {
  type Palette = number[][];
  interface FrameOptions { palette?: Palette; delay?: number; repeat?: number; transparent?: boolean; transparentIndex?: number; dispose?: number; colorDepth?: number; first?: boolean }
  interface Encoder { writeFrame(index: Uint8Array, width: number, height: number, options?: FrameOptions): void; finish(): void; bytes(): Uint8Array }
  const gifenc: {
    GIFEncoder(options?: { initialCapacity?: number; auto?: boolean }): Encoder;
    quantize(rgba: Uint8Array, maxColors: number, options?: { format?: 'rgb565' | 'rgb444' | 'rgba4444' }): Palette;
    applyPalette(rgba: Uint8Array, palette: Palette, format?: 'rgb565' | 'rgb444' | 'rgba4444'): Uint8Array;
  };
  export default gifenc;
}
