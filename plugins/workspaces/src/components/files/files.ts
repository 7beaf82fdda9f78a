/** A path in the home from a folder's path and a name in it. */
export const joinPath = (dir: string, name: string) =>
  dir === '' ? name : `${dir}/${name}`;

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * The backend's one-line reason: a ResponseError's own message only says
 * "Request failed with 409 Conflict".
 */
export function errorLine(error: unknown): string {
  const e = error as {
    message?: string;
    body?: { error?: { message?: string } };
  };
  return e.body?.error?.message ?? e.message ?? String(error);
}

/**
 * Hands a downloaded file to the browser. It came through fetchApi, which
 * carries the user's token; a plain link to the backend would carry none.
 */
export function saveBlob(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
