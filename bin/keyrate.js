#!/usr/bin/env node
import { main } from '../dist/cli/main.js';
main().catch((e) => {
  process.stderr.write(`keyrate: internal error: ${e && e.stack ? e.stack : e}\n`);
  process.exitCode = 1;
});
