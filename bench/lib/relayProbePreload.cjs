/*
 * Loaded into the portal backend by the input-latency benchmark (through
 * NODE_OPTIONS --require), before the TypeScript loader: plain JavaScript.
 * Hands the console proxy a relayToBrowser whose hops are timestamped
 * (relayHops.ts), sending as the file BENCH_RELAY_MODE_FILE says when a
 * session starts (a RelayMode), so one backend serves every variant in one
 * run.
 * The product's code is not changed.
 */
const Module = require('module');
const { isMainThread } = require('worker_threads');

const modeFile = process.env.BENCH_RELAY_MODE_FILE;
const hopsFile = process.env.BENCH_HOPS_FILE;

if (isMainThread && modeFile && hopsFile) {
  const load = Module._load;
  let wrapped;
  Module._load = function benchLoad(request, parent, ...rest) {
    const exports = load.call(this, request, parent, ...rest);
    if (
      request !== './relay' ||
      !/workspaces-backend[\\/]src[\\/]console[\\/]/.test(parent?.filename)
    ) {
      return exports;
    }
    if (!wrapped) {
      // Required here, once the TypeScript loader is registered.
      const hops = require('./relayHops.ts');
      hops.dumpHopsOnSignal(hopsFile);
      wrapped = {
        ...exports,
        relayToBrowser(options) {
          const fs = require('fs');
          const asked = fs.existsSync(modeFile)
            ? fs.readFileSync(modeFile, 'utf8').trim()
            : 'batched';
          const mode = hops.RELAY_MODES.includes(asked) ? asked : 'batched';
          return exports.relayToBrowser(
            hops.instrumentRelay(
              options,
              `portal proxy${mode === 'batched' ? '' : `, ${mode}`}`,
              mode,
            ),
          );
        },
      };
    }
    return wrapped;
  };
}
