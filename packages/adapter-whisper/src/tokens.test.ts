import { ModelError } from '@speechfold/core';
import { WHISPER_LANGUAGES, timestampToken, whisperSpecialTokens, whisperSuppressTokens } from './tokens';

describe('whisperSpecialTokens', () => {
  it('places the 99-language (tiny .. large-v2) specials on their real ids', () => {
    const t = whisperSpecialTokens(51865);
    expect(t.endOfText).toBe(50257);
    expect(t.startOfTranscript).toBe(50258);
    expect(t.languages).toHaveLength(99);
    expect(t.languages[0]).toEqual({ code: 'en', id: 50259 });
    expect(t.languages[98]).toEqual({ code: 'su', id: 50357 });
    expect(t.translate).toBe(50358);
    expect(t.transcribe).toBe(50359);
    expect(t.startOfLm).toBe(50360);
    expect(t.startOfPrev).toBe(50361);
    expect(t.noSpeechToken).toBe('<|nocaptions|>');
    expect(t.noSpeech).toBe(50362);
    expect(t.noTimestamps).toBe(50363);
    expect(t.timestampBegin).toBe(50364);
    expect(t.timestampBegin + 1500).toBe(51864); // <|30.00|> is the last id of a 51865 vocabulary
  });

  it('shifts every id after the languages by one for large-v3 (yue added)', () => {
    const t = whisperSpecialTokens(51866);
    expect(t.languages).toHaveLength(100);
    expect(t.languages[99]).toEqual({ code: 'yue', id: 50358 });
    expect(t.translate).toBe(50359);
    expect(t.transcribe).toBe(50360);
    expect(t.noSpeechToken).toBe('<|nospeech|>');
    expect(t.noSpeech).toBe(50363);
    expect(t.noTimestamps).toBe(50364);
    expect(t.timestampBegin + 1500).toBe(51865);
  });

  it("lays out the English-only vocabulary (tiny.en .. medium.en) one id lower, as whisper-tiny.en's tokenizer does", () => {
    const t = whisperSpecialTokens(51864);
    expect(t.multilingual).toBe(false);
    expect(whisperSpecialTokens(51865).multilingual).toBe(true);
    expect(t.endOfText).toBe(50256);
    expect(t.startOfTranscript).toBe(50257);
    expect(t.languages[0]).toEqual({ code: 'en', id: 50258 });
    expect(t.languages[98]).toEqual({ code: 'su', id: 50356 });
    expect(t.translate).toBe(50357);
    expect(t.transcribe).toBe(50358);
    expect(t.startOfPrev).toBe(50360);
    expect(t.noSpeech).toBe(50361);
    expect(t.noTimestamps).toBe(50362);
    expect(t.timestampBegin + 1500).toBe(51863);
  });

  it('refuses vocabularies it cannot lay out, naming the field', () => {
    expect(() => whisperSpecialTokens(51863)).toThrow(ModelError);
    expect(() => whisperSpecialTokens(51867)).toThrow(ModelError);
    expect(() => whisperSpecialTokens(1000, 'x/config.json')).toThrow(/x\/config\.json: field 'vocab_size'/);
  });

  it("builds Whisper's real suppress_tokens lists (88 entries)", () => {
    const v2 = whisperSuppressTokens(whisperSpecialTokens(51865));
    expect(v2).toHaveLength(88);
    expect(v2.slice(-7)).toEqual([50254, 50258, 50358, 50359, 50360, 50361, 50362]);
    const v3 = whisperSuppressTokens(whisperSpecialTokens(51866));
    expect(v3.slice(-7)).toEqual([50254, 50258, 50359, 50360, 50361, 50362, 50363]);
    // whisper-tiny.en's generation_config.json: GPT-2 ids for the symbols, then the English-only controls.
    const en = whisperSuppressTokens(whisperSpecialTokens(51864));
    expect(en).toHaveLength(90);
    expect(en.slice(0, 4)).toEqual([1, 2, 7, 8]);
    expect(en.slice(-8)).toEqual([47282, 49146, 50257, 50357, 50358, 50359, 50360, 50361]);
  });

  it('spells timestamps as HF does', () => {
    expect(timestampToken(0)).toBe('<|0.00|>');
    expect(timestampToken(1)).toBe('<|0.02|>');
    expect(timestampToken(1500)).toBe('<|30.00|>');
    expect(new Set(Array.from({ length: 1501 }, (_, i) => timestampToken(i))).size).toBe(1501);
    expect(new Set(WHISPER_LANGUAGES).size).toBe(100);
  });
});
