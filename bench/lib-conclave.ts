// Benchmark helpers around the built binary: a room of N members in temp homes on 127.0.0.1,
// long-running member processes, and a mosquitto broker on loopback as the anchor.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cleanEnv } from './lib.js'

/** BENCH_BINARY overrides it (e.g. a wrapper that runs dist/sea-main.cjs under node --cpu-prof). */
export const BINARY = process.env.BENCH_BINARY ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'conclave')
export const ENV = cleanEnv()

export function run (args: string[], input?: string): { code: number | null, stdout: string, stderr: string } {
  const r = spawnSync(BINARY, args, { env: ENV, input: input ?? '', encoding: 'utf8', maxBuffer: 1 << 26 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => { const p = (srv.address() as { port: number }).port; srv.close(() => resolve(p)) })
  })
}

/** A long-running process with its stderr lines, to wait for readiness markers. */
export class Bg {
  readonly child: ChildProcess
  stderr = ''
  readonly exited: Promise<number | null>
  constructor (cmd: string, args: string[], opts: { stdout?: 'ignore' | 'pipe', env?: NodeJS.ProcessEnv } = {}) {
    this.child = spawn(cmd, args, { env: opts.env ?? ENV, stdio: ['ignore', opts.stdout ?? 'ignore', 'pipe'] })
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => { this.stderr = (this.stderr + d).slice(-20000) })
    this.exited = new Promise(resolve => this.child.on('close', code => resolve(code)))
  }

  async until (pattern: RegExp, timeoutMs = 30_000, count = 1): Promise<void> {
    const end = Date.now() + timeoutMs
    while ((this.stderr.match(new RegExp(pattern.source, 'g')) ?? []).length < count) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${pattern}: ${this.stderr.slice(-2000)}`)
      await new Promise(resolve => setTimeout(resolve, 20))
    }
  }

  stop (): void { this.child.kill('SIGTERM') }
}

export interface Room {
  dir: string
  homes: string[]
  port: number
  hubAddr: string
  net: (home: number) => string[]
  cleanup: () => void
}

/** Member 0 creates room 'ops' and listens on a fixed port; members 1..n-1 join with one ticket. */
export async function makeRoom (members: number, hub: (room: Room) => Bg): Promise<{ room: Room, hubProc: Bg }> {
  const dir = mkdtempSync(join(tmpdir(), 'conclave-bench-'))
  const homes = Array.from({ length: members }, (_, i) => join(dir, `m${i}`))
  for (const [i, home] of homes.entries()) run(['init', '--name', `m${i}`, '--home', home])
  const port = await freePort()
  const peer = JSON.parse(run(['id', '--json', '--home', homes[0]!]).stdout).peerId as string
  run(['create', 'ops', '--home', homes[0]!])
  const ticket = run(['invite', 'ops', '--uses', String(members), '--home', homes[0]!, '--listen', `/ip4/127.0.0.1/tcp/${port}`]).stdout.trim()
  const room: Room = {
    dir, homes, port,
    hubAddr: `/ip4/127.0.0.1/tcp/${port}/p2p/${peer}`,
    net: (i) => i === 0 ? ['--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${port}`] : ['--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', `/ip4/127.0.0.1/tcp/${port}/p2p/${peer}`],
    cleanup: () => rmSync(dir, { recursive: true, force: true })
  }
  const hubProc = hub(room)
  await hubProc.until(/listening to ops|daemon for/)
  for (let i = 1; i < members; i++) {
    const j = run(['join', ticket, '--home', homes[i]!, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'])
    if (j.code !== 0) throw new Error(`join ${i}: ${j.stderr}`)
  }
  return { room, hubProc }
}

/** A mosquitto broker on 127.0.0.1 with unlimited queues. */
export async function mosquitto (dir: string): Promise<{ port: number, proc: Bg }> {
  const port = await freePort()
  const conf = join(dir, 'mosquitto.conf')
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\npersistence false\n`)
  const proc = new Bg('mosquitto', ['-c', conf])
  await new Promise(resolve => setTimeout(resolve, 300))
  return { port, proc }
}

export function haveMosquitto (): boolean {
  return spawnSync('mosquitto_pub', ['--help']).error === undefined
}

/** The anchor of the shell benchmarks: installs Debian's mosquitto + clients when missing. */
export function ensureMosquitto (): void {
  if (haveMosquitto() && spawnSync('mosquitto', ['-h']).error === undefined) return
  const r = spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto mosquitto-clients'], { stdio: 'inherit' })
  if (r.status !== 0) throw new Error('could not install mosquitto and mosquitto-clients from apt')
}
