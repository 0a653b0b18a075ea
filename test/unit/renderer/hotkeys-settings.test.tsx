// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FocuslineApi, PolicyView } from '../../../src-main/ipc/contract.js';
import { useAppStore } from '../../../src-renderer/state/app-store.js';
import { useDesktopStore } from '../../../src-renderer/state/desktop-store.js';
import { GlobalHotkeysSettings } from '../../../src-renderer/ui/GlobalHotkeysSettings.js';

const entry = (key: string, value: unknown, locked = false): PolicyView['entries'][number] => ({
  key,
  description: '',
  value: JSON.stringify(value),
  source: locked ? 'enforced' : 'user',
  origin: '',
  locked,
});

afterEach(() => {
  cleanup();
  act(() => {
    useAppStore.getState().set({ policy: { entries: [], problems: [] } });
    useDesktopStore.getState().set({ desktop: null });
  });
});

function setup() {
  const invoke = vi.fn(async (_name: string, _request: unknown) => ({ entries: [], problems: [] }));
  const api = { invoke, on: () => () => {} } as unknown as FocuslineApi;
  act(() => {
    useAppStore.getState().set({
      policy: {
        entries: [entry('hotkeys.answer', 'Control+Alt+A', true), entry('hotkeys.mute', 'Control+Alt+M'), entry('hotkeys.mediaKeys', false)],
        problems: [],
      },
    });
    useDesktopStore.getState().set({
      desktop: {
        available: true,
        hotkeys: [
          { action: 'answer', accelerator: 'Control+Alt+A', state: 'registered', message: '' },
          {
            action: 'mute',
            accelerator: 'Control+Alt+M',
            state: 'taken',
            message: 'Control+Alt+M is taken by another app or the system, so Mute has no hotkey; choose another key in Settings → Hotkeys.',
          },
        ],
        update: { state: 'off', version: null, message: '' },
      },
    });
  });
  render(<GlobalHotkeysSettings api={api} />);
  return { invoke };
}

describe('Settings → Hotkeys', () => {
  it('shows a key policy sets as managed, and a key another app holds with what to do', () => {
    setup();
    const answer = screen.getByTestId<HTMLInputElement>('hotkey-answer');
    expect(answer.value).toBe('Control+Alt+A');
    expect(answer.disabled).toBe(true);
    expect(screen.getByTestId('hotkey-problem-mute').textContent).toBe(
      'Control+Alt+M is taken by another app or the system, so Mute has no hotkey; choose another key in Settings → Hotkeys.',
    );
  });

  it('saves a combination in Electron’s spelling, and refuses a bare letter before saving', () => {
    const { invoke } = setup();
    const mute = screen.getByTestId<HTMLInputElement>('hotkey-mute');
    fireEvent.change(mute, { target: { value: 'm' } });
    expect(screen.getByRole('alert').textContent).toBe('m needs a modifier such as Ctrl or Alt: on its own it would take that key from every other app.');
    fireEvent.blur(mute);
    expect(invoke).not.toHaveBeenCalled();
    fireEvent.change(mute, { target: { value: 'ctrl+shift+m' } });
    fireEvent.blur(mute);
    expect(invoke).toHaveBeenCalledExactlyOnceWith('settings.setValue', { key: 'hotkeys.mute', value: 'Control+Shift+M' });
    fireEvent.click(screen.getByTestId('hotkeys-media'));
    expect(invoke).toHaveBeenLastCalledWith('settings.setValue', { key: 'hotkeys.mediaKeys', value: true });
  });
});
