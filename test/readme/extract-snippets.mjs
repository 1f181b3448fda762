// Copies every ```ts block of README.md into test/readme/snippets/readme-NN.ts, one module each,
// so that `npm test`'s `tsc -p tsconfig.json` compiles them as a reader would paste them (with
// 'nest-sessions' mapped to lib/). test/readme-snippets.spec.ts fails while the copies are stale.
// Run after editing a README snippet:  node test/readme/extract-snippets.mjs
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const SNIPPETS_DIR = join(here, 'snippets');
/** A block right after this comment is not compiled; say why in the comment. */
const SKIP = '<!-- snippet: not compiled';

/** file name -> content, for every compiled ```ts block of the README text. */
export function snippetFiles(readme) {
  const lines = readme.split('\n');
  const files = new Map();
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```ts') continue;
    let end = i + 1;
    while (end < lines.length && lines[end].trim() !== '```') end++;
    if (!lines[i - 1]?.startsWith(SKIP)) {
      const name = `readme-${String(files.size + 1).padStart(2, '0')}.ts`;
      const header = `// Generated from README.md line ${i + 2} by test/readme/extract-snippets.mjs: edit the README.\n`;
      files.set(name, header + lines.slice(i + 1, end).join('\n') + '\n');
    }
    i = end;
  }
  return files;
}

/** The generated files now on disk. */
export function currentFiles() {
  const names = readdirSync(SNIPPETS_DIR).filter((name) => /^readme-\d+\.ts$/.test(name));
  return new Map(names.map((name) => [name, readFileSync(join(SNIPPETS_DIR, name), 'utf8')]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = snippetFiles(readFileSync(join(here, '..', '..', 'README.md'), 'utf8'));
  for (const name of currentFiles().keys()) rmSync(join(SNIPPETS_DIR, name));
  for (const [name, text] of files) writeFileSync(join(SNIPPETS_DIR, name), text);
  console.log(`${files.size} README snippets written to test/readme/snippets/`);
}
