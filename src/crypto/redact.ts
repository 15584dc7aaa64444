// How private key objects show themselves: never the secret, only a short public-key prefix.
import { toHex } from './bytes.js'

export const inspectSymbol = Symbol.for('nodejs.util.inspect.custom')

/** e.g. `Ed25519PrivateKey(<redacted>, pub=d75a9801…)` */
export function describePrivateKey (className: string, publicKey: Uint8Array): string {
  return `${className}(<redacted>, pub=${toHex(publicKey).slice(0, 8)}…)`
}
