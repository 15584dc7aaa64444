// Long-running processes of the built binary for multi-process tests: line buffers on stdout
// and stderr, waiting for a line that matches, writing to stdin, stopping with a signal.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { BINARY } from './cli.js'

export class Proc {
  readonly child: ChildProcessWithoutNullStreams
  readonly stdout: string[] = []
  readonly stderr: string[] = []
  readonly exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  readonly #waiters = new Set<() => void>()

  constructor (args: string[], env: Record<string, string> = {}) {
    this.child = spawn(BINARY, args, { env: { PATH: '/usr/bin:/bin', ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
    const lines = (sink: string[]) => {
      let buf = ''
      return (chunk: string) => {
        buf += chunk
        let i
        while ((i = buf.indexOf('\n')) >= 0) { sink.push(buf.slice(0, i)); buf = buf.slice(i + 1) }
        for (const w of [...this.#waiters]) w()
      }
    }
    this.child.stdout.setEncoding('utf8').on('data', lines(this.stdout))
    this.child.stderr.setEncoding('utf8').on('data', lines(this.stderr))
    this.child.stdin.on('error', () => {})
    this.exited = new Promise(resolve => this.child.on('close', (code, signal) => { for (const w of [...this.#waiters]) w(); resolve({ code, signal }) }))
  }

  /** JSON objects printed on stdout so far. */
  json<T = any> (): T[] {
    return this.stdout.filter(l => l.startsWith('{')).map(l => JSON.parse(l) as T)
  }

  write (line: string): void {
    this.child.stdin.write(line + '\n')
  }

  /** Waits until PREDICATE holds (re-checked on every output line), or fails after TIMEOUTMS. */
  async waitFor (what: string, predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
    if (predicate()) return
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (predicate()) { done(); resolve() } else if (this.child.exitCode !== null) { done(); reject(new Error(`process exited while waiting for ${what}\nstderr:\n${this.stderr.join('\n')}`)) }
      }
      const timer = setTimeout(() => { done(); reject(new Error(`timed out waiting for ${what}\nstdout:\n${this.stdout.join('\n')}\nstderr:\n${this.stderr.join('\n')}`)) }, timeoutMs)
      const done = (): void => { clearTimeout(timer); this.#waiters.delete(check) }
      this.#waiters.add(check)
    })
  }

  async waitForStderr (pattern: RegExp, timeoutMs?: number): Promise<void> {
    await this.waitFor(`stderr ${pattern}`, () => this.stderr.some(l => pattern.test(l)), timeoutMs)
  }

  async stop (signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null, signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal)
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000)
    const r = await this.exited
    clearTimeout(timer)
    return r
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
  })
}

/**
 * Two identities (alice, bob) in a temp dir; alice owns room 'ops' and issued one invite
 * ticket that points at 127.0.0.1:port, where her long-running process will listen. Processes
 * pushed to `procs` are stopped, and the dir removed, by `cleanup()`.
 */
export async function aliceAndBob (prefix: string): Promise<{
  dir: string
  home: { a: string, b: string }
  port: number
  peerA: string
  ticket: string
  procs: Proc[]
  cleanup: () => Promise<void>
}> {
  const { runBinary, tempDir } = await import('./cli.js')
  const { dir, cleanup } = tempDir(prefix)
  const procs: Proc[] = []
  const home = { a: `${dir}/a`, b: `${dir}/b` }
  await runBinary(['init', '--name', 'alice', '--home', home.a])
  await runBinary(['init', '--name', 'bob', '--home', home.b])
  const port = await freePort()
  const peerA = JSON.parse((await runBinary(['id', '--json', '--home', home.a])).stdout).peerId as string
  await runBinary(['create', 'ops', '--home', home.a])
  const ticket = (await runBinary(['invite', 'ops', '--home', home.a, '--listen', `/ip4/127.0.0.1/tcp/${port}`])).stdout.trim()
  return { dir, home, port, peerA, ticket, procs, cleanup: async () => { await Promise.all(procs.map(async p => await p.stop())); cleanup() } }
}
