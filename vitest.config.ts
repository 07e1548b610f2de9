import { defineConfig } from 'vitest/config'

// Two projects: `unit` runs in seconds with no processes; `integration` starts real anvil, forge, cast and the CLI.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/**/*.int.test.{ts,tsx}'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.{ts,tsx}'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Two cores: anvil, solc and the CLI processes compete; more workers only add contention.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})
