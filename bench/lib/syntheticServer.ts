// The synthetic RFB server in its own process, so it does not share a CPU
// thread with the benchmark's clients. Prints its port when ready.
import { startSyntheticRfbServer } from '@internal/test-support';

startSyntheticRfbServer({
  width: Number(process.argv[2] ?? 1024),
  height: Number(process.argv[3] ?? 768),
}).then(s => {
  process.send?.({ port: s.port });
});
