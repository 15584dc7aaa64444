// On-disk constants of the store: file magics, format versions, size limits and default thresholds.

/**
 * `PRAGMA application_id` of every Conclave store ("CNCL" in ASCII). SQLite keeps it at byte 68 of
 * the file header, so `file(1)` and our own open can tell a Conclave store from any other SQLite file.
 */
export const APPLICATION_ID = 0x434e434c

/** The first 16 bytes of every SQLite 3 database file. */
export const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1')
/** SQLite file header size and the big-endian fields of it we read (sqlite.org/fileformat.html 1.3). */
export const SQLITE_HEADER_BYTES = 100
export const SQLITE_OFFSET_PAGE_SIZE = 16
export const SQLITE_OFFSET_CHANGE_COUNTER = 24
export const SQLITE_OFFSET_PAGE_COUNT = 28
/** `PRAGMA user_version`: the store keeps its snapshot generation here. */
export const SQLITE_OFFSET_USER_VERSION = 60
export const SQLITE_OFFSET_APPLICATION_ID = 68
export const SQLITE_OFFSET_VERSION_VALID_FOR = 92

/**
 * The store's files beside the snapshot `<path>`. The journal is `<path>.journal`: SQLite owns the
 * names it derives from a database's by appending `-journal`, `-wal`, `-shm` or `-mj…` (sqlite.org/
 * tempfiles.html), and any program that opens `conclave.db` with SQLite (the sqlite3 shell, a
 * backup tool) takes a `conclave.db-journal` for a hot rollback journal of its own, finds no valid
 * header in it and deletes it, and with it the writes since the last snapshot. A dot suffix is
 * ours, like `<path>.lock` and `<path>.tmp`, and keeps the files side by side in a listing.
 */
export const JOURNAL_SUFFIX = '.journal'
/** The journal's name until issue 13; an existing one is taken over at open (db.ts). */
export const LEGACY_JOURNAL_SUFFIX = '-journal'

/** Journal file header: magic, format version, generation, reserved, CRC-32 of the 20 bytes before it. */
export const JOURNAL_MAGIC = Buffer.from('CNCLJRNL', 'latin1')
export const JOURNAL_VERSION = 1
export const JOURNAL_HEADER_BYTES = 24
/** The first 8 bytes of a SQLite rollback journal (sqlite.org/fileformat.html 4.1). */
export const SQLITE_JOURNAL_MAGIC = Buffer.from([0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7])

/** Each journal frame starts with this marker, then u32 length, u32 CRC-32, payload. */
export const FRAME_MAGIC = Buffer.from('CFRM', 'latin1')
export const FRAME_HEADER_BYTES = 12
/** Largest payload of one frame: a sanity bound on the length field, far above any real batch. */
export const MAX_FRAME_PAYLOAD_BYTES = 1 << 30

/**
 * Default snapshot threshold: the journal is folded into a new snapshot once it reaches
 * snapshot size / SNAPSHOT_THRESHOLD_DIVISOR, clamped to [MIN, MAX]_SNAPSHOT_THRESHOLD_BYTES.
 * A snapshot costs O(db size) (~3.5 ms per MiB here), so a threshold proportional to the db size
 * keeps its amortised cost per write constant (~40 µs for a 700-byte message); the journal is
 * replayed at every open that follows a crash and at every read-only open (~40 µs per record), so
 * the fraction and the cap bound that replay to a few seconds even for a million messages.
 * (bench/store.ts measures both.)
 */
export const MIN_SNAPSHOT_THRESHOLD_BYTES = 8 * 1024 * 1024
export const MAX_SNAPSHOT_THRESHOLD_BYTES = 64 * 1024 * 1024
export const SNAPSHOT_THRESHOLD_DIVISOR = 16

/**
 * close() folds a non-empty journal into a snapshot when that is cheap (a snapshot of at most
 * this size) or when the journal has reached threshold / CLOSE_SNAPSHOT_JOURNAL_DIVISOR. A large
 * store closed after a few writes (a one-shot `conclave send`) keeps its short journal instead of
 * paying seconds for a full snapshot; the next open replays it in milliseconds.
 */
export const CLOSE_SNAPSHOT_CHEAP_BYTES = 8 * 1024 * 1024
export const CLOSE_SNAPSHOT_JOURNAL_DIVISOR = 8

/**
 * Free pages kept in every snapshot: size / RESERVE_DIVISOR, at most MAX_RESERVE_BYTES. sql.js
 * keeps the database file in a JavaScript array sized exactly to the file when loaded, and grows
 * it by 12.5% steps, each a full copy (~0.5 s for a 650 MB store). Without a reserve the first
 * write after every open that needs a new page pays that copy; with one, SQLite reuses free pages
 * first, so a short-lived process never grows the array and a long-lived one grows it rarely.
 */
export const RESERVE_DIVISOR = 64
export const MAX_RESERVE_BYTES = 16 * 1024 * 1024

/** Prepared statements kept per store (the same few INSERT/SELECT run per message). */
export const STATEMENT_CACHE_SIZE = 64

/** sql.js page cache per store, in KiB (PRAGMA cache_size = -N). */
export const PAGE_CACHE_KIB = 16 * 1024

/**
 * How long after Store.commit() its statements are applied to the in-memory database (reads and
 * writes apply them at once). The journal record is written at commit, so this is not about
 * safety: it moves SQLite's work out of the moment a message is received and shown, and lets
 * the commits of a burst share one transaction.
 */
export const APPLY_BEHIND_MS = 20
