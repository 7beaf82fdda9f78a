/*
 * The bench backend (benchBackend.ts) with one addition for the memory
 * benchmark: asked over IPC, it collects garbage and answers its own
 * process.memoryUsage(), so heap growth is not hidden in garbage not yet
 * collected. Forked with --expose-gc.
 */
import './benchBackend';

process.on('message', message => {
  if (message !== 'memory') return;
  global.gc?.();
  process.send?.({ memory: process.memoryUsage() });
});
