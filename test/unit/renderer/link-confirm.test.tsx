// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { takeDialRequest, takeFocusLink } from '../../../src-renderer/session.js';
import { useAppStore } from '../../../src-renderer/state/app-store.js';
import { MAX_PENDING_LINKS, useDesktopStore } from '../../../src-renderer/state/desktop-store.js';
import { LINK_CONFIRM_ARM_MS, LinkConfirm } from '../../../src-renderer/ui/LinkConfirm.js';

/**
 * The confirmation a link from another app gets (issue #13): a tel:/sip:/
 * callto: link shows its number, a focusline:// link its focus command, and
 * nothing happens until the tech says so. session.ts turns main's
 * `phone.dial {confirm: true}` and `app.focusLink` into the prompt, as here;
 * with links.trusted main sends no `confirm` and no prompt
 * (test/unit/shell/app/electron-shell.test.ts checks main's side).
 */

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  act(() => useDesktopStore.getState().set({ pendingLinks: [] }));
});

const arm = () => act(() => vi.advanceTimersByTime(LINK_CONFIRM_ARM_MS));
const noFocusLinks = vi.fn(async () => ({ ran: false }));

describe('the session turns main’s link events into the prompt', () => {
  it('phone.dial with confirm: true is a prompt, never a call', () => {
    const dial = vi.fn(async (_target: string) => 'call-1');
    takeDialRequest({ target: '+15550100123', confirm: true }, dial);
    expect(useDesktopStore.getState().pendingLinks).toEqual([{ kind: 'dial', target: '+15550100123' }]);
    expect(dial).not.toHaveBeenCalled();
  });

  it('phone.dial without confirm (the window’s own click, or policy trusts links) dials', () => {
    const dial = vi.fn(async (_target: string) => 'call-1');
    takeDialRequest({ target: '+15550100123' }, dial);
    expect(dial).toHaveBeenCalledExactlyOnceWith('+15550100123');
    expect(useDesktopStore.getState().pendingLinks).toEqual([]);
  });

  it('app.focusLink is a prompt too', () => {
    takeFocusLink({ id: 'p1', summary: 'Turn on do-not-disturb for 30 minutes' });
    expect(useDesktopStore.getState().pendingLinks).toEqual([{ kind: 'focus', id: 'p1', summary: 'Turn on do-not-disturb for 30 minutes' }]);
  });

  it('more links than a few are refused, said plainly, not put in place of the one on screen', () => {
    const dial = vi.fn(async (_target: string) => 'call-1');
    for (let i = 0; i < MAX_PENDING_LINKS + 1; i++) takeDialRequest({ target: `+1555010000${i}`, confirm: true }, dial);
    expect(useDesktopStore.getState().pendingLinks.map((l) => (l.kind === 'dial' ? l.target : ''))).toEqual(['+15550100000', '+15550100001', '+15550100002']);
    expect(useAppStore.getState().notice).toMatch(/Ignored a link from another app/);
  });
});

describe('a dial link from another app', () => {
  it('shows the number, starts on Cancel, and dials only after Call, which is armed a moment later', () => {
    const call = vi.fn(async (_target: string) => 'call-1');
    render(<LinkConfirm call={call} runFocusLink={noFocusLinks} />);
    expect(screen.queryByTestId('link-confirm')).toBeNull();
    act(() => takeDialRequest({ target: '+15550100123', confirm: true }, call));
    expect(screen.getByRole('alertdialog').textContent).toContain('Call +15550100123?');
    expect(screen.getByRole('alertdialog').textContent).toContain('A link in another app asked Focusline to call this number.');
    // Focus lands on Cancel: an Enter already on its way cancels rather than dials.
    expect(document.activeElement).toBe(screen.getByTestId('link-confirm-cancel'));
    const callButton = screen.getByTestId('link-confirm-call') as HTMLButtonElement;
    expect(callButton.disabled).toBe(true);
    fireEvent.click(callButton);
    expect(call).not.toHaveBeenCalled();
    arm();
    expect(callButton.disabled).toBe(false);
    fireEvent.click(callButton);
    expect(call).toHaveBeenCalledExactlyOnceWith('+15550100123');
    expect(screen.queryByTestId('link-confirm')).toBeNull();
  });

  it('Cancel and Escape dial nothing', () => {
    const call = vi.fn(async (_target: string) => 'call-1');
    render(<LinkConfirm call={call} runFocusLink={noFocusLinks} />);
    act(() => takeDialRequest({ target: 'sip:alice@pbx.example.com', confirm: true }, call));
    arm();
    fireEvent.click(screen.getByTestId('link-confirm-cancel'));
    expect(screen.queryByTestId('link-confirm')).toBeNull();
    act(() => takeDialRequest({ target: 'sip:alice@pbx.example.com', confirm: true }, call));
    fireEvent.keyDown(screen.getByRole('alertdialog'), { key: 'Escape' });
    expect(screen.queryByTestId('link-confirm')).toBeNull();
    expect(call).not.toHaveBeenCalled();
  });

  it('a second link waits its turn, and Call is disarmed again when it comes up', () => {
    const call = vi.fn(async (_target: string) => 'call-1');
    render(<LinkConfirm call={call} runFocusLink={noFocusLinks} />);
    act(() => takeDialRequest({ target: '+15550100001', confirm: true }, call));
    arm();
    act(() => takeDialRequest({ target: '+15550100002', confirm: true }, call));
    // The first stays on screen, still armed: the new one did not take its place.
    expect(screen.getByRole('alertdialog').textContent).toContain('Call +15550100001?');
    fireEvent.click(screen.getByTestId('link-confirm-call'));
    expect(call).toHaveBeenCalledExactlyOnceWith('+15550100001');
    expect(screen.getByRole('alertdialog').textContent).toContain('Call +15550100002?');
    expect((screen.getByTestId('link-confirm-call') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId('link-confirm-call'));
    expect(call).toHaveBeenCalledTimes(1);
  });
});

describe('a focusline:// link from another app', () => {
  it('a link main no longer holds (answered after 5 minutes) says it was not run', async () => {
    const runFocusLink = vi.fn(async (_id: string, _run: boolean) => ({ ran: false }));
    render(<LinkConfirm call={vi.fn(async () => 'call-1')} runFocusLink={runFocusLink} />);
    act(() => takeFocusLink({ id: 'p9', summary: 'Turn on do-not-disturb for 60 minutes' }));
    arm();
    fireEvent.click(screen.getByTestId('link-confirm-call'));
    await vi.waitFor(() => expect(useAppStore.getState().notice).toBe('That link waited too long and was not run. Click it again if you still want it.'));
    act(() => useAppStore.getState().setNotice(''));
  });

  it('shows the command and answers main: Run runs it, Cancel drops it', () => {
    const runFocusLink = vi.fn(async (_id: string, _run: boolean) => ({ ran: true }));
    const call = vi.fn(async (_target: string) => 'call-1');
    render(<LinkConfirm call={call} runFocusLink={runFocusLink} />);
    act(() => takeFocusLink({ id: 'p1', summary: 'Turn on do-not-disturb for 30 minutes' }));
    expect(screen.getByRole('alertdialog').textContent).toContain('Turn on do-not-disturb for 30 minutes?');
    expect(screen.getByTestId('link-confirm-call').textContent).toBe('Run');
    arm();
    fireEvent.click(screen.getByTestId('link-confirm-call'));
    expect(runFocusLink).toHaveBeenCalledExactlyOnceWith('p1', true);
    act(() => takeFocusLink({ id: 'p2', summary: 'End focus and do-not-disturb' }));
    fireEvent.click(screen.getByTestId('link-confirm-cancel'));
    expect(runFocusLink).toHaveBeenLastCalledWith('p2', false);
    expect(call).not.toHaveBeenCalled();
  });
});
