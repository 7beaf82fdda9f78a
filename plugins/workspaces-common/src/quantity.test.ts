import { quantityToBytes } from './quantity';

describe('quantityToBytes', () => {
  it('reads binary and decimal suffixes as the cluster does', () => {
    expect(quantityToBytes('4Gi')).toBe(4 * 2 ** 30);
    expect(quantityToBytes('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(quantityToBytes('512Mi')).toBe(512 * 2 ** 20);
    expect(quantityToBytes('2G')).toBe(2e9);
    expect(quantityToBytes('1024')).toBe(1024);
  });

  it('is undefined for anything that is not a quantity', () => {
    for (const bad of ['', 'Gi', '4 GiB', '4gi', '-1Gi', 'lots']) {
      expect(quantityToBytes(bad)).toBeUndefined();
    }
  });
});
