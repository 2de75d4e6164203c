/**
 * Whisper's byte-level BPE tokenizer, decoding as HF's WhisperTokenizer (transformers 5, backed by the
 * tokenizers library) does, and encoding plain text as `encode(text, add_special_tokens=False)`.
 */
import { bytesToTableChars, tokenBytes } from './byte-unicode';

/** A token after the BPE vocabulary (special tokens, timestamps), as tokenizer_config.json describes it. */
export interface AddedToken {
  id: number;
  content: string;
  /** Special tokens are dropped by `skipSpecialTokens`; timestamps are added but not special. */
  special: boolean;
}

/** What a tokenizer is built from (the parsed tokenizer files). */
export interface TokenizerData {
  /** vocab.json: token -> id. */
  vocab: Readonly<Record<string, number>>;
  /** merges.txt pairs in rank order. */
  merges: readonly (readonly [string, string])[];
  added: readonly AddedToken[];
}

/** Options of decode. */
export interface DecodeOptions {
  /** Drop special tokens (and a <|startofprev|> prompt before <|startoftranscript|>), as HF's skip_special_tokens. */
  skipSpecialTokens?: boolean;
}

// GPT-2's pre-tokenizer split (HF ByteLevel pre-tokenizer with use_regex).
const WORD_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
// WhisperTokenizer.decode removes timestamp tokens from the text unless asked to decode them.
const TIMESTAMP_TEXT = /<\|(\d+\.\d+)\|>/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Ids <-> text for one Whisper vocabulary. */
export class WhisperTokenizer {
  private readonly tokens: (string | undefined)[] = [];
  private readonly ids = new Map<string, number>();
  private readonly addedById = new Map<number, AddedToken>();
  private readonly ranks = new Map<string, number>();
  private readonly addedPattern: RegExp | null;
  private readonly bpeCache = new Map<string, number[]>();
  // Lossy like Rust's from_utf8_lossy; a leading BOM is text, not a marker.
  private readonly utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

  constructor(data: TokenizerData) {
    for (const [token, id] of Object.entries(data.vocab)) {
      this.tokens[id] = token;
      this.ids.set(token, id);
    }
    for (const t of data.added) {
      this.tokens[t.id] = t.content;
      this.ids.set(t.content, t.id);
      this.addedById.set(t.id, t);
    }
    data.merges.forEach(([left, right], rank) => this.ranks.set(`${left} ${right}`, rank));
    // Longest first, so that the alternation matches leftmost-longest as tokenizers' added-token split.
    const contents = data.added.map((t) => t.content).sort((a, b) => b.length - a.length);
    this.addedPattern = contents.length === 0 ? null : new RegExp(contents.map(escapeRegExp).join('|'), 'g');
  }

  /** One past the highest id. */
  get size(): number {
    return this.tokens.length;
  }

  /** The token string of an id (undefined when the id has none). */
  idToToken(id: number): string | undefined {
    return this.tokens[id];
  }

  /** The id of a token string, e.g. '<|en|>' (undefined when absent). */
  tokenToId(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** Whether the id is a special added token. */
  isSpecial(id: number): boolean {
    return this.addedById.get(id)?.special === true;
  }

  /**
   * Ids to text as HF's WhisperTokenizer.decode: model tokens go through the byte table (runs of them
   * decoded as UTF-8 with U+FFFD for invalid bytes), added tokens are copied verbatim (special ones
   * dropped when skipping), unknown ids are dropped, and timestamp tokens are removed from the text.
   */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    const skip = options.skipSpecialTokens === true;
    const kept = skip ? this.stripPrompt(ids) : ids;
    let text = '';
    let pending: number[] = [];
    for (const id of kept) {
      const added = this.addedById.get(id);
      if (added !== undefined) {
        if (skip && added.special) continue;
        text += this.utf8.decode(Uint8Array.from(pending)) + added.content;
        pending = [];
        continue;
      }
      const token = this.tokens[id];
      if (token !== undefined) for (const b of tokenBytes(token)) pending.push(b);
    }
    text += this.utf8.decode(Uint8Array.from(pending));
    return text.replace(TIMESTAMP_TEXT, '');
  }

  /** Text to ids by byte-level BPE (added tokens in the text map to their ids; no prompt or EOT is added). */
  encode(text: string): number[] {
    const out: number[] = [];
    let last = 0;
    if (this.addedPattern !== null) {
      for (const match of text.matchAll(this.addedPattern)) {
        this.encodePlain(text.slice(last, match.index), out);
        out.push(this.ids.get(match[0]) as number);
        last = match.index + match[0].length;
      }
    }
    this.encodePlain(text.slice(last), out);
    return out;
  }

  /** If ids open with a <|startofprev|> prompt, what follows it from <|startoftranscript|> on (HF's _strip_prompt). */
  private stripPrompt(ids: readonly number[]): readonly number[] {
    const prev = this.ids.get('<|startofprev|>');
    const start = this.ids.get('<|startoftranscript|>');
    if (ids.length === 0 || ids[0] !== prev) return ids;
    const at = start === undefined ? -1 : ids.indexOf(start);
    return at < 0 ? [] : ids.slice(at);
  }

  private encodePlain(text: string, out: number[]): void {
    for (const word of text.match(WORD_SPLIT) ?? []) {
      for (const id of this.bpeWord(bytesToTableChars(word))) out.push(id);
    }
  }

  /** GPT-2's BPE on one pre-token: merge the lowest-ranked adjacent pair until none is in merges.txt. */
  private bpeWord(word: string): number[] {
    const cached = this.bpeCache.get(word);
    if (cached !== undefined) return cached;
    let parts = [...word];
    while (parts.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < parts.length - 1; i++) {
        const rank = this.ranks.get(`${parts[i]} ${parts[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) break;
      const left = parts[best];
      const right = parts[best + 1];
      const merged: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i < parts.length - 1 && parts[i] === left && parts[i + 1] === right) {
          merged.push(left + right);
          i++;
        } else {
          merged.push(parts[i]);
        }
      }
      parts = merged;
    }
    // Every byte character and merge result is in a well-formed vocab.json; like tokenizers' BPE
    // without an unknown token, a missing one is dropped.
    const ids: number[] = [];
    for (const part of parts) {
      const id = this.ids.get(part);
      if (id !== undefined) ids.push(id);
    }
    this.bpeCache.set(word, ids);
    return ids;
  }
}

