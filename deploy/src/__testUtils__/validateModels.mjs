// Validates Kubernetes objects with the kubernetes-models classes (core,
// Traefik, prometheus-operator). Objects come in on stdin as JSON; one list
// of errors per object goes out on stdout.
const PACKAGES = {
  'traefik.io': '@kubernetes-models/traefik',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const obj of JSON.parse(input)) {
  const [group, version] = obj.apiVersion.includes('/')
    ? obj.apiVersion.split('/')
    : ['', obj.apiVersion];
  const pkg = PACKAGES[group] ?? 'kubernetes-models';
  const subpath =
    pkg === 'kubernetes-models' && !group ? version : `${group}/${version}`;
  let Model;
  try {
    Model = (await import(`${pkg}/${subpath}`))[obj.kind];
  } catch {
    Model = undefined;
  }
  if (!Model) {
    results.push([`${obj.apiVersion} ${obj.kind} has no model in ${pkg}`]);
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
