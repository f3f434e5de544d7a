import { defineConfig } from 'vitest/config';

// Unit tests (*.test.ts) do no I/O; integration tests (*.int.test.ts) use real SQLite files and emulators over
// real sockets. Both run in `npm test`; `npm run test:unit` / `test:int` run one kind.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
