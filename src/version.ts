import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
/** keyrate's version, from package.json (written into every result manifest). */
export const version: string = (require('../package.json') as { version: string }).version;
