// The crypto module's public surface: every primitive Conclave uses, backed by node:crypto (OpenSSL).
//
// Inputs are checked before use and misuse throws MalformedInputError with an exact message
// ('"nonce" expected 12 bytes, got 24'); failed authentication throws CryptoError. Outputs are
// plain Uint8Arrays (never Node Buffers). Private keys live inside OpenSSL KeyObjects behind
// #private fields and print as 'Ed25519PrivateKey(<redacted>, pub=d75a9801…)'.
// test/unit/crypto.test.ts checks every function against RFC vectors and against @noble/*.

export { randomBytes, constantTimeEqual, wipe } from './random.js'
export { sha256, sha512, hmacSha256, hkdfSha256, HKDF_SHA256_MAX_LENGTH, HKDF_MAX_INFO_LENGTH } from './hash.js'
export {
  ED25519_SEED_LENGTH, ED25519_PUBLIC_KEY_LENGTH, ED25519_SIGNATURE_LENGTH, ED25519_VERIFY_CACHE_SIZE,
  Ed25519PrivateKey, ed25519Verify, ed25519PublicKeyAcceptable
} from './ed25519.js'
export { X25519_KEY_LENGTH, X25519PrivateKey } from './x25519.js'
export {
  type AeadAlgorithm, AEAD_ALGORITHMS, AEAD_KEY_LENGTH, AEAD_NONCE_LENGTH, AEAD_TAG_LENGTH, aeadSeal, aeadOpen
} from './aead.js'
export { type ScryptParams, scrypt, SCRYPT_MAX_N, SCRYPT_MAX_R, SCRYPT_MAX_P, SCRYPT_MAX_DK_LENGTH } from './scrypt.js'
