declare module 'lerc' {
  interface LercPixelBlock {
    width: number;
    height: number;
    pixels: ArrayLike<number>[];
    mask?: Uint8Array | null;
  }
  const Lerc: { decode(input: ArrayBuffer, options?: { returnPixelInterleavedDims?: boolean }): LercPixelBlock };
  export default Lerc;
}
