import type { WorkspaceCreateSpec } from '@desktop-mania/plugin-workspaces-node';
import { checkOrder } from './orderChecks';
import { order } from './__testUtils__/orders';

describe('checkOrder', () => {
  it('takes the geometry a size names, else the usual one of its name', () => {
    expect(checkOrder(order())).toEqual({
      geometry: '1280x800',
      maxProcesses: undefined,
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
    ).toEqual({ geometry: '2560x1080', maxProcesses: 16 });
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
  ])('refuses %s', (_, extra, message) => {
    expect(() => checkOrder(order(extra))).toThrow(
      expect.objectContaining({
        name: 'InputError',
        message: expect.stringMatching(message),
      }),
    );
  });
});
