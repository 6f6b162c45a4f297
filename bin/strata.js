#!/usr/bin/env node
// Runs the compiled CLI (npm install builds dist/). The exit code is set, not forced, so
// pending output is flushed before the process ends.
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv);
