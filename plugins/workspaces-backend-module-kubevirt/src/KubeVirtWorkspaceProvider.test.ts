import { delay, http, HttpResponse } from 'msw';
import { API, desk } from './__testUtils__/fixtures';
import {
  CDI,
  kubeError,
  NS,
  plainText,
  providerFor,
  useApiServer,
  VERSION,
  versionPayload,
} from './__testUtils__/apiServer';
import {
  dataVolumePayload,
  vmiPayload,
  vmPayload,
} from './__testUtils__/payloads';
import {
  forbidden,
  notFound,
  PAGE_NOT_FOUND,
  quotaExceededDisk,
  TIMED_OUT,
  UNAUTHORIZED,
} from './__testUtils__/refusals';

const server = useApiServer();

// A list as the API server answers it (k8s.io/apiserver pkg/endpoints/handlers/get.go).
const list = (kind: string, items: unknown[]) => ({
  apiVersion: 'kubevirt.io/v1',
  kind,
  metadata: { continue: '', resourceVersion: '48300' },
  items,
});

describe('KubeVirtWorkspaceProvider list and get', () => {
  it('lists its own VMs joined with their instances', async () => {
    const selectors: string[] = [];
    server.use(
      http.get(`${NS}/virtualmachines`, ({ request }) => {
        selectors.push(new URL(request.url).searchParams.get('labelSelector')!);
        return HttpResponse.json(
          list('VirtualMachineList', [
            vmPayload('a', 'Running'),
            vmPayload('b', 'Stopped'),
          ]),
        );
      }),
      http.get(`${NS}/virtualmachineinstances`, ({ request }) => {
        selectors.push(new URL(request.url).searchParams.get('labelSelector')!);
        return HttpResponse.json(
          list('VirtualMachineInstanceList', [
            vmiPayload('a', 'worker-2', '10.42.1.7'),
          ]),
        );
      }),
    );
    expect(await providerFor().provider.list('rke2-test')).toEqual([
      {
        name: 'a',
        cluster: 'rke2-test',
        namespace: 'workspaces',
        owner: 'user:default/alice',
        status: {
          phase: 'Running',
          ready: true,
          message: 'Running',
          ip: '10.42.1.7',
          node: 'worker-2',
          consolePreservesSession: true,
        },
      },
      {
        name: 'b',
        cluster: 'rke2-test',
        namespace: 'workspaces',
        owner: 'user:default/alice',
        status: {
          phase: 'Stopped',
          ready: false,
          message: 'Stopped; its disk is kept. Start it to use it again.',
          consolePreservesSession: true,
        },
      },
    ]);
    expect(selectors).toEqual([
      'app.kubernetes.io/managed-by=desktop-mania',
      'app.kubernetes.io/managed-by=desktop-mania',
    ]);
  });

  it('reads the disk of a desktop being provisioned, and says what holds it up', async () => {
    const gets: string[] = [];
    server.use(
      http.get(`${NS}/virtualmachines`, () =>
        HttpResponse.json(
          list('VirtualMachineList', [
            vmPayload('a', 'Provisioning'),
            vmPayload('b', 'Provisioning'),
            vmPayload('c', 'Stopped'),
          ]),
        ),
      ),
      http.get(`${NS}/virtualmachineinstances`, () =>
        HttpResponse.json(list('VirtualMachineInstanceList', [])),
      ),
      http.get(`${CDI}/datavolumes/:name`, ({ params }) => {
        gets.push(params.name as string);
        return HttpResponse.json(
          params.name === 'a-root'
            ? dataVolumePayload('a-root', {
                phase: 'CloneInProgress',
                progress: '45.20%',
                conditions: [
                  { type: 'Bound', status: 'True', reason: 'Bound' },
                  { type: 'Running', status: 'True', reason: 'Pod is running' },
                ] as any,
              })
            : dataVolumePayload('b-root', quotaExceededDisk('b-root').status),
        );
      }),
    );
    const [a, b, c] = await providerFor().provider.list('rke2-test');
    expect(gets.sort()).toEqual(['a-root', 'b-root']);
    expect(a.status.message).toBe(
      'Preparing its disk from the image; it starts by itself once the disk is ready. Disk 45.20% copied.',
    );
    expect(b.status).toMatchObject({
      phase: 'Provisioning',
      message: expect.stringMatching(
        /Cause: persistentvolumeclaims "b-root" is forbidden: exceeded quota/,
      ),
    });
    expect(c.status.phase).toBe('Stopped');
  });

  it('keeps listing when a DataVolume cannot be read, saying why, and without CDI', async () => {
    server.use(
      http.get(`${NS}/virtualmachines`, () =>
        HttpResponse.json(
          list('VirtualMachineList', [
            vmPayload('a', 'Provisioning'),
            vmPayload('b', 'DataVolumeError'),
          ]),
        ),
      ),
      http.get(`${NS}/virtualmachineinstances`, () =>
        HttpResponse.json(list('VirtualMachineInstanceList', [])),
      ),
      http.get(`${CDI}/datavolumes/a-root`, () =>
        kubeError(
          403,
          forbidden('get', 'datavolumes', 'cdi.kubevirt.io', 'a-root'),
        ),
      ),
      http.get(`${CDI}/datavolumes/b-root`, () =>
        plainText(404, PAGE_NOT_FOUND),
      ),
    );
    const [a, b] = await providerFor().provider.list('rke2-test');
    expect(a.status.message).toMatch(
      /Cause: The portal's service account may not get datavolumes in namespace 'workspaces'/,
    );
    expect(b.status).toMatchObject({
      phase: 'Failed',
      message: expect.stringContaining(
        "Cause: CDI (the Containerized Data Importer) is not installed on cluster 'rke2-test'",
      ),
    });
  });

  it('says KubeVirt is not installed when its API is missing', async () => {
    server.use(
      http.get(`${NS}/virtualmachines`, () => plainText(404, PAGE_NOT_FOUND)),
      http.get(`${NS}/virtualmachineinstances`, () =>
        plainText(404, PAGE_NOT_FOUND),
      ),
      http.get(`${NS}/:plural/:name`, () => plainText(404, PAGE_NOT_FOUND)),
      http.get(VERSION, () => plainText(404, PAGE_NOT_FOUND)),
    );
    await expect(
      providerFor().provider.list('rke2-test'),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        "KubeVirt is not installed on cluster 'rke2-test': the API server answered '404 page not found' for kubevirt.io/v1. Install KubeVirt there, or check the cluster's url if it goes through a proxy such as Rancher.",
    });
    await expect(providerFor().provider.get(desk)).rejects.toMatchObject({
      message: expect.stringMatching(
        /^KubeVirt is not installed on cluster 'rke2-test'/,
      ),
    });
  });

  it('reads the KubeVirt version once, and tells when a connect takes the seat over', async () => {
    let versions = 0;
    server.use(
      http.get(VERSION, () => {
        versions++;
        return HttpResponse.json(versionPayload('v1.6.2'));
      }),
      http.get(`${NS}/virtualmachines`, () =>
        HttpResponse.json(
          list('VirtualMachineList', [vmPayload('a', 'Running')]),
        ),
      ),
      http.get(`${NS}/virtualmachineinstances`, () =>
        HttpResponse.json(list('VirtualMachineInstanceList', [])),
      ),
    );
    const { provider, logger } = providerFor();
    await provider.list('rke2-test');
    const [a] = await provider.list('rke2-test');
    expect(a.status.consolePreservesSession).toBe(false);
    expect(versions).toBe(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('KubeVirt v1.6.2 on cluster'),
    );
  });

  it.each([
    [
      'cannot be reached',
      () => HttpResponse.error(),
      /^Cluster 'rke2-test' could not be reached: /,
    ],
    [
      'times out at the API server',
      () => kubeError(504, TIMED_OUT),
      /answered 504 to list virtualmachines: Timeout: request did not complete/,
    ],
    [
      'rejects the credentials',
      () => kubeError(401, UNAUTHORIZED),
      // client-node drops the body of a 401 (gen/apis/CustomObjectsApi.js).
      /^Cluster 'rke2-test' did not accept the portal's credentials \(HTTP 401\)/,
    ],
  ])('fails a list whose cluster %s', async (_label, answer, message) => {
    server.use(
      http.get(`${NS}/virtualmachines`, answer),
      http.get(`${NS}/virtualmachineinstances`, answer),
    );
    await expect(
      providerFor().provider.list('rke2-test'),
    ).rejects.toMatchObject({
      message: expect.stringMatching(message),
    });
  });

  it('gives up on a cluster that does not answer in time', async () => {
    server.use(
      http.get(`${NS}/virtualmachines`, async () => {
        await delay(2000);
        return HttpResponse.json(list('VirtualMachineList', []));
      }),
      http.get(`${NS}/virtualmachineinstances`, () =>
        HttpResponse.json(list('VirtualMachineInstanceList', [])),
      ),
    );
    const started = Date.now();
    await expect(
      providerFor({ timeoutMs: 100 }).provider.list('rke2-test'),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: "Cluster 'rke2-test' did not answer within 100 ms",
    });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('gets a stopped desktop, which has no instance, and answers undefined for one that does not exist', async () => {
    server.use(
      http.get(`${NS}/virtualmachines/linux-desk`, () =>
        HttpResponse.json(vmPayload('linux-desk', 'Stopped')),
      ),
      http.get(`${NS}/virtualmachineinstances/:name`, ({ params }) =>
        kubeError(
          404,
          notFound(
            'virtualmachineinstances',
            'kubevirt.io',
            params.name as string,
          ),
        ),
      ),
      http.get(`${NS}/virtualmachines/ghost`, () =>
        kubeError(404, notFound('virtualmachines', 'kubevirt.io', 'ghost')),
      ),
    );
    const { provider } = providerFor();
    expect((await provider.get(desk))!.status).toEqual({
      phase: 'Stopped',
      ready: false,
      message: 'Stopped; its disk is kept. Start it to use it again.',
      consolePreservesSession: true,
    });
    expect(
      await provider.get({ name: 'ghost', cluster: 'rke2-test' }),
    ).toBeUndefined();
  });

  it('does not take a refusal for absence', async () => {
    server.use(
      http.get(`${NS}/virtualmachines/linux-desk`, () =>
        kubeError(
          403,
          forbidden('get', 'virtualmachines', 'kubevirt.io', 'linux-desk'),
        ),
      ),
      http.get(`${NS}/virtualmachineinstances/linux-desk`, () =>
        kubeError(
          404,
          notFound('virtualmachineinstances', 'kubevirt.io', 'linux-desk'),
        ),
      ),
    );
    await expect(providerFor().provider.get(desk)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('may not get virtualmachines'),
    });
  });

  it('keeps a path in the cluster URL, as behind Rancher', async () => {
    const base = `${API}/k8s/clusters/c-m-abc`;
    server.use(
      http.get(`${base}/apis/subresources.kubevirt.io/v1/version`, () =>
        HttpResponse.json(versionPayload('v1.7.1')),
      ),
      http.get(
        `${base}/apis/kubevirt.io/v1/namespaces/workspaces/virtualmachines`,
        () =>
          HttpResponse.json(
            list('VirtualMachineList', [vmPayload('a', 'Stopped')]),
          ),
      ),
      http.get(
        `${base}/apis/kubevirt.io/v1/namespaces/workspaces/virtualmachineinstances`,
        () => HttpResponse.json(list('VirtualMachineInstanceList', [])),
      ),
    );
    const { provider } = providerFor({ url: base });
    expect((await provider.list('rke2-test')).map(w => w.name)).toEqual(['a']);
  });

  it('names its clusters and what they run', () => {
    expect(providerFor({ os: ['windows'] }).provider.getClusters()).toEqual([
      { name: 'rke2-test', os: ['windows'] },
    ]);
  });
});
