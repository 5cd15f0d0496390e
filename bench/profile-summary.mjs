// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by package.
//
//   node bench/profile-summary.mjs <file.cpuprofile> [fromMicros toMicros] [--top N]
//
// With a window (the profile's own clock, microseconds, as process.hrtime.bigint() / 1000n
// reads it on Linux), only the samples inside it count: the load, not the start-up.
import { readFileSync } from 'node:fs';

export function summarise(profile, { from = -Infinity, to = Infinity, top = 25 } = {}) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let time = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i];
    if (time < from || time > to) continue;
    // Each sample stands for the time until the next one.
    const weight = profile.timeDeltas[i + 1] ?? 0;
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + weight);
    total += weight;
  }
  const byFunction = new Map();
  const byGroup = new Map();
  for (const [id, micros] of self) {
    const { callFrame } = nodes.get(id);
    const name = callFrame.functionName || '(anonymous)';
    const where = callFrame.url ? `${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}` : '';
    const key = where ? `${name} ${where}` : name;
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    const group = groupOf(callFrame);
    byGroup.set(group, (byGroup.get(group) ?? 0) + micros);
  }
  const rank = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, micros]) => ({ key, ms: Math.round(micros / 1000), share: total ? micros / total : 0 }));
  return { totalMs: Math.round(total / 1000), functions: rank(byFunction), groups: rank(byGroup) };
}

function shortUrl(url) {
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules >= 0) return path.slice(inModules + 'node_modules/'.length);
  const inDist = path.indexOf('/dist/');
  return inDist >= 0 ? path.slice(inDist + 1) : path;
}

/** Who the time is spent in: a package, the service's own code, Node, or V8. */
function groupOf({ url, functionName }) {
  if (!url) {
    // (garbage collector), (program), (idle), native functions such as JSON.stringify
    return functionName.startsWith('(') ? functionName : '(native)';
  }
  if (url.startsWith('node:')) return 'node core';
  const path = url.replace(/^file:\/\//, '');
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path.slice(path.lastIndexOf('node_modules/')));
  if (match) return match[1];
  if (path.includes('/dist/')) return 'the service (dist/)';
  return path;
}

export function printSummary({ totalMs, functions, groups }) {
  const pct = (share) => `${(share * 100).toFixed(1).padStart(5)}%`;
  console.log(`self time sampled: ${totalMs} ms`);
  console.log('\nby package:');
  for (const { key, ms, share } of groups) console.log(`  ${pct(share)} ${String(ms).padStart(7)} ms  ${key}`);
  console.log('\nby function:');
  for (const { key, ms, share } of functions) console.log(`  ${pct(share)} ${String(ms).padStart(7)} ms  ${key}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
  const [file, from, to] = args;
  if (!file) {
    console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [fromMicros toMicros] [--top N]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  printSummary(summarise(profile, { from: from ? Number(from) : undefined, to: to ? Number(to) : undefined, top }));
}
