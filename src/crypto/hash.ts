// SHA-2 digests, HMAC-SHA256 and HKDF-SHA256 (RFC 5869).
import { createHash, createHmac, hash, hkdfSync } from 'node:crypto'
import { MalformedInputError } from '../errors.js'
import { checkBytes, checkInteger, toUint8Array } from './bytes.js'

/** HKDF-SHA256 output is at most 255 × HashLen bytes (RFC 5869 section 2.3). */
export const HKDF_SHA256_MAX_LENGTH = 255 * 32
/** node:crypto (OpenSSL) refuses longer `info`; our labels are short, so this is a limit, not a fallback. */
export const HKDF_MAX_INFO_LENGTH = 1024

export function sha256 (data: Uint8Array): Uint8Array {
  checkBytes('data', data)
  // one-shot crypto.hash (Node >= 20.12): no Hash object per digest, ~40% less time for short inputs
  return toUint8Array(hash('sha256', data, 'buffer'))
}

export function sha512 (data: Uint8Array): Uint8Array {
  checkBytes('data', data)
  return toUint8Array(createHash('sha512').update(data).digest())
}

export function hmacSha256 (key: Uint8Array, data: Uint8Array): Uint8Array {
  checkBytes('key', key)
  checkBytes('data', data)
  return toUint8Array(createHmac('sha256', key).update(data).digest())
}

/** HKDF-SHA256 extract-then-expand; an empty salt means HashLen zero bytes, as in RFC 5869. */
export function hkdfSha256 (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  checkBytes('ikm', ikm)
  checkBytes('salt', salt)
  checkBytes('info', info)
  if (info.length > HKDF_MAX_INFO_LENGTH) {
    throw new MalformedInputError(`"info" expected at most ${HKDF_MAX_INFO_LENGTH} bytes, got ${info.length}`)
  }
  checkInteger('length', length, 1, HKDF_SHA256_MAX_LENGTH)
  return new Uint8Array(hkdfSync('sha256', ikm, salt, info, length))
}
