// Fuzz inputs: a protobuf-aware byte mutator (bit flips, byte changes, truncation, extension,
// splicing, length-field and varint corruption, field duplication / reordering / dropping, tag
// changes, nested mutation with length fix-up, Ed25519 signature malleation) as fast-check arbitraries.
import fc from 'fast-check'

/** One mutation step: [kind, a, b, c], interpreted by applyOp (numbers, so generation stays cheap). */
export type Op = [number, number, number, number]

const K = {
  FLIP: 0, SET: 1, INSERT: 2, DELETE: 3, TRUNCATE: 4, EXTEND: 5, SPLICE: 6, DUP_RANGE: 7,
  LENGTH: 8, DUP_FIELD: 9, SWAP_FIELDS: 10, DROP_FIELD: 11, TAG: 12, VARINT: 13, NESTED: 14,
  FIT_LENGTH: 15, RANDOM: 16, MALLEATE: 17
} as const
export const OP_KINDS = 18
/** Kinds a nested mutation may apply inside a length-delimited field (no splice: other seeds are top-level). */
const NESTED_KINDS = [K.FLIP, K.SET, K.INSERT, K.DELETE, K.TRUNCATE, K.EXTEND, K.DUP_RANGE, K.LENGTH, K.DUP_FIELD, K.SWAP_FIELDS, K.DROP_FIELD, K.TAG, K.VARINT, K.NESTED, K.MALLEATE]

const INTERESTING_BYTES = [0x00, 0x01, 0x02, 0x07, 0x08, 0x0a, 0x10, 0x12, 0x1a, 0x20, 0x22, 0x40, 0x7a, 0x7f, 0x80, 0x81, 0xfe, 0xff]
/** Varint values that sit on a boundary: type limits, sign bits, safe-integer and 64-bit overflow. */
const INTERESTING_VARINTS: bigint[] = [0n, 1n, 2n, 127n, 128n, 255n, 256n, 16383n, 16384n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n,
  2n ** 53n - 1n, 2n ** 53n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n]
/** The Ed25519 group order L: S + L verifies under a lax verifier (signature malleability). */
const ED25519_L = 2n ** 252n + 27742317777372353535851937790883648493n

// ---------------------------------------------------------------- protobuf wire scan

export interface PbField {
  /** First byte of the tag. */
  start: number
  /** First byte of the length varint (wire type 2) or of the value. */
  valueStart: number
  /** First byte of the field's content (after the length for wire type 2). */
  contentStart: number
  end: number
  wireType: number
  fieldNo: number
}

/** A varint at POS (up to 10 bytes) as a bigint, and the position after it; undefined when cut short. */
export function readVarint (b: Uint8Array, pos: number, end = b.length): [bigint, number] | undefined {
  let v = 0n
  for (let i = 0; i < 10 && pos < end; i++) {
    const byte = b[pos++]!
    v |= BigInt(byte & 0x7f) << BigInt(7 * i)
    if (byte < 0x80) return [v, pos]
  }
  return undefined
}

export function writeVarint (v: bigint): Uint8Array {
  const out: number[] = []
  do {
    let byte = Number(v & 0x7fn)
    v >>= 7n
    if (v > 0n) byte |= 0x80
    out.push(byte)
  } while (v > 0n)
  return Uint8Array.from(out)
}

/** The top-level fields of B[from, to) up to the first malformed one. */
export function scanFields (b: Uint8Array, from = 0, to = b.length): PbField[] {
  const fields: PbField[] = []
  let pos = from
  while (pos < to) {
    const tag = readVarint(b, pos, to)
    if (tag === undefined) break
    const [t, afterTag] = tag
    const wireType = Number(t & 7n)
    const fieldNo = Number(t >> 3n)
    let contentStart = afterTag
    let end: number
    if (wireType === 0) {
      const v = readVarint(b, afterTag, to)
      if (v === undefined) break
      end = v[1]
    } else if (wireType === 1) {
      end = afterTag + 8
    } else if (wireType === 5) {
      end = afterTag + 4
    } else if (wireType === 2) {
      const len = readVarint(b, afterTag, to)
      if (len === undefined) break
      contentStart = len[1]
      end = contentStart + Number(len[0])
    } else {
      break
    }
    if (end > to) break
    fields.push({ start: pos, valueStart: afterTag, contentStart, end, wireType, fieldNo })
    pos = end
  }
  return fields
}

/** True when B[from, to) is a whole, non-empty sequence of fields (so it is likely a nested message). */
function looksLikeMessage (b: Uint8Array, from: number, to: number): boolean {
  if (to <= from) return false
  const f = scanFields(b, from, to)
  return f.length > 0 && f[f.length - 1]!.end === to && f.every(x => x.fieldNo > 0)
}

// ---------------------------------------------------------------- applying one op

function cat (...parts: Uint8Array[]): Uint8Array {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

/** N pseudo-random bytes from SEED (an LCG: cheap, deterministic, and enough for filler). */
function filler (n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n)
  let x = (seed * 2654435761 + 1) >>> 0
  for (let i = 0; i < n; i++) { x = (x * 1664525 + 1013904223) >>> 0; out[i] = x >>> 24 }
  return out
}

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length]!

/** Replaces B[from, to) with REPLACEMENT. */
const replace = (b: Uint8Array, from: number, to: number, replacement: Uint8Array): Uint8Array =>
  cat(b.subarray(0, from), replacement, b.subarray(to))

/** A new length-field value for a field of LEN content bytes. */
function corruptLength (len: number, c: number): Uint8Array {
  switch (c % 8) {
    case 0: return writeVarint(BigInt(len + 1 + (c >> 3) % 16))
    case 1: return writeVarint(BigInt(Math.max(0, len - 1 - (c >> 3) % 16)))
    case 2: return writeVarint(0n)
    case 3: { const v = writeVarint(BigInt(len)); return cat(v.map((x, i) => i === v.length - 1 ? x | 0x80 : x), Uint8Array.of(0)) } // overlong
    case 4: return writeVarint(pick(INTERESTING_VARINTS, c >> 3))
    case 5: return Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01) // 11 bytes: no varint
    case 6: return Uint8Array.of(0x80 | (len & 0x7f)) // cut short
    default: return writeVarint(BigInt(len * 2 + 1))
  }
}

function mutateTag (f: PbField, c: number): Uint8Array {
  const mode = c % 4
  const fieldNo = mode === 0 ? f.fieldNo : pick([0, 1, 2, 3, 15, 16, 19000, 2 ** 29 - 1, f.fieldNo + 1, f.fieldNo + 8], c >> 2)
  const wireType = mode === 1 ? f.wireType : (f.wireType + 1 + (c >> 2) % 7) % 8
  return writeVarint((BigInt(fieldNo) << 3n) | BigInt(wireType))
}

/** Adds L to the S half of the 64-byte field content at AT (when it does not overflow 256 bits). */
function malleate (b: Uint8Array, at: number): Uint8Array | undefined {
  let s = 0n
  for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(b[at + 32 + i]!)
  s += ED25519_L
  if (s >= 2n ** 256n) return undefined
  const out = b.slice()
  for (let i = 0; i < 32; i++) { out[at + 32 + i] = Number(s & 0xffn); s >>= 8n }
  return out
}

/** Applies one op to B; SEEDS are the splice partners, ORIGINAL the seed's length (FIT_LENGTH). */
export function applyOp (b: Uint8Array, op: Op, seeds: readonly Uint8Array[], originalLength: number, depth = 0): Uint8Array {
  const [kind, a, bb, c] = op
  const len = b.length
  switch (kind) {
    case K.FLIP: { if (len === 0) return b; const out = b.slice(); out[a % len]! ^= 1 << (c & 7); return out }
    case K.SET: { if (len === 0) return b; const out = b.slice(); out[a % len] = (bb & 1) === 1 ? pick(INTERESTING_BYTES, c) : c & 0xff; return out }
    case K.INSERT: { const at = a % (len + 1); return replace(b, at, at, (bb & 1) === 1 ? filler(1 + bb % 4, c) : new Uint8Array(1 + bb % 4).fill(pick(INTERESTING_BYTES, c))) }
    case K.DELETE: { if (len === 0) return b; const at = a % len; return replace(b, at, Math.min(len, at + 1 + bb % 8), new Uint8Array(0)) }
    case K.TRUNCATE: return b.slice(0, a % (len + 1))
    case K.EXTEND: return cat(b, (c & 1) === 1 ? filler(1 + bb % 32, a) : new Uint8Array(1 + bb % 32).fill(pick(INTERESTING_BYTES, a)))
    case K.SPLICE: { const other = pick(seeds, c); return cat(b.subarray(0, a % (len + 1)), other.subarray(bb % (other.length + 1))) }
    case K.DUP_RANGE: { if (len === 0) return b; const at = a % len; const end = Math.min(len, at + 1 + bb % 48); return replace(b, end, end, b.slice(at, end)) }
    case K.FIT_LENGTH: return len >= originalLength ? b.slice(0, originalLength) : cat(b, new Uint8Array(originalLength - len))
    case K.RANDOM: return filler(len === 0 ? 1 + a % 64 : len, c + a)
  }
  const fields = scanFields(b)
  if (fields.length === 0) return applyOp(b, [K.FLIP, a, bb, c], seeds, originalLength, depth)
  const f = pick(fields, bb)
  switch (kind) {
    case K.LENGTH: {
      const delimited = fields.filter(x => x.wireType === 2)
      if (delimited.length === 0) return replace(b, f.valueStart, f.end, corruptLength(0, c))
      const d = pick(delimited, bb)
      return replace(b, d.valueStart, d.contentStart, corruptLength(d.end - d.contentStart, c))
    }
    case K.DUP_FIELD: { const copy = b.slice(f.start, f.end); const at = (c & 1) === 1 ? f.end : pick(fields, c >> 1).start; return replace(b, at, at, copy) }
    case K.SWAP_FIELDS: {
      if (fields.length < 2) return b
      const i = bb % fields.length; const j = (i + 1 + c % (fields.length - 1)) % fields.length
      const [x, y] = i < j ? [fields[i]!, fields[j]!] : [fields[j]!, fields[i]!]
      return cat(b.subarray(0, x.start), b.subarray(y.start, y.end), b.subarray(x.end, y.start), b.subarray(x.start, x.end), b.subarray(y.end))
    }
    case K.DROP_FIELD: return replace(b, f.start, f.end, new Uint8Array(0))
    case K.TAG: return replace(b, f.start, f.valueStart, mutateTag(f, c))
    case K.VARINT: {
      const varints = fields.filter(x => x.wireType === 0)
      if (varints.length === 0) return replace(b, f.start, f.valueStart, mutateTag(f, c))
      const v = pick(varints, bb)
      const value = (c & 1) === 1 ? Uint8Array.of(0x80, 0x80, 0x00) : writeVarint(pick(INTERESTING_VARINTS, c >> 1)) // overlong zero, or a boundary
      return replace(b, v.valueStart, v.end, value)
    }
    case K.NESTED: {
      const nested = depth < 3 ? fields.filter(x => x.wireType === 2 && looksLikeMessage(b, x.contentStart, x.end)) : []
      if (nested.length === 0) return applyOp(b, [K.SET, a, bb, c], seeds, originalLength, depth)
      const n = pick(nested, bb)
      const inner = applyOp(b.slice(n.contentStart, n.end), [pick(NESTED_KINDS, c), (a * 31 + 7) >>> 0, (bb * 17 + c) >>> 0, (c * 13 + a) & 0xffff], seeds, n.end - n.contentStart, depth + 1)
      return replace(b, n.valueStart, n.end, cat(writeVarint(BigInt(inner.length)), inner))
    }
    case K.MALLEATE: {
      const sigs = fields.filter(x => x.wireType === 2 && x.end - x.contentStart === 64)
      if (sigs.length === 0) {
        const nested = depth < 3 ? fields.filter(x => x.wireType === 2 && looksLikeMessage(b, x.contentStart, x.end)) : []
        if (nested.length === 0) return applyOp(b, [K.FLIP, a, bb, c], seeds, originalLength, depth)
        const n = pick(nested, bb)
        const inner = applyOp(b.slice(n.contentStart, n.end), op, seeds, n.end - n.contentStart, depth + 1)
        return replace(b, n.valueStart, n.end, cat(writeVarint(BigInt(inner.length)), inner))
      }
      return malleate(b, pick(sigs, c).contentStart) ?? applyOp(b, [K.FLIP, a, bb, c], seeds, originalLength, depth)
    }
    default: return b
  }
}

/** SEEDS[index] with OPS applied in order (never the seed array itself: decoders get their own copy). */
export function mutate (seeds: readonly Uint8Array[], index: number, ops: readonly Op[]): Uint8Array {
  const seed = seeds[index % seeds.length]!
  let b: Uint8Array = seed.slice()
  for (const op of ops) b = applyOp(b, op, seeds, seed.length)
  return b
}

// ---------------------------------------------------------------- arbitraries

const u16 = fc.nat({ max: 0xffff })
export const opArbitrary: fc.Arbitrary<Op> = fc.tuple(fc.nat({ max: OP_KINDS - 1 }), u16, u16, u16)

export interface BytesOptions {
  /** Most ops applied to one seed (default 4). */
  maxOps?: number
  /** Longest purely random input (default: twice the longest seed, at most 4096). */
  maxRandomLength?: number
}

/**
 * Inputs derived from SEEDS: mostly mutated seeds (1..maxOps ops), some purely random bytes, and a
 * few unmodified seeds (copies), so the honest path runs too and the oracles can tell.
 */
export function bytesFrom (seeds: readonly Uint8Array[], options: BytesOptions = {}): fc.Arbitrary<Uint8Array> {
  if (seeds.length === 0) return fc.uint8Array({ maxLength: options.maxRandomLength ?? 512 })
  const longest = Math.max(...seeds.map(s => s.length))
  const maxRandom = options.maxRandomLength ?? Math.min(4096, Math.max(64, 2 * longest))
  const mutated = fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.array(opArbitrary, { minLength: 1, maxLength: options.maxOps ?? 4 }))
    .map(([i, ops]) => mutate(seeds, i, ops))
  return fc.oneof(
    { weight: 40, arbitrary: mutated },
    { weight: 4, arbitrary: fc.uint8Array({ maxLength: maxRandom }) },
    { weight: 1, arbitrary: fc.nat({ max: seeds.length - 1 }).map(i => seeds[i]!.slice()) }
  )
}
