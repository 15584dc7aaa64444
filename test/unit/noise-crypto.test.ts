// Noise's crypto on node:crypto (src/transport/noise-crypto.ts) against @libp2p/noise's own pure-JS implementation.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { pureJsCrypto } from '@libp2p/noise'
import { Uint8ArrayList } from 'uint8arraylist'
import { noiseCrypto } from '../../src/transport/noise-crypto.js'

const hex = (b: Uint8Array | Uint8ArrayList): string => Buffer.from(b instanceof Uint8Array ? b : b.subarray()).toString('hex')

test('SHA-256 and HKDF agree with the pure-JS reference, for flat and chunked input', () => {
  for (let i = 0; i < 20; i++) {
    const data = randomBytes(i * 37)
    assert.equal(hex(noiseCrypto.hashSHA256(data)), hex(pureJsCrypto.hashSHA256(data)))
    assert.equal(hex(noiseCrypto.hashSHA256(new Uint8ArrayList(data.subarray(0, 5), data.subarray(5)))), hex(pureJsCrypto.hashSHA256(data)))
    const ck = randomBytes(32)
    const ikm = randomBytes(i === 0 ? 0 : 32)
    assert.deepEqual(noiseCrypto.getHKDF(ck, ikm).map(hex), pureJsCrypto.getHKDF(ck, ikm).map(hex))
  }
})

test('X25519: key pairs and shared secrets agree with the pure-JS reference', () => {
  for (let i = 0; i < 10; i++) {
    const seed = randomBytes(32)
    const a = noiseCrypto.generateX25519KeyPairFromSeed(seed)
    assert.equal(hex(a.publicKey), hex(pureJsCrypto.generateX25519KeyPairFromSeed(seed).publicKey))
    const b = noiseCrypto.generateX25519KeyPair()
    assert.equal(hex(b.publicKey), hex(pureJsCrypto.generateX25519KeyPairFromSeed(b.privateKey).publicKey))
    const ours = noiseCrypto.generateX25519SharedKey(a.privateKey, b.publicKey)
    assert.equal(hex(ours), hex(pureJsCrypto.generateX25519SharedKey(b.privateKey, a.publicKey)))
    assert.equal(hex(noiseCrypto.generateX25519SharedKey(new Uint8ArrayList(b.privateKey), new Uint8ArrayList(a.publicKey))), hex(ours))
  }
})

test('ChaCha20-Poly1305 agrees with the pure-JS reference both ways; a flipped bit fails', () => {
  for (const size of [0, 1, 64, 1199, 1200, 5000]) {
    const [k, nonce, ad, pt] = [randomBytes(32), randomBytes(12), randomBytes(size % 40), randomBytes(size)]
    const sealed = noiseCrypto.chaCha20Poly1305Encrypt(pt, nonce, ad, k)
    assert.equal(hex(sealed), hex(pureJsCrypto.chaCha20Poly1305Encrypt(pt, nonce, ad, k)))
    assert.equal(hex(noiseCrypto.chaCha20Poly1305Encrypt(new Uint8ArrayList(pt), nonce, ad, k)), hex(sealed))
    const flat = sealed instanceof Uint8Array ? sealed : sealed.subarray()
    assert.equal(hex(noiseCrypto.chaCha20Poly1305Decrypt(flat, nonce, ad, k)), hex(pt))
    assert.equal(hex(noiseCrypto.chaCha20Poly1305Decrypt(new Uint8ArrayList(flat), nonce, ad, k)), hex(pt))
    const bad = Buffer.from(flat)
    bad[bad.length - 1]! ^= 1
    assert.throws(() => noiseCrypto.chaCha20Poly1305Decrypt(bad, nonce, ad, k))
  }
  assert.throws(() => noiseCrypto.chaCha20Poly1305Decrypt(randomBytes(15), randomBytes(12), randomBytes(0), randomBytes(32)), /Invalid chacha20poly1305 decryption/)
})
