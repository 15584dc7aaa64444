// Tests for src/crypto: RFC known-answer vectors, cross-checks against @noble/* on random inputs, misuse and redaction.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { inspect, format } from 'node:util'
import { ed25519 as nobleEd25519, x25519 as nobleX25519 } from '@noble/curves/ed25519.js'
import { chacha20, chacha20poly1305 as nobleChacha } from '@noble/ciphers/chacha.js'
import { gcm as nobleGcm } from '@noble/ciphers/aes.js'
import { sha256 as nobleSha256, sha512 as nobleSha512 } from '@noble/hashes/sha2.js'
import { hmac as nobleHmac } from '@noble/hashes/hmac.js'
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js'
import { scrypt as nobleScrypt } from '@noble/hashes/scrypt.js'
import {
  randomBytes, constantTimeEqual, wipe, sha256, sha512, hmacSha256, hkdfSha256,
  Ed25519PrivateKey, ed25519Verify, X25519PrivateKey, aeadSeal, aeadOpen, scrypt,
  AEAD_ALGORITHMS, ED25519_VERIFY_CACHE_SIZE, type AeadAlgorithm
} from '../../src/crypto/index.js'
import { ed25519VerifyCacheSize } from '../../src/crypto/ed25519.js'
import { LruCache } from '../../src/crypto/lru.js'
import { CryptoError, MalformedInputError } from '../../src/errors.js'

const V = JSON.parse(readFileSync(new URL('../vectors/crypto.json', import.meta.url), 'utf8'))

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'))
const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'))
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts))
const flipBit = (b: Uint8Array, i: number, bit = 0): Uint8Array => { const c = b.slice(); c[i]! ^= 1 << bit; return c }

/** The input bytes of a vector field: hex, or the `…Ascii` spelling. */
function field (v: Record<string, unknown>, name: string): Uint8Array {
  if (typeof v[name] === 'string') return unhex(v[name])
  if (typeof v[name + 'Ascii'] === 'string') return ascii(v[name + 'Ascii'] as string)
  throw new Error(`vector has no field ${name}`)
}

// Deterministic randomness for the cross-checks, so a failure can be replayed:
// CRYPTO_TEST_SEED=<64 hex> node --import tsx --test test/unit/crypto.test.ts
const SEED = process.env.CRYPTO_TEST_SEED ?? hex(randomBytes(32))
let rngCounter = 0
function rand (n: number): Uint8Array {
  const nonce = new Uint8Array(12)
  new DataView(nonce.buffer).setUint32(0, rngCounter++, true)
  return chacha20(unhex(SEED), nonce, new Uint8Array(n))
}
function randInt (max: number): number { // [0, max)
  return new DataView(rand(4).buffer).getUint32(0) % max
}
const CASES = 50
const seedNote = `(CRYPTO_TEST_SEED=${SEED})`

function assertPlainUint8Array (b: unknown): void {
  assert.ok(b instanceof Uint8Array)
  assert.equal(Object.getPrototypeOf(b), Uint8Array.prototype, 'expected a plain Uint8Array, not a Buffer')
}

function throwsNamed (fn: () => unknown, cls: typeof MalformedInputError | typeof CryptoError, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${String(err)}`)
    assert.equal(err.name, cls.name)
    assert.equal(err.message, message)
    return true
  })
}
async function rejectsNamed (fn: () => Promise<unknown>, cls: typeof MalformedInputError, message: string): Promise<void> {
  await assert.rejects(fn, (err: unknown) => {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${String(err)}`)
    assert.equal(err.name, cls.name)
    assert.equal(err.message, message)
    return true
  })
}

describe('known-answer vectors (test/vectors/crypto.json)', () => {
  it('SHA-256 / SHA-512 (FIPS 180-2)', () => {
    for (const v of V.sha2) {
      const input = field(v, 'input')
      const out = v.alg === 'sha256' ? sha256(input) : sha512(input)
      assert.equal(hex(out), v.digest, v.source)
      assert.equal(hex(v.alg === 'sha256' ? nobleSha256(input) : nobleSha512(input)), v.digest, `noble disagrees: ${v.source}`)
    }
  })

  it('HMAC-SHA256 (RFC 4231)', () => {
    for (const v of V.hmacSha256) {
      assert.equal(hex(hmacSha256(unhex(v.key), unhex(v.data))), v.mac, v.source)
      assert.equal(hex(nobleHmac(nobleSha256, unhex(v.key), unhex(v.data))), v.mac, `noble disagrees: ${v.source}`)
    }
  })

  it('HKDF-SHA256 (RFC 5869 Appendix A)', () => {
    for (const v of V.hkdfSha256) {
      const [ikm, salt, info] = [unhex(v.ikm), unhex(v.salt), unhex(v.info)]
      assert.equal(hex(hkdfSha256(ikm, salt, info, v.length)), v.okm, v.source)
      // extract step on its own: PRK = HMAC-Hash(salt, IKM), salt defaulting to HashLen zeros
      assert.equal(hex(hmacSha256(salt.length === 0 ? new Uint8Array(32) : salt, ikm)), v.prk, `PRK: ${v.source}`)
      assert.equal(hex(nobleHkdf(nobleSha256, ikm, salt, info, v.length)), v.okm, `noble disagrees: ${v.source}`)
    }
  })

  it('Ed25519 (RFC 8032 section 7.1)', () => {
    for (const v of V.ed25519) {
      const [pub, msg, sig] = [unhex(v.publicKey), unhex(v.message), unhex(v.signature)]
      if (v.expect === 'ok') {
        const key = Ed25519PrivateKey.fromSeed(unhex(v.seed))
        assert.equal(hex(key.publicKey), v.publicKey, v.source)
        assert.equal(hex(key.sign(msg)), v.signature, v.source)
        assert.equal(hex(key.exportSeed()), v.seed, v.source)
        assert.equal(hex(nobleEd25519.sign(msg, unhex(v.seed))), v.signature, `noble disagrees: ${v.source}`)
      }
      assert.equal(ed25519Verify(pub, msg, sig), v.expect === 'ok', v.source)
      assert.equal(nobleEd25519.verify(sig, msg, pub), v.expect === 'ok', `noble disagrees: ${v.source}`)
    }
  })

  it('X25519 (RFC 7748 section 5.2)', () => {
    for (const v of V.x25519) {
      const out = X25519PrivateKey.fromBytes(unhex(v.scalar)).agree(unhex(v.u))
      assert.equal(hex(out), v.output, v.source)
      assert.equal(hex(nobleX25519.getSharedSecret(unhex(v.scalar), unhex(v.u))), v.output, `noble disagrees: ${v.source}`)
    }
  })

  it('X25519 iterated (RFC 7748 section 5.2, 1 and 1,000 iterations)', () => {
    for (const v of V.x25519Iterated) {
      let k = unhex(v.start)
      let u = unhex(v.start)
      for (let i = 0; i < v.iterations; i++) {
        const next = X25519PrivateKey.fromBytes(k).agree(u)
        u = k
        k = next
      }
      assert.equal(hex(k), v.output, v.source)
    }
  })

  it('X25519 Diffie-Hellman (RFC 7748 section 6.1)', () => {
    for (const v of V.x25519DiffieHellman) {
      const alice = X25519PrivateKey.fromBytes(unhex(v.alicePrivate))
      const bob = X25519PrivateKey.fromBytes(unhex(v.bobPrivate))
      assert.equal(hex(alice.publicKey), v.alicePublic, v.source)
      assert.equal(hex(bob.publicKey), v.bobPublic, v.source)
      assert.equal(hex(alice.agree(bob.publicKey)), v.shared, v.source)
      assert.equal(hex(bob.agree(alice.publicKey)), v.shared, v.source)
      assert.equal(hex(alice.exportBytes()), v.alicePrivate, v.source)
    }
  })

  it('X25519 low-order points are refused (RFC 7748 section 6.1), by node and by noble', () => {
    const key = X25519PrivateKey.generate()
    for (const p of V.x25519LowOrder.points) {
      throwsNamed(() => key.agree(unhex(p)), CryptoError, V.x25519LowOrder.expect)
      assert.throws(() => nobleX25519.getSharedSecret(key.exportBytes(), unhex(p)), `noble accepts ${p}: not low order?`)
    }
  })

  it('AEAD: ChaCha20-Poly1305 (RFC 8439 section 2.8.2) and AES-256-GCM (GCM spec Appendix B)', () => {
    for (const v of V.aead) {
      const [key, nonce, aad] = [unhex(v.key), unhex(v.nonce), unhex(v.aad)]
      const sealed = concat(unhex(v.ciphertext), unhex(v.tag))
      if (v.expect === 'ok') {
        const pt = field(v, 'plaintext')
        assert.equal(hex(aeadSeal(v.alg, key, nonce, pt, aad)), hex(sealed), v.source)
        assert.equal(hex(aeadOpen(v.alg, key, nonce, sealed, aad)), hex(pt), v.source)
        const noble = v.alg === 'aes-256-gcm' ? nobleGcm(key, nonce, aad) : nobleChacha(key, nonce, aad)
        assert.equal(hex(noble.encrypt(pt)), hex(sealed), `noble disagrees: ${v.source}`)
      } else {
        throwsNamed(() => aeadOpen(v.alg, key, nonce, sealed, aad), CryptoError, v.expect)
        const noble = v.alg === 'aes-256-gcm' ? nobleGcm(key, nonce, aad) : nobleChacha(key, nonce, aad)
        assert.throws(() => noble.decrypt(sealed), `noble accepts: ${v.source}`)
      }
    }
  })

  it('scrypt (RFC 7914 section 12)', async () => {
    for (const v of V.scrypt) {
      const [pass, salt] = [field(v, 'passphrase'), field(v, 'salt')]
      const out = await scrypt(pass, salt, { N: v.N, r: v.r, p: v.p }, v.dkLen)
      assert.equal(hex(out), v.output, v.source)
      if (v.N <= 16) assert.equal(hex(nobleScrypt(pass, salt, { N: v.N, r: v.r, p: v.p, dkLen: v.dkLen })), v.output, `noble disagrees: ${v.source}`)
    }
  })
})

describe(`cross-checks against @noble on ${CASES} random inputs each`, () => {
  it('sha256, sha512, hmacSha256', () => {
    for (let i = 0; i < CASES; i++) {
      const data = rand(randInt(300))
      const key = rand(randInt(100))
      assert.equal(hex(sha256(data)), hex(nobleSha256(data)), seedNote)
      assert.equal(hex(sha512(data)), hex(nobleSha512(data)), seedNote)
      assert.equal(hex(hmacSha256(key, data)), hex(nobleHmac(nobleSha256, key, data)), seedNote)
    }
  })

  it('hkdfSha256', () => {
    for (let i = 0; i < CASES; i++) {
      const [ikm, salt, info] = [rand(randInt(80)), rand(randInt(80)), rand(randInt(80))]
      const length = 1 + randInt(200)
      assert.equal(hex(hkdfSha256(ikm, salt, info, length)), hex(nobleHkdf(nobleSha256, ikm, salt, info, length)), seedNote)
    }
  })

  it('ed25519: same public key, byte-identical signatures, each verifies the other', () => {
    for (let i = 0; i < CASES; i++) {
      const seed = rand(32)
      const msg = rand(randInt(500))
      const key = Ed25519PrivateKey.fromSeed(seed)
      assert.equal(hex(key.publicKey), hex(nobleEd25519.getPublicKey(seed)), seedNote)
      const sig = key.sign(msg)
      const nobleSig = nobleEd25519.sign(msg, seed)
      assert.equal(hex(sig), hex(nobleSig), seedNote)
      assert.equal(nobleEd25519.verify(sig, msg, key.publicKey), true, seedNote)
      assert.equal(ed25519Verify(key.publicKey, msg, nobleSig), true, seedNote)
      const bad = flipBit(sig, randInt(64), randInt(8))
      assert.equal(ed25519Verify(key.publicKey, msg, bad), false, seedNote)
      assert.equal(nobleEd25519.verify(bad, msg, key.publicKey), false, seedNote)
    }
  })

  it('x25519: same public key and shared secret', () => {
    for (let i = 0; i < CASES; i++) {
      const [a, b] = [rand(32), rand(32)]
      const key = X25519PrivateKey.fromBytes(a)
      const peer = nobleX25519.getPublicKey(b)
      assert.equal(hex(key.publicKey), hex(nobleX25519.getPublicKey(a)), seedNote)
      assert.equal(hex(key.agree(peer)), hex(nobleX25519.getSharedSecret(a, peer)), seedNote)
      assert.equal(hex(key.agree(peer)), hex(nobleX25519.getSharedSecret(b, key.publicKey)), seedNote)
    }
  })

  for (const alg of AEAD_ALGORITHMS) {
    it(`${alg}: byte-identical seal, each opens the other's output`, () => {
      for (let i = 0; i < CASES; i++) {
        const [key, nonce, pt] = [rand(32), rand(12), rand(randInt(600))]
        const aad = i % 5 === 0 ? undefined : rand(randInt(60))
        const noble = (): { encrypt: (b: Uint8Array) => Uint8Array, decrypt: (b: Uint8Array) => Uint8Array } =>
          alg === 'aes-256-gcm' ? nobleGcm(key, nonce, aad) : nobleChacha(key, nonce, aad)
        const sealed = aeadSeal(alg, key, nonce, pt, aad)
        const nobleSealed = noble().encrypt(pt)
        assert.equal(hex(sealed), hex(nobleSealed), seedNote)
        assert.equal(hex(noble().decrypt(sealed)), hex(pt), seedNote)
        assert.equal(hex(aeadOpen(alg, key, nonce, nobleSealed, aad)), hex(pt), seedNote)
      }
    })
  }

  it('scrypt with small parameters', async () => {
    for (let i = 0; i < 20; i++) {
      const params = { N: 2 ** (1 + randInt(7)), r: 1 + randInt(4), p: 1 + randInt(3) }
      const [pass, salt, dkLen] = [rand(randInt(40)), rand(randInt(40)), 1 + randInt(80)]
      const out = await scrypt(pass, salt, params, dkLen)
      assert.equal(hex(out), hex(nobleScrypt(pass, salt, { ...params, dkLen })), `${JSON.stringify(params)} ${seedNote}`)
    }
  })
})

describe('random, constantTimeEqual, wipe', () => {
  it('randomBytes gives fresh plain Uint8Arrays of the asked length', () => {
    assert.equal(randomBytes(0).length, 0)
    const [a, b] = [randomBytes(32), randomBytes(32)]
    assertPlainUint8Array(a)
    assert.equal(a.length, 32)
    assert.notEqual(hex(a), hex(b))
    assert.equal(a.buffer.byteLength, 32, 'not a slice of a shared pool')
  })

  it('randomBytes rejects bad sizes', () => {
    throwsNamed(() => randomBytes(-1), MalformedInputError, '"n" expected an integer between 0 and 2147483647, got -1')
    throwsNamed(() => randomBytes(1.5), MalformedInputError, '"n" expected an integer between 0 and 2147483647, got 1.5')
  })

  it('constantTimeEqual', () => {
    const a = rand(32)
    assert.equal(constantTimeEqual(a, a.slice()), true)
    assert.equal(constantTimeEqual(a, flipBit(a, 31, 7)), false)
    assert.equal(constantTimeEqual(a, a.subarray(0, 31)), false)
    assert.equal(constantTimeEqual(new Uint8Array(0), new Uint8Array(0)), true)
  })

  it('wipe zero-fills in place', () => {
    const a = rand(64)
    wipe(a)
    assert.ok(a.every((x) => x === 0))
  })
})

describe('hash argument checks', () => {
  it('rejects non-bytes input and out-of-range HKDF parameters with exact messages', () => {
    throwsNamed(() => sha256('abc' as unknown as Uint8Array), MalformedInputError, '"data" expected Uint8Array, got string')
    throwsNamed(() => hmacSha256(undefined as unknown as Uint8Array, new Uint8Array(1)), MalformedInputError, '"key" expected Uint8Array, got undefined')
    const z = new Uint8Array(0)
    throwsNamed(() => hkdfSha256(z, z, z, 0), MalformedInputError, '"length" expected an integer between 1 and 8160, got 0')
    throwsNamed(() => hkdfSha256(z, z, z, 8161), MalformedInputError, '"length" expected an integer between 1 and 8160, got 8161')
    throwsNamed(() => hkdfSha256(z, z, new Uint8Array(1025), 32), MalformedInputError, '"info" expected at most 1024 bytes, got 1025')
    assert.equal(hkdfSha256(z, z, new Uint8Array(1024), 8160).length, 8160)
  })

  it('returns plain Uint8Arrays', () => {
    const d = rand(10)
    for (const out of [sha256(d), sha512(d), hmacSha256(d, d), hkdfSha256(d, d, d, 32)]) assertPlainUint8Array(out)
  })
})

describe('Ed25519 misuse', () => {
  const key = Ed25519PrivateKey.generate()
  const msg = ascii('hello room')
  const sig = key.sign(msg)

  it('fromSeed rejects wrong lengths with exact messages', () => {
    throwsNamed(() => Ed25519PrivateKey.fromSeed(new Uint8Array(31)), MalformedInputError, '"seed" expected 32 bytes, got 31')
    throwsNamed(() => Ed25519PrivateKey.fromSeed(new Uint8Array(33)), MalformedInputError, '"seed" expected 32 bytes, got 33')
    throwsNamed(() => Ed25519PrivateKey.fromSeed(new Uint8Array(64)), MalformedInputError, '"seed" expected 32 bytes, got 64')
    throwsNamed(() => Ed25519PrivateKey.fromSeed('00'.repeat(32) as unknown as Uint8Array), MalformedInputError, '"seed" expected Uint8Array, got string')
  })

  it('verify returns false (never throws) for bad lengths, bad keys and altered signatures', () => {
    assert.equal(ed25519Verify(key.publicKey, msg, sig), true)
    for (const n of [0, 63, 65, 128]) assert.equal(ed25519Verify(key.publicKey, msg, new Uint8Array(n)), false, `sig length ${n}`)
    assert.equal(ed25519Verify(key.publicKey, msg, concat(sig, new Uint8Array(1))), false)
    assert.equal(ed25519Verify(key.publicKey, msg, sig.subarray(0, 63)), false)
    for (const n of [0, 31, 33]) assert.equal(ed25519Verify(new Uint8Array(n), msg, sig), false, `key length ${n}`)
    assert.equal(ed25519Verify(key.publicKey, msg, 'x' as unknown as Uint8Array), false)
    assert.equal(ed25519Verify(null as unknown as Uint8Array, msg, sig), false)
    assert.equal(ed25519Verify(new Uint8Array(32).fill(0xff), msg, sig), false, 'not a curve point')
    assert.equal(ed25519Verify(new Uint8Array(32), msg, sig), false, 'all-zero key')
    assert.equal(ed25519Verify(Ed25519PrivateKey.generate().publicKey, msg, sig), false, 'other key')
    assert.equal(ed25519Verify(key.publicKey, flipBit(msg, 0), sig), false, 'other message')
    for (let i = 0; i < 64; i++) assert.equal(ed25519Verify(key.publicKey, msg, flipBit(sig, i, i % 8)), false, `bit flipped in byte ${i}`)
  })

  it('verify rejects the malleated signature (S + L)', () => {
    const L = 2n ** 252n + 27742317777372353535851937790883648493n
    const s = BigInt('0x' + hex(sig.slice(32).reverse()))
    const sPlusL = unhex((s + L).toString(16).padStart(64, '0')).reverse()
    const malleated = concat(sig.subarray(0, 32), sPlusL)
    assert.equal(ed25519Verify(key.publicKey, msg, malleated), false)
    assert.equal(nobleEd25519.verify(malleated, msg, key.publicKey), false)
  })

  it('publicKey, exportSeed and sign return copies in plain Uint8Arrays', () => {
    const seed = rand(32)
    const k = Ed25519PrivateKey.fromSeed(seed)
    const before = hex(k.sign(msg))
    seed.fill(0) // the caller's buffer is not retained
    k.publicKey.fill(0)
    k.exportSeed().fill(0)
    assert.equal(hex(k.sign(msg)), before)
    assert.notEqual(hex(k.publicKey), '00'.repeat(32))
    for (const out of [k.publicKey, k.exportSeed(), k.sign(msg)]) assertPlainUint8Array(out)
  })

  it('the verification key cache stays bounded', () => {
    const msg1 = new Uint8Array(1)
    for (let i = 0; i < ED25519_VERIFY_CACHE_SIZE + 50; i++) {
      const pub = new Uint8Array(32)
      new DataView(pub.buffer).setUint32(0, i)
      ed25519Verify(pub, msg1, sig)
    }
    assert.ok(ed25519VerifyCacheSize() <= ED25519_VERIFY_CACHE_SIZE, `cache size ${ed25519VerifyCacheSize()}`)
    assert.equal(ed25519Verify(key.publicKey, msg, sig), true, 'still verifies after eviction')
  })
})

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const c = new LruCache<string, number>(2)
    c.set('a', 1)
    c.set('b', 2)
    assert.equal(c.get('a'), 1) // a is now the most recent
    c.set('c', 3)
    assert.equal(c.get('b'), undefined)
    assert.equal(c.get('a'), 1)
    assert.equal(c.get('c'), 3)
    assert.equal(c.size, 2)
    assert.throws(() => new LruCache(0), RangeError)
  })
})

describe('X25519 misuse', () => {
  it('rejects wrong lengths with exact messages', () => {
    throwsNamed(() => X25519PrivateKey.fromBytes(new Uint8Array(31)), MalformedInputError, '"secret" expected 32 bytes, got 31')
    const key = X25519PrivateKey.generate()
    throwsNamed(() => key.agree(new Uint8Array(31)), MalformedInputError, '"peerPublicKey" expected 32 bytes, got 31')
    throwsNamed(() => key.agree(new Uint8Array(33)), MalformedInputError, '"peerPublicKey" expected 32 bytes, got 33')
  })

  it('all-zero public key -> CryptoError', () => {
    throwsNamed(() => X25519PrivateKey.generate().agree(new Uint8Array(32)), CryptoError, 'x25519: low-order public key')
  })

  it('outputs are copies in plain Uint8Arrays', () => {
    const secret = rand(32)
    const k = X25519PrivateKey.fromBytes(secret)
    const peer = X25519PrivateKey.generate()
    const shared = hex(k.agree(peer.publicKey))
    secret.fill(0)
    k.exportBytes().fill(0)
    k.publicKey.fill(0)
    assert.equal(hex(k.agree(peer.publicKey)), shared)
    assert.equal(hex(peer.agree(k.publicKey)), shared)
    for (const out of [k.publicKey, k.exportBytes(), k.agree(peer.publicKey)]) assertPlainUint8Array(out)
  })
})

describe('AEAD misuse', () => {
  const key = rand(32)
  const nonce = rand(12)
  const pt = ascii('the quick brown fox')
  const aad = ascii('room-id|epoch 3')

  it('checks alg, key and nonce before use, with exact messages', () => {
    for (const alg of AEAD_ALGORITHMS) {
      for (const fn of [aeadSeal, aeadOpen]) {
        const data = new Uint8Array(40)
        throwsNamed(() => fn(alg, new Uint8Array(16), nonce, data), MalformedInputError, '"key" expected 32 bytes, got 16')
        throwsNamed(() => fn(alg, new Uint8Array(33), nonce, data), MalformedInputError, '"key" expected 32 bytes, got 33')
        throwsNamed(() => fn(alg, key, new Uint8Array(24), data), MalformedInputError, '"nonce" expected 12 bytes, got 24')
        throwsNamed(() => fn(alg, key, new Uint8Array(8), data), MalformedInputError, '"nonce" expected 12 bytes, got 8')
        throwsNamed(() => fn(alg, key, nonce, data, 'aad' as unknown as Uint8Array), MalformedInputError, '"aad" expected Uint8Array, got string')
      }
      throwsNamed(() => aeadSeal(alg, key, nonce, 'text' as unknown as Uint8Array), MalformedInputError, '"plaintext" expected Uint8Array, got string')
      throwsNamed(() => aeadOpen(alg, key, nonce, [1, 2] as unknown as Uint8Array), MalformedInputError, '"sealed" expected Uint8Array, got Array')
    }
    throwsNamed(() => aeadSeal('aes-128-gcm' as AeadAlgorithm, key, nonce, pt), MalformedInputError, '"alg" expected chacha20-poly1305 or aes-256-gcm, got aes-128-gcm')
  })

  for (const alg of AEAD_ALGORITHMS) {
    it(`${alg}: every altered, truncated or mismatched input -> CryptoError 'decryption failed'`, () => {
      const sealed = aeadSeal(alg, key, nonce, pt, aad)
      assertPlainUint8Array(sealed)
      assert.equal(sealed.length, pt.length + 16)
      // a = null: open without aad (undefined would select the default)
      const fails = (s: Uint8Array, k = key, n = nonce, a: Uint8Array | null = aad): void =>
        throwsNamed(() => aeadOpen(alg, k, n, s, a ?? undefined), CryptoError, 'decryption failed')
      for (let i = 0; i < sealed.length; i++) fails(flipBit(sealed, i, i % 8)) // ciphertext bytes, then tag bytes
      for (let i = 0; i < aad.length; i++) fails(sealed, key, nonce, flipBit(aad, i))
      fails(sealed, key, nonce, null)
      fails(sealed, key, nonce, concat(aad, new Uint8Array(1)))
      fails(sealed, flipBit(key, 0))
      fails(sealed, key, flipBit(nonce, 11, 7))
      for (const n of [0, 1, 15, 16, sealed.length - 1]) fails(sealed.subarray(0, n))
      fails(sealed.subarray(1))
      fails(concat(sealed, new Uint8Array(1)))
      // the right inputs still open
      const opened = aeadOpen(alg, key, nonce, sealed, aad)
      assertPlainUint8Array(opened)
      assert.equal(hex(opened), hex(pt))
    })

    it(`${alg}: empty plaintext and absent vs empty aad`, () => {
      const sealed = aeadSeal(alg, key, nonce, new Uint8Array(0))
      assert.equal(sealed.length, 16)
      assert.equal(aeadOpen(alg, key, nonce, sealed).length, 0)
      // AEAD defines no AAD as empty AAD
      assert.equal(hex(aeadSeal(alg, key, nonce, pt, new Uint8Array(0))), hex(aeadSeal(alg, key, nonce, pt)))
    })
  }

  it('the two algorithms do not open each other\'s output', () => {
    const sealed = aeadSeal('chacha20-poly1305', key, nonce, pt)
    throwsNamed(() => aeadOpen('aes-256-gcm', key, nonce, sealed), CryptoError, 'decryption failed')
  })
})

describe('scrypt parameter checks', () => {
  const z = new Uint8Array(0)
  const cases: Array<[{ N: number, r: number, p: number }, number, string]> = [
    [{ N: 1000, r: 1, p: 1 }, 32, '"N" expected a power of 2 between 2 and 1048576, got 1000'],
    [{ N: 1, r: 1, p: 1 }, 32, '"N" expected a power of 2 between 2 and 1048576, got 1'],
    [{ N: 2 ** 21, r: 1, p: 1 }, 32, '"N" expected a power of 2 between 2 and 1048576, got 2097152'],
    [{ N: 16, r: 0, p: 1 }, 32, '"r" expected an integer between 1 and 32, got 0'],
    [{ N: 16, r: 33, p: 1 }, 32, '"r" expected an integer between 1 and 32, got 33'],
    [{ N: 16, r: 1, p: 17 }, 32, '"p" expected an integer between 1 and 16, got 17'],
    [{ N: 16, r: 1, p: 0.5 }, 32, '"p" expected an integer between 1 and 16, got 0.5'],
    [{ N: 16, r: 1, p: 1 }, 0, '"dkLen" expected an integer between 1 and 1024, got 0']
  ]
  for (const [params, dkLen, message] of cases) {
    it(`rejects ${JSON.stringify(params)} dkLen=${dkLen}`, async () => {
      await rejectsNamed(async () => await scrypt(z, z, params, dkLen), MalformedInputError, message)
    })
  }

  it('sizes maxmem for the parameters (N=2^15, r=8 needs more than node\'s 32 MiB default)', async () => {
    const params = { N: 2 ** 15, r: 8, p: 1 }
    const [pass, salt] = [ascii('correct horse'), rand(16)]
    const out = await scrypt(pass, salt, params, 32)
    assert.equal(hex(out), hex(nobleScrypt(pass, salt, { ...params, dkLen: 32 })), seedNote)
  })

  it('returns a plain Uint8Array', async () => {
    assertPlainUint8Array(await scrypt(z, z, { N: 16, r: 1, p: 1 }, 32))
  })
})

describe('private keys never show their secret', () => {
  const seed = rand(32)
  const keys = [
    { name: 'Ed25519PrivateKey', key: Ed25519PrivateKey.fromSeed(seed) },
    { name: 'X25519PrivateKey', key: X25519PrivateKey.fromBytes(seed) }
  ]
  const forbidden = [
    hex(seed), hex(seed).toUpperCase(), Buffer.from(seed).toString('base64'), Buffer.from(seed).toString('base64url'),
    Array.from(seed).join(','), Array.from(seed).join(', '), Array.from(seed).join(' '),
    hex(seed).slice(0, 16), Buffer.from(seed).toString('base64').slice(0, 12)
  ]

  for (const { name, key } of keys) {
    it(`${name}: inspect, String, template, JSON, format`, () => {
      const shown = [
        inspect(key), inspect(key, { showHidden: true, depth: Infinity, getters: true }), inspect({ nested: [key] }, { depth: Infinity }),
        String(key), `${String(key)}`, key.toString(), JSON.stringify(key), JSON.stringify({ key }), format('%o %O %s %j', key, key, key, key),
        Object.keys(key).join(','), JSON.stringify(Object.getOwnPropertyNames(key))
      ]
      for (const text of shown) {
        for (const secret of forbidden) assert.ok(!text.includes(secret), `${name} leaks its secret in: ${text}`)
      }
      const pubPrefix = hex(key.publicKey).slice(0, 8)
      assert.equal(inspect(key), `${name}(<redacted>, pub=${pubPrefix}…)`)
      assert.equal(JSON.stringify(key), JSON.stringify(`${name}(<redacted>, pub=${pubPrefix}…)`))
    })
  }
})
