#!/usr/bin/env node
// Draws Focusline's tray icons (one per phone state, 1x and @2x), their
// macOS template versions, and the 1024x1024 app icon into assets/, with
// nothing but zlib. Shapes differ per
// state as well as colours, so the states stay apart for colour-blind users
// and on monochrome trays. Run: node scripts/make-icons.mjs
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ASSETS = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets');
const WHITE = [255, 255, 255];

// Each shape maps a point in [-1, 1]² to an RGB colour or null (transparent).
const disc = (r) => (x, y) => Math.hypot(x, y) <= r;
const ring = (outer, inner) => (x, y) => Math.hypot(x, y) <= outer && Math.hypot(x, y) >= inner;
const bar = (w, h) => (x, y) => Math.abs(x) <= w && Math.abs(y) <= h;
const layers =
  (...parts) =>
  (x, y) => {
    let colour = null;
    for (const [inside, rgb] of parts) if (inside(x, y)) colour = rgb;
    return colour;
  };

const TRAY_SHAPES = {
  offline: layers([ring(0.9, 0.62), [138, 143, 152]]),
  registering: layers([disc(0.9), [224, 168, 0]], [disc(0.3), WHITE]),
  available: layers([disc(0.9), [46, 158, 79]]),
  // Focused: a purple moon, "quiet hours" at a glance.
  focused: layers([disc(0.9), [124, 58, 237]], [(x, y) => Math.hypot(x - 0.32, y + 0.22) <= 0.5, WHITE]),
  // Do not disturb: a purple "no entry" outline, apart from focus's filled moon and failed's filled red.
  dnd: layers([ring(0.9, 0.66), [124, 58, 237]], [bar(0.5, 0.14), [124, 58, 237]]),
  'in-call': layers([disc(0.9), [33, 110, 204]], [ring(0.55, 0.33), WHITE]),
  reconnecting: layers([ring(0.9, 0.62), [232, 120, 20]], [disc(0.3), [232, 120, 20]]),
  failed: layers([disc(0.9), [200, 40, 40]], [bar(0.55, 0.15), WHITE]),
};

const roundedSquare = (half, radius) => (x, y) => {
  const dx = Math.max(Math.abs(x) - (half - radius), 0);
  const dy = Math.max(Math.abs(y) - (half - radius), 0);
  return Math.hypot(dx, dy) <= radius;
};
const APP_ICON = layers([roundedSquare(0.94, 0.22), [31, 111, 139]], [ring(0.62, 0.46), WHITE], [disc(0.22), [94, 214, 130]]);

/** Renders with 4x4 supersampling so edges are anti-aliased. */
function render(shape, size) {
  const rgba = Buffer.alloc(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = ((px + (sx + 0.5) / samples) / size) * 2 - 1;
          const y = ((py + (sy + 0.5) / samples) / size) * 2 - 1;
          const rgb = shape(x, y);
          if (!rgb) continue;
          sum[0] += rgb[0];
          sum[1] += rgb[1];
          sum[2] += rgb[2];
          sum[3] += 1;
        }
      }
      const at = (py * size + px) * 4;
      const covered = sum[3];
      if (covered === 0) continue;
      rgba[at] = Math.round(sum[0] / covered);
      rgba[at + 1] = Math.round(sum[1] / covered);
      rgba[at + 2] = Math.round(sum[2] / covered);
      rgba[at + 3] = Math.round((covered / (samples * samples)) * 255);
    }
  }
  return rgba;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export function encodePng(rgba, size) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

function write(name, shape, size) {
  writeFileSync(join(ASSETS, name), encodePng(render(shape, size), size));
  console.log(`assets/${name} ${size}x${size}`);
}

mkdirSync(ASSETS, { recursive: true });
for (const [state, shape] of Object.entries(TRAY_SHAPES)) {
  // Electron picks the @2x file by itself on HiDPI screens.
  write(`tray-${state}.png`, shape, 16);
  write(`tray-${state}@2x.png`, shape, 32);
}
// macOS template images: black and alpha only, named *Template so macOS draws
// them in the menu bar's own colour (light, dark, highlighted). The shapes
// alone tell the states apart there.
const BLACK = [0, 0, 0];
const template = (shape) => (x, y) => {
  const rgb = shape(x, y);
  // White parts of a shape are cut-outs in a template image.
  return rgb && !(rgb[0] === 255 && rgb[1] === 255 && rgb[2] === 255) ? BLACK : null;
};
for (const [state, shape] of Object.entries(TRAY_SHAPES)) {
  write(`tray-${state}Template.png`, template(shape), 16);
  write(`tray-${state}Template@2x.png`, template(shape), 32);
}
// 1024 px: the size macOS's icon set and the Microsoft Store ask for; electron-builder scales it down for the rest.
write('icon.png', APP_ICON, 1024);
