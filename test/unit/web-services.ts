// main's services as web mode starts them, on a test's own folder: the data in <dir>/data, managed
// policy from <dir>/policy. For tests that drive main through its commands, as the window does.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServices, type ServiceOptions, type Services } from '../../src-main/app/services.js';
import type { CommandName, CommandRequest, CommandResponse } from '../../src-main/ipc/contract.js';
import { InMemorySecretStore } from './in-memory-secret-store.js';

export function startWebServices(dir: string, extra: Partial<ServiceOptions> = {}): Promise<Services> {
  return createServices({
    mode: 'web',
    version: '1.0.0',
    dataDir: join(dir, 'data'),
    secrets: new InMemorySecretStore(),
    log: () => {},
    env: { FOCUSLINE_POLICY_DIR: join(dir, 'policy') },
    ...extra,
  });
}

/** The manager's enforced policy for startWebServices(dir). */
export async function writeManagedPolicy(dir: string, policy: Record<string, unknown>): Promise<void> {
  await mkdir(join(dir, 'policy', 'managed'), { recursive: true });
  await writeFile(join(dir, 'policy', 'managed', 'focusline.json'), JSON.stringify(policy));
}

/** A command's answer, or its error as a thrown Error naming the command. */
export async function routeOrThrow<K extends CommandName>(services: Services, name: K, request: CommandRequest<K>): Promise<CommandResponse<K>> {
  const result = await services.route(name, request);
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  return result.value as CommandResponse<K>;
}
