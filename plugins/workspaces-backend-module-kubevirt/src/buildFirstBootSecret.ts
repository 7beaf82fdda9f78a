import { createHash, randomBytes } from 'crypto';
import { InputError } from '@backstage/errors';
import type { WorkspaceCreateSpec } from '@desktop-mania/plugin-workspaces-node';
import { workspaceLabels } from './labels';

const LINUX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const LINUX_RESERVED = ['root', 'daemon', 'bin', 'sys', 'nobody'];
// Windows local account names: at most 20 characters, none of these.
const WINDOWS_FORBIDDEN = /["/\\[\]:;|=,+*?<>@]/;
const WINDOWS_RESERVED = [
  'administrator',
  'guest',
  'defaultaccount',
  'wdagutilityaccount',
];

/** Refuses an account name the guest OS would reject or that would take over a system account. */
export function checkUsername(os: 'linux' | 'windows', username: string) {
  if (os === 'linux') {
    if (!LINUX_USER.test(username) || LINUX_RESERVED.includes(username)) {
      throw new InputError(
        `'${username}' cannot be a Linux account name: use up to 32 lowercase letters, digits, '_' or '-', starting with a letter, and not a system account`,
      );
    }
    return;
  }
  if (
    username.length === 0 ||
    username.length > 20 ||
    WINDOWS_FORBIDDEN.test(username) ||
    /^[. ]+$/.test(username) ||
    WINDOWS_RESERVED.includes(username.toLowerCase())
  ) {
    throw new InputError(
      `'${username}' cannot be a Windows account name: use up to 20 characters without " / \\ [ ] : ; | = , + * ? < > @, and not a built-in account`,
    );
  }
}

/**
 * A password only the first-boot Secret holds. Windows' default policy wants
 * three of four character classes; base64url gives lower, upper and digits
 * nearly always, and the loop makes it always.
 */
export function generatePassword(): string {
  for (;;) {
    const candidate = randomBytes(18).toString('base64url');
    if (
      /[a-z]/.test(candidate) &&
      /[A-Z]/.test(candidate) &&
      /[0-9]/.test(candidate)
    ) {
      return candidate;
    }
  }
}

/**
 * cloud-init user data that creates the owner's account. Values are JSON
 * strings, which YAML reads verbatim whatever they contain.
 */
export function cloudInitUserData(username: string, password: string): string {
  const q = JSON.stringify;
  return [
    '#cloud-config',
    'users:',
    `  - name: ${q(username)}`,
    '    shell: /bin/bash',
    `    sudo: ${q('ALL=(ALL) ALL')}`,
    '    lock_passwd: false',
    `    plain_text_passwd: ${q(password)}`,
    'ssh_pwauth: false',
    '',
  ].join('\n');
}

function escapeXml(value: string) {
  return value.replace(/[<>&'"]/g, c => `&#${c.charCodeAt(0)};`);
}

const SHELL_SETUP =
  'name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS"';
const INTERNATIONAL =
  'name="Microsoft-Windows-International-Core" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS"';

/**
 * A valid Windows computer name for a desktop. Windows Setup takes at most
 * 15 characters, no spaces or punctuation but '-', and not only digits
 * (Microsoft-Windows-Shell-Setup `ComputerName` in the unattended setup
 * reference; the NetBIOS limit). Desktop names are DNS labels (lowercase
 * letters, digits, '-'), so only the length and an all-digit name need
 * care. A longer name is cut to 10 characters plus 4 of its hash, so two
 * long names with the same start do not clash on the network.
 */
export function windowsComputerName(name: string): string {
  let computer = name.replace(/[^A-Za-z0-9-]/g, '-');
  if (/^[0-9]+$/.test(computer)) computer = `D${computer}`;
  if (computer.length > 15) {
    const hash = createHash('sha256').update(name).digest('hex').slice(0, 4);
    computer = `${computer.slice(0, 10).replace(/-+$/, '')}-${hash}`;
  }
  return computer.replace(/^-+|-+$/g, '') || 'DESKTOP';
}

/**
 * A Windows answer file for a generalized image: names the computer, skips
 * the out-of-box questions and creates the owner's local administrator.
 */
export function sysprepUnattend(
  username: string,
  password: string,
  computerName: string,
): string {
  const computer = windowsComputerName(computerName);
  return `<?xml version="1.0" encoding="utf-8"?>
<unattend xmlns="urn:schemas-microsoft-com:unattend" xmlns:wcm="http://schemas.microsoft.com/WMIConfig/2002/State">
  <settings pass="specialize">
    <component ${SHELL_SETUP}>
      <ComputerName>${escapeXml(computer)}</ComputerName>
    </component>
  </settings>
  <settings pass="oobeSystem">
    <component ${INTERNATIONAL}>
      <InputLocale>en-US</InputLocale>
      <SystemLocale>en-US</SystemLocale>
      <UILanguage>en-US</UILanguage>
      <UserLocale>en-US</UserLocale>
    </component>
    <component ${SHELL_SETUP}>
      <OOBE>
        <HideEULAPage>true</HideEULAPage>
        <HideLocalAccountScreen>true</HideLocalAccountScreen>
        <HideOnlineAccountScreens>true</HideOnlineAccountScreens>
        <HideWirelessSetupInOOBE>true</HideWirelessSetupInOOBE>
        <ProtectYourPC>3</ProtectYourPC>
      </OOBE>
      <UserAccounts>
        <LocalAccounts>
          <LocalAccount wcm:action="add">
            <Name>${escapeXml(username)}</Name>
            <Group>Administrators</Group>
            <Password><Value>${escapeXml(
              password,
            )}</Value><PlainText>true</PlainText></Password>
          </LocalAccount>
        </LocalAccounts>
      </UserAccounts>
    </component>
  </settings>
</unattend>
`;
}

/** The name of a desktop's first-boot Secret, which its VM mounts. */
export function firstBootSecretName(
  spec: Pick<WorkspaceCreateSpec, 'name' | 'image'>,
): string {
  return `${spec.name}-${
    spec.image.os === 'windows' ? 'sysprep' : 'cloudinit'
  }`;
}

/**
 * The Secret with the owner's account for first boot: cloud-init user data
 * for Linux, an answer file for Windows. The password lives only here.
 *
 * @alpha
 */
export function buildFirstBootSecret(
  spec: WorkspaceCreateSpec,
  target: { namespace: string },
  password: string,
) {
  checkUsername(spec.image.os, spec.username);
  const windows = spec.image.os === 'windows';
  const unattend = windows
    ? sysprepUnattend(spec.username, password, spec.name)
    : '';
  const stringData: Record<string, string> = windows
    ? // Windows looks for autounattend.xml on removable media; KubeVirt documents both names.
      { 'autounattend.xml': unattend, 'unattend.xml': unattend }
    : { userdata: cloudInitUserData(spec.username, password) };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: firstBootSecretName(spec),
      namespace: target.namespace,
      labels: workspaceLabels(spec.name),
    },
    type: 'Opaque',
    stringData,
  };
}
