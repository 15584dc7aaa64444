// Raw-gossipsub baseline for the room benchmark: 5 processes on 127.0.0.1, one publishes 20 msg/s of 200 B; latency, loss, CPU.
// Same libp2p configuration as the app (src/transport), no app encryption, signing or storage.
// Env: BENCH_SECONDS (default 30), BENCH_RATE (20), BENCH_SIZE (200), BENCH_PEERS (5).
// Prints ONE JSON line: {bench:'gossip-raw', p50_ms, p99_ms, loss, cpu_ms_per_msg, ...}.
import '../src/polyfill.ts'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { createTransport, peerPrivateKeyFromSeed } from '../src/transport/index.js'
import type { Transport } from '../src/transport/index.js'
import { emit } from './lib.js'
import { runBench, runWorker } from './lib-gossip.js'
import type { WorkerAdapter, WorkerStart } from './lib-gossip.js'

const TOPIC = 'bench-gossip-raw'

async function until (cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

/** One raw gossipsub peer: accepts everything, hands the data straight to the harness. */
function rawAdapter (): WorkerAdapter {
  let transport: Transport | undefined
  return {
    async start (opts: WorkerStart, onPayload) {
      transport = await createTransport({ privateKey: await peerPrivateKeyFromSeed(randomBytes(32)) }, {
        listen: ['/ip4/127.0.0.1/tcp/0'],
        bootstrap: opts.bootstrap,
        mdns: false
      })
      transport.subscribe(TOPIC, () => 'accept', (data) => { onPayload(data) })
      return { addrs: transport.multiaddrs() }
    },
    async ready (opts: WorkerStart) {
      const t = transport!
      if (opts.index === 0) {
        // the hub forwards to its mesh only: wait until every leaf is in it
        await until(() => t.meshPeers(TOPIC).length >= opts.peers - 1, 'the hub mesh to hold every leaf')
      } else {
        await until(() => t.writableSubscribers(TOPIC).length >= 1, 'a writable subscriber')
      }
    },
    async publish (payload: Uint8Array) {
      const { recipients } = await transport!.publish(TOPIC, payload)
      if (recipients === 0) process.stderr.write('publish reached nobody\n')
    },
    async stop () {
      await transport?.stop()
    }
  }
}

if (process.argv.includes('--worker')) {
  await runWorker(rawAdapter())
} else {
  const env = (name: string, fallback: number): number => {
    const v = Number(process.env[name] ?? fallback)
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`)
    return v
  }
  const result = await runBench({
    bench: 'gossip-raw',
    peers: env('BENCH_PEERS', 5),
    seconds: env('BENCH_SECONDS', 30),
    rate: env('BENCH_RATE', 20),
    size: env('BENCH_SIZE', 200),
    worker: [fileURLToPath(import.meta.url)]
  })
  emit(result as unknown as Record<string, unknown>)
}
