import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

// electron-vite reads Electron's version to pick build targets. Electron is an optional
// dependency (its binary cannot be downloaded everywhere), so name the major version here
// and let the build work with or without it installed.
process.env.ELECTRON_MAJOR_VER ??= '40';

/**
 * The built page carries its own Content-Security-Policy, so it holds when Electron loads it
 * from a file (no response headers). Left out of the dev server, whose fast refresh needs inline scripts.
 */
function contentSecurityPolicyMeta(): Plugin {
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
  ].join('; ');
  return {
    name: 'connect-studio-csp',
    apply: 'build',
    transformIndexHtml: (html) =>
      html.replace(
        '<head>',
        `<head>\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`,
      ),
  };
}

// zod ships comments that Rollup cannot place; they are harmless and only clutter the build log.
const quietRollup = {
  onwarn(warning: { code?: string; id?: string }, warn: (w: never) => void) {
    if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
    warn(warning as never);
  },
};

export default defineConfig({
  main: {
    build: {
      // The CLI runs on plain Node 20 as well as inside Electron.
      target: 'node20',
      rollupOptions: {
        ...quietRollup,
        input: {
          index: resolve(__dirname, 'src-main/main.ts'),
          cli: resolve(__dirname, 'src-main/cli.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        ...quietRollup,
        input: { index: resolve(__dirname, 'src-main/preload.ts') },
        // A sandboxed preload cannot require npm packages: bundle everything but electron.
        external: ['electron'],
      },
      externalizeDeps: false,
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [react(), contentSecurityPolicyMeta()],
    // Monaco's editor worker is an ES module with shared chunks; Vite's default (iife) cannot split.
    worker: { format: 'es' },
    build: {
      // One desktop bundle read from disk: size matters less than in a web page.
      chunkSizeWarningLimit: 2048,
      rollupOptions: {
        ...quietRollup,
        input: { index: resolve(__dirname, 'src-renderer/index.html') },
      },
    },
  },
});
