import { OptionError } from '@speechfold/core';
import { normalizeText, numberToWords, type NormalizeStyle } from './normalize';

const basic = (text: string): string => normalizeText(text, { style: 'basic' });
const whisper = (text: string): string => normalizeText(text, { style: 'whisper-english' });

describe("normalizeText 'basic'", () => {
  it.each([
    ['Hello, world!', 'HELLO WORLD'],
    ['  many   spaces\tand\nlines ', 'MANY SPACES AND LINES'],
    ["don't stop", "DON'T STOP"],
    ['the man\u2019s hat', "THE MAN'S HAT"],
    ["'quoted' and the boys' toys", "QUOTED AND THE BOYS TOYS"],
    ['well-known -- facts; (mostly)', 'WELL KNOWN FACTS MOSTLY'],
    ['Room 101.', 'ROOM 101'],
    ['café déjà vu', 'CAFÉ DÉJÀ VU'],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(basic(input)).toBe(expected);
  });

  it('leaves LibriSpeech references as they are', () => {
    const reference = "HE HOPED THERE WOULD BE STEW FOR DINNER TURNIPS AND CARROTS AND BRUISED POTATOES AND ISRAEL'S FAT MUTTON";
    expect(basic(reference)).toBe(reference);
  });
});

describe("normalizeText 'whisper-english'", () => {
  it.each([
    ["I won't go, can't stay", 'I WILL NOT GO CAN NOT STAY'],
    ["they're here and we'll see; I'm sure you've heard, I'd say", 'THEY ARE HERE AND WE WILL SEE I AM SURE YOU HAVE HEARD I WOULD SAY'],
    ["didn't, isn't, shouldn't", 'DID NOT IS NOT SHOULD NOT'],
    ["let's go, y'all", 'LET US GO YOU ALL'],
    ["he's been there, she'd gone", 'HE HAS BEEN THERE SHE HAD GONE'],
    ["it's the man's hat", "IT'S THE MAN'S HAT"],
    ['Mr. Smith and Mrs. Jones met Dr. Who at St. Paul', 'MISTER SMITH AND MISSUS JONES MET DOCTOR WHO AT SAINT PAUL'],
    ['uh I think um hmm yes', 'I THINK YES'],
    ['the [inaudible] answer (laughs) came', 'THE ANSWER CAME'],
    ['in 1845 there were 21 men', 'IN ONE THOUSAND EIGHT HUNDRED FORTY FIVE THERE WERE TWENTY ONE MEN'],
    ['1,000,000 people, 50% of them', 'ONE MILLION PEOPLE FIFTY PERCENT OF THEM'],
    ['the 1st, 2nd, 3rd and 22nd day', 'THE FIRST SECOND THIRD AND TWENTY SECOND DAY'],
    ['pi is 3.14', 'PI IS THREE POINT ONE FOUR'],
    ['one hundred and twenty', 'ONE HUNDRED TWENTY'],
    ['bread and butter', 'BREAD AND BUTTER'],
  ])('%j -> %j', (input, expected) => {
    expect(whisper(input)).toBe(expected);
  });

  it('makes spelled and written numbers agree', () => {
    expect(whisper('ONE HUNDRED AND TWENTY THREE')).toBe(whisper('123'));
    expect(whisper('TWENTY FIRST')).toBe(whisper('21st'));
  });

  it('is idempotent on its own output', () => {
    for (const text of ["I won't pay 1,200 dollars, Mr. Smith!", "it's the 3rd time"]) expect(whisper(whisper(text))).toBe(whisper(text));
  });
});

describe('numberToWords', () => {
  it.each([
    ['0', 'ZERO'],
    ['7', 'SEVEN'],
    ['13', 'THIRTEEN'],
    ['40', 'FORTY'],
    ['99', 'NINETY NINE'],
    ['100', 'ONE HUNDRED'],
    ['101', 'ONE HUNDRED ONE'],
    ['2000', 'TWO THOUSAND'],
    ['1000001', 'ONE MILLION ONE'],
    ['12TH', 'TWELFTH'],
    ['20TH', 'TWENTIETH'],
    ['100TH', 'ONE HUNDREDTH'],
    ['5TH', 'FIFTH'],
  ])('%s -> %s', (token, expected) => {
    expect(numberToWords(token)).toBe(expected);
  });

  it('leaves other tokens alone', () => {
    expect(numberToWords('MP3')).toBeUndefined();
    expect(numberToWords('1234567890123')).toBeUndefined();
  });
});

it('rejects an unknown style', () => {
  expect(() => normalizeText('x', { style: 'nope' as NormalizeStyle })).toThrow(OptionError);
});
