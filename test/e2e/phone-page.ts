// What a tech sees and clicks, as Playwright steps. Everything is read from
// the UI (data-* attributes on the rendered call cards), never from app internals.
import type { Locator, Page } from 'playwright-core';
import { delay } from '../harness/processes.js';

export async function waitRegistered(page: Page, timeoutMs = 15_000): Promise<void> {
  await page.waitForSelector('[data-testid=status][data-registration=registered]', { timeout: timeoutMs });
}

export async function registrationOf(page: Page): Promise<{ state: string; detail: string }> {
  const state = (await page.getAttribute('[data-testid=status]', 'data-registration')) ?? '';
  const detail =
    (await page
      .locator('[data-testid=status-detail]')
      .textContent({ timeout: 500 })
      .catch(() => '')) ?? '';
  return { state, detail };
}

export async function dial(page: Page, target: string): Promise<void> {
  await page.click('[data-testid=tab-phone]');
  await page.fill('[data-testid=dial-input]', target);
  await page.click('[data-testid=dial-call]');
}

export function callCard(page: Page, state?: string) {
  return page.locator(state ? `[data-testid=call][data-state=${state}]` : '[data-testid=call]');
}

export async function waitForCall(page: Page, state: string, timeoutMs = 10_000): Promise<void> {
  await callCard(page, state).first().waitFor({ timeout: timeoutMs });
}

export async function waitNoCalls(page: Page, timeoutMs = 10_000): Promise<void> {
  await page.waitForSelector('[data-testid=calls-empty]', { timeout: timeoutMs });
}

/** Inbound audio packets of the call card in `state`, as the call-quality line shows them. */
export async function packetsIn(page: Page, state = 'active'): Promise<number> {
  const card = callCard(page, state).first();
  const value = await card.locator('[data-testid=call-stats]').getAttribute('data-packets-in', { timeout: 5_000 });
  return Number(value ?? 'NaN');
}

/** Packets received over a window, read twice from the UI. */
export async function packetsGained(page: Page, windowMs: number, state = 'active'): Promise<number> {
  const before = await packetsIn(page, state);
  await delay(windowMs);
  return (await packetsIn(page, state)) - before;
}

/** Received audio energy (WebRTC totalAudioEnergy) of the call card in `state`: grows while the far end is heard. */
export async function energyIn(page: Page, state = 'active'): Promise<number> {
  const value = await callCard(page, state).first().locator('[data-testid=call-stats]').getAttribute('data-energy-in', { timeout: 5_000 });
  return Number(value ?? 'NaN');
}

/** Audio energy received over a window, read twice from the UI. */
export async function energyGained(page: Page, windowMs: number, state = 'active'): Promise<number> {
  const before = await energyIn(page, state);
  await delay(windowMs);
  return (await energyIn(page, state)) - before;
}

/**
 * One of a follow-up row's actions: the row's one primary button when it is that
 * action (Create ticket instead, or Call back once the caller has a ticket), else from its menu.
 */
export async function followUpAction(row: Locator, action: 'create-ticket' | 'call-back' | 'edit-ticket' | 'add-note' | 'dismiss'): Promise<void> {
  const button = row.locator(`[data-testid=quiet-${action}]`);
  if (!(await button.isVisible())) await row.locator('[data-testid=quiet-more]').click();
  await button.click();
}
