// Ed25519 signatures (RFC 8032, pure Ed25519): private key class, sign, and cached verify.
import { sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto'
import { ed25519 as nobleEd25519 } from '@noble/curves/ed25519.js'
import { checkBytes, toHex, toUint8Array } from './bytes.js'
import { LruCache } from './lru.js'
import { randomBytes, wipe } from './random.js'
import { exportPrivateKey, exportPublicKey, importPrivateKey, importPublicKey } from './raw-keys.js'
import { describePrivateKey, inspectSymbol } from './redact.js'

export const ED25519_SEED_LENGTH = 32
export const ED25519_PUBLIC_KEY_LENGTH = 32
export const ED25519_SIGNATURE_LENGTH = 64

/** How many verification KeyObjects are kept: a room's members and then some. */
export const ED25519_VERIFY_CACHE_SIZE = 4096

export class Ed25519PrivateKey {
  // The seed lives only inside the OpenSSL KeyObject; no JS copy is kept.
  readonly #key: KeyObject
  #publicKey: Uint8Array | undefined // derived on first use: it costs a scalar multiplication

  private constructor (key: KeyObject) {
    this.#key = key
  }

  #pub (): Uint8Array {
    this.#publicKey ??= exportPublicKey(this.#key)
    return this.#publicKey
  }

  static generate (): Ed25519PrivateKey {
    const seed = randomBytes(ED25519_SEED_LENGTH)
    try {
      return Ed25519PrivateKey.fromSeed(seed)
    } finally {
      wipe(seed)
    }
  }

  /** The 32-byte RFC 8032 secret key ("seed"). The caller keeps ownership of `seed` (and should wipe it). */
  static fromSeed (seed: Uint8Array): Ed25519PrivateKey {
    checkBytes('seed', seed, ED25519_SEED_LENGTH)
    return new Ed25519PrivateKey(importPrivateKey('ed25519', seed))
  }

  /** The raw 32-byte public key (a copy: mutating it changes nothing here). */
  get publicKey (): Uint8Array {
    return this.#pub().slice()
  }

  /** A 64-byte signature over `message` (deterministic, as RFC 8032 requires). */
  sign (message: Uint8Array): Uint8Array {
    checkBytes('message', message)
    return toUint8Array(nodeSign(null, message, this.#key))
  }

  /** A copy of the 32-byte seed, for persisting only (encrypt it, then wipe it). */
  exportSeed (): Uint8Array {
    return exportPrivateKey(this.#key)
  }

  toString (): string { return describePrivateKey('Ed25519PrivateKey', this.#pub()) }
  toJSON (): string { return this.toString() }
  [inspectSymbol] (): string { return this.toString() }
}

// Bounded: keyed by the public key's hex, least recently used dropped first.
const verifyKeys = new LruCache<string, KeyObject>(ED25519_VERIFY_CACHE_SIZE)

/**
 * True when `signature` is a valid RFC 8032 signature of `message` by `publicKey`.
 * A public key or signature of the wrong type or length gives false, never an exception.
 * OpenSSL applies RFC 8032's checks (S below the group order, cofactorless equation);
 * @noble/curves defaults to the more permissive ZIP-215 rules, so the two may differ on
 * crafted edge cases, never on honest signatures.
 */
export function ed25519Verify (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  checkBytes('message', message)
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) return false
  if (!(signature instanceof Uint8Array) || signature.length !== ED25519_SIGNATURE_LENGTH) return false
  try {
    const id = toHex(publicKey)
    let key = verifyKeys.get(id)
    if (key === undefined) {
      key = importPublicKey('ed25519', publicKey)
      verifyKeys.set(id, key)
    }
    return nodeVerify(null, message, key, signature)
  } catch {
    return false
  }
}

/**
 * Whether a public key may enter a room (a genesis creator, a member, an invite key): the
 * canonical encoding (y < p, no "negative zero" x) of a point that is not of small order. A
 * small-order key has signatures that verify for many messages, and a non-canonical one names the
 * same point as another key; OpenSSL's verify accepts both, so they are refused where keys enter.
 */
export function ed25519PublicKeyAcceptable (publicKey: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) return false
  try {
    const point = nobleEd25519.Point.fromBytes(publicKey, false)
    return !point.isSmallOrder() && equalBytes(point.toBytes(), publicKey)
  } catch {
    return false
  }
}

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/** For tests and diagnostics: how many verification keys are cached now. */
export function ed25519VerifyCacheSize (): number {
  return verifyKeys.size
}

