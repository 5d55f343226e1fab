// One set of error messages: src/errors/catalogue.ts holds every code with its status and message,
// the code throws only catalogue codes (with a detail at most), and docs/compatibility.md's Errors
// table lists exactly those codes with their statuses. This file keeps the three in step.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { ApiError, invalidParameter, missingParameter, notFound } from '../../src/errors/api-error.js';
import { CATALOGUE, STATUS_BY_CASE } from '../../src/errors/catalogue.js';

const ROOT = join(import.meta.dirname, '..', '..');
const API_ERROR = 'src/errors/api-error.ts';

/** Catalogue codes nothing throws on purpose, each with its reason. None today. */
const DELIBERATELY_UNUSED: Record<number, string> = {};

const catalogueCodes = Object.keys(CATALOGUE).map(Number).sort();

interface Thrown {
  code: number;
  where: string;
  /** Whether the call passes options (a detail, values, status or headers). */
  withOptions: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The numeric literals an expression can evaluate to (`cond ? 80103 : 80612`), or null if it is not built of literals. */
function literalCodes(node: ts.Expression): number[] | null {
  if (ts.isNumericLiteral(node)) return [Number(node.text)];
  if (ts.isParenthesizedExpression(node)) return literalCodes(node.expression);
  if (ts.isConditionalExpression(node)) {
    const [a, b] = [literalCodes(node.whenTrue), literalCodes(node.whenFalse)];
    return a === null || b === null ? null : [...a, ...b];
  }
  return null;
}

/**
 * Every `new ApiError(<code>…)` in src, read from the syntax tree (comments and strings do not
 * count). The helpers of api-error.ts (missingParameter, invalidParameter, notFound) count for
 * their codes where they are called, not where they are defined.
 */
let scanned: { thrown: Thrown[]; problems: string[] } | undefined;
function scanSource(): { thrown: Thrown[]; problems: string[] } {
  scanned ??= scan();
  return scanned;
}

function scan(): { thrown: Thrown[]; problems: string[] } {
  const files = sourceFiles(join(ROOT, 'src')).map((path) => ({
    name: relative(ROOT, path),
    source: ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true),
  }));
  const thrown: Thrown[] = [];
  const problems: string[] = [];
  const helperCodes = new Map<string, number[]>();

  for (const { name, source } of files) {
    const visit = (node: ts.Node, helper: string | null): void => {
      if (name === API_ERROR && ts.isFunctionDeclaration(node) && node.name !== undefined) helper = node.name.text;
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'ApiError') {
        const where = `${name}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
        const [first, ...rest] = node.arguments ?? [];
        const codes = first === undefined ? null : literalCodes(first);
        if (codes === null) {
          // within() copies an existing error: the one place a code is not a literal.
          if (!(name === API_ERROR && first?.getText() === 'this.code as ErrorCode')) {
            problems.push(`${where}: the code is not a literal: ${node.getText()}`);
          }
        } else if (helper !== null) {
          helperCodes.set(helper, [...(helperCodes.get(helper) ?? []), ...codes]);
        } else {
          for (const code of codes) thrown.push({ code, where, withOptions: rest.length > 0 });
        }
      }
      ts.forEachChild(node, (child) => visit(child, helper));
    };
    visit(source, null);
  }
  assert.deepEqual([...helperCodes.keys()].sort(), ['invalidParameter', 'missingParameter', 'notFound'], 'the helpers of api-error.ts');

  for (const { name, source } of files) {
    if (name === API_ERROR) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && helperCodes.has(node.expression.text)) {
        const where = `${name}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
        for (const code of helperCodes.get(node.expression.text)!) thrown.push({ code, where, withOptions: true });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { thrown, problems };
}

interface DocRow {
  line: string;
  statuses: number[];
  codes: number[];
}

/** The rows of the table under "## Errors" in docs/compatibility.md. */
function errorsTable(): DocRow[] {
  const text = readFileSync(join(ROOT, 'docs', 'compatibility.md'), 'utf8');
  const section = text.split(/^## /m).find((part) => part.startsWith('Errors\n'));
  assert.ok(section !== undefined, 'docs/compatibility.md has an "## Errors" section');
  const lines = section.split('\n').filter((line) => line.startsWith('|'));
  assert.match(lines[0] ?? '', /^\| situation \| HTTP \| code \|$/, 'the table has the columns situation, HTTP, code');
  return lines.slice(2).map((line) => {
    const cells = line.split('|').slice(1, -1);
    assert.equal(cells.length, 3, `three cells: ${line}`);
    // Quoted messages (`…`) say what the code answers; only the numbers outside them are codes.
    const codeCell = cells[2]!.replace(/`[^`]*`/g, '');
    return {
      line,
      statuses: [...cells[1]!.matchAll(/\b\d{3}\b/g)].map((m) => Number(m[0])),
      codes: [...codeCell.matchAll(/\b\d{5}\b/g)].map((m) => Number(m[0])),
    };
  });
}

test('every code the source throws is in the catalogue, as a literal', () => {
  const { thrown, problems } = scanSource();
  assert.deepEqual(problems, []);
  assert.ok(thrown.length > 50, `the scan found the throws (${thrown.length})`);
  const unknown = thrown.filter(({ code }) => !(code in CATALOGUE)).map(({ code, where }) => `${code} at ${where}`);
  assert.deepEqual(unknown, [], 'codes thrown but not in the catalogue');
});

test('every catalogue code is thrown somewhere, or listed here as deliberately unused', () => {
  const thrown = new Set(scanSource().thrown.map(({ code }) => code));
  const dead = catalogueCodes.filter((code) => !thrown.has(code) && !(code in DELIBERATELY_UNUSED));
  assert.deepEqual(dead, [], 'catalogue codes nothing throws');
  for (const code of Object.keys(DELIBERATELY_UNUSED).map(Number)) {
    assert.ok(code in CATALOGUE, `${code} is listed as unused but is not in the catalogue`);
    assert.ok(!thrown.has(code), `${code} is listed as unused but is thrown`);
  }
});

test("docs/compatibility.md's Errors table lists exactly the catalogue's codes, with their statuses", () => {
  const rows = errorsTable();
  const documented = [...new Set(rows.flatMap((row) => row.codes))].sort();
  assert.deepEqual(documented, catalogueCodes, 'the codes of the Errors table against the catalogue');
  const byCase = new Set<number>(STATUS_BY_CASE);
  const statusOf = (code: number): number => CATALOGUE[code as keyof typeof CATALOGUE].status;
  for (const row of rows) {
    assert.ok(row.codes.length > 0 && row.statuses.length > 0, `a row names its codes and statuses: ${row.line}`);
    for (const code of row.codes) {
      const status = statusOf(code);
      // A code whose status depends on the case (70002) may show other statuses; the rest only their own.
      if (!byCase.has(code)) assert.deepEqual(row.statuses, [status], `${code} is ${status} in the catalogue: ${row.line}`);
    }
  }
  for (const code of byCase) {
    const status = statusOf(code);
    const shown = rows.filter((row) => row.codes.includes(code)).flatMap((row) => row.statuses);
    assert.ok(shown.includes(status), `some row shows ${code} with its catalogue status ${status}`);
  }
});

test('80601 is always the bare catalogue message: nothing of the other account', () => {
  const throws = scanSource().thrown.filter(({ code }) => code === 80601);
  assert.ok(throws.length > 0);
  assert.deepEqual(
    throws.filter(({ withOptions }) => withOptions).map(({ where }) => where),
    [],
    'no detail nor values on 80601',
  );
});

test('messages: placeholders filled, the detail after the catalogue message, the prefix once', () => {
  assert.equal(missingParameter('Ttl').message, 'Missing required parameter Ttl in the post body');
  assert.equal(invalidParameter('Ttl', 'Ttl must be an integer').message, "'Ttl' is invalid. Ttl must be an integer");
  assert.equal(notFound('/v1/Nothing').message, 'The requested resource /v1/Nothing was not found');
  assert.equal(new ApiError(80603).message, CATALOGUE[80603].message);
  // After a sentence, a space; otherwise ': '.
  assert.equal(new ApiError(80623, { detail: 'Retry.' }).message, 'Possible duplicate Participant created in multiple Sessions. Retry.');
  assert.equal(new ApiError(80607, { detail: 'it closed' }).message, 'Session is closed and cannot be updated: it closed');
  // A value is put in as it is, never read as a placeholder itself.
  assert.equal(missingParameter('{path}').message, 'Missing required parameter {path} in the post body');

  const error = new ApiError(70002, { detail: 'too slow', status: 408, headers: { 'Retry-After': '1' } });
  assert.deepEqual(error.toBody(), {
    code: 70002,
    message: 'Bad request: too slow',
    more_info: 'https://www.twilio.com/docs/errors/70002',
    status: 408,
  });
  const located = error.within('Participants[1]: ');
  assert.equal(located.message, 'Participants[1]: Bad request: too slow');
  assert.equal(located.within('Participants[0]: ').message, located.message, 'the prefix is given once');
  assert.deepEqual([located.code, located.status, located.headers], [70002, 408, { 'Retry-After': '1' }]);
});
