const FAMILY_WILD = 0xffff;

function counted(value: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(value.length);
  return Buffer.concat([length, value]);
}

/**
 * One Xauthority entry granting MIT-MAGIC-COOKIE-1 access to a display from
 * any host address: the format of libXau, which Xlib clients and the X
 * server's `-auth` option read.
 */
export function xauthorityEntry(display: number, cookie: Buffer): Buffer {
  const family = Buffer.alloc(2);
  family.writeUInt16BE(FAMILY_WILD);
  return Buffer.concat([
    family,
    counted(Buffer.alloc(0)),
    counted(Buffer.from(String(display))),
    counted(Buffer.from('MIT-MAGIC-COOKIE-1')),
    counted(cookie),
  ]);
}
