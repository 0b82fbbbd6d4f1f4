/** The shared vocabulary lives at the lowest layer (db/vocab.ts); the wire contract re-exports it. */
export * from '../../db/vocab';
