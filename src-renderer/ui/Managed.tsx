/** Shown beside a setting that policy enforces. */
export function Managed() {
  return (
    <span className="managed" data-testid="managed">
      Managed by your organization
    </span>
  );
}
