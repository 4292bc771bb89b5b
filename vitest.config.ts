// Vitest projects: unit (core, node platform), node (backend over loopback), dist (built bundles), browser (Chromium).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Explicit includes everywhere: nothing outside these folders is a vitest test.
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // installs the Node backend, so tests can import straight from src/
          setupFiles: ['test/support/setup.ts'],
          // lets the "exception was never retrieved" tests force a collection
          execArgv: ['--expose-gc'],
          // the seeded property storms take seconds in debug mode on a busy machine
          testTimeout: 15_000,
        },
      },
      {
        test: {
          name: 'node',
          include: ['test/node/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/support/setup.ts'],
        },
      },
      {
        test: {
          // the built files in dist/ (npm run build first)
          name: 'dist',
          include: ['test/dist/**/*.test.ts'],
          environment: 'node',
          // compiling consumers with tsc and starting Node scripts takes seconds on a busy machine
          testTimeout: 30_000,
        },
      },
      {
        test: {
          // runs in Node and drives Debian's Chromium through playwright-core
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
