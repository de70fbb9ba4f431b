import { fileURLToPath, URL } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// `npm run dev` serves the pages with hot reload and hands /api to the Flask server
// (`jiahe demo` or `jiahe serve`); JIAHE_API points elsewhere than its default port.
const apiServer = process.env.JIAHE_API ?? 'http://127.0.0.1:5000';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    proxy: { '/api': { target: apiServer, changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    manifest: true,
    // antd alone is most of a page's weight; what matters is that each route downloads only
    // its own, which scripts/bundle-report.mjs measures.
    chunkSizeWarningLimit: 1024,
  },
  test: {
    // Most of the logic is plain functions; files that need a browser say so.
    environment: 'node',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    restoreMocks: true,
  },
});
