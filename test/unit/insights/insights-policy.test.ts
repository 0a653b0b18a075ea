// Policy's insights.visible: false turns off every report main keeps, not only the tab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Services } from '../../../src-main/app/services.js';
import { startWebServices, writeManagedPolicy } from '../web-services.js';

let dir: string;
let services: Services;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fl-insights-policy-'));
  await writeManagedPolicy(dir, { 'insights.visible': false });
  services = await startWebServices(dir);
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
