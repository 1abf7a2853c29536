#!/usr/bin/env node
// Entry point of the `sanad` program: loads the TypeScript sources through tsx so the
// repository runs as checked out, with no separate build step for the server.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
