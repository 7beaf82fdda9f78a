import { hasClusterHealth } from './filters';

const entity = (kind: string, annotations?: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'rke2-prod', annotations },
});

describe('hasClusterHealth', () => {
  it('shows the card on Resource entities that name their cluster', () => {
    expect(
      hasClusterHealth(
        entity('Resource', { 'desktopmania.io/cluster-health': 'rke2-prod' }),
      ),
    ).toBe(true);
    expect(
      hasClusterHealth(
        entity('resource', { 'desktopmania.io/cluster-health': 'rke2-prod' }),
      ),
    ).toBe(true);
  });

  it('leaves other entities alone', () => {
    expect(hasClusterHealth(entity('Resource'))).toBe(false);
    expect(
      hasClusterHealth(
        entity('Resource', { 'desktopmania.io/cluster-health': '' }),
      ),
    ).toBe(false);
    expect(
      hasClusterHealth(
        entity('Component', { 'desktopmania.io/cluster-health': 'rke2-prod' }),
      ),
    ).toBe(false);
  });
});
