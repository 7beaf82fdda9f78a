import yaml from 'yaml';
import {
  buildFirstBootSecret,
  checkUsername,
  cloudInitUserData,
  generatePassword,
  sysprepUnattend,
  windowsComputerName,
} from './buildFirstBootSecret';
import { spec } from './__testUtils__/fixtures';

describe('buildFirstBootSecret', () => {
  it('holds cloud-init user data that creates the owner with the password, for Linux', () => {
    const secret = buildFirstBootSecret(
      spec('linux'),
      { namespace: 'workspaces' },
      'Pw0rd-xyz',
    );
    expect(secret.metadata).toEqual({
      name: 'linux-desk-cloudinit',
      namespace: 'workspaces',
      labels: {
        'app.kubernetes.io/managed-by': 'desktop-mania',
        'app.kubernetes.io/component': 'desktop',
        'desktopmania.io/workspace': 'linux-desk',
        'backstage.io/kubernetes-id': 'linux-desk',
      },
    });
    expect(Object.keys(secret.stringData)).toEqual(['userdata']);
    const userData = secret.stringData.userdata;
    expect(userData.startsWith('#cloud-config\n')).toBe(true);
    expect(yaml.parse(userData)).toEqual({
      users: [
        {
          name: 'alice',
          shell: '/bin/bash',
          sudo: 'ALL=(ALL) ALL',
          lock_passwd: false,
          plain_text_passwd: 'Pw0rd-xyz',
        },
      ],
      ssh_pwauth: false,
    });
  });

  it('holds an answer file that creates the owner as local administrator, for Windows', () => {
    const secret = buildFirstBootSecret(
      spec('windows', 'my-desktop-for-alice'),
      { namespace: 'workspaces' },
      'Pw0rd-xyz',
    );
    expect(secret.metadata.name).toBe('my-desktop-for-alice-sysprep');
    const xml = secret.stringData['autounattend.xml'];
    expect(secret.stringData['unattend.xml']).toBe(xml);
    expect(xml).toContain('<Name>alice</Name>');
    expect(xml).toContain('<Group>Administrators</Group>');
    expect(xml).toContain(
      '<Value>Pw0rd-xyz</Value><PlainText>true</PlainText>',
    );
    expect(xml).toContain(
      `<ComputerName>${windowsComputerName(
        'my-desktop-for-alice',
      )}</ComputerName>`,
    );
  });

  it.each([
    ['win-11', /^win-11$/],
    ['exactly-15-char', /^exactly-15-char$/],
    // Not all digits: Windows Setup refuses a numeric computer name.
    ['2026', /^D2026$/],
    ['123456789012345', /^D123456789-[0-9a-f]{4}$/],
    // Cut to 10 characters, no dash before the hash, plus 4 of the hash.
    ['my-desktop-for-alice', /^my-desktop-[0-9a-f]{4}$/],
    ['design-team-01-desktop', /^design-tea-[0-9a-f]{4}$/],
    ['abcdefghi-jklmnop', /^abcdefghi-[0-9a-f]{4}$/],
  ])('names the Windows computer of %s %s', (name, expected) => {
    const computer = windowsComputerName(name);
    expect(computer).toMatch(expected);
    expect(computer.length).toBeLessThanOrEqual(15);
    expect(computer).not.toMatch(/^[0-9]+$/);
    expect(computer).toMatch(/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/);
  });

  it('keeps long names with the same start apart', () => {
    expect(windowsComputerName('design-team-01-desktop')).not.toBe(
      windowsComputerName('design-team-02-desktop'),
    );
  });

  it('escapes what would break the answer file or the YAML', () => {
    expect(sysprepUnattend('bob', `p<&>"'`, 'pc')).toContain(
      '<Value>p&#60;&#38;&#62;&#34;&#39;</Value>',
    );
    expect(
      yaml.parse(cloudInitUserData('bob', 'a: "b" # c\nd')).users[0]
        .plain_text_passwd,
    ).toBe('a: "b" # c\nd');
  });

  it.each([
    ['linux', 'alice', true],
    ['linux', 'a.smith', false],
    ['linux', 'root', false],
    ['linux', '1alice', false],
    ['linux', 'a'.repeat(33), false],
    ['windows', 'Alice Smith', true],
    ['windows', 'a'.repeat(21), false],
    ['windows', 'alice@corp', false],
    ['windows', 'Administrator', false],
  ] as const)('for %s accepts %j: %s', (os, name, ok) => {
    let refusal: unknown;
    try {
      checkUsername(os, name);
    } catch (error) {
      refusal = error;
    }
    expect(refusal === undefined).toBe(ok);
    expect(String(refusal ?? '')).toMatch(
      ok ? /^$/ : /cannot be a (Linux|Windows) account name/,
    );
  });

  it('generates passwords that meet the Windows complexity policy and differ each time', () => {
    const passwords = Array.from({ length: 200 }, generatePassword);
    for (const p of passwords) {
      expect(p).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[A-Z]/);
      expect(p).toMatch(/[0-9]/);
    }
    expect(new Set(passwords).size).toBe(200);
  });
});
