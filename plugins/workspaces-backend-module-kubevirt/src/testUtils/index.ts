/**
 * Helpers for tests that validate manifests against the KubeVirt, CDI and
 * MetalLB schemas in shared/schemas.
 *
 * @packageDocumentation
 */
export { openApiValidator, readSchemaFile, schemaFilePath, SCHEMAS_DIR } from './openApiValidator';
