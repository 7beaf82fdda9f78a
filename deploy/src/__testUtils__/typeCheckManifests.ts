import path from 'path';
import ts from 'typescript';
import type { KubeObject } from './kustomize';

/** Where the TypeScript interfaces of each group's kinds live. */
function interfaceModule(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/')
    ? apiVersion.split('/')
    : ['', apiVersion];
  if (group === 'traefik.io')
    return `@kubernetes-models/traefik/${apiVersion}/${kind}`;
  if (group === 'monitoring.coreos.com')
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  return `kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`;
}

/**
 * Type-checks objects against the kubernetes-models interfaces, one object
 * literal per line. The packages' runtime validate() accepts fields nobody
 * defines (the API server would drop them without a word); TypeScript's
 * excess-property check rejects them, so a misspelt field fails here.
 * Returns one list of errors per object.
 */
export function typeCheckManifests(objects: KubeObject[]): string[][] {
  // Beside this file, so module resolution finds deploy's dependencies.
  const file = path.join(__dirname, '__manifests__.mts');
  const header = objects.map(
    (o, i) =>
      `import type { I${o.kind} as T${i} } from ${JSON.stringify(
        interfaceModule(o.apiVersion, o.kind),
      )};`,
  );
  const body = objects.map(
    (o, i) => `export const o${i}: T${i} = ${JSON.stringify(o)};`,
  );
  const source = [...header, ...body].join('\n');

  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    target: ts.ScriptTarget.ES2022,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readSource = host.getSourceFile;
  host.getSourceFile = (name, languageVersion, ...rest) =>
    name === file
      ? ts.createSourceFile(name, source, languageVersion)
      : readSource(name, languageVersion, ...rest);
  host.fileExists = (
    name => (n: string) =>
      n === file || name(n)
  )(host.fileExists);

  const program = ts.createProgram([file], options, host);
  const errors: string[][] = objects.map(() => []);
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    if (diagnostic.file?.fileName !== file || diagnostic.start === undefined)
      continue;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(
      diagnostic.start,
    );
    // Line i holds object i's import; line n + i its literal.
    const index = line < objects.length ? line : line - objects.length;
    errors[index].push(
      ts.flattenDiagnosticMessageText(diagnostic.messageText, ' '),
    );
  }
  return errors;
}
