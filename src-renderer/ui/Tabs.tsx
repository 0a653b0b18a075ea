import type { LucideIcon } from 'lucide-react';
import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export type TabItem<Id extends string> = { id: Id; label: string; icon?: LucideIcon; badge?: ReactNode };

/**
 * WAI-ARIA tabs: one tab in the Tab order (roving tabindex), arrow keys move
 * and select (automatic activation: every panel here is cheap to show), Home and End jump.
 * `idPrefix` names the tabs and their panels (`${idPrefix}-tab-${id}`, `${idPrefix}-panel-${id}`).
 */
export function TabList<Id extends string>(props: {
  items: readonly TabItem<Id>[];
  value: Id;
  onChange: (id: Id) => void;
  label: string;
  idPrefix: string;
  orientation?: 'horizontal' | 'vertical';
  className?: string;
  testIdPrefix?: string;
}) {
  const refs = useRef(new Map<Id, HTMLButtonElement>());
  const vertical = props.orientation === 'vertical';
  const move = (e: KeyboardEvent, index: number) => {
    const last = props.items.length - 1;
    const next: Record<string, number> = {
      [vertical ? 'ArrowDown' : 'ArrowRight']: index === last ? 0 : index + 1,
      [vertical ? 'ArrowUp' : 'ArrowLeft']: index === 0 ? last : index - 1,
      Home: 0,
      End: last,
    };
    const to = next[e.key];
    const item = to === undefined ? undefined : props.items[to];
    if (!item) return;
    e.preventDefault();
    props.onChange(item.id);
    refs.current.get(item.id)?.focus();
  };
  return (
    <div role="tablist" aria-label={props.label} aria-orientation={vertical ? 'vertical' : 'horizontal'} className={props.className ?? 'tabs'}>
      {props.items.map((item, i) => {
        const selected = item.id === props.value;
        const Icon = item.icon;
        return (
          <button
            key={item.id}
            ref={(el) => {
              if (el) refs.current.set(item.id, el);
              else refs.current.delete(item.id);
            }}
            type="button"
            role="tab"
            id={`${props.idPrefix}-tab-${item.id}`}
            aria-controls={`${props.idPrefix}-panel-${item.id}`}
            aria-selected={selected}
            tabIndex={selected ? 0 : -1}
            className={selected ? 'tab active' : 'tab'}
            onClick={() => props.onChange(item.id)}
            onKeyDown={(e) => move(e, i)}
            data-testid={`${props.testIdPrefix ?? `${props.idPrefix}-`}${item.id}`}
          >
            {Icon && <Icon size={16} aria-hidden="true" />}
            <span>{item.label}</span>
            {item.badge}
          </button>
        );
      })}
    </div>
  );
}

export function TabPanel(props: { idPrefix: string; id: string; children: ReactNode; className?: string }) {
  return (
    <div role="tabpanel" id={`${props.idPrefix}-panel-${props.id}`} aria-labelledby={`${props.idPrefix}-tab-${props.id}`} className={props.className}>
      {props.children}
    </div>
  );
}
