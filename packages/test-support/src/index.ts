/**
 * Test and benchmark helpers shared by the suite's packages. This package is
 * private: no published package depends on it outside its tests.
 *
 * @packageDocumentation
 */
export * from './rfb';
export {
  openApiValidator,
  readSchemaFile,
  schemaFilePath,
  SCHEMAS_DIR,
} from './openApiValidator';
export {
  commonClusterInstancetypes,
  commonClusterPreferences,
  type BundleObject,
} from './commonInstancetypes';
