// The sql.js WebAssembly binary. The bundler replaces this file with an embedded copy.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'

export async function sqlWasmBinary (): Promise<Uint8Array> {
  return new Uint8Array(await readFile(createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm')))
}
