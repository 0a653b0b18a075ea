// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useDesktopStore } from '../../../src-renderer/state/desktop-store.js';
import { LinkConfirm } from '../../../src-renderer/ui/LinkConfirm.js';

/**
 * The confirmation a tel:/sip:/callto: link from another app gets (issue #13):
 * the number is shown and nothing is dialled until the tech says Call.
 * session.ts puts main's `phone.dial {confirm: true}` into the store, as
 * here; with links.trusted main sends no `confirm` and session.ts dials at
 * once (test/unit/shell/app/electron-shell.test.ts checks main's side).
 */

afterEach(() => {
  cleanup();
  act(() => useDesktopStore.getState().set({ pendingDial: null }));
});

describe('a dial link from another app', () => {
  it('shows the number and dials only after Call', async () => {
    const call = vi.fn(async (_target: string) => 'call-1');
    render(<LinkConfirm call={call} />);
    expect(screen.queryByTestId('link-confirm')).toBeNull();
    act(() => useDesktopStore.getState().set({ pendingDial: '+15550100123' }));
    expect(screen.getByRole('alertdialog').textContent).toContain('Call +15550100123?');
    expect(screen.getByRole('alertdialog').textContent).toContain('A link in another app asked Focusline to call this number.');
    expect(call).not.toHaveBeenCalled();
    // Focus lands on Call, so Enter dials and Escape or Cancel doesn't.
    expect(document.activeElement).toBe(screen.getByTestId('link-confirm-call'));
    fireEvent.click(screen.getByTestId('link-confirm-call'));
    expect(call).toHaveBeenCalledExactlyOnceWith('+15550100123');
    expect(screen.queryByTestId('link-confirm')).toBeNull();
  });

  it('Cancel and Escape dial nothing', () => {
    const call = vi.fn(async (_target: string) => 'call-1');
    render(<LinkConfirm call={call} />);
    act(() => useDesktopStore.getState().set({ pendingDial: 'sip:alice@pbx.example.com' }));
    fireEvent.click(screen.getByTestId('link-confirm-cancel'));
    expect(screen.queryByTestId('link-confirm')).toBeNull();
    act(() => useDesktopStore.getState().set({ pendingDial: 'sip:alice@pbx.example.com' }));
    fireEvent.keyDown(screen.getByRole('alertdialog'), { key: 'Escape' });
    expect(screen.queryByTestId('link-confirm')).toBeNull();
    expect(call).not.toHaveBeenCalled();
  });
});
