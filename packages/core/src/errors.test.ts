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
