/*
 * The original file of a function in the portal's production bundle, from
 * the source maps the app build writes beside its chunks, so that a CPU
 * profile of the Desktop tab can say noVNC's display.js or tight.js rather
 * than a minified chunk. Only the source file is wanted, so only the
 * generated column and source index of each mapping are decoded.
 */
import fs from 'fs';
import path from 'path';
import type { CallFrame } from './cpuProfile';

const BASE64 =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The Base64 VLQ numbers of one mapping segment (source map v3). */
export function decodeSegment(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = BASE64.indexOf(ch);
    if (digit < 0) throw new Error(`not Base64 VLQ: ${segment}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

interface Line {
  columns: number[];
  sources: number[];
}

/** Per generated line, the columns where mappings start and their source indexes. */
export function decodeMappings(mappings: string): Line[] {
  const lines: Line[] = [];
  let source = 0;
  for (const text of mappings.split(';')) {
    const line: Line = { columns: [], sources: [] };
    let column = 0;
    for (const segment of text ? text.split(',') : []) {
      const fields = decodeSegment(segment);
      column += fields[0];
      if (fields.length >= 4) {
        source += fields[1];
        line.columns.push(column);
        line.sources.push(source);
      }
    }
    lines.push(line);
  }
  return lines;
}

/** The source of the last mapping at or before the 0-based line and column. */
export function sourceAt(
  map: { sources: string[]; lines: Line[] },
  line: number,
  column: number,
): string | undefined {
  const { columns, sources } = map.lines[line] ?? { columns: [], sources: [] };
  let lo = 0;
  let hi = columns.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (columns[mid] <= column) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? undefined : map.sources[sources[found]];
}

/** Resolves frames of scripts served from `dist` (packages/app/dist). */
export function bundleSources(dist: string) {
  const maps = new Map<
    string,
    { sources: string[]; lines: Line[] } | undefined
  >();
  const mapOf = (url: string) => {
    const { pathname } = new URL(url);
    if (!maps.has(pathname)) {
      const file = path.join(dist, `${pathname}.map`);
      let map;
      if (file.startsWith(dist) && fs.existsSync(file)) {
        const json = JSON.parse(fs.readFileSync(file, 'utf8'));
        map = { sources: json.sources, lines: decodeMappings(json.mappings) };
      }
      maps.set(pathname, map);
    }
    return maps.get(pathname);
  };
  return (frame: CallFrame): string => {
    if (!/^https?:/.test(frame.url)) return frame.url;
    const map = mapOf(frame.url);
    if (!map) return frame.url;
    return (
      sourceAt(map, frame.lineNumber ?? 0, frame.columnNumber ?? 0) ?? frame.url
    );
  };
}
