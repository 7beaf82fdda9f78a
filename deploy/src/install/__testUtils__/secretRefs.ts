import yaml from 'yaml';
import type { KubeObject } from '../../__testUtils__/kustomize';

/** A Secret something in the manifests reads, and the key it reads (undefined: the whole Secret). */
export interface SecretRef {
  namespace: string;
  secret: string;
  key?: string;
  /** Where the reference is, for the failure message. */
  from: string;
}

const label = (o: KubeObject, where: string) =>
  `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name} ${where}`;

/**
 * Every Secret reference in rendered manifests:
 *
 * - env[].valueFrom.secretKeyRef and envFrom[].secretRef of pod templates;
 * - volumes[].secret of pod templates;
 * - { name, key } selectors of operators' CRs (ServiceMonitor
 *   credentials, Barman Cloud s3Credentials, ...), read in the CR's
 *   namespace; configMapKeyRef and configMap selectors are left out;
 * - CloudNativePG's bootstrap.initdb.secret;
 * - Traefik's tls.secretName;
 * - a HelmChart's valuesSecrets (in its own namespace) and, inside its
 *   values, existingSecret with the sibling *Key fields naming its keys
 *   (read in the chart's targetNamespace);
 * - Flux's valuesFrom of kind Secret.
 *
 * `secrets` resolves a HelmChart's valuesSecrets to their values: the
 * rendered Secrets of the same render.
 */
export function secretRefs(objects: KubeObject[]): SecretRef[] {
  const refs: SecretRef[] = [];
  const renderedSecret = (ns: string | undefined, name: string) =>
    objects.find(
      o =>
        o.kind === 'Secret' &&
        o.metadata.name === name &&
        o.metadata.namespace === ns,
    );

  for (const o of objects) {
    const ns = o.metadata.namespace ?? 'default';
    walk(o, [], (node, trail) => {
      const parent = trail[trail.length - 1];
      if (parent === 'secretKeyRef' && node.name) {
        refs.push({
          namespace: ns,
          secret: node.name,
          key: node.key,
          from: label(o, trail.join('.')),
        });
        return false;
      }
      if (parent === 'secretRef' && node.name) {
        refs.push({
          namespace: ns,
          secret: node.name,
          from: label(o, trail.join('.')),
        });
        return false;
      }
      if (parent === 'secret' && typeof node.secretName === 'string') {
        refs.push({
          namespace: ns,
          secret: node.secretName,
          from: label(o, trail.join('.')),
        });
        return false;
      }
      if (
        trail.join('.').endsWith('bootstrap.initdb.secret') &&
        typeof node.name === 'string'
      ) {
        refs.push({
          namespace: ns,
          secret: node.name,
          key: 'username',
          from: label(o, trail.join('.')),
        });
        refs.push({
          namespace: ns,
          secret: node.name,
          key: 'password',
          from: label(o, trail.join('.')),
        });
        return false;
      }
      if (
        typeof node.name === 'string' &&
        typeof node.key === 'string' &&
        !trail.some(t => /configmap/i.test(t))
      ) {
        refs.push({
          namespace: ns,
          secret: node.name,
          key: node.key,
          from: label(o, trail.join('.')),
        });
        return false;
      }
      if (parent === 'tls' && typeof node.secretName === 'string') {
        refs.push({
          namespace: ns,
          secret: node.secretName,
          from: label(o, trail.join('.')),
        });
      }
      for (const from of Array.isArray(node.valuesFrom)
        ? node.valuesFrom
        : []) {
        if (from?.kind === 'Secret') {
          refs.push({
            namespace: ns,
            secret: from.name,
            key: from.valuesKey,
            from: label(o, `${trail.join('.')}.valuesFrom`),
          });
        }
      }
      return true;
    });

    if (o.kind === 'HelmChart') {
      const target = o.spec?.targetNamespace ?? ns;
      const valueTexts: string[] = [];
      for (const ref of o.spec?.valuesSecrets ?? []) {
        for (const key of ref.keys ?? [undefined]) {
          refs.push({
            namespace: ns,
            secret: ref.name,
            key,
            from: label(o, 'spec.valuesSecrets'),
          });
          const rendered = renderedSecret(ns, ref.name);
          const data = rendered?.data?.[key] ?? rendered?.stringData?.[key];
          if (data !== undefined) {
            valueTexts.push(
              rendered?.data?.[key]
                ? Buffer.from(data, 'base64').toString()
                : data,
            );
          }
        }
      }
      if (o.spec?.valuesContent) valueTexts.push(o.spec.valuesContent);
      for (const text of valueTexts) {
        walk(yaml.parse(text) ?? {}, [], (node, trail) => {
          if (typeof node.existingSecret === 'string') {
            const keys = Object.entries(node)
              .filter(([k, v]) => /Key$/.test(k) && typeof v === 'string')
              .map(([, v]) => v as string);
            for (const key of keys.length ? keys : [undefined]) {
              refs.push({
                namespace: target,
                secret: node.existingSecret,
                key,
                from: label(o, `values ${trail.join('.')}.existingSecret`),
              });
            }
          }
          return true;
        });
      }
    }
  }
  return refs;
}

function walk(
  node: any,
  trail: string[],
  visit: (node: any, trail: string[]) => boolean,
) {
  if (Array.isArray(node)) {
    node.forEach(item => walk(item, trail, visit));
    return;
  }
  if (!node || typeof node !== 'object') return;
  if (!visit(node, trail)) return;
  for (const [k, v] of Object.entries(node)) walk(v, [...trail, k], visit);
}
