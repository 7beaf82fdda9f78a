export function percent(value?: number) {
  return value === undefined || Number.isNaN(value) ? '—' : `${(value * 100).toFixed(1)} %`;
}

export function bytes(value?: number) {
  if (value === undefined || Number.isNaN(value)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = value;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

export function formatValue(value: number | undefined, unit?: string) {
  if (unit === 'ratio') return percent(value);
  if (unit === 'bytes') return bytes(value);
  return value === undefined ? '—' : String(Math.round(value * 100) / 100);
}
