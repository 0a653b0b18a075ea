export type NotificationButton = { text: string; onAction: () => void };

export type DesktopNotification = {
  title: string;
  body: string;
  /** Suppressed-call notices are silent: the point is not to interrupt. */
  silent?: boolean;
  onClick?: () => void;
  /** Buttons on the notification where the OS has them (macOS, Windows); on Linux the click does the work. */
  actions?: NotificationButton[];
  /** A newer notification with the same key takes the older one's place: a storm of held-back calls is one notification, not a thousand. */
  replaces?: string;
};

type ActionEvent = { actionIndex?: number } | undefined;

/** The slice of Electron's Notification used here. */
export interface NotificationPort {
  isSupported(): boolean;
  create(options: { title: string; body: string; silent: boolean; actions?: Array<{ type: 'button'; text: string }> }): {
    show(): void;
    close(): void;
    on(event: 'click', listener: () => void): unknown;
    on(event: 'action', listener: (event: ActionEvent, actionIndex?: number) => void): unknown;
  };
}

export type Notify = (notification: DesktopNotification) => boolean;

/** Electron shows notification buttons on macOS and Windows only. */
export function notificationButtonsShown(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32';
}

/** OS notifications (ringing calls, held-back calls, the 15-minute rule). Returns false where the OS has none. */
export function createNotifier(port: NotificationPort, platform: NodeJS.Platform = process.platform): Notify {
  const current = new Map<string, { close(): void }>();
  return (notification) => {
    if (!port.isSupported()) return false;
    const actions = notificationButtonsShown(platform) ? (notification.actions ?? []) : [];
    const shown = port.create({
      title: notification.title,
      body: notification.body,
      silent: notification.silent ?? false,
      ...(actions.length > 0 ? { actions: actions.map((a) => ({ type: 'button' as const, text: a.text })) } : {}),
    });
    if (notification.onClick) shown.on('click', notification.onClick);
    if (actions.length > 0) {
      shown.on('action', (event, legacyIndex) => {
        // Electron 41 passes the index in the event's details; older ones as the second argument.
        const index = event?.actionIndex ?? legacyIndex ?? -1;
        actions[index]?.onAction();
      });
    }
    if (notification.replaces !== undefined) {
      current.get(notification.replaces)?.close();
      current.set(notification.replaces, shown);
    }
    shown.show();
    return true;
  };
}
