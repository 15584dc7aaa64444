// Shared benchmark helpers: percentiles, timing a process start, one JSON line out.
import { spawnSync } from 'node:child_process'

export function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]!
}

export function median (values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50)
}

export const round = (n: number, digits = 2): number => Number(n.toFixed(digits))

/** The environment for start-up measurements: NODE_EXTRA_CA_CERTS adds ~130 ms to any Node start. */
export function cleanEnv (extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra }
  delete env.NODE_EXTRA_CA_CERTS
  delete env.NODE_OPTIONS
  return env
}

/** Wall-clock milliseconds of one run of CMD to completion; throws on a non-zero exit. */
export function timeRun (cmd: string, args: string[], env: NodeJS.ProcessEnv): number {
  const t = process.hrtime.bigint()
  const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
  const ms = Number(process.hrtime.bigint() - t) / 1e6
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${String(r.status)}: ${r.stderr?.toString() ?? ''}`)
  return ms
}

export function emit (result: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(result) + '\n')
}
