import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { APP_LINK_SCHEME, DIAL_SCHEMES } from '../../../src-main/app/protocol-links.js';

// js-yaml (what electron-builder reads the file with) ships no types.
const { load } = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

type BuilderConfig = { protocols?: Array<{ name: string; schemes: string[] }>; linux?: { mimeTypes?: string[] }; publish?: Array<{ provider: string }> };

const config = async () => load(await readFile(new URL('../../../electron-builder.yml', import.meta.url), 'utf8')) as BuilderConfig;

describe('electron-builder.yml', () => {
  it('registers every scheme the app registers at runtime: the dial links and focusline:', async () => {
    const { protocols, linux } = await config();
    const schemes = (protocols ?? []).flatMap((p) => p.schemes);
    expect(schemes.sort()).toEqual([...DIAL_SCHEMES, APP_LINK_SCHEME].sort());
    expect((linux?.mimeTypes ?? []).sort()).toEqual(schemes.map((s) => `x-scheme-handler/${s}`).sort());
  });

  it('publishes for electron-updater’s generic provider (the URL itself comes from policy)', async () => {
    expect((await config()).publish).toEqual([{ provider: 'generic', url: 'https://updates.invalid/focusline' }]);
  });
});
