// Noise's crypto on node:crypto (OpenSSL) alone, through @libp2p/noise's "bring your own crypto"
// interface. Its default mixes in two AssemblyScript wasm modules (ChaCha20-Poly1305 and
// SHA-256, instantiated at load) and @noble's pure-JS HKDF/X25519: start-up work and bundle
// bytes on every command that touches the network. build.mjs also points noise's default crypto
// module here, so the others are not bundled at all. Checked against @libp2p/noise's
// pureJsCrypto in test/unit/noise-crypto.test.ts.
import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync } from 'node:crypto'
import type { ICryptoInterface } from '@libp2p/noise'
import type { Uint8ArrayList } from 'uint8arraylist'

const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex')
const SPKI_X25519_PREFIX = Buffer.from('302a300506032b656e032100', 'hex')
const TAG_BYTES = 16
const EMPTY = new Uint8Array(0)

const flat = (data: Uint8Array | Uint8ArrayList): Uint8Array => data instanceof Uint8Array ? data : data.subarray()

function privateKey (raw: Uint8Array): ReturnType<typeof createPrivateKey> {
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519_PREFIX, raw]), format: 'der', type: 'pkcs8' })
}

export const noiseCrypto: ICryptoInterface = {
  hashSHA256 (data) {
    const hash = createHash('sha256')
    if (data instanceof Uint8Array) hash.update(data)
    else for (const chunk of data) hash.update(chunk)
    return hash.digest()
  },

  getHKDF (ck, ikm) {
    const okm = new Uint8Array(hkdfSync('sha256', ikm, ck, EMPTY, 96))
    return [okm.subarray(0, 32), okm.subarray(32, 64), okm.subarray(64, 96)]
  },

  generateX25519KeyPair () {
    const { publicKey, privateKey } = generateKeyPairSync('x25519', {
      publicKeyEncoding: { type: 'spki', format: 'der' },
      privateKeyEncoding: { type: 'pkcs8', format: 'der' }
    })
    return { publicKey: publicKey.subarray(SPKI_X25519_PREFIX.length), privateKey: privateKey.subarray(PKCS8_X25519_PREFIX.length) }
  },

  generateX25519KeyPairFromSeed (seed) {
    const publicKey = createPublicKey(privateKey(seed)).export({ type: 'spki', format: 'der' }).subarray(SPKI_X25519_PREFIX.length)
    return { publicKey, privateKey: seed }
  },

  generateX25519SharedKey (priv, pub) {
    return diffieHellman({
      privateKey: privateKey(flat(priv)),
      publicKey: createPublicKey({ key: Buffer.concat([SPKI_X25519_PREFIX, flat(pub)]), format: 'der', type: 'spki' })
    })
  },

  chaCha20Poly1305Encrypt (plaintext, nonce, ad, k) {
    const data = flat(plaintext)
    const cipher = createCipheriv('chacha20-poly1305', k, nonce, { authTagLength: TAG_BYTES })
    cipher.setAAD(ad, { plaintextLength: data.byteLength })
    const body = cipher.update(data)
    const tail = cipher.final()
    return Buffer.concat([body, tail, cipher.getAuthTag()])
  },

  chaCha20Poly1305Decrypt (ciphertext, nonce, ad, k) {
    const data = flat(ciphertext)
    if (data.byteLength < TAG_BYTES) throw new Error('Invalid chacha20poly1305 decryption')
    const decipher = createDecipheriv('chacha20-poly1305', k, nonce, { authTagLength: TAG_BYTES })
    decipher.setAAD(ad, { plaintextLength: data.byteLength - TAG_BYTES })
    decipher.setAuthTag(data.subarray(data.byteLength - TAG_BYTES))
    const body = decipher.update(data.subarray(0, data.byteLength - TAG_BYTES))
    const tail = decipher.final() // throws on a bad tag
    return tail.byteLength === 0 ? body : Buffer.concat([body, tail])
  }
}
