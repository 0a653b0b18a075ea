// @vitest-environment jsdom
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useAppStore } from '../../../src-renderer/state/app-store.js';
import { useInsightsVisible } from '../../../src-renderer/ui/InsightsTab.js';

const policyWith = (visible: boolean) => ({
  entries: [{ key: 'insights.visible', description: '', value: JSON.stringify(visible), source: 'enforced' as const, origin: '', locked: true }],
  problems: [],
});

afterEach(() => {
  cleanup();
  act(() => useAppStore.getState().set({ policy: { entries: [], problems: [] } }));
});

describe('the Insights tab and policy', () => {
  it('stays hidden until policy has loaded, then follows insights.visible', () => {
    const { result } = renderHook(() => useInsightsVisible());
    expect(result.current).toBe(false);
    act(() => useAppStore.getState().set({ policy: policyWith(true) }));
    expect(result.current).toBe(true);
    act(() => useAppStore.getState().set({ policy: policyWith(false) }));
    expect(result.current).toBe(false);
  });
});
