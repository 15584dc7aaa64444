// Pipe throughput: `seq 1 N | conclave send ops` (its own node, no daemon) delivered to 4
// listening members, against `mosquitto_pub -l` to 4 `mosquitto_sub` through a broker on
// 127.0.0.1, in the same run. Time = from starting the producer to the last receiver having
// every line. Goal: >= 20,000 lines/s to every member, zero loss. Prints ONE JSON line.
// Env: BENCH_LINES (default 100000).
import { spawn } from 'node:child_process'
import { BINARY, Bg, ENV, ensureMosquitto, makeRoom, mosquitto } from './lib-conclave.js'
import { emit, round } from './lib.js'

const N = Number(process.env.BENCH_LINES ?? 100_000)
const RECEIVERS = 4

async function pipeline (cmd: string): Promise<number> {
  const t0 = performance.now()
  const p = spawn('bash', ['-c', `set -o pipefail; seq 1 ${N} | ${cmd}`], { env: ENV, stdio: ['ignore', 'ignore', 'pipe'] })
  let err = ''
  p.stderr.setEncoding('utf8').on('data', (d: string) => { err += d })
  const code = await new Promise<number | null>(resolve => p.on('close', resolve))
  if (code !== 0) throw new Error(`producer pipeline exited ${String(code)}: ${err}`)
  return t0
}

async function conclaveRun (): Promise<{ seconds: number, delivered: number[] }> {
  // member 0 listens on the fixed port (the hub); 1..3 listen through it; member 4 sends
  const { room, hubProc } = await makeRoom(RECEIVERS + 1, r => new Bg(BINARY, ['listen', 'ops', '--count', String(N), '-v', '--home', r.homes[0]!, ...r.net(0)], { stdout: 'pipe' }))
  try {
    const listeners = [hubProc]
    for (let i = 1; i < RECEIVERS; i++) listeners.push(new Bg(BINARY, ['listen', 'ops', '--count', String(N), '-v', '--home', room.homes[i]!, ...room.net(i)], { stdout: 'pipe' }))
    for (const l of listeners.slice(1)) await l.until(/keys exchanged with/)
    await hubProc.until(/keys exchanged with/, 30_000, RECEIVERS - 1)
    const counts = listeners.map(() => 0)
    listeners.forEach((l, i) => l.child.stdout!.setEncoding('utf8').on('data', (d: string) => { for (const c of d) if (c === '\n') counts[i]!++ }))
    await new Promise(resolve => setTimeout(resolve, 500))
    const sender = RECEIVERS
    const t0 = await pipeline(`${BINARY} send ops --home ${room.homes[sender]} ${room.net(sender).join(' ')}`)
    const deadline = Date.now() + 120_000
    const ends = await Promise.all(listeners.map(async l => await Promise.race([l.exited.then(() => performance.now()), new Promise<number>(resolve => setTimeout(() => resolve(NaN), deadline - Date.now()))])))
    for (const l of listeners) l.stop()
    return { seconds: (Math.max(...ends) - t0) / 1000, delivered: counts }
  } finally {
    hubProc.stop()
    room.cleanup()
  }
}

/**
 * mosquitto at QoS 0 (how `mosquitto_pub -l` is used; at QoS 1 it disconnects at EOF with
 * messages still in flight). QoS 0 may drop under load: subscribers run until 1 s passes without
 * data, and what they got is reported.
 */
async function mosquittoRun (): Promise<{ seconds: number, delivered: number[] }> {
  ensureMosquitto()
  const { mkdtempSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const dir = mkdtempSync(join(tmpdir(), 'conclave-bench-mqtt-'))
  const broker = await mosquitto(dir)
  try {
    const subs = Array.from({ length: RECEIVERS }, () => new Bg('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(broker.port), '-t', 'ops'], { stdout: 'pipe' }))
    const counts = subs.map(() => 0)
    const last = subs.map(() => 0)
    subs.forEach((s, i) => s.child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      for (const c of d) if (c === '\n') counts[i]!++
      last[i] = performance.now()
    }))
    await new Promise(resolve => setTimeout(resolve, 500))
    const t0 = await pipeline(`mosquitto_pub -h 127.0.0.1 -p ${broker.port} -t ops -l`)
    const deadline = Date.now() + 60_000
    while (Date.now() < deadline && !(counts.every(c => c >= N) || performance.now() - Math.max(...last) > 1000)) await new Promise(resolve => setTimeout(resolve, 50))
    for (const s of subs) s.stop()
    return { seconds: (Math.max(...last) - t0) / 1000, delivered: counts }
  } finally {
    broker.proc.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

const mqtt = await mosquittoRun()
const conclave = await conclaveRun()
const rate = (r: { seconds: number }): number => round(N / r.seconds, 0)
emit({
  bench: 'pipe',
  lines: N,
  receivers: RECEIVERS,
  conclave: { seconds: round(conclave.seconds, 2), lines_per_s: rate(conclave), delivered: conclave.delivered },
  mosquitto: { qos: 0, seconds: round(mqtt.seconds, 2), lines_per_s: rate(mqtt), delivered: mqtt.delivered },
  ratio_to_mosquitto: round(rate(conclave) / rate(mqtt), 2),
  goal_lines_per_s: 20_000,
  ok: rate(conclave) >= 20_000 && conclave.delivered.every(d => d === N)
})
