import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { SettingsFileSchema } from '../../src-main/policy/schema.js';

describe('docs/settings.example.json', () => {
  it('is a settings file Focusline accepts', async () => {
    const example: unknown = JSON.parse(await readFile(new URL('../../docs/settings.example.json', import.meta.url), 'utf8'));
    const parsed = SettingsFileSchema.safeParse(example);
    expect(parsed.success).toBe(true);
  });
});
