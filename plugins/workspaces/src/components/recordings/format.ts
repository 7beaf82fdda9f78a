/** A length of time as a clock shows it: 0:05, 12:40, 1:02:03. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`
    : `${minutes}:${seconds}`;
}

/** Who, as people read it: `alice` for user:default/alice. */
export function actorName(ref: string): string {
  return ref.replace(/^user:(default\/)?/, '');
}
