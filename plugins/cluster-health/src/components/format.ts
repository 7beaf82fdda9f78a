import type { PanelUnit } from '@desktop-mania/plugin-cluster-health-common';

const missing = (value?: number): value is undefined =>
  value === undefined || !Number.isFinite(value);

export function percent(value?: number) {
  return missing(value) ? '—' : `${(value * 100).toFixed(1)} %`;
}

export function bytes(value?: number) {
  if (missing(value)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 || v >= 100 ? 0 : 1)} ${units[i]}`;
}

export function count(value?: number) {
  if (missing(value)) return '—';
  return Number.isInteger(value)
    ? String(value)
    : value.toFixed(value < 10 ? 2 : 1);
}

export function formatValue(value: number | undefined, unit?: PanelUnit) {
  switch (unit) {
    case 'ratio':
      return percent(value);
    case 'bytes':
      return bytes(value);
    case 'perSecond':
      return missing(value) ? '—' : `${count(value)}/s`;
    default:
      return count(value);
  }
}

export function clock(iso: string) {
  return new Date(iso).toLocaleTimeString();
}
