import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { policyJsonSchemaText, POLICY_SCHEMA_FILE } from '../../../src-main/policy/json-schema.js';
import { policyKeys } from '../../../src-main/policy/schema.js';

const repoFile = (path: string) => new URL(`../../../${path}`, import.meta.url);
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

describe(POLICY_SCHEMA_FILE, () => {
  it('is up to date with the settings registry', async () => {
    const expected = policyJsonSchemaText();
    const committed = await readFile(repoFile(POLICY_SCHEMA_FILE), 'utf8').catch(() => '');
    if (committed !== expected && UPDATE) {
      await writeFile(repoFile(POLICY_SCHEMA_FILE), expected);
      return;
    }
    // toBe would print a 400-line diff first; the message that matters is how to fix it.
    if (committed !== expected) {
      expect.fail(
        `${POLICY_SCHEMA_FILE} is out of date with src-main/policy/schema.ts. Regenerate it with:\n  UPDATE_SNAPSHOTS=1 npx vitest run --project unit test/unit/policy/json-schema.test.ts\nand commit the result.`,
      );
    }
  });

  it('lists every key policy may set, and only those', () => {
    const schema = JSON.parse(policyJsonSchemaText()) as {
      properties: Record<string, { description?: string; default?: unknown }>;
      additionalProperties: boolean;
    };
    expect(Object.keys(schema.properties).sort()).toEqual(['$schema', ...policyKeys()].sort());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties['focus.busyCode']).toMatchObject({ default: 486, description: expect.stringContaining('486') });
  });
});
