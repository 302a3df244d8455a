/** Durable writes live in the outputs module (src/util/outputs.ts); this name is kept for imports. */
export { writeAtomic, openAtomic, fsyncDir, appendDurable, type AtomicWriter } from './outputs.js';
