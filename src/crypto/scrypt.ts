// scrypt passphrase key derivation (RFC 7914), asynchronous on libuv's thread pool.
import { scrypt as nodeScrypt } from 'node:crypto'
import { MalformedInputError } from '../errors.js'
import { checkBytes, checkInteger, toUint8Array } from './bytes.js'

export interface ScryptParams { N: number, r: number, p: number }

export const SCRYPT_MAX_N = 2 ** 20
export const SCRYPT_MAX_R = 32
export const SCRYPT_MAX_P = 16
export const SCRYPT_MAX_DK_LENGTH = 1024

// Headroom over OpenSSL's own estimate below, so maxmem never rejects parameters we accept.
const MAXMEM_MARGIN = 1024 * 1024

/**
 * Derives `dkLen` bytes from `passphrase` and `salt`. Parameters come from files an attacker may
 * have written, so they are bounded: N a power of 2 in [2, 2^20], r in [1, 32], p in [1, 16]
 * (at most 128·N·r = 4 GiB of memory), dkLen in [1, 1024].
 */
export async function scrypt (passphrase: Uint8Array, salt: Uint8Array, params: ScryptParams, dkLen: number): Promise<Uint8Array> {
  checkBytes('passphrase', passphrase)
  checkBytes('salt', salt)
  if (typeof params !== 'object' || params === null) {
    throw new MalformedInputError(`"params" expected { N, r, p }, got ${String(params)}`)
  }
  const { N, r, p } = params
  if (typeof N !== 'number' || !Number.isInteger(N) || N < 2 || N > SCRYPT_MAX_N || (N & (N - 1)) !== 0) {
    throw new MalformedInputError(`"N" expected a power of 2 between 2 and ${SCRYPT_MAX_N}, got ${String(N)}`)
  }
  checkInteger('r', r, 1, SCRYPT_MAX_R)
  checkInteger('p', p, 1, SCRYPT_MAX_P)
  checkInteger('dkLen', dkLen, 1, SCRYPT_MAX_DK_LENGTH)
  // OpenSSL needs 128·r·(N + 2) bytes for V plus 128·r·p for B; maxmem caps the sum.
  const maxmem = 128 * r * (N + 2) + 128 * r * p + MAXMEM_MARGIN
  return await new Promise<Uint8Array>((resolve, reject) => {
    nodeScrypt(passphrase, salt, dkLen, { N, r, p, maxmem }, (err, key) => {
      if (err !== null) reject(err)
      else resolve(toUint8Array(key))
    })
  })
}
