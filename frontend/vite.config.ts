import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The app is served by reviewdesk itself (serve, or the desktop window's asset server); `npm run dev` proxies the
// API to a running `reviewdesk serve`.
export default defineConfig({
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: false, target: 'es2022' },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
  test: { environment: 'node', include: ['src/**/*.test.ts'] },
});
