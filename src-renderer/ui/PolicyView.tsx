import { useAppStore } from '../state/app-store.js';

const SOURCE_LABELS = {
  enforced: 'Managed by your organization',
  recommended: 'Recommended by your organization',
  user: 'Your setting',
  default: 'Default',
} as const;

/** Every effective setting, its value, and where it came from; policy problems first, in plain words. */
export function PolicyView() {
  const policy = useAppStore((s) => s.policy);
  return (
    <section className="card policy" aria-label="Policy">
      <h2>Policy</h2>
      {policy.problems.length > 0 && (
        <ul className="problems" role="alert" data-testid="policy-problems">
          {policy.problems.map((p, i) => (
            <li key={i} data-testid="policy-problem">
              <strong>{p.origin}</strong>
              {p.key && (
                <>
                  {' '}
                  — <code>{p.key}</code>
                </>
              )}
              : {p.message}
            </li>
          ))}
        </ul>
      )}
      <table>
        <thead>
          <tr>
            <th>Setting</th>
            <th>Value</th>
            <th>Source</th>
          </tr>
        </thead>
        <tbody>
          {policy.entries.map((e) => (
            <tr key={e.key} data-testid="policy-entry" data-key={e.key} data-source={e.source}>
              <td title={e.description}>
                <code>{e.key}</code>
              </td>
              <td className="value">{e.value}</td>
              <td title={e.origin}>
                {SOURCE_LABELS[e.source]}
                {e.origin && <small>{e.origin}</small>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
