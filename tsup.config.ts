import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // Library entries: Node (may load nodejieba), browser (web standards only), kefu/redis (ioredis),
    // kefu/text (Node and browser builds), kefu/server (live chat); internal: for bench/ and scripts/ only, not exported.
    entry: { index: 'src/index.ts', browser: 'src/browser.ts', redis: 'src/redis/index.ts', text: 'src/text/node.ts', 'text-browser': 'src/text/index.ts', internal: 'src/internal.ts', server: 'src/server/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    shims: true,
    external: ['nodejieba', 'onnxruntime-node'],
  },
  {
    entry: { 'cli/main': 'src/cli/main.ts', 'cli/run': 'src/cli/run.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    external: ['nodejieba', 'onnxruntime-node'],
    banner: { js: '#!/usr/bin/env node' },
  },
]);
