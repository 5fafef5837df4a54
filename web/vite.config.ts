// The web application (web/README.md). `npm run build` writes dist/web/, which the platform serves
// (src/web/web.routes.ts); `npx vite --config web/vite.config.ts` runs a dev server that proxies
// the API to a platform on :8080.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = 'http://localhost:8080';

export default defineConfig({
  root,
  base: '/',
  plugins: [vue()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // MapLibre alone is ~1 MB minified; it is one cached, hashed chunk, so the warning says nothing.
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
  server: {
    proxy: Object.fromEntries(['/api', '/tiles', '/ogcapi', '/health', '/access', '/vendor'].map((p) => [p, api])),
  },
});
