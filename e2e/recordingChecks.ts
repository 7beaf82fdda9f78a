import fs from 'fs';
import type { Locator, Page } from '@playwright/test';

/** The pixels of the desktop's screen as noVNC holds them, as a PNG data URL. */
export function canvasPng(container: Locator): Promise<string> {
  return container
    .locator('canvas')
    .first()
    .evaluate(canvas => (canvas as HTMLCanvasElement).toDataURL('image/png'));
}

/** Writes a PNG data URL to a file, to look at. */
export function savePng(dataUrl: string, file: string) {
  fs.writeFileSync(file, Buffer.from(dataUrl.split(',')[1], 'base64'));
}

/**
 * How much two screens differ: the share of pixels whose colour is off by
 * more than a JPEG rounding in any channel; 1 when their sizes differ.
 * Compared in the page, which decodes PNGs without another package.
 */
export function differingShare(
  page: Page,
  a: string,
  b: string,
): Promise<{ share: number; sizes: string }> {
  return page.evaluate(
    async ([first, second]) => {
      const pixels = async (url: string) => {
        // A canvas of no size yet: nothing drawn.
        if (url === 'data:,') return new ImageData(1, 1);
        const image = new Image();
        image.src = url;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = image.naturalWidth;
        canvas.height = image.naturalHeight;
        const context = canvas.getContext('2d')!;
        context.drawImage(image, 0, 0);
        return context.getImageData(0, 0, canvas.width, canvas.height);
      };
      const [x, y] = await Promise.all([pixels(first), pixels(second)]);
      const sizes = `${x.width}x${x.height} and ${y.width}x${y.height}`;
      if (x.width !== y.width || x.height !== y.height || x.width === 0) {
        return { share: 1, sizes };
      }
      let differing = 0;
      for (let i = 0; i < x.data.length; i += 4) {
        if (
          Math.abs(x.data[i] - y.data[i]) > 8 ||
          Math.abs(x.data[i + 1] - y.data[i + 1]) > 8 ||
          Math.abs(x.data[i + 2] - y.data[i + 2]) > 8
        ) {
          differing++;
        }
      }
      return { share: differing / (x.width * x.height), sizes };
    },
    [a, b] as const,
  );
}
