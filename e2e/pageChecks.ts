import { expect, type Page } from '@playwright/test';

/** The screen sizes people use the portal at: a small laptop and a desktop monitor. */
export const VIEWPORTS = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const;

/** WCAG 2 contrast ratio of two CSS rgb()/rgba() colours. */
export function contrastRatio(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r, g, bl] = css
      .match(/\d+(\.\d+)?/g)!
      .slice(0, 3)
      .map(Number);
    const linear = (c: number) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(bl);
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

interface ButtonColours {
  label: string;
  text: string;
  background: string;
  large: boolean;
}

/**
 * Every visible, labelled button on the page with its text colour and the
 * colour behind it: its own background, else the first opaque one of its
 * ancestors (a transparent button shows what it sits on).
 */
function buttonColours(page: Page): Promise<ButtonColours[]> {
  return page.evaluate(() => {
    const opaque = (css: string) =>
      css !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(css);
    const behind = (el: Element | null): string => {
      for (let e = el; e; e = e.parentElement) {
        const bg = getComputedStyle(e).backgroundColor;
        if (opaque(bg)) return bg;
      }
      return 'rgb(255, 255, 255)';
    };
    return [
      ...document.querySelectorAll(
        'button, [role="button"], a[class*="Button"]',
      ),
    ]
      .filter(el => {
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        return (
          box.width > 0 &&
          box.height > 0 &&
          style.visibility !== 'hidden' &&
          !(el as HTMLButtonElement).disabled &&
          (el.textContent ?? '').trim().length > 0
        );
      })
      .map(el => {
        const style = getComputedStyle(el);
        const size = parseFloat(style.fontSize);
        const bold = Number(style.fontWeight) >= 700;
        return {
          label: (el.textContent ?? '').trim().slice(0, 40),
          text: style.color,
          background: behind(el),
          large: size >= 24 || (bold && size >= 18.66),
        };
      });
  });
}

/** Fails naming each labelled button whose text is below WCAG AA contrast. */
export async function expectReadableButtons(page: Page, where: string) {
  const buttons = await buttonColours(page);
  const poor = buttons
    .map(b => ({ ...b, ratio: contrastRatio(b.text, b.background) }))
    .filter(b => b.ratio < (b.large ? 3 : 4.5))
    .map(
      b => `'${b.label}' ${b.text} on ${b.background} = ${b.ratio.toFixed(2)}`,
    );
  expect(buttons.length, `buttons found on ${where}`).toBeGreaterThan(0);
  expect(poor, `buttons below WCAG AA contrast on ${where}`).toEqual([]);
}

/**
 * Violations in Backstage's own components that this suite cannot change,
 * each matched by rule and element and printed when it is passed over.
 */
const UPSTREAM: Array<{ rule: string; target: RegExp; why: string }> = [
  {
    rule: 'aria-valid-attr-value',
    target: /-tab-templates$/,
    why: "@backstage/plugin-scaffolder's page header tabs (@backstage/ui on react-aria) point aria-controls at a tab panel the template page does not render",
  },
];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/**
 * Runs axe-core in the page and fails on serious or critical violations,
 * naming the rule and the first elements it found.
 */
export async function expectNoSeriousAxeViolations(page: Page, where: string) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations: AxeViolation[] = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, {
      resultTypes: ['violations'],
    });
    return result.violations;
  });
  const serious = violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({
      ...v,
      nodes: v.nodes.filter(n => {
        const known = UPSTREAM.find(
          u => u.rule === v.id && u.target.test(n.target.join(' ')),
        );
        if (known) {
          // eslint-disable-next-line no-console
          console.warn(`Passing over ${v.id} on ${where}: ${known.why}`);
        }
        return !known;
      }),
    }))
    .filter(v => v.nodes.length > 0)
    .map(
      v =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes
          .slice(0, 3)
          .map(n => n.target.join(' '))
          .join(', ')}`,
    );
  expect(serious, `axe-core serious/critical violations on ${where}`).toEqual(
    [],
  );
}

/** True when the page itself scrolls, in either direction. */
export function pageScrolls(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    return (
      root.scrollHeight > window.innerHeight + 1 ||
      root.scrollWidth > window.innerWidth + 1
    );
  });
}
