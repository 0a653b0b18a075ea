import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_DIR_NAME = 'Focusline';

/**
 * Where Focusline keeps its data: FOCUSLINE_DATA_DIR when set (tests, portable
 * installs), otherwise the OS's per-user application-data folder — the same
 * place Electron's app.getPath('userData') points to, so both modes share it.
 */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const override = env.FOCUSLINE_DATA_DIR?.trim();
  if (override) return override;
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  switch (platform) {
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
    case 'darwin':
      return join(home, 'Library', 'Application Support', APP_DIR_NAME);
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), APP_DIR_NAME);
  }
}
