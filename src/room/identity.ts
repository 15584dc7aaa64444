// The installation's identity: Ed25519 member key + separate libp2p peer key, display name,
// fingerprint; persisted in identity.json (0600), the secret half optionally under scrypt + AEAD.
import { existsSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { inspect } from 'node:util'
import { toString as u8ToString, fromString as u8FromString } from 'uint8arrays'
import { DISPLAY_NAME_MAX_LENGTH, IDENTITY_FILE_MAX_BYTES, SCRYPT_DEFAULTS, SCRYPT_MAX } from '../config.js'
import {
  AEAD_NONCE_LENGTH, Ed25519PrivateKey, aeadOpen, aeadSeal, randomBytes, scrypt, sha512, wipe,
  type ScryptParams
} from '../crypto/index.js'
import { CorruptFileError, CryptoError, UsageError, WrongPassphraseError } from '../errors.js'
import { ensurePrivateDir, writeFileAtomic } from '../store/files.js'
import { peerIdFromSeed, peerPrivateKeyFromSeed } from '../transport/peer-key.js'

/** Supplies a passphrase when the vault needs one ('unlock' an existing file, 'create' a new one). */
export interface PassphraseSource {
  get: (purpose: 'unlock' | 'create') => Promise<Uint8Array>
}

const FILE_TYPE = 'conclave-identity'
const FILE_VERSION = 1
const SCHEME_PLAIN = 'none'
const SCHEME_SCRYPT = 'scrypt-chacha20poly1305'
/** Domain-separation label of the AEAD's associated data. */
const AAD_LABEL = 'conclave identity v1\0'
const FINGERPRINT_LABEL = 'conclave fingerprint v1'
const FINGERPRINT_ITERATIONS = 5200
const SALT_LENGTH = 16
const SEEDS_LENGTH = 64

/** Member ids are the member public key in lowercase RFC 4648 base32 without padding (52 chars). */
export function memberIdFromPublicKey (publicKey: Uint8Array): string {
  return u8ToString(publicKey, 'base32')
}

export function publicKeyFromMemberId (memberId: string): Uint8Array {
  let key: Uint8Array
  try {
    key = u8FromString(memberId.toLowerCase(), 'base32')
  } catch {
    throw new UsageError(`'${memberId}' is not a member id`)
  }
  if (key.length !== 32) throw new UsageError(`'${memberId}' is not a member id`)
  return key
}

/**
 * Safety code people compare out of band, built like Signal's numeric fingerprint:
 * h = SHA-512(u16be(0) ‖ label ‖ pub ‖ memberId); 5200 times h = SHA-512(h ‖ pub); the first 30
 * bytes as six 5-byte big-endian integers, each mod 100000, printed as six 5-digit groups.
 */
export function fingerprint (memberPublicKey: Uint8Array): string {
  const enc = new TextEncoder()
  let h = sha512(Buffer.concat([new Uint8Array(2), enc.encode(FINGERPRINT_LABEL), memberPublicKey, enc.encode(memberIdFromPublicKey(memberPublicKey))]))
  for (let i = 0; i < FINGERPRINT_ITERATIONS; i++) h = sha512(Buffer.concat([h, memberPublicKey]))
  const groups: string[] = []
  for (let i = 0; i < 6; i++) {
    let n = 0
    for (let j = 0; j < 5; j++) n = n * 256 + h[i * 5 + j]!
    groups.push(String(n % 100000).padStart(5, '0'))
  }
  return groups.join(' ')
}

export function validateDisplayName (name: string): string {
  const trimmed = name.trim()
  if (trimmed.length === 0) throw new UsageError('the display name is empty')
  if ([...trimmed].length > DISPLAY_NAME_MAX_LENGTH) throw new UsageError(`the display name is longer than ${DISPLAY_NAME_MAX_LENGTH} characters`)
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(trimmed)) throw new UsageError('the display name contains control characters')
  return trimmed
}

/** An unlocked identity. Secrets live in private fields; inspect/JSON show public data only. */
export class Identity {
  readonly name: string
  readonly memberKey: Ed25519PrivateKey
  readonly memberId: string
  readonly peerId: string
  readonly encrypted: boolean
  readonly created: string
  readonly #peerSeed: Uint8Array

  constructor (init: { name: string, memberKey: Ed25519PrivateKey, peerSeed: Uint8Array, peerId: string, encrypted: boolean, created: string }) {
    this.name = init.name
    this.memberKey = init.memberKey
    this.memberId = memberIdFromPublicKey(init.memberKey.publicKey)
    this.peerId = init.peerId
    this.encrypted = init.encrypted
    this.created = init.created
    this.#peerSeed = init.peerSeed
  }

  get memberPublicKey (): Uint8Array { return this.memberKey.publicKey }

  get fingerprint (): string { return fingerprint(this.memberKey.publicKey) }

  /** The libp2p private key (for the transport layer). */
  async peerPrivateKey (): ReturnType<typeof peerPrivateKeyFromSeed> {
    return peerPrivateKeyFromSeed(this.#peerSeed)
  }

  /** The public facts, as `conclave id --json` prints them. */
  toJSON (): Record<string, unknown> {
    return { name: this.name, memberId: this.memberId, peerId: this.peerId, fingerprint: this.fingerprint, encrypted: this.encrypted, created: this.created }
  }

  [inspect.custom] (): string {
    return `Identity(${this.name}, member=${this.memberId}, peer=${this.peerId}, <secrets redacted>)`
  }
}

interface PlainSecret { scheme: typeof SCHEME_PLAIN, keys: string }
interface SealedSecret { scheme: typeof SCHEME_SCRYPT, N: number, r: number, p: number, salt: string, nonce: string, sealed: string }
interface IdentityFile {
  type: typeof FILE_TYPE
  version: number
  name: string
  created: string
  memberPublicKey: string
  peerPublicKey: string
  secret: PlainSecret | SealedSecret
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64')
/** A real copy: Buffer#slice returns a view, and the source is wiped after use. */
const copyBytes = (b: Uint8Array): Uint8Array => new Uint8Array(b)

function associatedData (memberPub: Uint8Array, peerPub: Uint8Array, params: ScryptParams): Uint8Array {
  const p = Buffer.alloc(12)
  p.writeUInt32BE(params.N, 0); p.writeUInt32BE(params.r, 4); p.writeUInt32BE(params.p, 8)
  return Buffer.concat([Buffer.from(AAD_LABEL), memberPub, peerPub, p])
}

/** Reads, creates and rewrites identity.json. */
export class IdentityVault {
  readonly path: string
  private readonly scryptParams: ScryptParams

  constructor (_components: Record<string, never>, options: { path: string, scrypt?: ScryptParams }) {
    this.path = options.path
    this.scryptParams = options.scrypt ?? SCRYPT_DEFAULTS
  }

  exists (): boolean {
    return existsSync(this.path)
  }

  /** Creates a new identity; refuses to overwrite one. */
  async create (options: { name: string, passphrase?: Uint8Array }): Promise<Identity> {
    if (this.exists()) throw new UsageError(`an identity already exists at ${this.path}`, { hint: "run 'conclave id' to show it" })
    const name = validateDisplayName(options.name)
    const seeds = randomBytes(SEEDS_LENGTH)
    try {
      return await this.write({ name, created: new Date().toISOString(), seeds, passphrase: options.passphrase })
    } finally {
      wipe(seeds)
    }
  }

  /** Loads the identity, creating it with DEFAULT_NAME when none exists ("created on first need"). */
  async loadOrCreate (source: PassphraseSource, defaultName: string): Promise<{ identity: Identity, created: boolean }> {
    if (!this.exists()) return { identity: await this.create({ name: defaultName }), created: true }
    return { identity: await this.load(source), created: false }
  }

  /** Loads and unlocks the identity; asks SOURCE for a passphrase only if the file is encrypted. */
  async load (source: PassphraseSource): Promise<Identity> {
    const file = this.readFile()
    const seeds = await this.openSecret(file, source)
    try {
      return await this.fromSeeds(file, seeds)
    } finally {
      wipe(seeds)
    }
  }

  /** Rewrites the file with a new name and/or under a passphrase (PASSPHRASE undefined keeps the current protection). */
  async update (source: PassphraseSource, change: { name?: string, passphrase?: Uint8Array }): Promise<Identity> {
    const file = this.readFile()
    const seeds = await this.openSecret(file, source)
    try {
      const name = change.name !== undefined ? validateDisplayName(change.name) : file.name
      let passphrase = change.passphrase
      if (passphrase === undefined && file.secret.scheme === SCHEME_SCRYPT) passphrase = await source.get('unlock')
      return await this.write({ name, created: file.created, seeds, passphrase })
    } finally {
      wipe(seeds)
    }
  }

  private async write (init: { name: string, created: string, seeds: Uint8Array, passphrase?: Uint8Array | undefined }): Promise<Identity> {
    const memberKey = Ed25519PrivateKey.fromSeed(init.seeds.subarray(0, 32))
    const peerSeed = copyBytes(init.seeds.subarray(32, 64))
    const peerPub = Ed25519PrivateKey.fromSeed(peerSeed).publicKey
    let secret: PlainSecret | SealedSecret
    if (init.passphrase !== undefined) {
      if (init.passphrase.length === 0) throw new UsageError('the passphrase is empty')
      const params = this.scryptParams
      const salt = randomBytes(SALT_LENGTH)
      const nonce = randomBytes(AEAD_NONCE_LENGTH)
      const key = await scrypt(init.passphrase, salt, params, 32)
      const sealed = aeadSeal('chacha20-poly1305', key, nonce, init.seeds, associatedData(memberKey.publicKey, peerPub, params))
      wipe(key)
      secret = { scheme: SCHEME_SCRYPT, N: params.N, r: params.r, p: params.p, salt: b64(salt), nonce: b64(nonce), sealed: b64(sealed) }
    } else {
      secret = { scheme: SCHEME_PLAIN, keys: b64(init.seeds) }
    }
    const file: IdentityFile = {
      type: FILE_TYPE,
      version: FILE_VERSION,
      name: init.name,
      created: init.created,
      memberPublicKey: b64(memberKey.publicKey),
      peerPublicKey: b64(peerPub),
      secret
    }
    ensurePrivateDir(dirname(this.path))
    writeFileAtomic(this.path, [Buffer.from(JSON.stringify(file, null, 2) + '\n')])
    return new Identity({ name: init.name, memberKey, peerSeed, peerId: await peerIdFromSeed(peerSeed), encrypted: init.passphrase !== undefined, created: init.created })
  }

  private corrupt (reason: string): CorruptFileError {
    return new CorruptFileError(`the identity file ${this.path} is not valid: ${reason}`, {
      hint: 'restore it from a backup, or move it away to create a new identity (your member id will change)'
    })
  }

  private readFile (): IdentityFile {
    let raw: Buffer
    try {
      raw = readFileSync(this.path)
    } catch (err) {
      throw new CorruptFileError(`cannot read the identity file ${this.path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`)
    }
    if (raw.length > IDENTITY_FILE_MAX_BYTES) throw this.corrupt(`larger than ${IDENTITY_FILE_MAX_BYTES} bytes`)
    let json: any
    try {
      json = JSON.parse(raw.toString('utf8'))
    } catch {
      throw this.corrupt('not JSON')
    }
    if (json === null || typeof json !== 'object' || json.type !== FILE_TYPE) throw this.corrupt('not a Conclave identity')
    if (json.version !== FILE_VERSION) throw this.corrupt(`unsupported version ${String(json.version)}`)
    for (const field of ['name', 'created', 'memberPublicKey', 'peerPublicKey'] as const) {
      if (typeof json[field] !== 'string') throw this.corrupt(`field '${field}' missing`)
    }
    this.bytes(json.memberPublicKey, 32, 'memberPublicKey')
    this.bytes(json.peerPublicKey, 32, 'peerPublicKey')
    const s = json.secret
    if (s?.scheme === SCHEME_PLAIN) {
      this.bytes(s.keys, SEEDS_LENGTH, 'secret.keys')
    } else if (s?.scheme === SCHEME_SCRYPT) {
      for (const f of ['N', 'r', 'p'] as const) {
        if (!Number.isSafeInteger(s[f]) || s[f] < 1 || s[f] > SCRYPT_MAX[f]) throw this.corrupt(`scrypt parameter ${f} out of range`)
      }
      this.bytes(s.salt, SALT_LENGTH, 'secret.salt')
      this.bytes(s.nonce, AEAD_NONCE_LENGTH, 'secret.nonce')
      this.bytes(s.sealed, SEEDS_LENGTH + 16, 'secret.sealed')
    } else {
      throw this.corrupt('unknown secret scheme')
    }
    return json as IdentityFile
  }

  private bytes (value: unknown, length: number, field: string): Uint8Array {
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw this.corrupt(`field '${field}' is not base64`)
    const out = Buffer.from(value, 'base64')
    if (out.length !== length) throw this.corrupt(`field '${field}' has ${out.length} bytes, expected ${length}`)
    return out
  }

  private async openSecret (file: IdentityFile, source: PassphraseSource): Promise<Uint8Array> {
    const s = file.secret
    if (s.scheme === SCHEME_PLAIN) return this.bytes(s.keys, SEEDS_LENGTH, 'secret.keys')
    const passphrase = await source.get('unlock')
    const params = { N: s.N, r: s.r, p: s.p }
    const key = await scrypt(passphrase, this.bytes(s.salt, SALT_LENGTH, 'secret.salt'), params, 32)
    wipe(passphrase)
    try {
      const aad = associatedData(this.bytes(file.memberPublicKey, 32, 'memberPublicKey'), this.bytes(file.peerPublicKey, 32, 'peerPublicKey'), params)
      return aeadOpen('chacha20-poly1305', key, this.bytes(s.nonce, AEAD_NONCE_LENGTH, 'secret.nonce'), this.bytes(s.sealed, SEEDS_LENGTH + 16, 'secret.sealed'), aad)
    } catch (err) {
      if (err instanceof CryptoError) {
        throw new WrongPassphraseError({ hint: 'check CONCLAVE_PASSPHRASE or --passphrase-file (the file may also have been altered)' })
      }
      throw err
    } finally {
      wipe(key)
    }
  }

  private async fromSeeds (file: IdentityFile, seeds: Uint8Array): Promise<Identity> {
    const memberKey = Ed25519PrivateKey.fromSeed(seeds.subarray(0, 32))
    const peerSeed = copyBytes(seeds.subarray(32, 64))
    if (b64(memberKey.publicKey) !== file.memberPublicKey || b64(Ed25519PrivateKey.fromSeed(peerSeed).publicKey) !== file.peerPublicKey) {
      throw this.corrupt('the public keys do not match the secret keys')
    }
    return new Identity({ name: file.name, memberKey, peerSeed, peerId: await peerIdFromSeed(peerSeed), encrypted: file.secret.scheme === SCHEME_SCRYPT, created: file.created })
  }
}
