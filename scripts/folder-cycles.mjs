// Fails when folders of src/ import each other in a loop (users → audit → users), even where
// no two files do: each file counts as its folder, a `dto/` folder as its parent's. Spec files
// are left out. Part of `npm run lint`, after madge's check of cycles between files.
import madge from 'madge';
import { dirname } from 'node:path';

const folderOf = (file) => dirname(file).replace(/\/dto$/, '');

const graph = (
  await madge('src', { fileExtensions: ['ts'], tsConfig: 'tsconfig.json', excludeRegExp: [/\.spec\.ts$/] })
).obj();

/** folder -> folder -> one import that makes the edge, to name it in the report */
const edges = new Map();
for (const [file, imports] of Object.entries(graph)) {
  const from = folderOf(file);
  for (const imported of imports) {
    const to = folderOf(imported);
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${file} → ${imported}`);
  }
}

// Depth-first search; a folder met again while still on the path closes a loop.
const loops = [];
const done = new Set();
const path = [];
function visit(folder) {
  if (done.has(folder)) return;
  const at = path.indexOf(folder);
  if (at !== -1) return void loops.push([...path.slice(at), folder]);
  path.push(folder);
  for (const next of edges.get(folder)?.keys() ?? []) visit(next);
  path.pop();
  done.add(folder);
}
for (const folder of edges.keys()) visit(folder);

if (loops.length > 0) {
  console.error(`Folders of src/ that import each other in a loop (${loops.length}):`);
  for (const loop of loops) {
    console.error(`  ${loop.join(' → ')}`);
    for (let i = 0; i + 1 < loop.length; i++) console.error(`    ${edges.get(loop[i]).get(loop[i + 1])}`);
  }
  process.exit(1);
}
console.log(`No loop between the ${new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])]).size} folders of src/.`);
