// Benchmark: the message hot path — sealEnvelope and validateEnvelope (verify + decrypt + decode) per second
// for 200-byte messages, against bare Ed25519 sign / verify of the same bytes in the same run; one JSON line.
// Run: node --import tsx bench/envelope.ts   (BENCH_MS=<ms per measurement>, default 1000)
import { Ed25519PrivateKey, ed25519Verify, randomBytes } from '../src/crypto/index.js'
import { sealEnvelope, validateEnvelope, type ValidationContext } from '../src/room/envelope.js'
import { InboundSenderChain, OutboundSenderChain } from '../src/room/sender-keys.js'
import { emit, round } from './lib.js'

const MS = Number(process.env.BENCH_MS ?? 1000)
const MESSAGE_BYTES = 200
const BATCH = 250

const key = Ed25519PrivateKey.generate()
const roomId = randomBytes(32)
const epoch = 0
const chain = OutboundSenderChain.create({ roomId, epoch, sender: key.publicKey })
const inbound = InboundSenderChain.fromSenderKey(chain.exportKey())
const text = 'x'.repeat(MESSAGE_BYTES)
const message = new TextEncoder().encode(text)
const ctx: ValidationContext = { roomId, memberAt: () => 'member', seen: () => false, inboundChain: () => inbound, nowMs: Date.now() }

const t = { seal: 0, validate: 0, sign: 0, verify: 0 }
let n = 0
let envelopeBytes = 0
const signature = key.sign(message)
const deadline = (): boolean => Math.min(t.seal, t.validate, t.sign, t.verify) < MS
// Interleaved batches, so the envelope path and the baseline see the same machine state.
while (deadline() || n === 0) {
  let start = performance.now()
  const batch: Uint8Array[] = []
  for (let i = 0; i < BATCH; i++) batch.push(sealEnvelope({ roomId, epoch, senderKey: key, chain, tsMs: ctx.nowMs, payload: { message: { text } } }).bytes)
  t.seal += performance.now() - start
  start = performance.now()
  for (const b of batch) {
    const r = validateEnvelope(b, ctx)
    if (r.verdict !== 'accept') throw new Error(`benchmark envelope not accepted: ${r.reason}`)
  }
  t.validate += performance.now() - start
  envelopeBytes = batch[0]!.length
  start = performance.now()
  for (let i = 0; i < BATCH; i++) key.sign(message)
  t.sign += performance.now() - start
  start = performance.now()
  for (let i = 0; i < BATCH; i++) if (!ed25519Verify(key.publicKey, message, signature)) throw new Error('verify failed')
  t.verify += performance.now() - start
  n += BATCH
}

const perSecond = (ms: number): number => Math.round(n / (ms / 1000))
const results = { seal: perSecond(t.seal), validateOpen: perSecond(t.validate), ed25519Sign: perSecond(t.sign), ed25519Verify: perSecond(t.verify) }
emit({
  bench: 'envelope',
  unit: 'ops/s',
  node: process.version,
  messageBytes: MESSAGE_BYTES,
  envelopeBytes,
  messages: n,
  results,
  // 1.0 would mean the envelope costs no more than its signature operation alone
  ratio: { sealVsSign: round(results.seal / results.ed25519Sign), validateVsVerify: round(results.validateOpen / results.ed25519Verify) }
})
