// Binary and decimal suffixes of Kubernetes quantities; sizes are written the
// way the cluster reads them, so the portal reads them the same way.
const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/**
 * The bytes of a memory quantity such as `4Gi`, `1.5Gi` or `512Mi`, or
 * undefined when it is not one.
 * @public
 */
export function quantityToBytes(quantity: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([kMGT]|[KMGT]i)?$/.exec(quantity.trim());
  if (!match) return undefined;
  return Math.floor(Number(match[1]) * UNITS[match[2] ?? '']);
}
