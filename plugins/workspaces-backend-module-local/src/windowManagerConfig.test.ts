import { openboxConfig, TERMINAL_TITLE } from './windowManagerConfig';

const RULE = `<application title="${TERMINAL_TITLE}" type="normal"><maximized>yes</maximized></application>`;

describe('openboxConfig', () => {
  it("puts the terminal's rule first among the host's own, keeping the rest of its settings", () => {
    const host = [
      '<openbox_config xmlns="http://openbox.org/3.4/rc">',
      '<desktops><number>4</number></desktops>',
      '<applications>',
      '  <application class="Firefox"><maximized>no</maximized></application>',
      '</applications>',
      '</openbox_config>',
    ].join('\n');
    expect(openboxConfig(host)).toBe(
      [
        '<openbox_config xmlns="http://openbox.org/3.4/rc">',
        '<desktops><number>4</number></desktops>',
        '<applications>',
        `  ${RULE}`,
        '  <application class="Firefox"><maximized>no</maximized></application>',
        '</applications>',
        '</openbox_config>',
      ].join('\n'),
    );
  });

  it('adds a list of rules to host settings that have none', () => {
    const host =
      '<openbox_config xmlns="http://openbox.org/3.4/rc">\n<desktops><number>1</number></desktops>\n</openbox_config>\n';
    expect(openboxConfig(host)).toBe(
      `<openbox_config xmlns="http://openbox.org/3.4/rc">\n<desktops><number>1</number></desktops>\n<applications>${RULE}</applications>\n</openbox_config>\n`,
    );
  });

  it('makes settings of its own where the host has none', () => {
    expect(openboxConfig(undefined)).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>\n<openbox_config xmlns="http://openbox.org/3.4/rc"><applications>${RULE}</applications></openbox_config>\n`,
    );
  });
});
