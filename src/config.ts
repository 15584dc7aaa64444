// Protocol constants, size limits, defaults and data-directory resolution: one place for every number.
import { homedir } from 'node:os'
import { join } from 'node:path'

/** Version of the program; the bundler defines CONCLAVE_BUILD_VERSION from package.json. */
export const VERSION: string = process.env.CONCLAVE_BUILD_VERSION ?? '0.0.0-dev'

/** Files inside the home (data) directory. */
export const HOME_FILES = {
  identity: 'identity.json',
  store: 'conclave.db'
} as const

/** The daemon's control socket, in the home directory. */
export const SOCKET_FILE = 'conclave.sock'

/** Identity file limits: the file is tiny; anything bigger is not ours. */
export const IDENTITY_FILE_MAX_BYTES = 64 * 1024
export const DISPLAY_NAME_MAX_LENGTH = 64

/**
 * scrypt work factor for an encrypted identity: N=2^16, r=8, p=1 uses 64 MiB and takes
 * ~0.15 s here. The parameters are stored in the file, so they can be raised later.
 */
export const SCRYPT_DEFAULTS = { N: 2 ** 16, r: 8, p: 1 } as const
/** Upper bounds accepted when reading a file (a hostile file must not make us allocate GiBs). */
export const SCRYPT_MAX = { N: 2 ** 20, r: 32, p: 16 } as const

/** The largest message text in UTF-8 bytes (src/wire/payload.ts; `send --whole` checks it first). */
export const TEXT_MAX_BYTES = 60000

/** Passphrase sources are read with a cap so a wrong --passphrase-file (a log, a disk image) is not slurped. */
export const PASSPHRASE_MAX_BYTES = 4096

/**
 * The data directory: --home / CONCLAVE_HOME, else $XDG_DATA_HOME/conclave, else
 * ~/.local/share/conclave.
 */
export function defaultHome (env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_DATA_HOME
  if (xdg !== undefined && xdg !== '') return join(xdg, 'conclave')
  return join(env.HOME ?? homedir(), '.local', 'share', 'conclave')
}
