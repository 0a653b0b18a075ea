import { lazy, Suspense } from 'react';
import type { FocuslineApi } from '../../src-main/ipc/contract.js';
import { usePolicyValue } from './use-policy-value.js';

// The charts (recharts and its d3 parts) load when the tab is first opened, in their own chunk,
// so the phone's window starts no slower for them.
const InsightsView = lazy(() => import('./InsightsView.js').then((m) => ({ default: m.InsightsView })));

/**
 * Policy may hide the Insights tab (`insights.visible`); main refuses its query then too. Hidden until
 * policy has loaded, so an organization that turned it off never sees it flash up at start.
 */
export function useInsightsVisible(): boolean {
  return usePolicyValue('insights.visible', false);
}

export function InsightsTab({ api }: { api: FocuslineApi }) {
  return (
    <Suspense fallback={<p className="hint">Loading Insights…</p>}>
      <InsightsView api={api} />
    </Suspense>
  );
}
