// Randomness, constant-time comparison and wiping of secret bytes.
import { randomFillSync, timingSafeEqual } from 'node:crypto'
import { checkBytes, checkInteger } from './bytes.js'

/** `n` bytes from the OS CSPRNG, in a fresh (unpooled) Uint8Array. */
export function randomBytes (n: number): Uint8Array {
  checkInteger('n', n, 0, 2 ** 31 - 1)
  return randomFillSync(new Uint8Array(n))
}

/**
 * True when `a` and `b` hold the same bytes. Time depends only on the length, which is not
 * secret here (MACs, keys and tags have fixed lengths); different lengths give false at once.
 */
export function constantTimeEqual (a: Uint8Array, b: Uint8Array): boolean {
  checkBytes('a', a)
  checkBytes('b', b)
  if (a.length !== b.length) return false
  return timingSafeEqual(a, b)
}

/** Zero-fills `b` in place: call on secret bytes once they are no longer needed. */
export function wipe (b: Uint8Array): void {
  checkBytes('b', b)
  b.fill(0)
}
