declare module 'gifenc' {
  type Palette = number[][];
  interface FrameOptions { palette?: Palette; delay?: number; repeat?: number; transparent?: boolean; transparentIndex?: number; dispose?: number; colorDepth?: number; first?: boolean }
  interface Encoder { writeFrame(index: Uint8Array, width: number, height: number, options?: FrameOptions): void; finish(): void; bytes(): Uint8Array }
  export function GIFEncoder(options?: { initialCapacity?: number; auto?: boolean }): Encoder;
  export function quantize(rgba: Uint8Array, maxColors: number, options?: { format?: 'rgb565' | 'rgb444' | 'rgba4444' }): Palette;
}
