// Where a server's CPU went: reads a .cpuprofile (`node --cpu-prof`, see bench/README.md) and
// prints the top functions and files by self time, and optionally the inclusive time of the
// functions whose "name file:line" matches a regular expression.
//   npx tsx bench/cpu-profile.ts <file.cpuprofile> [top=30] [inclusive-regexp]
// Time is counted in samples, not in the profile's time deltas: on a busy machine a sample taken
// after the process was descheduled carries the whole pause, which would be charged to whatever
// function happened to be running.

import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

const [file, top = '30', inclusive] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: tsx bench/cpu-profile.ts <file.cpuprofile> [top] [inclusive-regexp]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
const samplesOf = new Map<number, number>();
for (const id of profile.samples) samplesOf.set(id, (samplesOf.get(id) ?? 0) + 1);
const total = profile.samples.length;

const cwd = `file://${process.cwd()}/`;
const shortUrl = (url: string) => url.replace(cwd, '').replace(/^.*node_modules\//, 'npm:');
const nameOf = (node: ProfileNode) =>
  `${node.callFrame.functionName || '(anonymous)'} ${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
const fileOf = (node: ProfileNode) => {
  const url = shortUrl(node.callFrame.url);
  if (url === '')
    return node.callFrame.functionName.startsWith('(') ? node.callFrame.functionName : `(native) ${node.callFrame.functionName}`;
  const npm = /^npm:((?:@[^/]+\/)?[^/]+)/.exec(url);
  return npm ? `npm:${npm[1]}` : url;
};

const add = (map: Map<string, number>, key: string, samples: number) => map.set(key, (map.get(key) ?? 0) + samples);
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
const byMatch = new Map<string, number>();
const pattern = inclusive === undefined ? null : new RegExp(inclusive);
for (const [id, samples] of samplesOf) {
  const node = nodes.get(id)!;
  add(byFunction, nameOf(node), samples);
  add(byFile, fileOf(node), samples);
  if (pattern === null) continue;
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
    const name = nameOf(nodes.get(at)!);
    if (pattern.test(name) && !seen.has(name)) {
      seen.add(name);
      add(byMatch, name, samples);
    }
  }
}

const print = (title: string, map: Map<string, number>) => {
  console.log(`--- ${title}`);
  for (const [key, samples] of [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
    console.log(`${((100 * samples) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
};
console.log(`${total} samples`);
print('self, by function', byFunction);
print('self, by file or package', byFile);
if (pattern !== null) print(`inclusive, functions matching ${pattern}`, byMatch);
