// A one-pass reader for the canonical protobuf our decoders accept (what protons writes back
// byte for byte: fields in number order, minimal varints, default values left out). It never
// throws: every method returns -1 or undefined at the first deviation, and the decoders built on
// it are fast paths that hand anything unusual to the generic decode + re-encode + compare path,
// which gives the precise error. So a fast path may only ever decline, never disagree; the
// tests cross-check both paths on mutated inputs (test/unit/canonical.test.ts).

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export class CanonicalReader {
  pos: number
  readonly end: number
  readonly bytes: Uint8Array

  constructor (bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes
    this.pos = start
    this.end = end
  }

  get done (): boolean { return this.pos === this.end }

  /** Consumes the next byte when it is B. */
  take (b: number): boolean {
    if (this.pos < this.end && this.bytes[this.pos] === b) { this.pos++; return true }
    return false
  }

  /** A minimal varint of at most 32 bits, or -1. */
  uint32 (): number {
    const v = this.#varint(5)
    return v > 0xffffffff ? -1 : v
  }

  /** A minimal varint up to Number.MAX_SAFE_INTEGER, or -1. */
  safeInteger (): number {
    const v = this.#varint(8)
    return v > Number.MAX_SAFE_INTEGER ? -1 : v
  }

  /**
   * An optional uint32 field: 0 when TAG is not next, its value when it is, -1 when it is written
   * with the default value 0 (protons leaves defaults out) or its varint is not minimal.
   */
  optionalUint32 (tag: number): number {
    if (!this.take(tag)) return 0
    const v = this.uint32()
    return v === 0 ? -1 : v
  }

  /** optionalUint32 for a uint64 field read as a JS number (at most Number.MAX_SAFE_INTEGER). */
  optionalSafeInteger (tag: number): number {
    if (!this.take(tag)) return 0
    const v = this.safeInteger()
    return v === 0 ? -1 : v
  }

  /** A length-delimited field's bytes (a view into the input), or undefined. */
  lengthDelimited (): Uint8Array | undefined {
    const n = this.#varint(5)
    if (n < 0 || n > this.end - this.pos) return undefined
    const out = this.bytes.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }

  /** A length-delimited field as a string: valid UTF-8 only (what re-encodes to the same bytes). */
  string (): { value: string, byteLength: number } | undefined {
    const b = this.lengthDelimited()
    if (b === undefined) return undefined
    if (b.length === 0) return { value: '', byteLength: 0 }
    try {
      return { value: utf8.decode(b), byteLength: b.length }
    } catch {
      return undefined
    }
  }

  /** Up to MAXBYTES bytes of varint, minimal (no trailing zero group), or -1. */
  #varint (maxBytes: number): number {
    let value = 0
    let scale = 1
    for (let i = 0; i < maxBytes && this.pos < this.end; i++) {
      const b = this.bytes[this.pos++]!
      value += (b & 0x7f) * scale
      if (b < 0x80) return i > 0 && b === 0 ? -1 : value
      scale *= 128
    }
    return -1
  }
}

// ---------------------------------------------------------------- writing

/** Bytes the varint of N (a non-negative safe integer) takes. */
export function varintLength (n: number): number {
  let len = 1
  while (n >= 0x80) { n = Math.floor(n / 128); len++ }
  return len
}

/** Writes N as a varint at AT; returns the position after it. */
export function putVarint (out: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) { out[at++] = (n % 128) | 0x80; n = Math.floor(n / 128) }
  out[at++] = n
  return at
}

/** Bytes a length-delimited field of N bytes takes (single-byte tag). */
export const lengthDelimitedSize = (n: number): number => 1 + varintLength(n) + n

/** Writes TAG ‖ varint(len) ‖ BYTES at AT; returns the position after them. */
export function putLengthDelimited (out: Uint8Array, at: number, tag: number, bytes: Uint8Array): number {
  out[at++] = tag
  at = putVarint(out, at, bytes.length)
  out.set(bytes, at)
  return at + bytes.length
}
