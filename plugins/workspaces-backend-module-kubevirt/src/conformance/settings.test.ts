import { DEFAULT_IMAGE_URL, planConformance, storageBytes } from './settings';

describe('planConformance', () => {
  it('skips without a cluster, saying what to set', () => {
    expect(planConformance({})).toEqual({
      run: false,
      reason: expect.stringMatching(
        /^skipped: no cluster given; set CONFORMANCE_KUBECONFIG to a kubeconfig of a cluster with KubeVirt and CDI/,
      ),
    });
  });

  it('does not take KUBECONFIG alone as consent outside `npm run conformance`', () => {
    const plan = planConformance({
      KUBECONFIG: '/home/dev/.kube/config',
      npm_lifecycle_event: 'test',
    });
    expect(plan).toEqual({
      run: false,
      reason: expect.stringContaining('KUBECONFIG is set, but only'),
    });
  });

  it('runs with KUBECONFIG under `npm run conformance`', () => {
    expect(
      planConformance({
        KUBECONFIG: '/a:/b',
        npm_lifecycle_event: 'conformance',
      }),
    ).toEqual({
      run: true,
      settings: {
        kubeconfigFrom: 'KUBECONFIG',
        timeoutMs: 15 * 60_000,
        imageUrl: DEFAULT_IMAGE_URL,
        imageSize: '2Gi',
        keep: false,
      },
    });
  });

  it('reads every setting', () => {
    expect(
      planConformance({
        CONFORMANCE_KUBECONFIG: '/tmp/admin.yaml',
        CONFORMANCE_CONTEXT: 'rke2',
        CONFORMANCE_TIMEOUT: '25m',
        CONFORMANCE_IMAGE_URL: 'docker://registry.example.com/cirros:0.6',
        CONFORMANCE_IMAGE_SIZE: '3Gi',
        CONFORMANCE_DATASOURCE: 'desktop-images/ubuntu-desktop',
        CONFORMANCE_STORAGE_CLASS: 'longhorn-desktop',
        CONFORMANCE_INSTANCETYPE: 'u1.small',
        CONFORMANCE_RECORD_DIR: '/tmp/answers',
        CONFORMANCE_KEEP: 'true',
      }),
    ).toEqual({
      run: true,
      settings: {
        kubeconfigFile: '/tmp/admin.yaml',
        kubeconfigFrom: 'CONFORMANCE_KUBECONFIG',
        context: 'rke2',
        timeoutMs: 25 * 60_000,
        imageUrl: 'docker://registry.example.com/cirros:0.6',
        imageSize: '3Gi',
        dataSource: { namespace: 'desktop-images', name: 'ubuntu-desktop' },
        storageClass: 'longhorn-desktop',
        instancetype: 'u1.small',
        recordDir: '/tmp/answers',
        keep: true,
      },
    });
  });

  it('reads relative paths from where npm was started', () => {
    expect(
      planConformance({
        CONFORMANCE_KUBECONFIG: 'lab/kubeconfig',
        CONFORMANCE_RECORD_DIR: 'answers',
        INIT_CWD: '/home/ops/desktop-mania',
      }),
    ).toMatchObject({
      settings: {
        kubeconfigFile: '/home/ops/desktop-mania/lab/kubeconfig',
        recordDir: '/home/ops/desktop-mania/answers',
      },
    });
  });

  it.each([
    ['CONFORMANCE_TIMEOUT', 'soon', /CONFORMANCE_TIMEOUT/],
    ['CONFORMANCE_TIMEOUT', '10s', /CONFORMANCE_TIMEOUT/],
    ['CONFORMANCE_DATASOURCE', 'ubuntu-desktop', /namespace\/name/],
    ['CONFORMANCE_IMAGE_URL', 'ftp://x/y.img', /docker:\/\//],
    ['CONFORMANCE_IMAGE_SIZE', '1Gi', /at least 2Gi/],
  ])('refuses %s=%s before touching the cluster', (key, value, message) => {
    expect(() =>
      planConformance({ CONFORMANCE_KUBECONFIG: '/k', [key]: value }),
    ).toThrow(message);
  });
});

describe('storageBytes', () => {
  it('reads a quantity as the portal does', () => {
    expect(storageBytes('1536Mi')).toBe(1536 * 1024 ** 2);
  });

  it.each(['two gigs', '1Pi'])('refuses %s, naming it', quantity => {
    expect(() => storageBytes(quantity)).toThrow(
      `'${quantity}' is not a storage quantity such as 2Gi`,
    );
  });
});
