/*
 * Where a page's main thread spends its time, from Chromium's sampling CPU
 * profiler over CDP: self time per part of noVNC (which decoder, inflate,
 * canvas drawing) and per anything else, plus the main thread's busy time
 * from the Performance domain. Shared by the browser benchmarks that ask
 * why frames are slow rather than only how many arrive.
 */
import type { CDPSession, Page } from 'playwright-core';

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber?: number;
  columnNumber?: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * The bucket a sampled function falls in. noVNC draws through display.js,
 * so canvas calls (putImageData, drawImage) count as its self time: the
 * sampling profiler charges a native call to the script that made it.
 */
export function bucketOf(frame: { functionName: string; url: string }) {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'gc';
    if (functionName === '(idle)') return 'idle';
    // Outside any script: style, layout, paint, image decoding, raster.
    if (functionName === '(program)') return 'browser (program)';
    return `native ${functionName}`;
  }
  if (/vendor\/pako\/lib\/zlib\/inflate/.test(url) || /inflator\.js/.test(url))
    return 'inflate (zlib)';
  const decoder = /core\/decoders\/(\w+)\.js/.exec(url);
  if (decoder) return `decode ${decoder[1]}`;
  if (/core\/display\.js/.test(url)) return 'canvas drawing (display.js)';
  if (/core\/(websock|rfb)\.js/.test(url)) return 'protocol (rfb, websock)';
  if (/core\/util\/|core\/input\//.test(url)) return 'noVNC other';
  // The portal's own code by plugin, its libraries by package.
  const plugin = /\/plugins\/([\w-]+)\//.exec(url);
  if (plugin) return `script ${plugin[1]}`;
  const pkg = /node_modules\/((?:@[\w.-]+\/)?[\w.-]+)\//.exec(url);
  if (pkg) return `script ${pkg[1]}`;
  return 'page script';
}

/**
 * Self milliseconds per bucket, idle left out. `source` names the original
 * file of a frame in a bundle (from its source map), so that the portal's
 * minified chunks fall in the same buckets as noVNC's own files.
 */
export function selfTimeByBucket(
  profile: Profile,
  source: (frame: CallFrame) => string = frame => frame.url,
) {
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const out: Record<string, number> = {};
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const bucket = bucketOf({
      functionName: node.callFrame.functionName,
      url: node.callFrame.url && source(node.callFrame),
    });
    if (bucket === 'idle') return;
    out[bucket] = (out[bucket] ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000;
  });
  return out;
}

/** Profiles the page's main thread; `busy` reads its busy ms, `stop` returns self time by bucket. */
export async function profileMainThread(
  page: Page,
  source?: (frame: CallFrame) => string,
) {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('Profiler.enable');
  // Finer than the 1 ms default: many frames take only a few ms.
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  const busy = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return (metrics.find(m => m.name === 'TaskDuration')?.value ?? 0) * 1000;
  };
  await cdp.send('Profiler.start');
  return {
    /** The main thread's busy ms so far, to read beside other counters. */
    busy,
    stop: async () => {
      const { profile } = (await cdp.send('Profiler.stop')) as {
        profile: Profile;
      };
      await cdp.detach();
      return selfTimeByBucket(profile, source);
    },
  };
}
