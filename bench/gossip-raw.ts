// Baselines for the room benchmark, 5 processes on 127.0.0.1 with the app's libp2p configuration
// (src/transport), one publishing 20 msg/s of 200 B; latency, loss, CPU:
// - raw (default): gossipsub alone, no app encryption, signing or storage;
// - `--floor`: raw plus only the per-hop crypto SPEC 3.6/3.7 mandate: the sender encrypts
//   (ChaCha20-Poly1305) a payload padded as rooms pad it (the smallest of PAYLOAD_BUCKETS: 256 B
//   for 200 B) and signs it (Ed25519, node:crypto), and every
//   receiver verifies and decrypts it in the topic validator, before gossipsub forwards it. No
//   protobuf, sender chains, membership, replay state or store: the floor under any room design.
// Env: BENCH_SECONDS (default 30), BENCH_RATE (20), BENCH_SIZE (200), BENCH_PEERS (5).
// Prints ONE JSON line: {bench:'gossip-raw', p50_ms, p99_ms, loss, cpu_ms_per_msg, ...}.
import '../src/polyfill.ts'
import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { createTransport, peerPrivateKeyFromSeed } from '../src/transport/index.js'
import { PAYLOAD_BUCKETS } from '../src/wire/payload.js'
import type { Transport } from '../src/transport/index.js'
import { emit } from './lib.js'
import { runBench, runWorker, until } from './lib-gossip.js'
import type { WorkerAdapter, WorkerStart } from './lib-gossip.js'

const TOPIC = 'bench-gossip-raw'

/** What travels on the topic: the payload as is (raw), or sealed (floor). */
interface Codec {
  seal: (payload: Uint8Array) => Uint8Array
  /** The payload, or undefined when the data does not verify or decrypt. */
  open: (data: Uint8Array) => Uint8Array | undefined
}

const RAW: Codec = { seal: p => p, open: d => d }

/** Floor envelope: header (44 B: counter, pid, zeros) ‖ ciphertext (u16 length ‖ payload ‖ zeros, a bucket's size) ‖ tag ‖ Ed25519 signature. */
function floorCodec (): Codec {
  // one signing key for every process, from a fixed seed: a bench, not a protocol
  const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 9)]), format: 'der', type: 'pkcs8' })
  const publicKey = createPublicKey(privateKey)
  const key = Buffer.alloc(32, 3)
  const label = Buffer.from('conclave envelope v1\0')
  const HEADER = 44; const TAG = 16; const SIG = 64
  let counter = 0
  return {
    seal (payload) {
      const header = Buffer.alloc(HEADER)
      header.writeUInt32BE(++counter, 0)
      header.writeUInt32BE(process.pid, 4)
      const padded = Buffer.alloc(PAYLOAD_BUCKETS.find(b => b >= payload.length + 2)!)
      padded.writeUInt16BE(payload.length, 0)
      padded.set(payload, 2)
      const c = createCipheriv('chacha20-poly1305', key, header.subarray(0, 12), { authTagLength: TAG })
      c.setAAD(header, { plaintextLength: padded.length })
      const ct = Buffer.concat([c.update(padded), c.final(), c.getAuthTag()])
      return Buffer.concat([header, ct, sign(null, Buffer.concat([label, header, ct]), privateKey)])
    },
    open (data) {
      const PADDED = data.length - HEADER - TAG - SIG
      if (!PAYLOAD_BUCKETS.includes(PADDED)) return undefined
      const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      const header = buf.subarray(0, HEADER)
      const ct = buf.subarray(HEADER, buf.length - SIG)
      if (!verify(null, Buffer.concat([label, header, ct]), publicKey, buf.subarray(buf.length - SIG))) return undefined
      const d = createDecipheriv('chacha20-poly1305', key, header.subarray(0, 12), { authTagLength: TAG })
      d.setAAD(header, { plaintextLength: PADDED })
      d.setAuthTag(ct.subarray(PADDED))
      try {
        const padded = Buffer.concat([d.update(ct.subarray(0, PADDED)), d.final()])
        return padded.subarray(2, 2 + padded.readUInt16BE(0))
      } catch {
        return undefined
      }
    }
  }
}

/** One gossipsub peer: opens what the validator accepts, hands the payload to the harness. */
function gossipAdapter (codec: Codec): WorkerAdapter {
  let transport: Transport | undefined
  const opened = new Map<Uint8Array, Uint8Array>() // validator → handler, same data object
  return {
    async start (opts: WorkerStart, onPayload) {
      transport = await createTransport({ privateKey: await peerPrivateKeyFromSeed(randomBytes(32)) }, {
        listen: ['/ip4/127.0.0.1/tcp/0'],
        bootstrap: opts.bootstrap,
        mdns: false
      })
      transport.subscribe(TOPIC, (_from, data) => {
        const payload = codec.open(data)
        if (payload === undefined) return 'reject'
        opened.set(data, payload)
        return 'accept'
      }, (data) => {
        const payload = opened.get(data) ?? codec.open(data)
        opened.delete(data)
        if (payload !== undefined) onPayload(payload)
      })
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
      const { recipients } = await transport!.publish(TOPIC, codec.seal(payload))
      if (recipients === 0) process.stderr.write('publish reached nobody\n')
    },
    async stop () {
      await transport?.stop()
    }
  }
}

if (process.argv.includes('--worker')) {
  await runWorker(gossipAdapter(process.argv.includes('--floor') ? floorCodec() : RAW))
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
