import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import type { PhoneStatus } from '../../../../src-main/ipc/contract.js';
import { TRAY_STATES, trayGlance, trayIconFile, trayMenuTemplate, trayStateFor, trayTooltip, type TrayState } from '../../../../src-main/app/tray-menu.js';
import { PROJECT_DIR } from '../fake-electron.js';

const status = (registration: PhoneStatus['registration'], extra: Partial<PhoneStatus> = {}): PhoneStatus => ({
  registration,
  detail: '',
  activeCalls: 0,
  ringing: false,
  ...extra,
});

const cases: Array<[string, PhoneStatus, TrayState, string]> = [
  ['not set up', status('unconfigured'), 'offline', 'Focusline: Not set up: open Focusline to add your phone account'],
  ['offline', status('offline'), 'offline', 'Focusline: Offline'],
  ['registering', status('registering'), 'registering', 'Focusline: Connecting…'],
  ['registered', status('registered'), 'available', 'Focusline: Available'],
  ['in a call', status('registered', { activeCalls: 1 }), 'in-call', 'Focusline: On a call'],
  ['in two calls', status('registered', { activeCalls: 2 }), 'in-call', 'Focusline: On 2 calls'],
  ['ringing', status('registered', { ringing: true }), 'in-call', 'Focusline: Incoming call'],
  ['in a call while re-registering', status('reconnecting', { activeCalls: 1 }), 'in-call', 'Focusline: On a call'],
  ['reconnecting', status('reconnecting'), 'reconnecting', 'Focusline: Reconnecting…'],
  ['failed', status('failed', { detail: '403 Forbidden' }), 'failed', 'Focusline: Not connected: 403 Forbidden'],
];

describe('tray icon, tooltip and menu from the phone status', () => {
  it.each(cases)('%s', (_name, phone, state, tooltip) => {
    expect(trayStateFor(phone)).toBe(state);
    expect(trayIconFile(state)).toBe(`tray-${state}.png`);
    expect(trayTooltip(phone)).toBe(tooltip);
  });

  it('keeps a long failure reason within the Windows tooltip limit', () => {
    const tooltip = trayTooltip(status('failed', { detail: 'x'.repeat(500) }));
    expect(tooltip.length).toBe(127);
    expect(tooltip.endsWith('…')).toBe(true);
  });

  it('shows the status, then Open and Quit wired to the given actions', () => {
    const open = vi.fn();
    const quit = vi.fn();
    const menu = trayMenuTemplate(status('registered'), { open, quit });
    expect(menu).toEqual([
      { label: 'Available', enabled: false },
      { type: 'separator' },
      { label: 'Open Focusline', click: open },
      { label: 'Quit Focusline', click: quit },
    ]);
  });

  it.each(TRAY_STATES)('ships a PNG for %s at 1x (16 px) and @2x (32 px)', (state) => {
    for (const [file, size] of [
      [trayIconFile(state), 16],
      [trayIconFile(state).replace('.png', '@2x.png'), 32],
    ] as const) {
      const png = readFileSync(join(PROJECT_DIR, 'assets', file));
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    }
  });

  it.each(TRAY_STATES)('ships a macOS template image for %s: black and transparent only, 1x and @2x', (state) => {
    expect(trayIconFile(state, 'darwin')).toBe(`tray-${state}Template.png`);
    for (const [file, size] of [
      [trayIconFile(state, 'darwin'), 16],
      [trayIconFile(state, 'darwin').replace('.png', '@2x.png'), 32],
    ] as const) {
      const png = readFileSync(join(PROJECT_DIR, 'assets', file));
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
      // IDAT holds deflated rows: every pixel's colour is black (0,0,0), whatever its alpha.
      const idatAt = png.indexOf('IDAT');
      const rows = inflateSync(png.subarray(idatAt + 4, idatAt + 4 + png.readUInt32BE(idatAt - 4)));
      let opaque = 0;
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) {
          const at = y * (size * 4 + 1) + 1 + x * 4;
          expect([rows[at], rows[at + 1], rows[at + 2]]).toEqual([0, 0, 0]);
          if ((rows[at + 3] ?? 0) > 0) opaque++;
        }
      expect(opaque).toBeGreaterThan(0);
    }
  });

  it('ships a 1024x1024 app icon for the installers', () => {
    const png = readFileSync(join(PROJECT_DIR, 'assets', 'icon.png'));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024]);
  });
});

describe('the tray while focused', () => {
  const registered: PhoneStatus = { registration: 'registered', detail: '', activeCalls: 0, ringing: false };
  const focused = { mode: 'ticket' as const, label: 'Focused: #1042 Acme: printer down', ticket: { id: '1042' }, until: null };
  const dnd = { mode: 'dnd' as const, label: 'Do not disturb', ticket: null, until: '2026-12-07T14:00:00.000Z' };
  const clock = (iso: string) => iso.slice(11, 16);

  it('shows a distinct icon and the window’s words in the tooltip', () => {
    expect(trayStateFor(registered, focused)).toBe('focused');
    expect(trayIconFile(trayStateFor(registered, focused))).toBe('tray-focused.png');
    expect(trayTooltip(registered, focused)).toBe('Focusline: Focused on #1042');
  });

  it('shows do-not-disturb with its own icon and its end, as the window does', () => {
    expect(trayStateFor(registered, dnd)).toBe('dnd');
    expect(trayGlance(registered, dnd, clock)).toEqual({ state: 'dnd', words: 'Do not disturb until 14:00' });
  });

  it('a call still outranks focus, and the tooltip still names the focus', () => {
    expect(trayStateFor({ ...registered, activeCalls: 1 }, focused)).toBe('in-call');
    expect(trayTooltip({ ...registered, activeCalls: 1 }, focused)).toBe('Focusline: On a call · Focused: #1042 Acme: printer down');
  });

  it('a registration problem outranks focus: calls can’t arrive', () => {
    expect(trayStateFor({ ...registered, registration: 'reconnecting' }, dnd)).toBe('reconnecting');
  });

  it('offers Stop work while focused and do-not-disturb when not', () => {
    const endFocus = vi.fn();
    const dndOneHour = vi.fn();
    const actions = { open: vi.fn(), quit: vi.fn(), endFocus, dndOneHour };
    const whileFocused = trayMenuTemplate(registered, actions, focused);
    expect(whileFocused.map((i) => ('label' in i ? i.label : '—'))).toEqual([
      'Focused on #1042',
      'Focused: #1042 Acme: printer down',
      'Stop work',
      '—',
      'Open Focusline',
      'Quit Focusline',
    ]);
    const stop = whileFocused.find((i) => 'label' in i && i.label === 'Stop work');
    if (stop && 'click' in stop) stop.click?.();
    expect(endFocus).toHaveBeenCalledOnce();
    const off = trayMenuTemplate(registered, actions);
    expect(off.map((i) => ('label' in i ? i.label : '—'))).toEqual(['Available', 'Do not disturb for 1 hour', '—', 'Open Focusline', 'Quit Focusline']);
  });
});

describe('the tray finish: follow-ups and updates', () => {
  const registered: PhoneStatus = { registration: 'registered', detail: '', activeCalls: 0, ringing: false };

  it('counts the calls to follow up in the tooltip and the menu; a click opens them', () => {
    const openFollowUps = vi.fn();
    const extras = { followUps: 3, update: null };
    expect(trayTooltip(registered, undefined, extras)).toBe('Focusline: Available · 3 calls to follow up');
    const menu = trayMenuTemplate(registered, { open: vi.fn(), quit: vi.fn(), openFollowUps }, undefined, extras);
    const item = menu.find((i) => 'label' in i && i.label === '3 calls to follow up');
    if (!item || !('click' in item)) throw new Error('no follow-up item');
    item.click?.();
    expect(openFollowUps).toHaveBeenCalledOnce();
    expect(trayTooltip(registered, undefined, { followUps: 1, update: null })).toBe('Focusline: Available · 1 call to follow up');
    expect(trayTooltip(registered, undefined, { followUps: 0, update: null })).toBe('Focusline: Available');
  });

  it('offers "Restart to update" once an update is downloaded, greyed out while it waits for the call', () => {
    const restartToUpdate = vi.fn();
    const actions = { open: vi.fn(), quit: vi.fn(), restartToUpdate };
    const ready = trayMenuTemplate(registered, actions, undefined, { followUps: 0, update: { label: 'Restart to update (1.2.0)', enabled: true } });
    expect(ready.map((i) => ('label' in i ? i.label : '—'))).toEqual(['Available', '—', 'Restart to update (1.2.0)', 'Open Focusline', 'Quit Focusline']);
    const waiting = trayMenuTemplate(registered, actions, undefined, { followUps: 0, update: { label: 'Restarts to update after the call', enabled: false } });
    expect(waiting.find((i) => 'label' in i && i.label === 'Restarts to update after the call')).toMatchObject({ enabled: false });
    expect(trayMenuTemplate(registered, actions).some((i) => 'label' in i && i.label.startsWith('Restart'))).toBe(false);
  });
});
