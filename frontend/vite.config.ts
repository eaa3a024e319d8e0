import { cpSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// pdf.js needs its character maps (Japanese PDFs with non-embedded fonts), its standard
// fonts and its image decoders at run time. They are copied into dist/pdfjs/ so the app
// works fully offline; nothing is fetched from a CDN.
function pdfjsAssets(): Plugin {
  return {
    name: 'kiroku-pdfjs-assets',
    apply: 'build',
    closeBundle() {
      const source = resolve(import.meta.dirname, 'node_modules/pdfjs-dist');
      for (const dir of ['cmaps', 'standard_fonts', 'wasm']) {
        const from = resolve(source, dir);
        if (existsSync(from)) cpSync(from, resolve(import.meta.dirname, 'dist/pdfjs', dir), { recursive: true });
      }
    },
  };
}

export default defineConfig({
  base: '/',
  plugins: [react(), pdfjsAssets()],
  build: {
    outDir: 'dist',
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8000' },
  },
  test: {
    environment: 'happy-dom',
    include: ['test/**/*.test.{ts,tsx}'],
  },
});
