export type DesktopNotification = {
  title: string;
  body: string;
  /** Suppressed-call notices are silent: the point is not to interrupt. */
  silent?: boolean;
  onClick?: () => void;
};

/** The slice of Electron's Notification used here. */
export interface NotificationPort {
  isSupported(): boolean;
  create(options: { title: string; body: string; silent: boolean }): {
    show(): void;
    on(event: 'click', listener: () => void): unknown;
  };
}

export type Notify = (notification: DesktopNotification) => boolean;

/** OS notifications for later features (suppressed calls, callbacks due). Returns false where the OS has none. */
export function createNotifier(port: NotificationPort): Notify {
  return (notification) => {
    if (!port.isSupported()) return false;
    const shown = port.create({ title: notification.title, body: notification.body, silent: notification.silent ?? false });
    if (notification.onClick) shown.on('click', notification.onClick);
    shown.show();
    return true;
  };
}
