// AEAD: ChaCha20-Poly1305 (RFC 8439) and AES-256-GCM, sealed output = ciphertext || 16-byte tag.
import { createCipheriv, createDecipheriv } from 'node:crypto'
import { CryptoError, MalformedInputError } from '../errors.js'
import { checkBytes, toUint8Array } from './bytes.js'

export type AeadAlgorithm = 'chacha20-poly1305' | 'aes-256-gcm'
export const AEAD_ALGORITHMS: readonly AeadAlgorithm[] = ['chacha20-poly1305', 'aes-256-gcm']
export const AEAD_KEY_LENGTH = 32
export const AEAD_NONCE_LENGTH = 12
export const AEAD_TAG_LENGTH = 16

// Both algorithms break if a (key, nonce) pair is ever reused: callers derive a fresh key per
// message or use a counter nonce under one key; 12 random bytes are fine for < 2^32 messages per key.

function checkArgs (alg: unknown, key: unknown, nonce: unknown, data: unknown, dataName: string, aad: unknown): void {
  if (alg !== 'chacha20-poly1305' && alg !== 'aes-256-gcm') {
    throw new MalformedInputError(`"alg" expected chacha20-poly1305 or aes-256-gcm, got ${String(alg)}`)
  }
  checkBytes('key', key, AEAD_KEY_LENGTH)
  checkBytes('nonce', nonce, AEAD_NONCE_LENGTH)
  checkBytes(dataName, data)
  if (aad !== undefined) checkBytes('aad', aad)
}

function cipher (alg: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array) {
  // two literal calls so each picks its typed overload (CipherGCM / CipherChaCha20Poly1305)
  return alg === 'aes-256-gcm'
    ? createCipheriv(alg, key, nonce, { authTagLength: AEAD_TAG_LENGTH })
    : createCipheriv(alg, key, nonce, { authTagLength: AEAD_TAG_LENGTH })
}

function decipher (alg: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array) {
  return alg === 'aes-256-gcm'
    ? createDecipheriv(alg, key, nonce, { authTagLength: AEAD_TAG_LENGTH })
    : createDecipheriv(alg, key, nonce, { authTagLength: AEAD_TAG_LENGTH })
}

/** Encrypts and authenticates `plaintext` (and `aad`, authenticated only). Returns ciphertext || tag. */
export function aeadSeal (alg: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  checkArgs(alg, key, nonce, plaintext, 'plaintext', aad)
  const c = cipher(alg, key, nonce)
  if (aad !== undefined && aad.length > 0) c.setAAD(aad, { plaintextLength: plaintext.length })
  const body = c.update(plaintext)
  const tail = c.final() // empty: both are stream modes
  const out = new Uint8Array(body.length + tail.length + AEAD_TAG_LENGTH)
  out.set(body)
  out.set(tail, body.length)
  out.set(c.getAuthTag(), body.length + tail.length)
  return out
}

/**
 * Checks the tag and decrypts. Any failure (wrong key, nonce, aad, altered or truncated input)
 * is the same CryptoError('decryption failed'): the cause is never told apart to an attacker.
 * OpenSSL decrypts before it checks the tag, so the plaintext is only released once final()
 * has accepted the tag, and is zeroed when it has not.
 */
export function aeadOpen (alg: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array {
  checkArgs(alg, key, nonce, sealed, 'sealed', aad)
  if (sealed.length < AEAD_TAG_LENGTH) throw new CryptoError('decryption failed')
  const split = sealed.length - AEAD_TAG_LENGTH
  const d = decipher(alg, key, nonce)
  d.setAuthTag(sealed.subarray(split))
  if (aad !== undefined && aad.length > 0) d.setAAD(aad, { plaintextLength: split })
  const body = d.update(sealed.subarray(0, split))
  let tail: Uint8Array
  try {
    tail = d.final()
  } catch {
    body.fill(0)
    throw new CryptoError('decryption failed')
  }
  if (tail.length === 0) return toUint8Array(body)
  const out = new Uint8Array(body.length + tail.length)
  out.set(body)
  out.set(tail, body.length)
  body.fill(0)
  return out
}
