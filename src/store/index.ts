// The store's public surface: the crash-safe Store, the message History, the schema, sql.js loading.
export { Store, type Migration, type StoreOptions, type StoreComponents, type SqlParams, type SqlStatement } from './db.js'
export { History, type StoredMessage, MESSAGE_ID_BYTES } from './history.js'
export { MIGRATIONS } from './schema.js'
export { loadSqlJs, type SqlJsStatic } from './sqljs.js'
export { RoomTables, type RoomRow, type ChainRow } from './rooms.js'
