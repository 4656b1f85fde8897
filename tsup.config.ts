import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // Library entries: Node (may load nodejieba), browser (web standards only), kefu/redis (ioredis).
    entry: { index: 'src/index.ts', browser: 'src/browser.ts', redis: 'src/redis/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    shims: true,
    external: ['nodejieba', 'onnxruntime-node'],
  },
  {
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    external: ['nodejieba', 'onnxruntime-node'],
    banner: { js: '#!/usr/bin/env node' },
  },
]);
