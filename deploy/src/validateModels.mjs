// Validates Kubernetes objects with the kubernetes-models classes (core,
// Traefik, prometheus-operator). They are ESM-only, so this runs under Node's
// own loader: objects come in on stdin as JSON, one error list per object goes
// out on stdout.
const PACKAGES = {
  'traefik.io': '@kubernetes-models/traefik',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};
const CORE = ['', 'apps', 'policy', 'rbac.authorization.k8s.io', 'networking.k8s.io', 'storage.k8s.io'];

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const obj of JSON.parse(input)) {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  const pkg = PACKAGES[group] ?? (CORE.includes(group) ? 'kubernetes-models' : undefined);
  if (!pkg) {
    results.push(null);
    continue;
  }
  const subpath = pkg === 'kubernetes-models' ? `${group ? `${group}/` : ''}${version}` : `${group}/${version}`;
  const Model = (await import(`${pkg}/${subpath}`))[obj.kind];
  if (!Model) {
    results.push([`${obj.apiVersion}/${obj.kind} has no model in ${pkg}/${subpath}`]);
    continue;
  }
  try {
    new Model(obj).validate();
    results.push([]);
  } catch (error) {
    results.push([error.message]);
  }
}
process.stdout.write(JSON.stringify(results));
