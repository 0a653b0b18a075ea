import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { publishersFromUpdateConfig } from '../../../src-main/app/auto-update.js';

type BuilderConfig = {
  mac?: { target?: string | string[] };
  win?: { signtoolOptions?: { publisherName?: string | string[] } };
};

const config = async () => load(await readFile(new URL('../../../electron-builder.yml', import.meta.url), 'utf8')) as BuilderConfig;

describe('electron-builder.yml builds what auto-update needs', () => {
  it('macOS: a zip beside the dmg, since electron-updater updates a Mac only from the zip', async () => {
    const target = (await config()).mac?.target;
    const targets = Array.isArray(target) ? target : [target];
    expect(targets).toContain('zip');
    expect(targets).toContain('dmg');
  });

  it('Windows: names the code-signing publisher, which app-update.yml carries and Focusline requires before updating', async () => {
    const publishers = publishersFromUpdateConfig((await config()).win?.signtoolOptions ?? {});
    expect(publishers.length).toBeGreaterThan(0);
  });
});
