// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallView, FocuslineApi, HistoryEntry, PhoneView } from '../../../../src-main/ipc/contract.js';
import { useAppStore } from '../../../../src-renderer/state/app-store.js';
import { usePhoneStore } from '../../../../src-renderer/state/phone-store.js';
import { WrapUp } from '../../../../src-renderer/ui/CallNotes.js';

/**
 * The wrap-up card at hang-up offers the call that just ended, never the one
 * before it: the history reaches the window a moment after the call leaves
 * the phone, and under load that moment was long enough for a tech to type
 * this call's summary into the previous call's card.
 */
const api = { invoke: async () => ({}), on: () => () => {} } as unknown as FocuslineApi;
const now = Date.now();

const call = (id: string): CallView => ({
  id,
  direction: 'incoming',
  remoteUri: `sip:${id}@pbx`,
  remoteName: id,
  state: 'active',
  silent: false,
  muted: false,
  startedAt: now - 60_000,
  answeredAt: now - 50_000,
  heldSince: null,
  reason: '',
  subject: null,
  transfer: null,
});

const entry = (id: string, endedAgoMs: number): HistoryEntry => ({
  id,
  direction: 'incoming',
  remoteUri: `sip:${id}@pbx`,
  remoteName: id,
  startedAt: new Date(now - endedAgoMs - 60_000).toISOString(),
  answeredAt: new Date(now - endedAgoMs - 50_000).toISOString(),
  endedAt: new Date(now - endedAgoMs).toISOString(),
  outcome: 'answered',
  reason: '',
});

const phone = (calls: CallView[]): PhoneView => ({ registration: 'registered', detail: '', calls, mwi: null, notice: null, mediaEndpoint: null }) as PhoneView;

afterEach(() => {
  cleanup();
  act(() => {
    usePhoneStore.setState({ calls: [], ended: [], wrappedUp: [] });
    useAppStore.getState().setHistory([]);
  });
});

describe('the wrap-up card', () => {
  it('waits for the call that just ended to reach the history, then offers that call', () => {
    act(() => {
      useAppStore.getState().setHistory([entry('earlier', 120_000)]);
      usePhoneStore.getState().setPhone(phone([call('now')]));
    });
    render(<WrapUp api={api} />);
    expect(screen.queryByTestId('wrap-up')).toBeNull();
    // Hung up: the phone has no call, the history doesn't have it yet.
    act(() => usePhoneStore.getState().setPhone(phone([])));
    expect(screen.queryByTestId('wrap-up')).toBeNull();
    act(() => useAppStore.getState().setHistory([entry('now', 1_000), entry('earlier', 120_000)]));
    expect(screen.getByTestId('wrap-up').getAttribute('data-call-id')).toBe('now');
  });
});
