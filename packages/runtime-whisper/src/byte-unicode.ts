/**
 * GPT-2's byte <-> unicode table (bytes_to_unicode), which Whisper's byte-level BPE inherits: every
 * byte stands for one printable character, so that vocab.json and merges.txt hold plain strings
 * without spaces or control codes. Printable bytes stand for themselves; the others take U+0100
 * upwards in byte order (so the space is 'Ġ', U+0120).
 */

function isPrintable(b: number): boolean {
  return (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
}

function buildByteToChar(): string[] {
  const table = new Array<string>(256);
  let shifted = 0;
  for (let b = 0; b < 256; b++) table[b] = isPrintable(b) ? String.fromCodePoint(b) : String.fromCodePoint(256 + shifted++);
  return table;
}

/** The character that stands for each byte, indexed by byte. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

/** The byte each table character stands for. */
export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

/** A string's UTF-8 bytes written as table characters (what BPE works on). */
export function bytesToTableChars(text: string): string {
  let out = '';
  for (const b of Buffer.from(text, 'utf8')) out += BYTE_TO_CHAR[b];
  return out;
}

/**
 * The bytes a vocabulary token stands for. As HF tokenizers' ByteLevel decoder does, a token with a
 * character outside the table (not a byte-level token) contributes its own UTF-8 bytes instead.
 */
export function tokenBytes(token: string): number[] {
  const out: number[] = [];
  for (const c of token) {
    const b = CHAR_TO_BYTE.get(c);
    if (b === undefined) return [...Buffer.from(token, 'utf8')];
    out.push(b);
  }
  return out;
}
