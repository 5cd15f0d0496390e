// wrk (Debian's package, written in C) as the bench's load generator: it needs a fraction of
// the CPU that a Node.js generator needs for the same load, so on 2 cores it leaves the service
// and its floor what they need. Each run gets a Lua script with its requests pre-formatted;
// its done() hook prints the figures as one JSON line.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const WRK = process.env.WRK_PATH || '/usr/bin/wrk';

/** Installs Debian's wrk when it is missing (as root), as the browser test does for Chromium. */
export function ensureWrk(log = console.log) {
  if (existsSync(WRK)) return;
  if (process.getuid?.() !== 0) throw new Error(`wrk is missing at ${WRK}: apt-get install wrk (or set WRK_PATH)`);
  log('installing wrk from Debian');
  execFileSync('apt-get', ['update', '-q'], { stdio: 'ignore' });
  execFileSync('apt-get', ['install', '-y', '-q', 'wrk'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** A Lua long string that cannot end early, whatever `text` holds. */
function luaString(text) {
  let level = '';
  while (text.includes(`]${level}]`)) level += '=';
  return `[${level}[${text}]${level}]`;
}

// Quantiles printed by each run, so that several runs merge into one distribution: every 0.1 %
// up to 98 %, every 0.01 % above, where the p99 is decided.
const QUANTILES = [
  ...Array.from({ length: 980 }, (_, i) => [(i + 0.5) / 10, 0.1]),
  ...Array.from({ length: 200 }, (_, i) => [98 + (i + 0.5) / 100, 0.01]),
];

function script(requests) {
  const formatted = requests.map(({ method, path, token, body }) => {
    const headers = [];
    if (token) headers.push(`["Authorization"] = ${luaString(`Bearer ${token}`)}`);
    let payload = 'nil';
    if (body !== undefined) {
      headers.push('["Content-Type"] = "application/json"');
      payload = luaString(typeof body === 'string' ? body : JSON.stringify(body));
    }
    return `wrk.format(${luaString(method)}, ${luaString(path)}, { ${headers.join(', ')} }, ${payload})`;
  });
  return `
local formats = { ${formatted.map((line) => `function() return ${line} end`).join(',\n')} }
local requests = {}
local i = 0
init = function(args)
  for k, make in ipairs(formats) do requests[k] = make() end
end
request = function()
  i = i % #requests + 1
  return requests[i]
end
done = function(summary, latency, _)
  local quantiles = {}
  for _, q in ipairs({ ${QUANTILES.map(([p]) => p.toFixed(3)).join(', ')} }) do
    quantiles[#quantiles + 1] = latency:percentile(q)
  end
  local errors = summary.errors
  io.stderr:write(string.format(
    'WRK_RESULT {"requests":%d,"microseconds":%d,"non2xx":%d,"socketErrors":%d,"cpuSeconds":%.4f,"quantiles":[%s]}\\n',
    summary.requests, summary.duration, errors.status, errors.connect + errors.read + errors.write + errors.timeout,
    os.clock(), table.concat(quantiles, ',')))
end
`;
}

/**
 * `connections` keep-alive connections for `seconds` (whole seconds: wrk's unit), cycling
 * through `requests`. Answers req/s, p50 and p99 in ms, non-2xx, socket errors, wrk's own CPU
 * seconds, and the weighted quantiles for merging runs.
 */
export async function wrkLoad({ url, connections, seconds, requests, timeout = 10 }) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-wrk-'));
  const file = join(dir, 'run.lua');
  writeFileSync(file, script(requests));
  try {
    const args = ['-t1', `-c${connections}`, `-d${Math.round(seconds)}s`, `--timeout`, `${timeout}s`, '-s', file, url];
    const stderr = await new Promise((resolve, reject) => {
      const child = spawn(WRK, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let text = '';
      child.stderr.on('data', (chunk) => (text += chunk));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}: ${text}`))));
    });
    const line = stderr.split('\n').find((l) => l.startsWith('WRK_RESULT '));
    if (!line) throw new Error(`wrk printed no result: ${stderr}`);
    const result = JSON.parse(line.slice('WRK_RESULT '.length));
    const wall = result.microseconds / 1e6;
    const weighted = result.quantiles.map((us, k) => ({ ms: us / 1000, weight: (QUANTILES[k][1] / 100) * result.requests }));
    return {
      rps: Math.round((result.requests / wall) * 10) / 10,
      seconds: wall,
      total: result.requests,
      p50: quantileOf(weighted, 50),
      p99: quantileOf(weighted, 99),
      non2xx: result.non2xx,
      errors: result.socketErrors,
      wrkCpuSeconds: result.cpuSeconds,
      weighted,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The p-th percentile (ms) of weighted latencies, such as several runs' merged. */
export function quantileOf(weighted, p) {
  const sorted = [...weighted].sort((a, b) => a.ms - b.ms);
  const total = sorted.reduce((sum, { weight }) => sum + weight, 0);
  let seen = 0;
  for (const { ms, weight } of sorted) {
    seen += weight;
    if (seen >= (p / 100) * total) return Math.round(ms * 100) / 100;
  }
  return sorted.at(-1)?.ms ?? 0;
}
