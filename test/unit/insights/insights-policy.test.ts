// Policy's insights.visible: false turns off every report main keeps, not only the tab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices, type Services } from '../../../src-main/app/services.js';
import { InMemorySecretStore } from '../in-memory-secret-store.js';

let dir: string;
let services: Services;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fl-insights-policy-'));
  await mkdir(join(dir, 'policy', 'managed'), { recursive: true });
  await writeFile(join(dir, 'policy', 'managed', 'focusline.json'), JSON.stringify({ 'insights.visible': false }));
  services = await createServices({
    mode: 'web',
    version: '1.0.0',
    dataDir: join(dir, 'data'),
    secrets: new InMemorySecretStore(),
    log: () => {},
    env: { FOCUSLINE_POLICY_DIR: join(dir, 'policy') },
  });
});

afterAll(async () => {
  await services?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('insights.visible: false', () => {
  it('refuses the Insights query and the repeat-caller report alike, naming the policy', async () => {
    const insights = await services.route('insights.get', { from: '2026-03-01', to: '2026-03-07', timeZone: 'UTC' });
    const report = await services.route('reports.repeatCallers', { days: 7 });
    expect(insights.ok ? '' : insights.error.message).toMatch(/policy insights\.visible/);
    expect(report.ok ? '' : report.error.message).toMatch(/policy insights\.visible/);
  });
});
