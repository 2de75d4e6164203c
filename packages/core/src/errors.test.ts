import { FormatError, OptionError, SpeechfoldError, describeSubject } from './errors';

describe('typed errors', () => {
  it('name the file and tensor in the message and keep them as fields', () => {
    const e = new FormatError({ file: 'm.safetensors', tensor: 'a.weight' }, 'expected 12 bytes, found 8');
    expect(e).toBeInstanceOf(SpeechfoldError);
    expect(e.code).toBe('E_FORMAT');
    expect(e.name).toBe('FormatError');
    expect(e.message).toBe("m.safetensors: tensor 'a.weight': expected 12 bytes, found 8");
    expect(e.subject.tensor).toBe('a.weight');
  });

  it('name the option', () => {
    const e = new OptionError('--sparsity', 'expected a number in [0, 1), got 1.5');
    expect(e.message).toBe('option --sparsity: expected a number in [0, 1), got 1.5');
    expect(describeSubject({})).toBe('');
  });
});

describe('one-line messages', () => {
  it('escape control characters in tensor and file names (a newline in a tensor name stays on one line)', () => {
    const e = new FormatError({ file: 'm\n.safetensors', tensor: 'a\nb\tc' }, 'not a parameter');
    expect(e.message).toBe("m\\n.safetensors: tensor 'a\\nb\\tc': not a parameter");
    expect(e.message.split('\n')).toHaveLength(1);
    expect(e.subject.tensor).toBe('a\nb\tc');
  });
});
