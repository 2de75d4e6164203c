import { OptionError } from '@speechfold/core';
import { hzToMel, melFilterBank, melToHz } from './mel-filters';
import { readNpz } from './npz.test-helper';
import { MEL_FILTERS_NPZ } from './shared-data.test-helper';

describe('melFilterBank', () => {
  const npz = readNpz(MEL_FILTERS_NPZ);

  it.each([80, 128])('matches OpenAI mel_%i from the shared npz within 1e-6', (nMels) => {
    const reference = npz.get(`mel_${nMels}`);
    expect(reference?.shape).toEqual([nMels, 201]);
    const ours = melFilterBank(nMels, { sampleRate: 16000, nFft: 400 });
    expect(ours.nMels).toBe(nMels);
    expect(ours.nFreqs).toBe(201);
    let maxDiff = 0;
    for (let i = 0; i < ours.weights.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours.weights[i] - reference!.data[i]));
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
  });

  it('uses the Slaney scale: linear to 1 kHz, logarithmic above, and inverts exactly', () => {
    expect(hzToMel(1000)).toBeCloseTo(15, 12);
    expect(hzToMel(200)).toBeCloseTo(3, 12);
    expect(hzToMel(6400)).toBeCloseTo(15 + 27, 12);
    for (const hz of [0, 55, 999, 1000, 4321, 8000]) expect(melToHz(hzToMel(hz))).toBeCloseTo(hz, 9);
  });

  it('rejects a bad size', () => {
    expect(() => melFilterBank(0)).toThrow(OptionError);
  });
});
