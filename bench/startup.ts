// Start-up cost of the single executable: `dist/conclave --version` against `node -e 0`,
// interleaved, NODE_EXTRA_CA_CERTS unset for both. Goals: ratio <= 2.5, binary <= 90 MB.
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { cleanEnv, emit, median, round, timeRun } from './lib.js'

const runs = Number(process.env.BENCH_RUNS ?? 20)
const binary = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'dist', 'conclave')
if (!existsSync(binary)) throw new Error(`${binary} missing: run 'npm run build' first`)
const env = cleanEnv()

// warm the page cache for both
timeRun(binary, ['--version'], env)
timeRun(process.execPath, ['-e', '0'], env)
const conclave: number[] = []
const node: number[] = []
for (let i = 0; i < runs; i++) {
  conclave.push(timeRun(binary, ['--version'], env))
  node.push(timeRun(process.execPath, ['-e', '0'], env))
}
const c = median(conclave)
const n = median(node)
const sizeMB = statSync(binary).size / 1e6
emit({
  bench: 'startup',
  runs,
  conclave_version_median_ms: round(c),
  node_e0_median_ms: round(n),
  ratio: round(c / n),
  ratio_goal: 2.5,
  binary_mb: round(sizeMB, 1),
  binary_goal_mb: 90,
  ok: c / n <= 2.5 && sizeMB <= 90
})
