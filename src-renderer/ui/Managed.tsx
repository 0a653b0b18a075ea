import { Lock } from 'lucide-react';

/** Shown beside a setting that policy enforces; the field itself shows the enforced value. */
export function Managed() {
  return (
    <span className="managed" data-testid="managed">
      <Lock size={14} aria-hidden="true" />
      Managed by your organization
    </span>
  );
}
