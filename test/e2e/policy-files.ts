// A managed-policy folder (FOCUSLINE_POLICY_DIR layout) that a test writes the way a manager's tooling would.
import { mkdir, mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type PolicyFolder = {
  dir: string;
  managedFile: string;
  write(level: 'managed' | 'recommended', name: string, content: unknown): Promise<string>;
  writeRaw(level: 'managed' | 'recommended', name: string, text: string): Promise<string>;
};

export async function makePolicyFolder(): Promise<PolicyFolder> {
  const dir = await mkdtemp(join(tmpdir(), 'focusline-policy-'));
  await mkdir(join(dir, 'managed'));
  await mkdir(join(dir, 'recommended'));
  const writeRaw = async (level: 'managed' | 'recommended', name: string, text: string) => {
    const path = join(dir, level, name);
    // Written beside and renamed, as deployment tools do, so the app never reads half a file by accident.
    await writeFile(`${path}.tmp`, text);
    await rename(`${path}.tmp`, path);
    return path;
  };
  return {
    dir,
    managedFile: join(dir, 'managed', 'focusline.json'),
    writeRaw,
    write: (level, name, content) => writeRaw(level, name, JSON.stringify(content, null, 2)),
  };
}
