import fs from 'fs/promises';
import path from 'path';

/** What every recording says about where it came from. */
export interface RecordingOrigin {
  kubevirt?: string;
  cdi?: string;
  kubernetes?: string;
}

/** A raw HTTP answer of the API server, as the provider's service account got it. */
export interface RawAnswer {
  request: { method: string; path: string };
  status: number;
  body: unknown;
}

// managedFields is bookkeeping that changes with every client and adds nothing to a fixture.
function withoutManagedFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutManagedFields);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== 'managedFields')
        .map(([key, v]) => [key, withoutManagedFields(v)]),
    );
  }
  return value;
}

/**
 * Writes what a real cluster answered, one JSON file per case, when
 * CONFORMANCE_RECORD_DIR is set. The hand-written payloads in
 * `__testUtils__` cite the upstream code that words each answer; these
 * files are the evidence to check them against, release by release.
 * Secrets are never recorded: the first-boot Secret holds a password.
 */
export class Recorder {
  readonly origin: RecordingOrigin = {};

  constructor(private readonly dir?: string) {}

  get enabled() {
    return !!this.dir;
  }

  async write(name: string, what: string, content: Record<string, unknown>) {
    if (!this.dir) return;
    await fs.mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, `${name}.json`);
    const recording = {
      what,
      recordedAt: new Date().toISOString(),
      cluster: this.origin,
      ...(withoutManagedFields(content) as Record<string, unknown>),
    };
    await fs.writeFile(file, `${JSON.stringify(recording, null, 2)}\n`);
  }
}
