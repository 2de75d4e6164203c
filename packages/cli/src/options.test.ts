import { OptionError } from '@speechfold/core';
import { list, nonNegativeInt, parseCap, parseNumber, parseSwitch, positiveInt } from './options';

describe('option parsing', () => {
  it('reads the values commander hands over', () => {
    expect(list(' a, b,,c ')).toEqual(['a', 'b', 'c']);
    expect([parseNumber('--sparsity', '0.25'), parseNumber('--sparsity', undefined)]).toEqual([0.25, undefined]);
    expect([positiveInt('--limit', '3'), positiveInt('--limit', undefined)]).toEqual([3, undefined]);
    expect(nonNegativeInt('--seed', '0')).toBe(0);
    expect([parseCap('auto'), parseCap('3')]).toEqual(['auto', 3]);
    expect([parseSwitch('--bias-correction', 'on'), parseSwitch('--bias-correction', 'off')]).toEqual([true, false]);
  });

  it('refuses a bad value in one OptionError naming the option and the value', () => {
    const cases: [() => unknown, string][] = [
      [() => parseNumber('--sparsity', ' '), "option --sparsity: expected a number, got ' '"],
      [() => parseNumber('--seed', 'x'), "option --seed: expected a number, got 'x'"],
      [() => positiveInt('--limit', '0'), "option --limit: expected a positive integer, got '0'"],
      [() => positiveInt('--max-new-tokens', '1.5'), "option --max-new-tokens: expected a positive integer, got '1.5'"],
      [() => nonNegativeInt('--seed', '-1'), "option --seed: expected a non-negative integer, got '-1'"],
      [() => parseCap('1'), "option --cap: expected 'auto' or an integer >= 2, got '1'"],
      [() => parseSwitch('--bias-correction', 'yes'), "option --bias-correction: expected on or off, got 'yes'"],
    ];
    for (const [parse, message] of cases) {
      expect(parse).toThrow(OptionError);
      expect(parse).toThrow(message);
    }
  });
});
