/**
 * Where each parameter of HF's WhisperForConditionalGeneration lives in a CTranslate2 WhisperSpec.
 *
 * CTranslate2's converter renames and fuses, and changes no value: layer norms keep weight/bias
 * as gamma/beta; self-attention stores [q; k; v] stacked by rows in linear_0 and out_proj in
 * linear_1; cross-attention ("attention") stores q in linear_0, [k; v] in linear_1 and out_proj in
 * linear_2. Queries are not pre-scaled (CTranslate2 scales them at run time, as HF does), and the
 * key bias rows of a fused bias are the zeros it filled in for HF's bias-free k_proj, so they are
 * simply not read. (Were they not zero they would still not matter: a key bias adds the same
 * q.b to every score of a query, which softmax ignores.)
 */

/** A parameter's source: a variable, or one of `parts` equal row blocks of a fused variable. */
export interface Ct2Source {
  variable: string;
  /** Which row block (0-based) of a fused variable; absent for a whole variable. */
  part?: number;
  /** How many row blocks the fused variable holds (3 for q/k/v, 2 for k/v). */
  parts?: number;
}

const NORM: Readonly<Record<string, string>> = { weight: 'gamma', bias: 'beta' };

/** Inside one layer: HF module path -> CTranslate2 layer path (whole variables). */
const LAYER_MODULES: Readonly<Record<string, string>> = {
  'self_attn.out_proj': 'self_attention/linear_1',
  'encoder_attn.q_proj': 'attention/linear_0',
  'encoder_attn.out_proj': 'attention/linear_2',
  fc1: 'ffn/linear_0',
  fc2: 'ffn/linear_1',
};

const LAYER_NORMS: Readonly<Record<string, string>> = {
  self_attn_layer_norm: 'self_attention/layer_norm',
  encoder_attn_layer_norm: 'attention/layer_norm',
  final_layer_norm: 'ffn/layer_norm',
};

/** HF projection -> [fused variable's layer path, its block, block count]. */
const FUSED: Readonly<Record<string, [string, number, number]>> = {
  'self_attn.q_proj': ['self_attention/linear_0', 0, 3],
  'self_attn.k_proj': ['self_attention/linear_0', 1, 3],
  'self_attn.v_proj': ['self_attention/linear_0', 2, 3],
  'encoder_attn.k_proj': ['attention/linear_1', 0, 2],
  'encoder_attn.v_proj': ['attention/linear_1', 1, 2],
};

/** Outside the layers. */
const TOP_LEVEL: Readonly<Record<string, string>> = {
  'model.encoder.conv1.weight': 'encoder/conv1/weight',
  'model.encoder.conv1.bias': 'encoder/conv1/bias',
  'model.encoder.conv2.weight': 'encoder/conv2/weight',
  'model.encoder.conv2.bias': 'encoder/conv2/bias',
  'model.encoder.embed_positions.weight': 'encoder/position_encodings/encodings',
  'model.encoder.layer_norm.weight': 'encoder/layer_norm/gamma',
  'model.encoder.layer_norm.bias': 'encoder/layer_norm/beta',
  'model.decoder.embed_tokens.weight': 'decoder/embeddings/weight',
  'model.decoder.embed_positions.weight': 'decoder/position_encodings/encodings',
  'model.decoder.layer_norm.weight': 'decoder/layer_norm/gamma',
  'model.decoder.layer_norm.bias': 'decoder/layer_norm/beta',
  'proj_out.weight': 'decoder/projection/weight',
};

const LAYER_PARAM = /^model\.(encoder|decoder)\.layers\.(\d+)\.(.+)\.(weight|bias)$/;

/** The CTranslate2 source of an HF Whisper parameter name, or undefined if it has none. */
export function ct2SourceOf(hfName: string): Ct2Source | undefined {
  const top = TOP_LEVEL[hfName];
  if (top !== undefined) return { variable: top };
  const m = LAYER_PARAM.exec(hfName);
  if (!m) return undefined;
  const [, stack, layer, module, kind] = m;
  const prefix = `${stack}/layer_${layer}/`;
  if (module in LAYER_NORMS) return { variable: `${prefix}${LAYER_NORMS[module]}/${NORM[kind]}` };
  if (module in LAYER_MODULES) return { variable: `${prefix}${LAYER_MODULES[module]}/${kind}` };
  const fused = FUSED[module];
  if (fused) return { variable: `${prefix}${fused[0]}/${kind}`, part: fused[1], parts: fused[2] };
  return undefined;
}
