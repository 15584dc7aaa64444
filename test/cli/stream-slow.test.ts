// A producer writes 100,000 lines as fast as it can into `conclave send` while the network is
// slow: both members run in a private network namespace whose loopback is shaped to 16 Mbit/s
// (tc tbf; 10 MB of lines take seconds to cross). Nothing is lost, order holds, the producer
// never sees EPIPE. Skipped, with the reason, where namespaces or tc shaping are unavailable.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { namespaceFlags, runDriver } from '../helpers/netns.js'

// MTU 1500 like a real link (tbf drops any packet larger than its bucket; lo's MTU is 64 KiB)
const SHAPE = 'ip link set lo mtu 1500 up && tc qdisc add dev lo root tbf rate 16mbit burst 32kb latency 1s'

it('100,000 lines from a fast producer cross a 16 Mbit/s network complete, in order, without EPIPE', { timeout: 240_000 }, async (t) => {
  const ns = namespaceFlags(SHAPE)
  if ('reason' in ns) { t.skip(ns.reason); return }
  const { code, result: r, stderr } = await runDriver(ns.flags, SHAPE, 'test/fixtures/stream-slow-driver.ts')
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
