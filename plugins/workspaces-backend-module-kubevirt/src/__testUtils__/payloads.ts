import type {
  V1VirtualMachine,
  V1VirtualMachineInstance,
} from '@kubevirt-ui-ext/kubevirt-api/kubevirt';

/** A VirtualMachine as the API server returns it, with status. */
export function vmPayload(name: string, printableStatus: string, extra: Partial<V1VirtualMachine['status']> = {}): V1VirtualMachine {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: {
      name,
      namespace: 'workspaces',
      uid: `uid-${name}`,
      labels: { 'app.kubernetes.io/managed-by': 'desktop-mania' },
      annotations: { 'desktopmania.io/owner': 'user:default/alice' },
    },
    spec: { runStrategy: printableStatus === 'Stopped' ? 'Halted' : 'Always', template: { spec: { domain: { devices: {} } } } },
    status: { printableStatus, ready: printableStatus === 'Running', ...extra },
  } as V1VirtualMachine;
}

export function vmiPayload(name: string, nodeName: string, ipAddress: string): V1VirtualMachineInstance {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: { name, namespace: 'workspaces' },
    spec: { domain: { devices: {} } },
    status: { phase: 'Running', nodeName, interfaces: [{ name: 'default', ipAddress }] },
  } as V1VirtualMachineInstance;
}

/** A Kubernetes `Status` failure body. */
export function statusPayload(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}
