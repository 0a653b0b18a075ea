import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

  it('ships a 512x512 app icon for the installers', () => {
    const png = readFileSync(join(PROJECT_DIR, 'assets', 'icon.png'));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
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
