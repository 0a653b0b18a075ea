// js-yaml 4 ships no types; the one function Focusline calls (what electron-updater reads app-update.yml with).
declare module 'js-yaml' {
  export function load(text: string): unknown;
}
