/**
 * GPT-2's byte-level alphabet (bytes_to_unicode), which Whisper's tokenizer inherits: every byte maps
 * to one printable character so that BPE tokens are plain strings without spaces or control codes.
 */

/** One byte and the character that stands for it in vocab.json and merges.txt. */
export interface ByteChar {
  byte: number;
  char: string;
}

function isPrintable(b: number): boolean {
  return (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
}

/** The 256 bytes in GPT-2 vocabulary order (ids 0..255): printable bytes as themselves, then the rest. */
export function byteLevelAlphabet(): ByteChar[] {
  const out: ByteChar[] = [];
  for (let b = 0; b < 256; b++) if (isPrintable(b)) out.push({ byte: b, char: String.fromCodePoint(b) });
  // Unprintable bytes (space, controls, NBSP, soft hyphen) take U+0100 upwards, in byte order,
  // which puts the space ('Ġ') at id 220 as in GPT-2 and Whisper.
  let shifted = 0;
  for (let b = 0; b < 256; b++) if (!isPrintable(b)) out.push({ byte: b, char: String.fromCodePoint(256 + shifted++) });
  return out;
}
