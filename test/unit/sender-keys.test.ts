// Tests for src/room/sender-keys.ts: the ratchet against test/vectors/sender-keys.json and @noble/hashes,
// out-of-order and replay rules of inbound chains, stored state round trips, redaction.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { format, inspect } from 'node:util'
import { hmac } from '@noble/hashes/hmac.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  InboundSenderChain, MAX_GAP, MAX_SKIPPED_KEYS, OutboundSenderChain, deriveMessageKey, messageKeySeed, nextChainKey
} from '../../src/room/sender-keys.js'
import { SenderKey } from '../../topics/envelope.js'
import { decodeSenderKey, encodeSenderKey } from '../../src/wire/envelope.js'
import { CorruptFileError, MalformedInputError } from '../../src/errors.js'

const V = JSON.parse(readFileSync(new URL('../vectors/sender-keys.json', import.meta.url), 'utf8'))
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'))

const ROOM = new Uint8Array(32).fill(0x11)
const SENDER = new Uint8Array(32).fill(0x22)
const id = { roomId: ROOM, epoch: 3, sender: SENDER }

/** The ratchet written out again with @noble/hashes, independent of src/. */
function nobleStep (ck: Uint8Array): { mk: Uint8Array, next: Uint8Array, key: Uint8Array, nonce: Uint8Array } {
  const mk = hmac(sha256, ck, Uint8Array.of(1))
  const next = hmac(sha256, ck, Uint8Array.of(2))
  const okm = hkdf(sha256, mk, new Uint8Array(0), new TextEncoder().encode('conclave message key v1\0'), 44)
  return { mk, next, key: okm.slice(0, 32), nonce: okm.slice(32) }
}

describe('ratchet known-answer vector (test/vectors/sender-keys.json)', () => {
  it('the vector matches an independent @noble/hashes computation', () => {
    assert.equal(hex(new TextEncoder().encode('conclave message key v1\0')), V.infoHex)
    let ck = unhex(V.chainKey0)
    let i = 0
    for (const step of V.steps) {
      for (; i < step.index; i++) ck = nobleStep(ck).next
      const s = nobleStep(ck)
      assert.equal(hex(ck), step.chainKey, `CK_${step.index}`)
      assert.equal(hex(s.mk), step.messageKeySeed)
      assert.equal(hex(s.key), step.key)
      assert.equal(hex(s.nonce), step.nonce)
      assert.equal(hex(s.next), step.nextChainKey)
    }
  })

  it('the primitives reproduce every step', () => {
    for (const step of V.steps) {
      const ck = unhex(step.chainKey)
      const mk = messageKeySeed(ck)
      assert.equal(hex(mk), step.messageKeySeed)
      assert.equal(hex(nextChainKey(ck)), step.nextChainKey)
      const k = deriveMessageKey(step.index, mk)
      assert.equal(hex(k.key), step.key)
      assert.equal(hex(k.nonce), step.nonce)
    }
  })

  it('an outbound chain from CK_0 hands out the vector keys in order', () => {
    const out = OutboundSenderChain.fromChainKey({ ...id, chainKey: unhex(V.chainKey0) })
    const byIndex = new Map<number, { key: string, nonce: string }>(V.steps.map((s: any) => [s.index, s]))
    const last = Math.max(...byIndex.keys())
    for (let i = 0; i <= last; i++) {
      const k = out.next()
      assert.equal(k.index, i)
      const want = byIndex.get(i)
      if (want !== undefined) {
        assert.equal(hex(k.key), want.key, `key ${i}`)
        assert.equal(hex(k.nonce), want.nonce, `nonce ${i}`)
      }
    }
    assert.equal(out.index, last + 1)
  })

  it('an inbound chain from CK_0 finds index 2000 directly (a gap of exactly MAX_GAP)', () => {
    const inbound = InboundSenderChain.fromSenderKey({ ...id, index: 0, chainKey: unhex(V.chainKey0) })
    const want = V.steps.find((s: any) => s.index === 2000)
    const k = inbound.keyFor(2000)
    assert.ok(k.ok)
    assert.equal(hex(k.key), want.key)
    // the newest MAX_SKIPPED_KEYS skipped keys are kept: index 1000 still opens, 999 is gone
    const k1000 = inbound.keyFor(1000)
    assert.ok(k1000.ok)
    assert.equal(hex(k1000.key), V.steps.find((s: any) => s.index === 1000).key)
    assert.deepEqual(inbound.keyFor(999), { ok: false, reason: 'expired' })
  })
})

describe('InboundSenderChain', () => {
  const fresh = (): { out: OutboundSenderChain, inbound: InboundSenderChain } => {
    const out = OutboundSenderChain.create(id)
    return { out, inbound: InboundSenderChain.fromSenderKey(out.exportKey()) }
  }

  it('in order: the same keys as the sender; each index once, then replay', () => {
    const { out, inbound } = fresh()
    for (let i = 0; i < 5; i++) {
      const sent = out.next()
      const got = inbound.keyFor(i)
      assert.ok(got.ok)
      assert.deepEqual([got.key, got.nonce], [sent.key, sent.nonce])
    }
    for (let i = 0; i < 5; i++) assert.deepEqual(inbound.keyFor(i), { ok: false, reason: 'replay' })
    assert.equal(inbound.skippedCount, 0)
  })

  it('out of order within the window, never the same key twice', () => {
    const { out, inbound } = fresh()
    const sent = Array.from({ length: 50 }, () => out.next())
    const order = [49, 3, 0, 48, 10, 1, 2, ...Array.from({ length: 50 }, (_, i) => i).filter(i => ![49, 3, 0, 48, 10, 1, 2].includes(i))]
    for (const i of order) {
      const got = inbound.keyFor(i)
      assert.ok(got.ok, `index ${i}`)
      assert.deepEqual(got.key, sent[i]!.key)
      assert.deepEqual(inbound.keyFor(i), { ok: false, reason: 'replay' })
    }
    assert.equal(inbound.skippedCount, 0)
  })

  it('a gap over MAX_GAP is refused without moving the chain', () => {
    const { out, inbound } = fresh()
    assert.deepEqual(inbound.keyFor(MAX_GAP + 1), { ok: false, reason: 'too-far' })
    assert.equal(inbound.nextIndex, 0)
    assert.ok(inbound.keyFor(MAX_GAP).ok)
    assert.ok(inbound.keyFor(2 * MAX_GAP + 1).ok) // measured from the new position
    assert.deepEqual(inbound.keyFor(-1), { ok: false, reason: 'too-far' })
    assert.deepEqual(inbound.keyFor(1.5), { ok: false, reason: 'too-far' })
    out.destroy()
  })

  it('keeps at most MAX_SKIPPED_KEYS skipped keys, dropping the oldest', () => {
    const { inbound } = fresh()
    assert.ok(inbound.keyFor(MAX_SKIPPED_KEYS).ok) // skips 0..999: exactly the window
    assert.equal(inbound.skippedCount, MAX_SKIPPED_KEYS)
    assert.ok(inbound.keyFor(MAX_SKIPPED_KEYS + 5).ok) // skips 1001..1004: 0..3 drop out
    assert.equal(inbound.skippedCount, MAX_SKIPPED_KEYS)
    for (let i = 0; i < 4; i++) assert.deepEqual(inbound.keyFor(i), { ok: false, reason: 'expired' })
    assert.ok(inbound.keyFor(4).ok)
    assert.deepEqual(inbound.keyFor(4), { ok: false, reason: 'replay' })
    assert.deepEqual(inbound.keyFor(MAX_SKIPPED_KEYS), { ok: false, reason: 'replay' })
  })

  it('a key received mid-chain opens nothing before its index', () => {
    const out = OutboundSenderChain.create(id)
    for (let i = 0; i < 7; i++) out.next()
    const inbound = InboundSenderChain.fromSenderKey(out.exportCurrentKey())
    assert.equal(inbound.startIndex, 7)
    assert.deepEqual(inbound.keyFor(6), { ok: false, reason: 'before-start' })
    const k = out.next()
    const got = inbound.keyFor(7)
    assert.ok(got.ok)
    assert.deepEqual(got.key, k.key)
  })

  it('prepareNext() derives ahead without changing any key, position or stored state', () => {
    // two identical pairs of chains: one prepares ahead before every step, the other never does
    const a = fresh()
    const b = { out: OutboundSenderChain.fromState(a.out.toState()), inbound: InboundSenderChain.fromState(a.inbound.toState()) }
    const order = [0, 1, 2, 5, 3, 6, 7, 20, 4, 21, 22, 23, 8]
    const plain = ({ index, key, nonce }: { index: number, key: Uint8Array, nonce: Uint8Array }): object => ({ index, key, nonce })
    const sentA = Array.from({ length: 24 }, () => { a.out.prepareNext(); const before = a.out.toState(); a.out.prepareNext(); assert.deepEqual(a.out.toState(), before); return a.out.next() })
    const sentB = Array.from({ length: 24 }, () => b.out.next())
    assert.deepEqual(sentA.map(plain), sentB.map(plain))
    assert.deepEqual(a.out.toState(), b.out.toState())
    for (const i of order) {
      const before = a.inbound.toState()
      a.inbound.prepareNext()
      assert.deepEqual(a.inbound.toState(), before, 'preparing stores nothing')
      const got = a.inbound.keyFor(i)
      const want = b.inbound.keyFor(i)
      assert.ok(got.ok && want.ok)
      assert.deepEqual(plain(got), plain(want), `index ${i}`)
      assert.deepEqual(got.key, sentA[i]!.key)
      assert.deepEqual(a.inbound.toState(), b.inbound.toState())
      a.inbound.prepareNext()
      assert.deepEqual(a.inbound.keyFor(i), { ok: false, reason: 'replay' }, 'a prepared key is never the key of a used index')
    }
    // a prepared chain restored from its state goes on with the same keys
    const restored = InboundSenderChain.fromState(a.inbound.toState())
    assert.deepEqual(restored.keyFor(24), b.inbound.keyFor(24))
  })

  it('refuses a SenderKey with wrong field lengths', () => {
    const good = OutboundSenderChain.create(id).exportKey()
    assert.throws(() => InboundSenderChain.fromSenderKey({ ...good, chainKey: new Uint8Array(31) as any }), MalformedInputError)
    assert.throws(() => InboundSenderChain.fromSenderKey({ ...good, roomId: new Uint8Array(33) as any }), MalformedInputError)
    assert.throws(() => InboundSenderChain.fromSenderKey({ ...good, sender: new Uint8Array(0) as any }), MalformedInputError)
    assert.throws(() => OutboundSenderChain.create({ ...id, epoch: -1 }), MalformedInputError)
  })
})

describe('SenderKey export and stored state', () => {
  it('exportKey() hands the chain out at its current position, forgets the earlier keys, and survives the protobuf codec', () => {
    const out = OutboundSenderChain.create(id)
    out.next()
    out.next()
    const third = OutboundSenderChain.fromState(out.toState()).next()
    const sk = SenderKey.decode(SenderKey.encode(out.exportKey()))
    assert.equal(sk.index, 2)
    assert.equal(sk.epoch, 3)
    assert.deepEqual(sk.roomId, ROOM)
    assert.deepEqual(sk.sender, SENDER)
    const inbound = InboundSenderChain.fromSenderKey(sk)
    assert.deepEqual(inbound.keyFor(0), { ok: false, reason: 'before-start' })
    const k = inbound.keyFor(2)
    assert.ok(k.ok)
    assert.deepEqual(k.key, third.key)
    // the stored state starts at index 2 now: nothing earlier can be handed out again
    assert.equal(OutboundSenderChain.fromState(out.toState()).exportKey().index, 2)
  })

  it('decodeSenderKey / encodeSenderKey: limits, lengths and canonical form', () => {
    const sk = OutboundSenderChain.create(id).exportKey()
    const bytes = encodeSenderKey(sk)
    assert.deepEqual(decodeSenderKey(bytes), sk)
    const bad: Array<[Uint8Array, string]> = [
      [new Uint8Array(193), 'the sender key is 193 bytes, more than 192'],
      [SenderKey.encode({ ...sk, chainKey: new Uint8Array(31) }), '"chain_key" expected 32 bytes, got 31'],
      [SenderKey.encode({ ...sk, roomId: new Uint8Array(0) }), '"room_id" expected 32 bytes, got 0'],
      [Uint8Array.from([...bytes, 0x10, 0x05]), 'the sender key is not canonically encoded'],
      [SenderKey.encode({ ...sk, signature: new Uint8Array(63) }), '"signature" expected 0 or 64 bytes'],
      [bytes.subarray(0, bytes.length - 1), 'the sender key is not a valid protobuf']
    ]
    for (const [b, message] of bad) assert.throws(() => decodeSenderKey(b), { name: 'MalformedInputError', message })
    assert.throws(() => encodeSenderKey({ ...sk, sender: new Uint8Array(5) }), MalformedInputError)
  })

  it('outbound toState/fromState continues the chain exactly', () => {
    const a = OutboundSenderChain.create(id)
    a.next(); a.next()
    const b = OutboundSenderChain.fromState(a.toState())
    assert.deepEqual(b.toState(), a.toState())
    assert.deepEqual(b.exportKey(), a.exportKey())
    assert.equal(b.index, 2)
    assert.deepEqual(b.next(), a.next())
  })

  it('inbound toState/fromState keeps the window, the floor and the replay memory', () => {
    const out = OutboundSenderChain.create(id)
    const a = InboundSenderChain.fromSenderKey(out.exportKey())
    const keys = Array.from({ length: 1100 }, () => out.next())
    assert.ok(a.keyFor(1050).ok) // window 50..1049, 0..49 dropped
    assert.ok(a.keyFor(60).ok)
    const b = InboundSenderChain.fromState(a.toState())
    assert.deepEqual(b.toState(), a.toState())
    assert.equal(b.skippedCount, a.skippedCount)
    assert.deepEqual(b.keyFor(10), { ok: false, reason: 'expired' })
    assert.deepEqual(b.keyFor(60), { ok: false, reason: 'replay' })
    assert.deepEqual(b.keyFor(1050), { ok: false, reason: 'replay' })
    const k = b.keyFor(61)
    assert.ok(k.ok)
    assert.deepEqual(k.key, keys[61]!.key)
    const k2 = b.keyFor(1099)
    assert.ok(k2.ok)
    assert.deepEqual(k2.key, keys[1099]!.key)
  })

  it('a corrupt state is a CorruptFileError, never a half-built chain', () => {
    const out = OutboundSenderChain.create(id)
    const inbound = InboundSenderChain.fromSenderKey(out.exportKey())
    inbound.keyFor(3)
    const state = inbound.toState()
    const bad: Uint8Array[] = [
      new Uint8Array(0),
      state.subarray(0, state.length - 1),
      Uint8Array.from([...state, 0]),
      Uint8Array.from([0x01, ...state.subarray(1)]), // outbound type byte
      out.toState().subarray(0, 10)
    ]
    for (const b of bad) assert.throws(() => InboundSenderChain.fromState(b), CorruptFileError)
    assert.throws(() => OutboundSenderChain.fromState(state), CorruptFileError)
    // skipped indexes out of order
    const twisted = state.slice()
    const view = new DataView(twisted.buffer)
    const first = 1 + 32 + 4 + 32 + 12 + 32 + 2
    view.setUint32(first, 2); view.setUint32(first + 36, 1)
    assert.throws(() => InboundSenderChain.fromState(twisted), CorruptFileError)
  })
})

describe('redaction', () => {
  it('inspect, format, String and JSON never show a chain key', () => {
    const ck = new Uint8Array(32).fill(0xab)
    const out = OutboundSenderChain.fromChainKey({ ...id, chainKey: ck })
    const inbound = InboundSenderChain.fromSenderKey({ ...id, index: 0, chainKey: ck as any })
    inbound.keyFor(5)
    const secrets = [hex(ck), hex(nextChainKey(ck)), Buffer.from(ck).toString('base64').slice(0, 20)]
    for (const chain of [out, inbound]) {
      for (const shown of [inspect(chain), inspect({ chain }, { depth: 5 }), format('%o', chain), format('%O', chain), String(chain), JSON.stringify({ chain })]) {
        assert.match(shown, /<chain key redacted>/)
        for (const s of secrets) assert.ok(!shown.includes(s), `secret leaked in ${shown}`)
      }
    }
    assert.equal(inspect(out), 'OutboundSenderChain(room=11111111…, epoch=3, sender=22222222…, index=0, <chain key redacted>)')
    assert.equal(inspect(inbound), 'InboundSenderChain(room=11111111…, epoch=3, sender=22222222…, next=6, skipped=5, <chain key redacted>)')
  })
})
