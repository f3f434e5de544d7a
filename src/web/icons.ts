// App icons, drawn in code so the repository holds no binary files: a blue rounded square with a white relay
// arrow. PNG is written by hand (IHDR, one zlib-deflated IDAT, IEND) — enough for home-screen icons.
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** RGBA PNG of `size`×`size` from a pixel function returning [r, g, b, a]. */
export function png(size: number, pixel: (x: number, y: number) => readonly [number, number, number, number]): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    const row = y * (size * 4 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), row + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const BLUE = [29, 78, 216, 255] as const;
const WHITE = [255, 255, 255, 255] as const;
const CLEAR = [0, 0, 0, 0] as const;

/** The icon; `maskable` fills the square (the platform rounds it) and keeps the arrow in the safe zone. */
export function appIcon(size: number, maskable = false): Buffer {
  const r = maskable ? 0 : size * 0.2;
  const inset = maskable ? 0.3 : 0.22;
  return png(size, (x, y) => {
    const cx = Math.min(x, size - 1 - x);
    const cy = Math.min(y, size - 1 - y);
    if (cx < r && cy < r && (r - cx) ** 2 + (r - cy) ** 2 > r * r) return CLEAR;
    const u = x / size;
    const v = y / size;
    // A right-pointing arrow: a shaft and a triangular head.
    const lo = inset;
    const hi = 1 - inset;
    const mid = 0.5;
    const shaft = u >= lo && u <= mid + 0.08 && Math.abs(v - mid) <= 0.07;
    const head = u > mid && u <= hi && Math.abs(v - mid) <= (hi - u) * 0.9;
    return shaft || head ? WHITE : BLUE;
  });
}

export const iconSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect width="100" height="100" rx="20" fill="#1d4ed8"/><path d="M22 43h28V24l28 26-28 26V57H22z" fill="#fff"/></svg>`;
