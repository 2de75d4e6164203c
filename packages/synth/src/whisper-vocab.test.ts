import { whisperSpecialTokens } from '@speechfold/adapter-whisper';
import { byteLevelAlphabet } from './byte-level';
import { buildWhisperVocabulary } from './whisper-vocab';
import { LEARNED_MERGES } from './bpe-merges.generated';

/** A minimal GPT-2 style BPE encoder over the vocabulary, as HF's slow tokenizer applies merges. */
function encodeWord(word: string, ranks: Map<string, number>): string[] {
  let parts = [...word];
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < parts.length; i++) {
      const rank = ranks.get(`${parts[i]} ${parts[i + 1]}`);
      if (rank !== undefined && rank < bestRank) {
        best = i;
        bestRank = rank;
      }
    }
    if (best < 0) return parts;
    parts = [...parts.slice(0, best), parts[best] + parts[best + 1], ...parts.slice(best + 2)];
  }
}

describe('byteLevelAlphabet', () => {
  it("is GPT-2's: '!' is id 0, the space is 'Ġ' at id 220, every byte once", () => {
    const a = byteLevelAlphabet();
    expect(a).toHaveLength(256);
    expect(a[0]).toEqual({ byte: 0x21, char: '!' });
    expect(a[220]).toEqual({ byte: 0x20, char: 'Ġ' });
    expect(a[188]).toEqual({ byte: 0, char: 'Ā' });
    expect(new Set(a.map((b) => b.byte)).size).toBe(256);
    expect(new Set(a.map((b) => b.char)).size).toBe(256);
  });
});

describe('buildWhisperVocabulary', () => {
  const v2 = buildWhisperVocabulary(whisperSpecialTokens(51865));
  const v3 = buildWhisperVocabulary(whisperSpecialTokens(51866));

  it('fills ids 0..50256 with unique byte, merged and filler tokens', () => {
    expect(v2.tokens).toHaveLength(50257);
    expect(new Set(v2.tokens).size).toBe(50257);
    expect(v2.tokens[220]).toBe('Ġ');
    expect(v2.tokens[50256]).toBe('<unused_50256>');
    expect(v2.merges).toBe(LEARNED_MERGES);
    expect(LEARNED_MERGES.length).toBeGreaterThan(1000);
  });

  it('puts every special token on its real Whisper id', () => {
    const id = (v: typeof v2, content: string): number | undefined => v.added.find((t) => t.content === content)?.id;
    expect(id(v2, '<|endoftext|>')).toBe(50257);
    expect(id(v2, '<|startoftranscript|>')).toBe(50258);
    expect(id(v2, '<|en|>')).toBe(50259);
    expect(id(v2, '<|su|>')).toBe(50357);
    expect(id(v2, '<|translate|>')).toBe(50358);
    expect(id(v2, '<|transcribe|>')).toBe(50359);
    expect(id(v2, '<|startoflm|>')).toBe(50360);
    expect(id(v2, '<|startofprev|>')).toBe(50361);
    expect(id(v2, '<|nocaptions|>')).toBe(50362);
    expect(id(v2, '<|notimestamps|>')).toBe(50363);
    expect(id(v2, '<|0.00|>')).toBe(50364);
    expect(id(v2, '<|30.00|>')).toBe(51864);
    expect(id(v3, '<|yue|>')).toBe(50358);
    expect(id(v3, '<|transcribe|>')).toBe(50360);
    expect(id(v3, '<|nospeech|>')).toBe(50363);
    expect(id(v3, '<|notimestamps|>')).toBe(50364);
    expect(id(v3, '<|30.00|>')).toBe(51865);
    expect(v2.added.filter((t) => t.special)).toHaveLength(1 + v2.additionalSpecial.length);
    // English-only (tiny.en): GPT-2's 50256 BPE tokens, <|endoftext|> last of them, every special one id lower.
    const en = buildWhisperVocabulary(whisperSpecialTokens(51864));
    expect(en.tokens).toHaveLength(50256);
    expect(id(en, '<|endoftext|>')).toBe(50256);
    expect(id(en, '<|startoftranscript|>')).toBe(50257);
    expect(id(en, '<|notimestamps|>')).toBe(50362);
    expect(id(en, '<|30.00|>')).toBe(51863);
    expect(v2.added.find((t) => t.content === '<|1.00|>')?.special).toBe(false);
  });

  it('tokenizes transcript words into learned tokens that are all in the vocabulary', () => {
    const ranks = new Map(v2.merges.map((m, i) => [m, i]));
    const vocab = new Set(v2.tokens);
    const tokens = encodeWord('Ġthe', ranks);
    expect(tokens).toEqual(['Ġthe']);
    for (const word of ['Ġhello', 'Ġzarathustra', 'Ġspeech', 'Ġfold']) {
      for (const t of encodeWord(word, ranks)) expect(vocab.has(t)).toBe(true);
    }
  });
});
