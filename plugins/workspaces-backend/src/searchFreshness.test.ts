import fs from 'fs';
import path from 'path';
import yaml from 'yaml';
import { Config, ConfigReader } from '@backstage/config';
import { readDurationMs } from '@desktop-mania/config-node';

const ROOT = path.resolve(__dirname, '../../..');
const read = (file: string) =>
  yaml.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));
const SECOND = 1000;

/**
 * The longest a desktop order or delete takes to show in search, from the
 * parts of the path and the config that sets each:
 * - the announced change reaches the catalog as a delta at once, and the
 *   catalog's processing loop and stitcher poll every second
 *   (@backstage/plugin-catalog-backend: CatalogBuilder's pollingIntervalMs,
 *   catalog.stitchingStrategy.pollingInterval); the catalog module's
 *   module.test.ts measures this whole part under 10 s, allowed here;
 * - the next catalog collation: search.collators.catalog.schedule
 *   (@backstage/plugin-search-backend-module-catalog, 10 minutes unless set);
 * - the scheduler notices a due task within min(5 s, frequency)
 *   (@backstage/backend-defaults TaskWorker's work check frequency);
 * - reading the catalog and rebuilding the index: a few seconds for the
 *   thousands of entities a portal like this holds; 5 s allowed.
 */
function searchDelayMs(config: Config) {
  const schedule = config.getOptionalConfig(
    'search.collators.catalog.schedule',
  );
  const frequencyMs =
    (schedule &&
      readDurationMs(schedule, 'frequency', {
        fullKey: 'search.collators.catalog.schedule.frequency',
      })) ??
    10 * 60 * SECOND;
  const catalogMs = 10 * SECOND;
  const dueCheckMs = Math.min(5 * SECOND, frequencyMs);
  const collationMs = 5 * SECOND;
  return {
    frequencyMs,
    totalMs: catalogMs + frequencyMs + dueCheckMs + collationMs,
  };
}

describe('how soon search shows ordered and deleted desktops', () => {
  it('would take ten minutes and more with the upstream default', () => {
    expect(searchDelayMs(new ConfigReader({})).totalMs).toBeGreaterThan(
      10 * 60 * SECOND,
    );
  });

  it.each([
    ['app-config.yaml', [read('app-config.yaml')]],
    [
      'app-config.yaml with the production config over it',
      [
        read('app-config.yaml'),
        read('deploy/base/backstage/app-config.production.yaml'),
      ],
    ],
  ])(
    'takes at most a minute with %s, without collating more often than every 15 s',
    (_name, layers) => {
      const config = ConfigReader.fromConfigs(
        layers.map((data, i) => ({ data, context: `layer ${i}` })),
      );
      const { frequencyMs, totalMs } = searchDelayMs(config);
      expect(totalMs).toBeLessThanOrEqual(60 * SECOND);
      expect(frequencyMs).toBeGreaterThanOrEqual(15 * SECOND);
    },
  );
});
