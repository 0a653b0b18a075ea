import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL, type PreloadBridge } from '../../src-shared/ipc/bridge.js';
import { createPreloadBridge } from './focusline-bridge.js';

// Built as CJS (sandboxed preloads can't load ESM): no top-level await, and
// nothing but `electron` may be required at runtime.
contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, createPreloadBridge(ipcRenderer) satisfies PreloadBridge);
