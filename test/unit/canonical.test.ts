// The one-pass canonical decoders (src/wire/canonical.ts) against the generic decode + re-encode +
// compare path: on honest inputs the fast path answers; on every mutation of them it either
// declines or returns exactly what the generic path returns, and decodeEnvelope / decodePayload
// give the generic path's result or error byte for byte.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { CanonicalReader } from '../../src/wire/canonical.js'
import {
  ENVELOPE_MAX_BYTES, decodeCanonicalEnvelope, decodeEnvelope, decodeEnvelopeGeneric, encodeEnvelope, encodeHeader
} from '../../src/wire/envelope.js'
import { Envelope, EnvelopeHeader, Payload } from '../../topics/envelope.js'
import { PAYLOAD_BUCKETS, decodeCanonicalPayload, decodePayload, decodePayloadGeneric, encodePayload, type PayloadInput } from '../../src/wire/payload.js'

/** A small deterministic PRNG (xorshift32), so a failure reproduces. */
function prng (seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x }
}

function outcome<T> (f: () => T): { ok: T } | { error: string } {
  try {
    return { ok: f() }
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` }
  }
}

/** Single-byte changes, insertions, deletions, truncations and extensions of BYTES. */
function * mutations (bytes: Uint8Array, rand: () => number, count: number): Generator<Uint8Array> {
  for (let k = 0; k < count; k++) {
    const at = rand() % (bytes.length + 1)
    const kind = rand() % 6
    if (kind === 0 && at < bytes.length) { const m = bytes.slice(); m[at] = rand() & 0xff; yield m }
    if (kind === 1 && at < bytes.length) { const m = bytes.slice(); m[at]! ^= 1 << (rand() % 8); yield m }
    if (kind === 2) yield new Uint8Array([...bytes.subarray(0, at), rand() & 0xff, ...bytes.subarray(at)])
    if (kind === 3 && at < bytes.length) yield new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + 1)])
    if (kind === 4) yield bytes.slice(0, at)
    if (kind === 5) yield new Uint8Array([...bytes, ...Array.from({ length: 1 + rand() % 3 }, () => rand() & 0xff)])
  }
}

const headers = [
  { version: 1, roomId: new Uint8Array(32).fill(1), epoch: 0, sender: new Uint8Array(32).fill(2), index: 0, tsMs: 0 },
  { version: 1, roomId: new Uint8Array(32).fill(0), epoch: 7, sender: new Uint8Array(32).fill(0xff), index: 300, tsMs: 1_750_000_000_000 },
  { version: 1, roomId: new Uint8Array(32).fill(9), epoch: 0xffffffff, sender: new Uint8Array(32).fill(3), index: 0xffffffff, tsMs: Number.MAX_SAFE_INTEGER },
  { version: 1, roomId: new Uint8Array(32).fill(4), epoch: 1, sender: new Uint8Array(32).fill(5), index: 127, tsMs: 128 }
]

function envelopes (): Uint8Array[] {
  return headers.flatMap((h, i) => [272, 1040].map(n => encodeEnvelope({
    headerBytes: encodeHeader(h as any), ciphertext: new Uint8Array(n).fill(i), signature: new Uint8Array(64).fill(0x5a)
  })))
}

const payloadInputs: PayloadInput[] = [
  { message: {} },
  { message: { text: 'hello' } },
  { message: { text: '\ufeffBOM first, then ümlauts, 漢字 and 🦀', title: 'disk full', priority: 5, tags: ['ops', 'db', '🔥'], wantReceipts: true } },
  { message: { text: 'x'.repeat(200), priority: 1, tags: Array.from({ length: 16 }, (_, i) => `t${i}`) } },
  { message: { lines: ['first', '', 'third line \u0007 with a bell'], tags: ['log'] } },
  { message: { text: 'y'.repeat(5000), title: 't'.repeat(256) } },
  { logEntry: new Uint8Array(40).fill(8) }
]

/**
 * For each input: the fast decoder declines (undefined) or returns what the generic one does, and
 * the public decoder gives the generic result or error. More than a tenth must go the fast way.
 */
function agreeOn<T> (inputs: Uint8Array[], fast: (b: Uint8Array) => T | undefined, generic: (b: Uint8Array) => T | undefined, decode: (b: Uint8Array) => T): void {
  let taken = 0
  for (const m of inputs) {
    const expected = outcome(() => generic(m))
    const f = fast(m)
    if (f !== undefined) {
      taken++
      assert.deepEqual({ ok: f }, expected)
    }
    assert.deepEqual(outcome(() => decode(m)), expected)
  }
  assert.ok(taken > inputs.length / 10, `${taken} of ${inputs.length} mutations decoded on the fast path`)
}

describe('canonical reader', () => {
  it('reads minimal varints only, within their width', () => {
    const read = (bytes: number[], f: (r: CanonicalReader) => number): number => f(new CanonicalReader(Uint8Array.from(bytes)))
    assert.equal(read([0x00], r => r.uint32()), 0)
    assert.equal(read([0xac, 0x02], r => r.uint32()), 300)
    assert.equal(read([0x80, 0x00], r => r.uint32()), -1) // 0 spelled in two bytes
    assert.equal(read([0xff, 0xff, 0xff, 0xff, 0x0f], r => r.uint32()), 0xffffffff)
    assert.equal(read([0xff, 0xff, 0xff, 0xff, 0x1f], r => r.uint32()), -1) // 33 bits
    assert.equal(read([0x80, 0x80], r => r.uint32()), -1) // truncated
    assert.equal(read([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f], r => r.safeInteger()), Number.MAX_SAFE_INTEGER)
    assert.equal(read([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10], r => r.safeInteger()), -1) // 2^53
    assert.equal(read([0x18, 0x00], r => r.optionalUint32(0x18)), -1) // a default written out
    assert.equal(read([0x20, 0x05], r => r.optionalUint32(0x18)), 0) // absent
  })

  it('strings must be valid UTF-8, a leading BOM kept', () => {
    const s = (bytes: number[]): string | undefined => new CanonicalReader(Uint8Array.from([bytes.length, ...bytes])).string()?.value
    assert.equal(s([0xef, 0xbb, 0xbf, 0x61]), '\ufeffa')
    assert.equal(s([0xff]), undefined)
    assert.equal(s([0xed, 0xa0, 0x80]), undefined) // a UTF-8-encoded lone surrogate
    assert.equal(s([0xc0, 0x80]), undefined) // overlong NUL
  })
})

describe('canonical envelope decoder', () => {
  it('takes every honest envelope and agrees with the generic decoder', () => {
    for (const e of envelopes()) {
      const fast = decodeCanonicalEnvelope(e)
      assert.ok(fast !== undefined)
      assert.deepEqual(fast, decodeEnvelopeGeneric(e))
    }
  })

  it('on mutated envelopes, declines or agrees; decodeEnvelope gives the generic result or error', () => {
    const rand = prng(0xc0ffee)
    const mutated = [...envelopes()].flatMap(e => [...mutations(e, rand, 1500)])
    // the mutations that keep an envelope valid (a changed ciphertext or signature byte) go fast
    agreeOn(mutated, decodeCanonicalEnvelope, m => m.length > ENVELOPE_MAX_BYTES ? undefined : decodeEnvelopeGeneric(m), decodeEnvelope)
  })
})

describe('canonical payload decoder', () => {
  it('takes every honest message payload and agrees with the generic decoder', () => {
    for (const input of payloadInputs) {
      const p = encodePayload(input)
      const fast = decodeCanonicalPayload(p)
      if ('logEntry' in input) assert.equal(fast, undefined) // log entries take the generic path
      else assert.ok(fast !== undefined)
      assert.deepEqual(decodePayload(p), decodePayloadGeneric(p))
      if (fast !== undefined) assert.deepEqual(fast, decodePayloadGeneric(p))
    }
  })

  it('on mutated payloads, declines or agrees; decodePayload gives the generic result or error', () => {
    const rand = prng(0xbeef)
    const mutated = payloadInputs.flatMap(input => {
      const p = encodePayload(input)
      // keep the length a bucket most of the time, or nearly every mutation fails the first check
      return [...mutations(p, rand, 2500)].map(raw => PAYLOAD_BUCKETS.includes(raw.length) ? raw : fit(raw, p.length))
    })
    agreeOn(mutated, decodeCanonicalPayload, decodePayloadGeneric, decodePayload)
  })
})

describe('hand-written encoders', () => {
  it('write the bytes protons writes, for headers, envelopes and payloads of every shape', () => {
    const rand = prng(0x5eed)
    const pick = <T>(xs: T[]): T => xs[rand() % xs.length]!
    const num = (): number => pick([0, 1, 127, 128, 300, 16383, 16384, 0xffffffff, rand()])
    for (let i = 0; i < 2000; i++) {
      const h = { version: 1, roomId: Uint8Array.from({ length: 32 }, () => rand() & 0xff), epoch: num(), sender: Uint8Array.from({ length: 32 }, () => rand() & 0xff), index: num(), tsMs: pick([0, 1, 1_750_000_000_000, Number.MAX_SAFE_INTEGER, rand() * 1000]) }
      const headerBytes = encodeHeader(h as any)
      assert.deepEqual(headerBytes, EnvelopeHeader.encode(h as any))
      const parts = { headerBytes, ciphertext: new Uint8Array(pick([272, 1040, 4112])).fill(i & 0xff), signature: new Uint8Array(64).fill(7) }
      assert.deepEqual(encodeEnvelope(parts), Envelope.encode({ header: parts.headerBytes, ciphertext: parts.ciphertext, signature: parts.signature } as any))
    }
    const strings = ['', 'a', 'ü', '漢字', '🦀', '\ufeff', 'x'.repeat(127), 'y'.repeat(128), 'z'.repeat(20000)]
    for (let i = 0; i < 500; i++) {
      const message = {
        text: pick(strings), title: pick(['', 'title', 'ü'.repeat(128)]), priority: rand() % 6,
        tags: Array.from({ length: rand() % 4 }, () => pick(['a', 'ops', '🔥'])), lines: Array.from({ length: rand() % 4 }, () => pick(strings)),
        wantReceipts: rand() % 2 === 0
      }
      const padded = encodePayload({ message })
      const unpadded = Payload.encode({ message })
      assert.deepEqual(padded.subarray(0, unpadded.length), unpadded)
      assert.deepEqual(decodePayload(padded), { type: 'message', message })
    }
    const logEntry = new Uint8Array(300).fill(3)
    assert.deepEqual(encodePayload({ logEntry }).subarray(0, 303), Payload.encode({ logEntry } as any))
  })
})

/** RAW cut or zero-extended to LENGTH. */
function fit (raw: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length)
  out.set(raw.subarray(0, length))
  return out
}
