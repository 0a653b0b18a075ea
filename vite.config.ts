import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Renderer-only config: `npx vite` serves the UI for browser-only work on the
// face (it then needs a running web host for its IPC), and `vite build`
// produces the same renderer that electron-vite builds.
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [react()],
  server: { host: '127.0.0.1', strictPort: false },
  build: { outDir: '../out/renderer', emptyOutDir: true },
});
