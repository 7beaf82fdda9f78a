import { keysymFor, keysymsFor } from './keysyms';

describe('keysymFor', () => {
  it('sends Latin-1 characters as their own keysyms', () => {
    expect(['a', 'é', 'ü', 'ß', '\u00a0'].map(keysymFor)).toEqual([
      0x61, 0xe9, 0xfc, 0xdf, 0xa0,
    ]);
  });

  it('sends other characters as Unicode keysyms, beyond the BMP too', () => {
    expect(['€', 'д', 'α', 'あ', '😀'].map(keysymFor)).toEqual([
      0x010020ac, 0x01000434, 0x010003b1, 0x01003042, 0x0101f600,
    ]);
  });

  it('sends line breaks and tabs as the keys that make them', () => {
    expect(['\n', '\r', '\t'].map(keysymFor)).toEqual([0xff0d, 0xff0d, 0xff09]);
  });
});

describe('keysymsFor', () => {
  it('types a line break once, whichever system wrote it', () => {
    expect(keysymsFor('a\r\nb\rc\nd')).toEqual([
      0x61, 0xff0d, 0x62, 0xff0d, 0x63, 0xff0d, 0x64,
    ]);
  });

  it('leaves out what no key types: control characters and the byte-order mark', () => {
    expect(keysymsFor('\ufeffé\u0000\u001b\u007f\u0085€\t')).toEqual([
      0xe9, 0x010020ac, 0xff09,
    ]);
  });

  it('types a character outside the BMP as one key, not two halves', () => {
    expect(keysymsFor('😀д')).toEqual([0x0101f600, 0x01000434]);
  });
});
