/** The spec of Alice's Linux desktop on rke2-prod, as the catalog holds it. */
export const ALICE_LINUX_SPEC = {
  type: 'linux',
  owner: 'user:default/alice',
  flavor: 'ubuntu-desktop',
  size: 'small',
  cluster: 'rke2-prod',
};
