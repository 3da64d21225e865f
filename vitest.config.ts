import { defineConfig } from 'vitest/config';

// Integration tests measure real conversions: run files one at a time so they do not disturb each other's timings.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
