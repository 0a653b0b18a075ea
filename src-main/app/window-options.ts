/** The BrowserWindow options Focusline's one window uses (a subset of Electron's). */
export type MainWindowOptions = {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  icon?: string;
  autoHideMenuBar: boolean;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    webviewTag: false;
    experimentalFeatures: false;
    spellcheck: false;
    backgroundThrottling: false;
    autoplayPolicy: 'no-user-gesture-required';
  };
};

/**
 * Security settings are spelled out even where they match Electron's
 * defaults, so a default changing upstream can't loosen them silently.
 * backgroundThrottling is off because the phone lives in this window while
 * it is hidden in the tray: throttled timers would miss SIP re-registrations
 * and delay ringing. autoplayPolicy is spelled out for the same reason: the
 * window in the tray is never clicked, and Focusline's voicemail must play
 * its greeting into a call there (Electron's default today, pinned here).
 */
export function mainWindowOptions(preloadPath: string, iconPath?: string): MainWindowOptions {
  return {
    width: 420,
    height: 720,
    minWidth: 360,
    minHeight: 480,
    show: false,
    title: 'Focusline',
    ...(iconPath ? { icon: iconPath } : {}),
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      spellcheck: false,
      backgroundThrottling: false,
      autoplayPolicy: 'no-user-gesture-required',
    },
  };
}
