import fs from 'fs';
import yaml from 'yaml';
import { schemaFilePath } from './openApiValidator';

/** One object of a common-instancetypes bundle, as far as tests read it. */
export interface BundleObject {
  metadata: { name: string };
  spec: {
    cpu?: { guest: number };
    memory?: { guest: string };
    requirements?: { cpu?: { guest: number }; memory?: { guest: string } };
  };
}

function readBundle(file: string): BundleObject[] {
  return yaml
    .parseAllDocuments(fs.readFileSync(schemaFilePath(file), 'utf8'))
    .map(d => d.toJS())
    .filter(Boolean);
}

/** The common cluster preferences of the bundle kept in schemas/. */
export const commonClusterPreferences = () =>
  readBundle('kubevirt-common-clusterpreferences.yaml');

/** The common cluster instancetypes of the bundle kept in schemas/. */
export const commonClusterInstancetypes = () =>
  readBundle('kubevirt-common-clusterinstancetypes.yaml');
