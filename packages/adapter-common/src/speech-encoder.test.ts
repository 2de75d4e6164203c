import { ModelError, OptionError, type ModelDescription } from '@speechfold/core';
import {
  readSpeechEncoderConfig,
  SpeechEncoderAdapter,
  speechEncoderParameters,
  defaultSpeechEncoderLayout,
  speechEncoderPresetFields,
  type SpeechEncoderFamily,
} from './index';

/** A family of the same encoder under another model type and prefix, used without a subclass. */
const FAMILY: SpeechEncoderFamily = {
  modelType: 'toy-speech',
  ctcArchitecture: 'ToySpeechForCTC',
  bareArchitecture: 'ToySpeechModel',
  prefix: 'toy_speech.',
  readConfig: (config, file) => readSpeechEncoderConfig(config as Record<string, unknown>, file, 'toy-speech', ['ToySpeechForCTC', 'ToySpeechModel']),
};

function model(architecture: string, overrides: Record<string, unknown> = {}): ModelDescription {
  const config = { model_type: 'toy-speech', architectures: [architecture], ...speechEncoderPresetFields('tiny'), ...overrides };
  const typed = FAMILY.readConfig(config, 'config.json');
  const tensors = speechEncoderParameters(typed, defaultSpeechEncoderLayout(FAMILY, typed)).map((p) => ({ ...p, dtype: 'F32' as const }));
  return { config, tensors };
}

describe('SpeechEncoderAdapter', () => {
  it("describes a family by its model type, classes and prefix: validation, groups and the 'hf' rewrite", () => {
    const adapter = new SpeechEncoderAdapter(FAMILY);
    const ctc = model('ToySpeechForCTC');
    expect([adapter.id, adapter.matches(ctc.config), adapter.matches({ model_type: 'hubert' })]).toEqual(['toy-speech', true, false]);
    expect(ctc.tensors.map((t) => t.name)).toContain('toy_speech.encoder.layers.1.feed_forward.intermediate_dense.weight');
    expect(ctc.tensors.map((t) => t.name)).toContain('lm_head.weight');
    adapter.validate(ctc);
    expect(adapter.groups(ctc, ['ffn']).map((g) => [g.name, g.units, g.producers[0].tensor])).toEqual([
      ['encoder.layers.0.ffn', 64, 'toy_speech.encoder.layers.0.feed_forward.intermediate_dense.weight'],
      ['encoder.layers.1.ffn', 64, 'toy_speech.encoder.layers.1.feed_forward.intermediate_dense.weight'],
    ]);
    const kept = new Map([['encoder.layers.0.ffn', 40], ['encoder.layers.1.ffn', 40]]);
    expect(adapter.rewriteConfig(ctc, kept, 'hf')).toEqual({ ...ctc.config, intermediate_size: 40 });

    // The bare class: no prefix, no head; detected from the names.
    const bare = model('ToySpeechModel');
    expect(bare.tensors.some((t) => t.name.startsWith('toy_speech.') || t.name.startsWith('lm_head'))).toBe(false);
    adapter.validate(bare);
    expect(adapter.groups(bare, ['heads'])[0].producers[0].tensor).toBe('encoder.layers.0.attention.q_proj.weight');
  });

  it('names what it refuses: the architecture, a tensor, a group kind', () => {
    const adapter = new SpeechEncoderAdapter(FAMILY);
    expect(() => adapter.validate({ ...model('ToySpeechForCTC'), config: { ...model('ToySpeechForCTC').config, architectures: ['Other'] } })).toThrow(
      "field 'architectures': expected a list containing 'ToySpeechForCTC' or 'ToySpeechModel'",
    );
    const m = model('ToySpeechForCTC');
    const missing = { ...m, tensors: m.tensors.filter((t) => t.name !== 'toy_speech.encoder.layer_norm.bias') };
    expect(() => adapter.validate(missing)).toThrow(ModelError);
    expect(() => adapter.validate(missing)).toThrow(/toy_speech\.encoder\.layer_norm\.bias.*ToySpeechForCTC, hidden_size 32/);
    expect(() => adapter.groups(m, ['channels'])).toThrow(OptionError);
    expect(() => adapter.groups(m, ['channels'])).toThrow('for toy-speech models; this adapter offers: ffn, heads');
  });
});
