// Generated request paths: each path parameter from the real value through mangled and foreign SIDs
// to garbage, and whole-path damage (double slashes, dot segments, traversal, case, encoded slashes).

import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { ALL_REALS, OTHER_PREFIXES, PREFIX, REALS } from './routes.js';
import type { Kind } from './routes.js';
import { BAD_PERCENT, MANGLES, TRAVERSALS, freshSid, longString, pctEncodeAll, printable, token, unicode } from './text.js';

export interface Segment {
  text: string;
  /** A well-formed SID no record can have: the request must be a 4xx. */
  fresh: boolean;
}

const seg = (text: string, fresh = false): Segment => ({ text, fresh });

/** One path parameter, from the real value through mangled and foreign ones to garbage. */
export function segmentArb(kind: Kind): Arbitrary<Segment> {
  const reals = REALS[kind];
  return fc.oneof(
    { weight: 10, arbitrary: fc.constant(seg(token(reals[0]!))) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...reals), fc.option(fc.constantFrom(...MANGLES), { nil: undefined }))
        .map(([name, how]) => seg(token(name, how))),
    },
    { weight: 1, arbitrary: fc.constantFrom(...ALL_REALS).map((name) => seg(token(name))) },
    { weight: 3, arbitrary: freshSid(PREFIX[kind]).map((sid) => seg(sid, true)) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(...OTHER_PREFIXES)
        .chain(freshSid)
        .map((sid) => seg(sid, true)),
    },
    { weight: 2, arbitrary: fc.constantFrom(...TRAVERSALS).map((text) => seg(text)) },
    { weight: 2, arbitrary: fc.constantFrom(...BAD_PERCENT).map((text) => seg(text)) },
    { weight: 2, arbitrary: printable(40).map((text) => seg(text)) },
    { weight: 1, arbitrary: longString.map((text) => seg(text)) },
    { weight: 1, arbitrary: unicode(12).map((text) => seg(pctEncodeAll(text))) },
  );
}

/** Whole-path damage: double slashes, dot segments, traversal out of the API, case, encoded slashes. */
export const PATH_MUTATIONS = [
  'none',
  'leading //',
  'inner //',
  'trailing /',
  'trailing //',
  'trailing /..',
  'trailing /%2e%2e',
  'inner /./',
  'inner /../',
  'escape /../../../..',
  'upper V1',
  'lower',
  'encoded slash',
  'backslash',
  'semicolon',
  'trailing %00',
  'trailing ?',
  'trailing #x',
  'trailing .json',
] as const;
export type PathMutation = (typeof PATH_MUTATIONS)[number];

export function mutatePath(path: string, how: PathMutation): string {
  const slash = path.indexOf('/', 1);
  const at = (insert: string) => (slash === -1 ? path + insert : path.slice(0, slash) + insert + path.slice(slash + 1));
  switch (how) {
    case 'none':
      return path;
    case 'leading //':
      return '/' + path;
    case 'inner //':
      return at('//');
    case 'trailing /':
      return path + '/';
    case 'trailing //':
      return path + '//';
    case 'trailing /..':
      return path + '/..';
    case 'trailing /%2e%2e':
      return path + '/%2e%2e';
    case 'inner /./':
      return at('/./');
    case 'inner /../':
      return at('/x/../');
    case 'escape /../../../..':
      return path + '/../../../../etc/passwd';
    case 'upper V1':
      return path.replace('/v1/', '/V1/');
    case 'lower':
      return path.toLowerCase();
    case 'encoded slash':
      return at('%2F');
    case 'backslash':
      return path.replace(/\//g, '\\').replace(/^\\/, '/');
    case 'semicolon':
      return path + ';jsessionid=x';
    case 'trailing %00':
      return path + '%00';
    case 'trailing ?':
      return path + '?';
    case 'trailing #x':
      return path + '#x';
    case 'trailing .json':
      return path + '.json';
  }
}
