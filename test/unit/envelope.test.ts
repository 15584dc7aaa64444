// Tests for the envelope: wire codec limits, padding buckets, sealEnvelope, and the SPEC 3.7 validation
// pipeline (every reason, bit flips, truncation, oversize, replay, reordering), plus the known-answer vector.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { ed25519 as nobleEd25519 } from '@noble/curves/ed25519.js'
import { chacha20poly1305 as nobleChacha } from '@noble/ciphers/chacha.js'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { hmac as nobleHmac } from '@noble/hashes/hmac.js'
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js'
import { toString as u8ToString } from 'uint8arrays'
import { Ed25519PrivateKey, aeadSeal, randomBytes, sha256 } from '../../src/crypto/index.js'
import { MalformedInputError } from '../../src/errors.js'
import {
  MAX_CLOCK_SKEW_MS, MAX_MESSAGE_AGE_MS, messageId, roomTopic, sealEnvelope, validateEnvelope,
  type MemberStatus, type ValidationContext, type ValidationResult
} from '../../src/room/envelope.js'
import { InboundSenderChain, MAX_GAP, OutboundSenderChain } from '../../src/room/sender-keys.js'
import {
  ENVELOPE_MAX_BYTES, aad, decodeEnvelope, encodeEnvelope, encodeHeader, signingBytes
} from '../../src/wire/envelope.js'
import {
  PAYLOAD_BUCKETS, TEXT_MAX_BYTES, decodePayload, encodePayload, paddedLength, type PayloadInput
} from '../../src/wire/payload.js'
import { Envelope, EnvelopeHeader, Payload } from '../../topics/envelope.js'

const V = JSON.parse(readFileSync(new URL('../vectors/envelope.json', import.meta.url), 'utf8'))
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'))
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s)
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts))

const NOW = 1_750_000_000_000

/** A sender and a receiver of one room: the sender's chain, the receiver's chains and replay memory. */
class Room {
  readonly roomId = randomBytes(32)
  readonly epoch = 1
  readonly key = Ed25519PrivateKey.generate()
  readonly chain = OutboundSenderChain.create({ roomId: this.roomId, epoch: this.epoch, sender: this.key.publicKey })
  readonly chains = new Map<string, InboundSenderChain>()
  readonly seenSet = new Set<string>()
  status: MemberStatus = 'member'
  inboundCalls = 0

  constructor () { this.give(this.chain.exportKey()) }

  give (sk: Parameters<typeof InboundSenderChain.fromSenderKey>[0]): void {
    this.chains.set(`${hex(sk.sender)}/${sk.epoch}`, InboundSenderChain.fromSenderKey(sk))
  }

  seal (payload: PayloadInput = { message: { text: 'hi' } }, tsMs = NOW): { bytes: Uint8Array, id: Uint8Array, index: number } {
    return sealEnvelope({ roomId: this.roomId, epoch: this.epoch, senderKey: this.key, chain: this.chain, tsMs, payload })
  }

  ctx (over: Partial<ValidationContext> = {}): ValidationContext {
    return {
      roomId: this.roomId,
      memberAt: () => this.status,
      seen: (s, e, i) => this.seenSet.has(`${s}/${e}/${i}`),
      inboundChain: (s, e) => { this.inboundCalls++; return this.chains.get(`${s}/${e}`) },
      nowMs: NOW,
      ...over
    }
  }

  /** Validates like the room service: records (sender, epoch, index) after an accept. */
  receive (bytes: Uint8Array, over: Partial<ValidationContext> = {}): ValidationResult {
    const r = validateEnvelope(bytes, this.ctx(over))
    if (r.verdict === 'accept') this.seenSet.add(`${hex(r.header!.sender)}/${r.header!.epoch}/${r.header!.index}`)
    return r
  }
}

function expect (r: ValidationResult, verdict: string, reason: string): void {
  assert.deepEqual([r.verdict, r.reason], [verdict, reason])
}

/** A Payload with padding entries chosen by search so it is exactly `size` bytes (for hand-made payloads). */
function padTo (p: Partial<Payload>, size: number): Uint8Array {
  for (let n = 0; n <= size; n++) {
    const out = Payload.encode({ ...p, padding: [new Uint8Array(n)] })
    if (out.length === size) return out
    if (out.length > size) break
  }
  throw new Error(`cannot pad to ${size}`)
}

/** An envelope built by hand from a header, a plaintext and a key (for cases sealEnvelope refuses to make). */
function rawEnvelope (header: EnvelopeHeader, plaintext: Uint8Array, mk: { key: Uint8Array, nonce: Uint8Array }, signer: Ed25519PrivateKey): Uint8Array {
  const headerBytes = EnvelopeHeader.encode(header)
  const ciphertext = aeadSeal('chacha20-poly1305', mk.key, mk.nonce, plaintext, aad(headerBytes))
  return encodeEnvelope({ headerBytes, ciphertext, signature: signer.sign(signingBytes(headerBytes, ciphertext)) })
}

describe('known-answer vector (test/vectors/envelope.json)', () => {
  const seed = unhex(V.memberSeedHex)
  const key = Ed25519PrivateKey.fromSeed(seed)
  const roomId = unhex(V.roomIdHex)

  it('sealEnvelope reproduces every envelope byte for byte', () => {
    assert.equal(hex(key.publicKey), V.memberPublicKeyHex)
    assert.equal(roomTopic(roomId), V.topic)
    const chain = OutboundSenderChain.fromChainKey({ roomId, epoch: V.epoch, sender: key.publicKey, chainKey: unhex(V.chainKey0Hex) })
    for (const v of V.envelopes) {
      assert.equal(hex(encodePayload(v.payload)), v.paddedPayloadHex)
      const sealed = sealEnvelope({ roomId, epoch: V.epoch, senderKey: key, chain, tsMs: v.tsMs, payload: v.payload })
      assert.equal(sealed.index, v.index)
      assert.equal(hex(sealed.bytes), v.envelopeHex)
      assert.equal(hex(sealed.id), v.messageIdHex)
    }
  })

  it('@noble/* re-derives header, ciphertext, signature, id and topic independently of src/', () => {
    assert.equal(V.topic, '/conclave/1/' + u8ToString(nobleSha256(concat(ascii('conclave topic v1\0'), roomId)), 'base32'))
    assert.equal(hex(nobleEd25519.getPublicKey(seed)), V.memberPublicKeyHex)
    for (const v of V.envelopes) {
      // the ratchet from CK_0 up to this index
      let ck = unhex(V.chainKey0Hex)
      for (let i = 0; i < v.index; i++) ck = nobleHmac(nobleSha256, ck, Uint8Array.of(2))
      const okm = nobleHkdf(nobleSha256, nobleHmac(nobleSha256, ck, Uint8Array.of(1)), new Uint8Array(0), ascii('conclave message key v1\0'), 44)
      // header protobuf by hand: 08 version, 12 room_id, 18 epoch, 22 sender, 28 index (omitted when 0), 30 ts_ms varint
      const varint = (n: number): number[] => { const o: number[] = []; while (n >= 128) { o.push((n % 128) | 128); n = Math.floor(n / 128) } o.push(n); return o }
      const header = Uint8Array.from([0x08, 1, 0x12, 32, ...roomId, 0x18, ...varint(V.epoch), 0x22, 32, ...nobleEd25519.getPublicKey(seed), ...(v.index === 0 ? [] : [0x28, ...varint(v.index)]), 0x30, ...varint(v.tsMs)])
      assert.equal(hex(header), v.headerHex)
      const ct = nobleChacha(okm.slice(0, 32), okm.slice(32), concat(ascii('conclave payload v1\0'), header)).encrypt(unhex(v.paddedPayloadHex))
      assert.equal(hex(ct), v.ciphertextHex)
      const len = new Uint8Array(4); new DataView(len.buffer).setUint32(0, header.length)
      const signed = concat(ascii('conclave envelope v1\0'), len, header, ct)
      assert.equal(hex(nobleEd25519.sign(signed, seed)), v.signatureHex)
      assert.ok(nobleEd25519.verify(unhex(v.signatureHex), signed, nobleEd25519.getPublicKey(seed)))
      assert.equal(hex(nobleSha256(concat(ascii('conclave message id v1\0'), header, ct))), v.messageIdHex)
      assert.equal(v.envelopeHex, hex(Envelope.encode({ header: header as Uint8Array<ArrayBuffer>, ciphertext: ct as Uint8Array<ArrayBuffer>, signature: unhex(v.signatureHex) as Uint8Array<ArrayBuffer> })))
    }
  })

  it('validateEnvelope accepts the vector envelopes and returns their payloads', () => {
    const inbound = InboundSenderChain.fromSenderKey({ roomId: roomId as Uint8Array<ArrayBuffer>, epoch: V.epoch, sender: key.publicKey as Uint8Array<ArrayBuffer>, index: 0, chainKey: unhex(V.chainKey0Hex) as Uint8Array<ArrayBuffer> })
    for (const v of [...V.envelopes].reverse()) { // out of order on purpose
      const r = validateEnvelope(unhex(v.envelopeHex), { roomId, memberAt: () => 'member', seen: () => false, inboundChain: () => inbound, nowMs: v.tsMs })
      expect(r, 'accept', 'ok')
      assert.equal(hex(r.id!), v.messageIdHex)
      assert.equal(r.payload?.type, 'message')
      const m = (r.payload as { message: Record<string, unknown> }).message
      for (const [k, value] of Object.entries(v.payload.message)) assert.deepEqual(m[k], value)
    }
  })
})

describe('round trip', () => {
  it('a message with every field', () => {
    const room = new Room()
    const msg = { text: 'disk full on db1\nsecond line', title: 'alert', priority: 5, tags: ['ops', 'disk'], lines: [], wantReceipts: true }
    const sealed = room.seal({ message: msg })
    const r = room.receive(sealed.bytes)
    expect(r, 'accept', 'ok')
    assert.deepEqual(r.payload, { type: 'message', message: msg })
    assert.deepEqual(r.id, sealed.id)
    assert.equal(r.role, 'member')
    assert.equal(r.header?.index, 0)
    assert.equal(r.header?.tsMs, NOW)
    assert.deepEqual(r.header?.sender, room.key.publicKey)
  })

  it('a log entry, and a poster and an admin may write', () => {
    const room = new Room()
    const entry = randomBytes(300)
    room.status = 'poster'
    const r = room.receive(room.seal({ logEntry: entry }).bytes)
    expect(r, 'accept', 'ok')
    assert.deepEqual(r.payload, { type: 'log-entry', logEntry: entry })
    assert.equal(r.role, 'poster')
    room.status = 'admin'
    expect(room.receive(room.seal().bytes), 'accept', 'ok')
  })

  it('the largest message fits in the largest bucket and under the envelope limit', () => {
    const room = new Room()
    const sealed = room.seal({ message: { text: 'x'.repeat(TEXT_MAX_BYTES), title: 't'.repeat(256), tags: Array.from({ length: 16 }, () => 'g'.repeat(64)) } })
    assert.ok(sealed.bytes.length <= ENVELOPE_MAX_BYTES)
    expect(room.receive(sealed.bytes), 'accept', 'ok')
  })

  it('sealEnvelope refuses a chain of another room or sender, and a refused payload burns no index', () => {
    const room = new Room()
    assert.throws(() => sealEnvelope({ roomId: randomBytes(32), epoch: room.epoch, senderKey: room.key, chain: room.chain, tsMs: NOW, payload: { message: { text: 'x' } } }), MalformedInputError)
    assert.throws(() => sealEnvelope({ roomId: room.roomId, epoch: room.epoch, senderKey: Ed25519PrivateKey.generate(), chain: room.chain, tsMs: NOW, payload: { message: { text: 'x' } } }), MalformedInputError)
    assert.throws(() => room.seal({ message: { text: 'x'.repeat(TEXT_MAX_BYTES + 1) } }), MalformedInputError)
    assert.equal(room.chain.index, 0)
  })
})

describe('validation: every reason, with its verdict', () => {
  it('too-large (before decoding), malformed, bad-version, wrong-room', () => {
    const room = new Room()
    expect(room.receive(randomBytes(70 * 1024)), 'reject', 'too-large')
    expect(room.receive(new Uint8Array(0)), 'reject', 'malformed')
    expect(room.receive(randomBytes(500)), 'reject', 'malformed')
    const mk = OutboundSenderChain.create({ roomId: room.roomId, epoch: 1, sender: room.key.publicKey }).next()
    const v2 = rawEnvelope({ version: 2, roomId: room.roomId as any, epoch: 1, sender: room.key.publicKey as any, index: 0, tsMs: NOW }, encodePayload({ message: { text: 'x' } }), mk, room.key)
    expect(room.receive(v2), 'reject', 'bad-version')
    const other = new Room()
    expect(room.receive(other.seal().bytes), 'reject', 'wrong-room')
  })

  it('non-member, revoked, unknown-epoch', () => {
    const room = new Room()
    const { bytes } = room.seal()
    for (const [status, verdict, reason] of [['unknown', 'reject', 'non-member'], ['revoked', 'reject', 'revoked'], ['future-epoch', 'ignore', 'unknown-epoch']] as const) {
      room.status = status
      expect(room.receive(bytes), verdict, reason)
    }
    assert.equal(room.inboundCalls, 0)
    room.status = 'member'
    expect(room.receive(bytes), 'accept', 'ok')
  })

  it('bad-signature: a flipped signature bit, and a valid signature by another key', () => {
    const room = new Room()
    const { bytes } = room.seal()
    const d = decodeEnvelope(bytes)
    const flipped = d.signature.slice(); flipped[10]! ^= 0x01
    expect(room.receive(encodeEnvelope({ ...d, signature: flipped })), 'reject', 'bad-signature')
    const mallory = Ed25519PrivateKey.generate()
    expect(room.receive(encodeEnvelope({ ...d, signature: mallory.sign(signingBytes(d.headerBytes, d.ciphertext)) })), 'reject', 'bad-signature')
    assert.equal(room.inboundCalls, 0)
    expect(room.receive(bytes), 'accept', 'ok')
  })

  it('duplicate: from the persisted seen set, and from the chain when the seen set forgot', () => {
    const room = new Room()
    const { bytes, id } = room.seal()
    expect(room.receive(bytes), 'accept', 'ok')
    const again = room.receive(bytes)
    expect(again, 'ignore', 'duplicate')
    assert.deepEqual(again.id, id)
    room.seenSet.clear()
    expect(room.receive(bytes), 'ignore', 'duplicate')
  })

  it('too-new and too-old, at the exact edges', () => {
    const room = new Room()
    expect(room.receive(room.seal(undefined, NOW + MAX_CLOCK_SKEW_MS + 1).bytes), 'reject', 'too-new')
    expect(room.receive(room.seal(undefined, NOW - MAX_MESSAGE_AGE_MS - 1).bytes), 'reject', 'too-old')
    expect(room.receive(room.seal(undefined, NOW + MAX_CLOCK_SKEW_MS).bytes), 'accept', 'ok')
    expect(room.receive(room.seal(undefined, NOW - MAX_MESSAGE_AGE_MS).bytes), 'accept', 'ok')
  })

  it('missing-keys: no chain, or a chain that starts after the index', () => {
    const room = new Room()
    const first = room.seal()
    room.chains.clear()
    expect(room.receive(first.bytes), 'ignore', 'missing-keys')
    room.give(room.chain.exportCurrentKey())
    expect(room.receive(first.bytes), 'ignore', 'missing-keys')
    expect(room.receive(room.seal().bytes), 'accept', 'ok')
  })

  it('keys derived ahead (prepareNext) seal and open exactly like keys derived on the spot', () => {
    const room = new Room()
    const twin = { roomId: room.roomId, epoch: room.epoch, senderKey: room.key, tsMs: NOW, payload: { message: { text: 'hi' } } }
    const plain = OutboundSenderChain.fromState(room.chain.toState())
    for (let i = 0; i < 4; i++) {
      room.chain.prepareNext()
      const a = sealEnvelope({ ...twin, chain: room.chain })
      assert.deepEqual(a.bytes, sealEnvelope({ ...twin, chain: plain }).bytes) // deterministic: same key, same bytes
      for (const c of room.chains.values()) c.prepareNext()
      const r = room.receive(a.bytes)
      expect(r, 'accept', 'ok')
      assert.deepEqual(r.id, a.id)
    }
    // a prepared key opens only its own message: a signed envelope under another chain fails to decrypt
    const wrong = OutboundSenderChain.create({ roomId: room.roomId, epoch: room.epoch, sender: room.key.publicKey })
    for (let i = 0; i < 4; i++) wrong.next()
    for (const c of room.chains.values()) c.prepareNext()
    expect(room.receive(sealEnvelope({ ...twin, chain: wrong }).bytes), 'reject', 'decrypt-failed')
  })

  it('decrypt-failed: signed by the member, but not under the chain we hold', () => {
    const room = new Room()
    const wrong = OutboundSenderChain.create({ roomId: room.roomId, epoch: room.epoch, sender: room.key.publicKey })
    room.give(wrong.exportKey())
    expect(room.receive(room.seal().bytes), 'reject', 'decrypt-failed')
  })

  it('bad-payload: signed and decrypting, but not a valid payload', () => {
    const room = new Room()
    const header = (index: number): EnvelopeHeader => ({ version: 1, roomId: room.roomId as any, epoch: room.epoch, sender: room.key.publicKey as any, index, tsMs: NOW })
    const bad = [
      new Uint8Array(256), // field number 0
      padTo({ message: { text: 'x', title: '', priority: 9, tags: [], lines: [], wantReceipts: false } }, 256), // priority out of range
      padTo({}, 256), // no body
      padTo({ message: { text: 'x', title: '', priority: 0, tags: [], lines: [], wantReceipts: false } }, 1024).subarray(0, 256) // cut short
    ]
    for (const plaintext of bad) {
      assert.equal(plaintext.length, 256)
      const mk = room.chain.next()
      expect(room.receive(rawEnvelope(header(mk.index), plaintext, mk, room.key)), 'reject', 'bad-payload')
    }
  })

  it('key-expired and gap-too-large are ignored, not rejected', () => {
    const room = new Room()
    const early = room.seal()
    for (let i = 0; i < 1500; i++) room.chain.next()
    expect(room.receive(room.seal().bytes), 'accept', 'ok') // index 1501: the window keeps 501..1500
    expect(room.receive(early.bytes), 'ignore', 'key-expired')
    for (let i = 0; i < MAX_GAP + 1; i++) room.chain.next()
    const far = room.seal() // index 1502 + 2001: a gap of 2001
    expect(room.receive(far.bytes), 'ignore', 'gap-too-large')
  })

  it('never asks for a key before membership and signature have passed', () => {
    const room = new Room()
    const { bytes } = room.seal()
    const d = decodeEnvelope(bytes)
    const sig = d.signature.slice(); sig[0]! ^= 0x80
    room.status = 'unknown'; room.receive(bytes)
    room.status = 'revoked'; room.receive(bytes)
    room.status = 'member'; room.receive(encodeEnvelope({ ...d, signature: sig }))
    assert.equal(room.inboundCalls, 0)
  })
})

describe('hostile bytes', () => {
  it('a bit flip in any bit of any byte never accepts (and never consumes a key)', () => {
    const room = new Room()
    const { bytes } = room.seal({ message: { text: 'flip me', title: 't', tags: ['a'] } })
    let flips = 0
    for (let i = 0; i < bytes.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const copy = bytes.slice(); copy[i]! ^= 1 << bit
        const r = room.receive(copy)
        assert.notEqual(r.verdict, 'accept', `byte ${i} bit ${bit}: ${r.reason}`)
        assert.notEqual(r.reason, 'ok')
        flips++
      }
    }
    assert.equal(flips, bytes.length * 8)
    assert.equal(room.chains.values().next().value!.nextIndex, 0, 'no flipped envelope reached the chain')
    expect(room.receive(bytes), 'accept', 'ok')
  })

  it('every truncation is rejected as malformed', () => {
    const room = new Room()
    const { bytes } = room.seal()
    for (let n = 0; n < bytes.length; n++) expect(room.receive(bytes.subarray(0, n)), 'reject', 'malformed')
    const extended = concat(bytes, Uint8Array.of(0x20, 0x01)) // a trailing unknown varint field
    expect(room.receive(extended), 'reject', 'malformed')
    expect(room.receive(bytes), 'accept', 'ok')
  })

  it('oversize is checked before decoding: 70 KB of garbage, and a well-formed 70 KB envelope', () => {
    const throwing: ValidationContext = {
      roomId: new Uint8Array(32),
      memberAt: () => { throw new Error('memberAt called') },
      seen: () => { throw new Error('seen called') },
      inboundChain: () => { throw new Error('inboundChain called') },
      nowMs: NOW
    }
    expect(validateEnvelope(randomBytes(70 * 1024), throwing), 'reject', 'too-large')
    const big = Envelope.encode({ header: new Uint8Array(10) as any, ciphertext: new Uint8Array(70 * 1024) as any, signature: new Uint8Array(64) as any })
    expect(validateEnvelope(big, throwing), 'reject', 'too-large')
    expect(validateEnvelope(new Uint8Array(ENVELOPE_MAX_BYTES + 1), throwing), 'reject', 'too-large')
    assert.throws(() => decodeEnvelope(big), { name: 'MalformedInputError', message: `the envelope is ${big.length} bytes, more than 65536` })
  })

  it('cross-room replay is wrong-room, even to a member holding the sender key', () => {
    const a = new Room()
    const { bytes } = a.seal()
    const ctxB = { ...a.ctx(), roomId: randomBytes(32) }
    expect(validateEnvelope(bytes, ctxB), 'reject', 'wrong-room')
    assert.equal(a.inboundCalls, 0)
  })

  it('out-of-order delivery within the window is accepted, each message once', () => {
    const room = new Room()
    const sealed = Array.from({ length: 40 }, (_, i) => room.seal({ message: { text: `m${i}` } }))
    const order = [...sealed.keys()].sort((x, y) => ((x * 7919) % 41) - ((y * 7919) % 41))
    for (const i of order) {
      const r = room.receive(sealed[i]!.bytes)
      expect(r, 'accept', 'ok')
      assert.equal((r.payload as any).message.text, `m${i}`)
    }
    for (const s of sealed) expect(room.receive(s.bytes), 'ignore', 'duplicate')
  })

  it('a gap of exactly MAX_GAP opens; over it is refused (ignore gap-too-large)', () => {
    const room = new Room()
    for (let i = 0; i < MAX_GAP; i++) room.chain.next()
    expect(room.receive(room.seal().bytes), 'accept', 'ok') // index 2000, gap 2000
    for (let i = 0; i < MAX_GAP + 1; i++) room.chain.next()
    const far = room.seal() // index 4002, gap 2001
    expect(room.receive(far.bytes), 'ignore', 'gap-too-large')
  })
})

describe('wire limits', () => {
  const room = new Room()
  const good = decodeEnvelope(room.seal().bytes)

  it('header field lengths and canonical form', () => {
    const h = good.header
    assert.throws(() => encodeHeader({ ...h, roomId: new Uint8Array(31) as any }), { name: 'MalformedInputError', message: '"room_id" expected 32 bytes, got 31' })
    assert.throws(() => encodeHeader({ ...h, sender: new Uint8Array(33) as any }), { name: 'MalformedInputError', message: '"sender" expected 32 bytes, got 33' })
    assert.throws(() => encodeHeader({ ...h, tsMs: 2 ** 53 }), MalformedInputError)
    const sig = good.signature
    const withHeader = (headerBytes: Uint8Array): Uint8Array => encodeEnvelope({ headerBytes, ciphertext: good.ciphertext, signature: sig })
    const shortRoom = EnvelopeHeader.encode({ ...h, roomId: new Uint8Array(31) as any })
    assert.throws(() => decodeEnvelope(withHeader(shortRoom)), { message: '"room_id" expected 32 bytes, got 31' })
    const extraField = concat(good.headerBytes, Uint8Array.of(0x38, 0x01))
    assert.throws(() => decodeEnvelope(withHeader(extraField)), { message: 'the envelope header is not canonically encoded' })
    const explicitZero = concat(good.headerBytes, Uint8Array.of(0x28, 0x00)) // index 0 written out
    assert.throws(() => decodeEnvelope(withHeader(explicitZero)), { message: 'the envelope header is not canonically encoded' })
    assert.throws(() => decodeEnvelope(withHeader(new Uint8Array(257))), { message: 'the envelope header is 257 bytes, expected 1 to 256' })
  })

  it('ciphertext sizes are bucket + tag; signatures are 64 bytes', () => {
    const raw = (ciphertext: Uint8Array, signature = good.signature): Uint8Array =>
      Envelope.encode({ header: good.headerBytes as any, ciphertext: ciphertext as any, signature: signature as any })
    assert.throws(() => decodeEnvelope(raw(new Uint8Array(271))), { message: 'the ciphertext is 271 bytes, expected one of 272, 1040, 4112, 16400, 61456' })
    assert.throws(() => decodeEnvelope(raw(good.ciphertext, new Uint8Array(63))), { message: '"signature" expected 64 bytes, got 63' })
    assert.throws(() => decodeEnvelope(raw(good.ciphertext, new Uint8Array(0))), { message: '"signature" expected 64 bytes, got 0' })
    assert.doesNotThrow(() => decodeEnvelope(raw(good.ciphertext)))
  })

  it('the id is SHA-256 over the label, header and ciphertext', () => {
    assert.deepEqual(messageId(good.headerBytes, good.ciphertext), sha256(concat(ascii('conclave message id v1\0'), good.headerBytes, good.ciphertext)))
  })
})

describe('payload padding and limits', () => {
  it('pads to the smallest bucket that fits, for every text length around each boundary', () => {
    const seen = new Set<number>()
    const lengths = new Set<number>()
    for (const b of PAYLOAD_BUCKETS) for (let d = -140; d <= 4; d++) if (b + d >= 0) lengths.add(b + d)
    for (const l of [16370, 16380, 45040, 45053, 45060, 61300, 61310, 61320]) lengths.add(l)
    for (const n of lengths) {
      if (n > TEXT_MAX_BYTES) continue
      const text = 'a'.repeat(n)
      const unpadded = Payload.encode({ message: { text, title: '', priority: 0, tags: [], lines: [], wantReceipts: false } }).length
      const padded = encodePayload({ message: { text } })
      const bucket = PAYLOAD_BUCKETS.find(b => b === unpadded || b - unpadded >= 2)
      assert.equal(padded.length, bucket, `text ${n} (encoded ${unpadded})`)
      assert.equal(paddedLength(unpadded), bucket)
      const back = decodePayload(padded)
      assert.equal(back.type, 'message')
      assert.equal((back as any).message.text, text)
      seen.add(padded.length)
    }
    assert.deepEqual([...seen].sort((a, b) => a - b), [...PAYLOAD_BUCKETS])
  })

  it('the varint boundaries (gaps of 130 and 16387) use two padding entries', () => {
    for (const [gap, bucket] of [[130, 256], [16387, 61440]] as const) {
      // an empty message is 2 bytes; text of n bytes adds 1 + varint(n) + n inside, and the
      // message's own length varint may grow: search near the estimate
      let n = Math.max(0, bucket - gap - 8)
      while (Payload.encode({ message: { text: 'b'.repeat(n), title: '', priority: 0, tags: [], lines: [], wantReceipts: false } }).length < bucket - gap) n++
      assert.equal(Payload.encode({ message: { text: 'b'.repeat(n), title: '', priority: 0, tags: [], lines: [], wantReceipts: false } }).length, bucket - gap)
      const padded = encodePayload({ message: { text: 'b'.repeat(n) } })
      assert.equal(padded.length, bucket)
      assert.equal(Payload.decode(padded).padding.length, 2)
      assert.equal(decodePayload(padded).type, 'message')
    }
  })

  it('field limits, on encode and on decode', () => {
    const cases: Array<[PayloadInput, string]> = [
      [{ message: { text: 'x'.repeat(TEXT_MAX_BYTES + 1) } }, `"text" is ${TEXT_MAX_BYTES + 1} bytes, more than ${TEXT_MAX_BYTES}`],
      [{ message: { title: 't'.repeat(257) } }, '"title" is 257 bytes, more than 256'],
      [{ message: { title: 'a\nb' } }, '"title" contains control characters'],
      [{ message: { tags: Array.from({ length: 17 }, () => 't') } }, '"tags" expected at most 16 tags'],
      [{ message: { tags: ['g'.repeat(65)] } }, '"tag" is 65 bytes, more than 64'],
      [{ message: { tags: [''] } }, '"tag" is empty'],
      [{ message: { priority: 6 } }, '"priority" expected an integer between 0 and 5, got 6'],
      [{ message: { text: 'bad \ud800 surrogate' } }, '"text" is not valid Unicode'],
      [{ logEntry: new Uint8Array(0) }, '"logEntry" is empty'],
      [{ logEntry: new Uint8Array(61440) }, 'the payload is 61444 bytes, more than fits in 61440']
    ]
    for (const [input, message] of cases) assert.throws(() => encodePayload(input), { name: 'MalformedInputError', message })
    // the same limits hold for bytes that did not come from encodePayload
    const handmade = (m: object): Uint8Array => padTo({ message: { text: '', title: '', priority: 0, tags: [], lines: [], wantReceipts: false, ...m } }, 256)
    assert.throws(() => decodePayload(handmade({ priority: 7 })), { message: '"priority" expected an integer between 0 and 5, got 7' })
    assert.throws(() => decodePayload(handmade({ title: 'a\u0000b' })), { message: '"title" contains control characters' })
    assert.throws(() => decodePayload(handmade({ tags: Array.from({ length: 17 }, () => 't') })), { message: 'the payload is not a valid protobuf' })
    assert.throws(() => decodePayload(new Uint8Array(255)), { message: 'the payload is 255 bytes, expected one of 256, 1024, 4096, 16384, 61440' })
    assert.throws(() => decodePayload(padTo({}, 256)), { message: 'the payload has no body' })
    const invalidUtf8 = handmade({ text: 'x' })
    invalidUtf8[4] = 0xff // the text byte
    assert.throws(() => decodePayload(invalidUtf8), { message: 'the payload is not canonically encoded' })
  })
})
