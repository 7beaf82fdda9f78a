import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { validateOrder } from './orderValidation';
import { readWorkspacesConfig } from './WorkspacesConfig';

const config = readWorkspacesConfig(
  new ConfigReader({
    workspaces: {
      images: [
        { name: 'debian', os: 'linux' },
        {
          name: 'windows-11',
          os: 'windows',
          // windows.11.virtio's requirements and the golden image's disk.
          minimum: { cpu: 2, memory: '4Gi', diskGi: 64 },
        },
      ],
      sizes: [
        { name: 'small', cpu: 1, memory: '4Gi' },
        { name: 'medium', cpu: 2, memory: '8Gi' },
      ],
      limits: { diskGi: { min: 20, max: 200, default: 40 } },
    },
  }),
);
const clusters = [
  { name: 'rke2', provider: 'kubevirt', os: ['linux', 'windows'] as const },
];
const order = (body: object) =>
  validateOrder(
    { name: 'desk', image: 'windows-11', size: 'medium', ...body },
    config,
    clusters.map(c => ({ ...c, os: [...c.os] })),
    'rke2',
  );

describe('validateOrder', () => {
  it('refuses a size below what the image needs, naming the minimum and the sizes that fit', () => {
    expect(() => order({ size: 'small' })).toThrow(InputError);
    expect(() => order({ size: 'small' })).toThrow(
      "size: 'small' (1 vCPU, 4Gi) is too small for image 'windows-11', which needs at least 2 vCPU; choose medium",
    );
  });

  it('refuses a disk smaller than the image, naming its size', () => {
    expect(() => order({ diskGi: 40 })).toThrow(
      "diskGi: 40 is out of range for image 'windows-11', whose disk is 64 GiB; allowed 64 to 200 GiB",
    );
  });

  it("gives an order without a disk the image's default, not the smaller global one", () => {
    expect(order({}).diskGi).toBe(64);
    expect(order({ image: 'debian', size: 'small' }).diskGi).toBe(40);
  });

  it('keeps the plain range message where the image asks for no more', () => {
    expect(() => order({ image: 'debian', diskGi: 10 })).toThrow(
      'diskGi: 10 is out of range; allowed 20 to 200 GiB',
    );
  });
});
