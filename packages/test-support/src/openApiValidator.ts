import fs from 'fs';
import path from 'path';
import Ajv from 'ajv';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

/** The upstream schemas this package carries (see schemas/README.md). */
export const SCHEMAS_DIR = resolvePackagePath(
  '@internal/test-support',
  'schemas',
);

/** The path of one schema file; throws saying where it was looked for when it is missing. */
export function schemaFilePath(file: string): string {
  const full = path.join(SCHEMAS_DIR, file);
  if (!fs.existsSync(full)) {
    throw new Error(
      `Schema ${full} is missing: add it to packages/test-support/schemas and name its upstream source in that folder's README`,
    );
  }
  return full;
}

export function readSchemaFile(file: string): any {
  return JSON.parse(fs.readFileSync(schemaFilePath(file), 'utf8'));
}

// OpenAPI objects accept unknown fields; closing them makes a misspelt field fail.
function closeObjects(node: any): any {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (node && typeof node === 'object') {
    const out: any = {};
    for (const [k, v] of Object.entries(node)) {
      out[k] =
        k === 'properties'
          ? Object.fromEntries(
              Object.entries(v as object).map(([p, s]) => [p, closeObjects(s)]),
            )
          : closeObjects(v);
    }
    if (out.properties && out.additionalProperties === undefined)
      out.additionalProperties = false;
    return out;
  }
  return node;
}

/** Validates objects against one definition of an OpenAPI v2 document, or an OpenAPI v3 schema. */
export function openApiValidator(
  document: { definitions?: object } | object,
  definition?: string,
) {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateFormats: false,
  });
  if (definition) {
    ajv.addSchema(
      { definitions: closeObjects((document as any).definitions) },
      'api',
    );
    return ajv.compile({ $ref: `api#/definitions/${definition}` });
  }
  return ajv.compile(closeObjects(document));
}
