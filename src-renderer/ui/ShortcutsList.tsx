import { PHONE_TAB_KEYS, SHORTCUTS } from './keyboard-shortcuts.js';

/** Settings → Shortcuts: the window's keys, from the one module that defines them. */
export function ShortcutsList() {
  return (
    <div className="card" aria-labelledby="shortcuts-heading">
      <h2 id="shortcuts-heading">Keyboard shortcuts</h2>
      <p className="hint">These work while the Focusline window has the focus.</p>
      <table className="shortcuts">
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">What they do</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.id} data-testid="shortcut" data-shortcut={s.id}>
              <td>
                <kbd>{s.keys}</kbd>
              </td>
              <td>{s.label}</td>
            </tr>
          ))}
          {PHONE_TAB_KEYS.map((k) => (
            <tr key={k.keys}>
              <td>
                <kbd>{k.keys}</kbd>
              </td>
              <td>{k.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
