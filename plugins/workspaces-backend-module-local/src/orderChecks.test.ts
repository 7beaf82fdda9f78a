import type { WorkspaceCreateSpec } from '@desktop-mania/plugin-workspaces-node';
import { checkOrder } from './orderChecks';
import { order } from './__testUtils__/orders';

describe('checkOrder', () => {
  it('takes the geometry a size names, else the usual one of its name', () => {
    expect(checkOrder(order())).toEqual({
      geometry: '1280x800',
      maxProcesses: undefined,
      limits: { memoryBytes: 4 * 2 ** 30, cpus: 1, pids: 256, diskGi: 2 },
    });
    expect(
      checkOrder(order({ size: { name: 'large', title: 'Large' } })).geometry,
    ).toBe('1920x1080');
    expect(
      checkOrder(order({ size: { name: 'odd', title: 'Odd' } })).geometry,
    ).toBe('1280x800');
    expect(
      checkOrder(
        order({
          size: {
            name: 'wide',
            title: 'Wide',
            geometry: '2560x1080',
            maxProcesses: 16,
          },
        }),
      ),
    ).toMatchObject({ geometry: '2560x1080', maxProcesses: 16 });
  });

  it("reads a size's memory, CPU and process limits and the order's disk", () => {
    const limitsOf = (size: Record<string, unknown>, diskGi = 20) =>
      checkOrder(order({ size: { name: 's', title: 'S', ...size }, diskGi }))
        .limits;
    expect(
      limitsOf({ cpu: 0.5, memory: '256Mi', maxProcesses: 48 }, 1),
    ).toEqual({ memoryBytes: 256 * 2 ** 20, cpus: 0.5, pids: 48, diskGi: 1 });
    expect(limitsOf({ memory: '1.5Gi' }).memoryBytes).toBe(1.5 * 2 ** 30);
    expect(limitsOf({ memory: '2G' }).memoryBytes).toBe(2e9);
    expect(limitsOf({ memory: String(2 ** 30) }).memoryBytes).toBe(2 ** 30);
  });

  it.each<[string, Partial<WorkspaceCreateSpec>, RegExp]>([
    [
      'Windows',
      { image: { name: 'win', title: 'Windows', os: 'windows' } },
      /Linux desktops only.*workspaces\.kubevirt\.clusters.*'win'/,
    ],
    [
      'a name no folder may have',
      { name: 'Not_A_Label' },
      /valid desktop name/,
    ],
    ['a name too long', { name: 'x'.repeat(41) }, /valid desktop name/],
    ['an account name with spaces', { username: 'Root Admin' }, /account name/],
    [
      'a screen too small',
      { size: { name: 's', title: 'S', geometry: '300x200' } },
      /geometry '300x200' of size 's'/,
    ],
    [
      'a screen that is not WIDTHxHEIGHT',
      { size: { name: 's', title: 'S', geometry: 'big' } },
      /geometry 'big'/,
    ],
    [
      'too few processes',
      { size: { name: 'tiny', title: 'Tiny', maxProcesses: 15 } },
      /maxProcesses of size 'tiny' must be a whole number of at least 16, not 15/,
    ],
    [
      'memory that is no quantity',
      { size: { name: 'm', title: 'M', memory: '4 gigs' } as never },
      /memory '4 gigs' of size 'm' is not a quantity like 4Gi/,
    ],
    [
      'less memory than a desktop needs',
      { size: { name: 'm', title: 'M', memory: '64Mi' } as never },
      /at least 128Mi/,
    ],
    [
      'no CPU',
      { size: { name: 'c', title: 'C', cpu: 0 } as never },
      /cpu of size 'c' must be a number of CPUs from 0.01/,
    ],
    ['a disk of no size', { diskGi: 0 }, /diskGi must be a whole number/],
  ])('refuses %s', (_, extra, message) => {
    expect(() => checkOrder(order(extra))).toThrow(
      expect.objectContaining({
        name: 'InputError',
        message: expect.stringMatching(message),
      }),
    );
  });
});
