import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// electron-vite refuses the name vite.config.ts; that file is the renderer-only
// config for the browser build. Main has two entries: the Electron shell and
// the web-mode host. The preload is forced to CJS because a sandboxed preload
// can't load ESM.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve('src-main/app/electron-main.ts'),
          web: resolve('src-main/app/web-main.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [react()],
    build: {
      rollupOptions: { input: { index: resolve('src-renderer/index.html') } },
    },
  },
});
