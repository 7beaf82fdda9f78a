import fs from 'fs';

/** One line of /proc/<pid>/mountinfo, the fields this package reads. */
export interface MountEntry {
  /** The folder of the mounted filesystem that appears at the mount point. */
  root: string;
  mountPoint: string;
  fsType: string;
  superOptions: string[];
}

// The kernel escapes space, tab, newline and backslash in paths as \ooo.
const unescape = (field: string) =>
  field.replace(/\\([0-7]{3})/g, (_, octal) =>
    String.fromCharCode(parseInt(octal, 8)),
  );

/** Parses mountinfo text: `id parent dev root mountpoint opts [optional...] - fstype source superopts`. */
export function parseMountInfo(text: string): MountEntry[] {
  return text
    .split('\n')
    .filter(Boolean)
    .flatMap(line => {
      const fields = line.split(' ');
      const separator = fields.indexOf('-', 6);
      if (separator < 0) return [];
      return [
        {
          root: unescape(fields[3]),
          mountPoint: unescape(fields[4]),
          fsType: fields[separator + 1],
          superOptions: (fields[separator + 3] ?? '').split(','),
        },
      ];
    });
}

/** Whether something is mounted on `dir` in this process's mount namespace. */
export function isMountPoint(dir: string): boolean {
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch {
    return false;
  }
  const mounts = parseMountInfo(
    fs.readFileSync('/proc/self/mountinfo', 'utf8'),
  );
  return mounts.some(m => m.mountPoint === real);
}
