import { defineConfig } from 'vite';

// The paredao binary serves web/dist: `/` and `/p/{poll_id}` → index.html, `/admin` →
// admin.html (the production console), `/assets/…` → files.
// Asset URLs must therefore be absolute (base '/') so they resolve from /p/{id} too.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Two pages; each gets its own CSS, and what they share (api, ui, base styles) one chunk.
    cssCodeSplit: true,
    rollupOptions: {
      input: { index: 'index.html', admin: 'admin.html' },
    },
    modulePreload: { polyfill: false },
  },
  server: {
    // `npm run dev` proxies the API to a locally running `paredao serve` (default listen address).
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
