/**
 * Fast standard-normal samples from a uniform 32-bit source (core's Random): Marsaglia & Tsang's
 * ziggurat with 128 layers. About 99% of draws cost one uint32, a table look-up and a multiply, with
 * no log or trig, which is what makes filling 1.5 B values feasible.
 * Each draw splits one uint32 into independent bits: the low 7 pick the layer and the upper 25 are a
 * signed position within it (avoiding the layer/value correlation of the original 2000 version).
 */

/** Anything that yields uniform unsigned 32-bit integers, such as core's Random. */
export interface Uint32Source {
  nextUint32(): number;
}

const LAYERS = 128;
/** Where the tail starts, and the area of every layer, for 128 layers. */
const TAIL = 3.442619855899;
const AREA = 9.91256303526217e-3;
/** The signed position is a 25-bit integer: magnitude up to 2^24. */
const SCALE = 2 ** 24;
const INV_2_32 = 1 / 4294967296;

/** Per layer: accept threshold for |position|, position-to-x factor, and the density at the layer's edge. */
const K = new Int32Array(LAYERS);
const W = new Float64Array(LAYERS);
const F = new Float64Array(LAYERS);

(function buildTables(): void {
  let x = TAIL;
  let previous = x;
  const q = AREA / Math.exp(-0.5 * x * x);
  K[0] = Math.floor((x / q) * SCALE);
  K[1] = 0;
  W[0] = q / SCALE;
  W[LAYERS - 1] = x / SCALE;
  F[0] = 1;
  F[LAYERS - 1] = Math.exp(-0.5 * x * x);
  for (let i = LAYERS - 2; i >= 1; i--) {
    x = Math.sqrt(-2 * Math.log(AREA / x + Math.exp(-0.5 * x * x)));
    K[i + 1] = Math.floor((x / previous) * SCALE);
    previous = x;
    F[i] = Math.exp(-0.5 * x * x);
    W[i] = x / SCALE;
  }
})();

/** A uniform number in (0, 1): never 0, so its log is finite. */
function openUniform(src: Uint32Source): number {
  return (src.nextUint32() + 0.5) * INV_2_32;
}

/** The rare draws that land outside a layer's inner rectangle (about 1%). */
function slowDraw(src: Uint32Source, position: number, layer: number): number {
  for (;;) {
    if (layer === 0) {
      // Beyond the last layer: Marsaglia's exponential rejection for the normal tail.
      let x: number;
      let y: number;
      do {
        x = -Math.log(openUniform(src)) / TAIL;
        y = -Math.log(openUniform(src));
      } while (y + y < x * x);
      return position >= 0 ? TAIL + x : -(TAIL + x);
    }
    const x = position * W[layer];
    if (F[layer] + openUniform(src) * (F[layer - 1] - F[layer]) < Math.exp(-0.5 * x * x)) return x;
    const u = src.nextUint32();
    layer = u & (LAYERS - 1);
    position = (u | 0) >> 7;
    if ((position < 0 ? -position : position) < K[layer]) return position * W[layer];
  }
}

/** Fills `out` with normal samples of the given mean and standard deviation. */
export function fillNormal(src: Uint32Source, out: Float32Array, std = 1, mean = 0): Float32Array {
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const u = src.nextUint32();
    const layer = u & (LAYERS - 1);
    const position = (u | 0) >> 7;
    const z = (position < 0 ? -position : position) < K[layer] ? position * W[layer] : slowDraw(src, position, layer);
    out[i] = mean + std * z;
  }
  return out;
}

/** Fills `out` with uniform samples between low and high (float32 rounding may reach `high`). */
export function fillUniform(src: Uint32Source, out: Float32Array, low = 0, high = 1): Float32Array {
  const span = (high - low) * INV_2_32;
  for (let i = 0; i < out.length; i++) out[i] = low + src.nextUint32() * span;
  return out;
}
