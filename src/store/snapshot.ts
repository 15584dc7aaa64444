// The snapshot file `<path>`: a plain SQLite database; header checks before sql.js ever sees it.
import { CorruptFileError } from '../errors.js'
import { journalPathOf } from './journal.js'
import {
  APPLICATION_ID, SQLITE_HEADER_BYTES, SQLITE_MAGIC, SQLITE_OFFSET_APPLICATION_ID,
  SQLITE_OFFSET_CHANGE_COUNTER, SQLITE_OFFSET_PAGE_COUNT, SQLITE_OFFSET_PAGE_SIZE,
  SQLITE_OFFSET_USER_VERSION, SQLITE_OFFSET_VERSION_VALID_FOR
} from './constants.js'

function corrupt (path: string, what: string, hint?: string): CorruptFileError {
  return new CorruptFileError(`the store ${path} ${what}`, {
    hint: hint ?? `move ${path} and ${journalPathOf(path)} elsewhere to start a new, empty store, or restore them from a backup`
  })
}

/**
 * Check that BYTES are a whole Conclave snapshot and return its generation (kept in the SQLite
 * header's user_version field). Reads only the 100-byte header; it does not open the database.
 */
export function inspectSnapshot (path: string, bytes: Uint8Array): number {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (b.length === 0) throw corrupt(path, 'is empty (zero bytes)')
  if (b.length < SQLITE_HEADER_BYTES || !b.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
    throw corrupt(path, 'is not a Conclave store (not an SQLite database)',
      `check the path (--home); if ${path} is not yours to keep, move it elsewhere and conclave starts a new store`)
  }
  const appId = b.readUInt32BE(SQLITE_OFFSET_APPLICATION_ID)
  if (appId !== APPLICATION_ID) {
    throw corrupt(path, `is an SQLite database but not a Conclave store (application_id 0x${appId.toString(16).padStart(8, '0')})`,
      `check the path (--home); conclave does not open databases of other programs. Move ${path} elsewhere to start a new store`)
  }
  const rawPageSize = b.readUInt16BE(SQLITE_OFFSET_PAGE_SIZE)
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) throw corrupt(path, `has a damaged header (page size ${rawPageSize})`)
  // The in-header page count is valid when version-valid-for equals the change counter (always so
  // for files SQLite 3.7+ wrote, including sql.js exports).
  const counterValid = b.readUInt32BE(SQLITE_OFFSET_VERSION_VALID_FOR) === b.readUInt32BE(SQLITE_OFFSET_CHANGE_COUNTER)
  const expected = b.readUInt32BE(SQLITE_OFFSET_PAGE_COUNT) * pageSize
  if ((counterValid && expected !== b.length) || b.length % pageSize !== 0) {
    throw corrupt(path, `is truncated or damaged (${b.length} bytes, the header says ${expected})`)
  }
  const generation = b.readInt32BE(SQLITE_OFFSET_USER_VERSION)
  if (generation < 1) throw corrupt(path, `has a damaged header (generation ${generation})`)
  return generation
}
