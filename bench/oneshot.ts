// One-shot publishing, against anchors measured in the same run:
//  a. `conclave send ops x` with the daemon running  vs  `node -e 0`           (goal <= 3x)
//  b. curl over the daemon's Unix socket             vs  `mosquitto_pub -m x`  (goal <= 3x)
//  c. without a daemon: `conclave send ops x` → the message printed by a listening member:
//     median time to delivered (goal <= 600 ms) and the delivery rate (goal 100 %).
// NODE_EXTRA_CA_CERTS is unset for every process. Prints ONE JSON line. Env: BENCH_RUNS (15).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BINARY, Bg, ENV, ensureMosquitto, makeRoom, mosquitto } from './lib-conclave.js'
import { emit, median, round, timeRun } from './lib.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 15)

async function withDaemon (): Promise<Record<string, number>> {
  // member 0 runs the daemon (it owns the fixed port); member 1 listens as the reader
  const { room, hubProc } = await makeRoom(2, r => new Bg(BINARY, ['daemon', '-v', '--home', r.homes[0]!, ...r.net(0)]))
  const reader = new Bg(BINARY, ['listen', 'ops', '-v', '--home', room.homes[1]!, ...room.net(1)])
  ensureMosquitto()
  const mqttDir = mkdtempSync(join(tmpdir(), 'conclave-bench-mqtt-'))
  const broker = await mosquitto(mqttDir)
  try {
    await reader.until(/keys exchanged with/)
    const sock = join(room.homes[0]!, 'conclave.sock')
    const sendArgs = ['send', 'ops', 'x', '--home', room.homes[0]!]
    const curlArgs = ['-s', '-o', '/dev/null', '--unix-socket', sock, '-d', 'x', 'http://localhost/ops']
    const pubArgs = ['-h', '127.0.0.1', '-p', String(broker.port), '-t', 'ops', '-m', 'x']
    for (const [cmd, args] of [[BINARY, sendArgs], ['curl', curlArgs], ['mosquitto_pub', pubArgs]] as const) timeRun(cmd, [...args], ENV) // warm up
    const t = { send: [] as number[], node: [] as number[], curl: [] as number[], pub: [] as number[] }
    for (let i = 0; i < RUNS; i++) {
      t.send.push(timeRun(BINARY, sendArgs, ENV))
      t.node.push(timeRun(process.execPath, ['-e', '0'], ENV))
      t.curl.push(timeRun('curl', curlArgs, ENV))
      t.pub.push(timeRun('mosquitto_pub', pubArgs, ENV))
    }
    return { send_daemon_ms: median(t.send), node_e0_ms: median(t.node), curl_socket_ms: median(t.curl), mosquitto_pub_ms: median(t.pub) }
  } finally {
    reader.stop(); hubProc.stop(); broker.proc.stop()
    await new Promise(resolve => setTimeout(resolve, 500))
    room.cleanup(); rmSync(mqttDir, { recursive: true, force: true })
  }
}

async function withoutDaemon (): Promise<{ median_ms: number, delivered: number, runs: number }> {
  const { room, hubProc } = await makeRoom(2, r => new Bg(BINARY, ['listen', 'ops', '--json', '-v', '--home', r.homes[0]!, ...r.net(0)], { stdout: 'pipe' }))
  try {
    const arrived = new Map<string, number>()
    let buf = ''
    hubProc.child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d
      let i
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i); buf = buf.slice(i + 1)
        try { arrived.set((JSON.parse(line) as { text: string }).text, performance.now()) } catch {}
      }
    })
    const times: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const text = `oneshot-${i}`
      const t0 = performance.now()
      const r = spawnSync(BINARY, ['send', 'ops', text, '--home', room.homes[1]!, ...room.net(1)], { env: ENV, encoding: 'utf8' })
      if (r.status !== 0) process.stderr.write(`send ${i} exited ${String(r.status)}: ${r.stderr}`)
      const deadline = performance.now() + 5000
      while (!arrived.has(text) && performance.now() < deadline) await new Promise(resolve => setTimeout(resolve, 5))
      if (arrived.has(text)) times.push(arrived.get(text)! - t0)
    }
    return { median_ms: median(times), delivered: times.length, runs: RUNS }
  } finally {
    hubProc.stop()
    await new Promise(resolve => setTimeout(resolve, 500))
    room.cleanup()
  }
}

const d = await withDaemon()
const n = await withoutDaemon()
const sendRatio = d.send_daemon_ms! / d.node_e0_ms!
const curlRatio = d.curl_socket_ms! / d.mosquitto_pub_ms!
emit({
  bench: 'oneshot',
  runs: RUNS,
  daemon: {
    send_ms: round(d.send_daemon_ms!), node_e0_ms: round(d.node_e0_ms!), ratio: round(sendRatio),
    curl_socket_ms: round(d.curl_socket_ms!), mosquitto_pub_ms: round(d.mosquitto_pub_ms!), curl_ratio: round(curlRatio)
  },
  no_daemon: { median_to_delivered_ms: round(n.median_ms), delivered: n.delivered, runs: n.runs },
  goals: { send_ratio_max: 3, curl_ratio_max: 3, no_daemon_median_ms_max: 600, delivery: 1 },
  ok: sendRatio <= 3 && curlRatio <= 3 && n.median_ms <= 600 && n.delivered === n.runs
})
