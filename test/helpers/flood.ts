// Helpers of the flood tests: RSS from /proc, JSON-line child drivers, waiting for a Proc's line.
//
// A process's RSS is sampled for its peak; a line is looked for without rescanning all output.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { ROOT } from './cli.js'
import type { Proc } from './proc.js'

export const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** VmRSS of PID in MiB (0 once the process is gone). */
export function rssMiB (pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m === null ? 0 : Math.round(Number(m[1]) / 102.4) / 10
  } catch {
    return 0
  }
}

/** Samples PID's RSS every 100 ms until stopped; calls ONEXCEED once if it passes CAPMIB (a safety net for the machine). */
export class RssSampler {
  readonly before: number
  peak: number
  readonly #timer: NodeJS.Timeout

  constructor (readonly pid: number, capMiB = Infinity, onExceed: () => void = () => {}) {
    this.before = rssMiB(pid)
    this.peak = this.before
    let fired = false
    this.#timer = setInterval(() => {
      const now = rssMiB(pid)
      if (now > this.peak) this.peak = now
      if (now > capMiB && !fired) { fired = true; onExceed() }
    }, 100)
  }

  stop (): { before: number, peak: number, growth: number } {
    clearInterval(this.#timer)
    return { before: this.before, peak: this.peak, growth: Math.round((this.peak - this.before) * 10) / 10 }
  }
}

/** `node --import tsx SCRIPT ARGS…` from the repository root; one JSON object per stdout line. */
export class JsonChild {
  readonly child: ChildProcessWithoutNullStreams
  readonly objects: Array<Record<string, unknown>> = []
  stderr = ''
  readonly exited: Promise<number | null>
  readonly #waiters = new Set<() => void>()

  constructor (script: string, args: string[] = []) {
    this.child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env: process.env, stdio: ['pipe', 'pipe', 'pipe'] })
    let buf = ''
    this.child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buf += d
      let i
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i)
        buf = buf.slice(i + 1)
        try { this.objects.push(JSON.parse(line) as Record<string, unknown>) } catch { this.stderr += `stdout: ${line}\n` }
      }
      for (const w of [...this.#waiters]) w()
    })
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => { this.stderr = (this.stderr + d).slice(-20_000) })
    this.child.stdin.on('error', () => {})
    this.exited = new Promise(resolve => this.child.on('close', code => { for (const w of [...this.#waiters]) w(); resolve(code) }))
  }

  send (o: object | string): void {
    this.child.stdin.write((typeof o === 'string' ? o : JSON.stringify(o)) + '\n')
  }

  /** The first object (from the start) that PREDICATE accepts, waiting up to TIMEOUTMS. */
  async next<T = Record<string, unknown>> (predicate: (o: Record<string, unknown>) => boolean, timeoutMs: number): Promise<T> {
    const find = (): T | undefined => this.objects.find(predicate) as T | undefined
    const found = find()
    if (found !== undefined) return found
    return await new Promise<T>((resolve, reject) => {
      const check = (): void => {
        const o = find()
        if (o !== undefined) { done(); resolve(o) } else if (this.child.exitCode !== null || this.child.signalCode !== null) { done(); reject(new Error(`driver exited\n${this.stderr}`)) }
      }
      const timer = setTimeout(() => { done(); reject(new Error(`driver timed out\n${this.stderr}`)) }, timeoutMs)
      const done = (): void => { clearTimeout(timer); this.#waiters.delete(check) }
      this.#waiters.add(check)
    })
  }

  async stop (): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000)
    await this.exited
    clearTimeout(timer)
  }
}

/** Waits for a stdout line of P containing NEEDLE among the lines from index FROM on (each line looked at once). */
export async function waitLine (p: Proc, from: number, needle: string, timeoutMs: number): Promise<void> {
  let i = from
  await p.waitFor(needle, () => {
    for (; i < p.stdout.length; i++) if (p.stdout[i]!.includes(needle)) return true
    return false
  }, timeoutMs)
}
