// A producer writes 100,000 lines as fast as it can into `conclave send` while the network is
// slow: both members run in a private network namespace whose loopback is shaped to 16 Mbit/s
// (tc tbf; 10 MB of lines take seconds to cross). Nothing is lost, order holds, the producer
// never sees EPIPE. Skipped, with the reason, where namespaces or tc shaping are unavailable.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { it } from 'node:test'
import { ROOT } from '../helpers/cli.js'

// MTU 1500 like a real link (tbf drops any packet larger than its bucket; lo's MTU is 64 KiB)
const SHAPE = 'ip link set lo mtu 1500 up && tc qdisc add dev lo root tbf rate 16mbit burst 32kb latency 1s'

function namespaceFlags (): { flags: string[] } | { reason: string } {
  const flags = process.getuid?.() === 0 ? ['--net'] : ['--net', '--map-root-user']
  const probe = spawnSync('unshare', [...flags, '--', 'sh', '-c', SHAPE], { encoding: 'utf8' })
  if (probe.error !== undefined) return { reason: `unshare unavailable: ${probe.error.message}` }
  if (probe.status !== 0) return { reason: `no private network namespace with a shaped loopback here: ${probe.stderr.trim()}` }
  return { flags }
}

it('100,000 lines from a fast producer cross a 16 Mbit/s network complete, in order, without EPIPE', { timeout: 240_000 }, async (t) => {
  const ns = namespaceFlags()
  if ('reason' in ns) { t.skip(ns.reason); return }
  const env = { ...process.env }
  delete env.NODE_EXTRA_CA_CERTS
  const child = spawn('unshare', [...ns.flags, '--', 'sh', '-c', `${SHAPE} && exec node --import tsx test/fixtures/stream-slow-driver.ts`], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d })
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  const r = JSON.parse(stdout.trim().split('\n').pop() ?? '{}')
  assert.equal(r.ok, true, `driver: ${JSON.stringify(r)} (exit ${String(code)}) ${stderr.slice(-1000)}`)
  assert.equal(r.pipeline, '0', `the producer pipeline failed: ${String(r.senderStderr)}`)
  assert.equal(r.epipe, false)
  assert.equal(r.listenerExit, 0)
  assert.equal(r.lines, 100_000)
  assert.equal(r.inOrder, true, 'every line, in order')
  assert.ok(r.envelopes < 10_000, `lines were batched (${String(r.envelopes)} envelopes)`)
  // 10 MB of lines cannot cross 16 Mbit/s in under ~5 s: the shaping was really in the way
  assert.ok(r.seconds >= 4, `took ${String(r.seconds)} s`)
  t.diagnostic(`100,000 lines in ${String(r.seconds)} s through ${String(r.envelopes)} envelopes`)
})
