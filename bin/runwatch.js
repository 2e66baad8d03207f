#!/usr/bin/env node
// Runwatch runs its TypeScript sources directly on Node's built-in type stripping (Node ≥ 22.18,
// on by default). `npx runwatch` and npm scripts use the Node 24 the project pins.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `runwatch: needs Node 22.18 or newer (this is ${process.version}); run it with npx runwatch in the project\n`,
  );
  process.exit(1);
}
const { main } = await import('../electron/core/cli/main.ts');
process.exitCode = await main(process.argv);
