// X25519 key agreement (RFC 7748): private key class and Diffie-Hellman.
import { diffieHellman, type KeyObject } from 'node:crypto'
import { CryptoError } from '../errors.js'
import { checkBytes, toUint8Array } from './bytes.js'
import { randomBytes, wipe } from './random.js'
import { exportPrivateKey, exportPublicKey, importPrivateKey, importPublicKey } from './raw-keys.js'
import { describePrivateKey, inspectSymbol } from './redact.js'

export const X25519_KEY_LENGTH = 32

export class X25519PrivateKey {
  // The scalar lives only inside the OpenSSL KeyObject; no JS copy is kept.
  readonly #key: KeyObject
  #publicKey: Uint8Array | undefined // derived on first use: it costs a scalar multiplication

  private constructor (key: KeyObject) {
    this.#key = key
  }

  #pub (): Uint8Array {
    this.#publicKey ??= exportPublicKey(this.#key)
    return this.#publicKey
  }

  static generate (): X25519PrivateKey {
    const secret = randomBytes(X25519_KEY_LENGTH)
    try {
      return X25519PrivateKey.fromBytes(secret)
    } finally {
      wipe(secret)
    }
  }

  /** Any 32 bytes (clamped at use, RFC 7748 section 5). The caller keeps ownership of `secret`. */
  static fromBytes (secret: Uint8Array): X25519PrivateKey {
    checkBytes('secret', secret, X25519_KEY_LENGTH)
    return new X25519PrivateKey(importPrivateKey('x25519', secret))
  }

  /** The raw 32-byte public key (a copy). */
  get publicKey (): Uint8Array {
    return this.#pub().slice()
  }

  /**
   * The 32-byte shared secret with `peerPublicKey`. Feed it to a KDF, never use it as a key.
   * A low-order peer key makes the result all zeros (RFC 7748 section 6.1), which would let the
   * peer force a known secret: that is refused with CryptoError.
   */
  agree (peerPublicKey: Uint8Array): Uint8Array {
    checkBytes('peerPublicKey', peerPublicKey, X25519_KEY_LENGTH)
    let shared: Uint8Array
    try {
      shared = toUint8Array(diffieHellman({ privateKey: this.#key, publicKey: importPublicKey('x25519', peerPublicKey) }))
    } catch (cause) {
      // OpenSSL itself fails the derivation when the result is all zeros
      throw new CryptoError('x25519: low-order public key', { cause })
    }
    let acc = 0
    for (const byte of shared) acc |= byte
    if (acc === 0) throw new CryptoError('x25519: low-order public key')
    return shared
  }

  /** A copy of the 32 secret bytes as given to fromBytes / generated, for persisting only. */
  exportBytes (): Uint8Array {
    return exportPrivateKey(this.#key)
  }

  toString (): string { return describePrivateKey('X25519PrivateKey', this.#pub()) }
  toJSON (): string { return this.toString() }
  [inspectSymbol] (): string { return this.toString() }
}
