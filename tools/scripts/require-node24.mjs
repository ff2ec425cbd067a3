// Guard for npm scripts: refuse to run on another Node major (the project tests what ships: Node 24).
const major = Number(process.versions.node.split('.')[0]);
if (major !== 24) {
  process.stderr.write(
    `this project runs on Node 24 (found ${process.versions.node}); run it through npm (npm run ...), which puts node_modules/.bin/node first, or run npm install\n`,
  );
  process.exit(1);
}
