// Argument checks with exact messages, and zero-copy Buffer → Uint8Array views, shared by the primitives.
import { MalformedInputError } from '../errors.js'

function describe (value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'object') return value.constructor?.name ?? 'object'
  return typeof value
}

/** Throws MalformedInputError unless `value` is a Uint8Array (of exactly `length` bytes when given). */
export function checkBytes (name: string, value: unknown, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new MalformedInputError(`"${name}" expected Uint8Array, got ${describe(value)}`)
  }
  if (length !== undefined && value.length !== length) {
    throw new MalformedInputError(`"${name}" expected ${length} bytes, got ${value.length}`)
  }
}

/** Throws MalformedInputError unless `value` is an integer in [min, max]. */
export function checkInteger (name: string, value: unknown, min: number, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new MalformedInputError(`"${name}" expected an integer between ${min} and ${max}, got ${String(value)}`)
  }
}

/**
 * A plain Uint8Array over a Buffer returned by node:crypto. Native results own their whole
 * ArrayBuffer, so a view costs nothing and exposes nothing else; a pooled Buffer (a slice of a
 * shared 8 KiB slab) is copied instead so callers never reach its neighbours through `.buffer`.
 */
export function toUint8Array (buf: Uint8Array): Uint8Array {
  if (buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength) {
    return new Uint8Array(buf.buffer, 0, buf.byteLength)
  }
  return new Uint8Array(buf)
}

/** Lowercase hex of `bytes` (no copy). */
export function toHex (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}
