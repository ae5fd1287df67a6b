#!/usr/bin/env node
// The `pswb` command: loads the TypeScript sources through tsx so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../scripts/pswb.ts');
process.exitCode = await main(process.argv.slice(2));
