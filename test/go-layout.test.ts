/** The layout of generated templates: short lines, the same template to Helm. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { layoutLine, MAX_LINE } from '../src/backends/go-layout';
import { CHART_DIR } from '../src/paths';

function templateFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? templateFiles(path) : [path];
  });
}

test(`no line of the chart's templates is longer than ${MAX_LINE} characters`, () => {
  const long = templateFiles(join(CHART_DIR, 'templates')).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.length > MAX_LINE)
      .map((line) => `${file}: ${line.slice(0, 80)}…`),
  );
  expect(long).toEqual([]);
});

test('a short line is left as it is', () => {
  expect(layoutLine('  name: {{ toJson $.Release.Name }}')).toEqual(['  name: {{ toJson $.Release.Name }}']);
});

test('a long condition puts its function on the first line and one argument per line', () => {
  const condition = Array.from({ length: 6 }, (_, i) => `(not (empty $.Values.coder.someFairlyLongKeyName${i}))`);
  const lines = layoutLine(`  {{- if (and ${condition.join(' ')}) }}`);
  expect(lines[0]).toBe('  {{- if and');
  expect(lines.slice(1, -1)).toEqual(condition.slice(0, -1).map((c) => `      ${c}`));
  expect(lines[lines.length - 1]).toBe(`      ${condition[5]} }}`);
  for (const line of lines) expect(line.length).toBeLessThanOrEqual(MAX_LINE);
});

test('a long string is cut into pieces that print joins again, and a pipeline stage stays at the end', () => {
  const message = 'word '.repeat(60).trim();
  const lines = layoutLine(`{{- fail ${JSON.stringify(message)} }}`);
  expect(lines[0]).toBe('{{- fail');
  expect(lines[1]).toBe('    (print');
  const pieces = lines.slice(2).map((line) => JSON.parse(line.trim().replace(/\)* ?(\}\})?$/, '')) as string);
  expect(pieces.join('')).toBe(message);

  const piped = layoutLine(`  key:{{ toYaml (default (dict ${'"k" "v" '.repeat(20)}) $.Values.x) | nindent 4 }}`);
  expect(piped[piped.length - 1]).toMatch(/\$\.Values\.x\) \| nindent 4 \}\}$/);
});

test('a cut string is cut after a space, never inside a word, in pieces of at most 90 characters', () => {
  // Each prefix length puts the cut somewhere else; at 90 the space it is cut after used to be
  // the 91st character, and the piece was cut again into itself and an empty string. From 91 on
  // the first word is longer than a piece: it stays whole.
  for (let prefix = 80; prefix <= 100; prefix++) {
    const message = `${'x'.repeat(prefix)} ${'word '.repeat(30)}end`;
    const text = layoutLine(`{{- fail ${JSON.stringify(message)} }}`).join('\n');
    const pieces = [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => JSON.parse(match[0]) as string);
    expect(pieces.join('')).toBe(message);
    expect(text.match(/\(print/g)).toHaveLength(1);
    for (const piece of pieces.slice(0, -1)) expect(piece).toMatch(/\S $/);
    for (const piece of pieces) {
      expect(piece.length).toBeGreaterThan(0);
      // Longer only as one word longer than a piece, and the space it is cut after.
      if (piece.length > 90) expect(piece).toMatch(/^\S+ $/);
    }
  }
});

test("no string in the chart's templates is cut inside a word where print joins it", () => {
  const cuts = templateFiles(join(CHART_DIR, 'templates')).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    // The string arguments of each `(print …)`, in order.
    return [...text.matchAll(/\(print((?:\s+"(?:[^"\\]|\\.)*")+)\s*\)/g)].flatMap((call) => {
      const pieces = [...call[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(m[0]) as string);
      return pieces
        .slice(0, -1)
        .flatMap((piece, i) =>
          /\S$/.test(piece) && /^\S/.test(pieces[i + 1])
            ? [`${file}: …${piece.slice(-20)}|${pieces[i + 1].slice(0, 20)}…`]
            : [],
        );
    });
  });
  expect(cuts).toEqual([]);
});

test('dict keys and values stay in pairs', () => {
  const entries = Array.from({ length: 8 }, (_, i) => `"someKey${i}" (printf "%s" $.Values.coder.value${i})`);
  const lines = layoutLine(`{{ toJson (dict ${entries.join(' ')}) }}`);
  expect(lines.slice(0, 2)).toEqual(['{{ toJson', '    (dict']);
  expect(lines.slice(2).map((line) => line.trim().replace(/\) \}\}$/, ''))).toEqual(entries);
});

test("no named template is defined twice in the chart's templates (Helm keeps the last silently)", () => {
  const defined = templateFiles(join(CHART_DIR, 'templates')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/\{\{-?\s*define\s+"([^"]+)"/g)].map((match) => match[1]),
  );
  expect(defined.length).toBeGreaterThan(0);
  expect(defined.filter((name, i) => defined.indexOf(name) !== i)).toEqual([]);
});
