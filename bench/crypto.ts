// Benchmark: node:crypto (src/crypto) vs @noble/* for the hot-path primitives; prints one JSON line.
// Run: node --import tsx bench/crypto.ts   (BENCH_MS=<ms per implementation per op>, default 500)
import { ed25519 as nobleEd25519, x25519 as nobleX25519 } from '@noble/curves/ed25519.js'
import { chacha20poly1305 as nobleChacha } from '@noble/ciphers/chacha.js'
import { Ed25519PrivateKey, ed25519Verify, X25519PrivateKey, aeadSeal, randomBytes } from '../src/crypto/index.js'

const MS = Number(process.env.BENCH_MS ?? 500)
const MESSAGE_LENGTH = 200

/** Operations per second of `fn`, after a short warm-up, measured over about MS milliseconds. */
function opsPerSecond (fn: () => unknown): number {
  const warmUntil = performance.now() + Math.min(100, MS / 5)
  while (performance.now() < warmUntil) fn()
  let ops = 0
  const start = performance.now()
  let now = start
  while (now - start < MS) {
    for (let i = 0; i < 16; i++) fn()
    ops += 16
    now = performance.now()
  }
  return ops / ((now - start) / 1000)
}

const msg = randomBytes(MESSAGE_LENGTH)
const seed = randomBytes(32)
const edKey = Ed25519PrivateKey.fromSeed(seed)
const edPub = edKey.publicKey
const sig = edKey.sign(msg)
const xKey = X25519PrivateKey.fromBytes(randomBytes(32))
const xSecret = xKey.exportBytes()
const xPeer = X25519PrivateKey.generate().publicKey
const aeadKey = randomBytes(32)
const nonce = randomBytes(12)

const cases: Record<string, [() => unknown, () => unknown]> = {
  ed25519_sign: [() => edKey.sign(msg), () => nobleEd25519.sign(msg, seed)],
  ed25519_verify: [() => ed25519Verify(edPub, msg, sig), () => nobleEd25519.verify(sig, msg, edPub)],
  x25519_agree: [() => xKey.agree(xPeer), () => nobleX25519.getSharedSecret(xSecret, xPeer)],
  chacha20poly1305_seal_200B: [() => aeadSeal('chacha20-poly1305', aeadKey, nonce, msg), () => nobleChacha(aeadKey, nonce).encrypt(msg)]
}

const results: Record<string, { node: number, noble: number, ratio: number }> = {}
for (const [name, [nodeFn, nobleFn]] of Object.entries(cases)) {
  const node = opsPerSecond(nodeFn)
  const noble = opsPerSecond(nobleFn)
  results[name] = { node: Math.round(node), noble: Math.round(noble), ratio: Math.round((node / noble) * 10) / 10 }
}

console.log(JSON.stringify({ bench: 'crypto', unit: 'ops/s', node: process.version, msPerMeasurement: MS, messageBytes: MESSAGE_LENGTH, results }))
