// The web app: built into web/dist (which the server serves), or run with a dev server that proxies the API.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The API server started by `npm run dev` listens on PORT (8080 unless set), as src/config.ts reads it.
const api = `http://localhost:${process.env.PORT ?? '8080'}`;
const toApi = { target: api, changeOrigin: false };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // MapLibre is most of the bytes and changes least: its own chunk, cached across releases of the app. It is
    // loaded only by the pages with a map (the floor, /connect and /connect/manage), never by sign-in.
    chunkSizeWarningLimit: 1100,
    rolldownOptions: {
      output: {
        codeSplitting: { groups: [{ name: 'maplibre', test: /node_modules[\\/]maplibre-gl/ }] },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { ...toApi, ws: true },
      '/docs': toApi,
      '/openapi.json': toApi,
      '/healthz': toApi,
      '/readyz': toApi,
    },
  },
});
