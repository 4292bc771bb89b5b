// Finds Node dependencies (node:* / built-in / ws imports, require() calls) in a bundle's syntax tree.
//
// Used by rollup.config.mjs (browser_hygiene() fails the browser build) and test/dist/bundles.test.ts.
import { builtinModules } from 'node:module';

const NODE_BUILTINS = new Set(builtinModules);

/** True for a module specifier only Node can satisfy: `node:*`, a bare built-in (`fs`, `fs/promises`), or `ws`. */
export function is_node_specifier(specifier) {
  return specifier.startsWith('node:') || NODE_BUILTINS.has(specifier) || specifier === 'ws';
}

/**
 * List the Node dependencies in an ESTree program (from rollup's `this.parse` or `parseAst`).
 *
 * Reports static imports and re-exports, dynamic `import('…')` of a Node specifier,
 * and every `require(…)` call. Returns human-readable findings; empty means clean.
 *
 * @param {import('estree').Node} program
 * @returns {string[]}
 */
export function find_host_imports(program) {
  const found = [];
  const visit = (node) => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (node === null || typeof node !== 'object' || typeof node.type !== 'string') return;
    switch (node.type) {
      case 'ImportDeclaration':
      case 'ExportAllDeclaration':
      case 'ExportNamedDeclaration':
      case 'ImportExpression': {
        const source = node.source;
        if (source && source.type === 'Literal' && typeof source.value === 'string') {
          if (is_node_specifier(source.value)) found.push(`import '${source.value}'`);
        }
        break;
      }
      case 'CallExpression':
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') {
          const arg = node.arguments[0];
          found.push(arg && arg.type === 'Literal' ? `require('${arg.value}')` : 'require(…)');
        }
        break;
    }
    for (const key of Object.keys(node)) {
      if (key !== 'type' && key !== 'start' && key !== 'end') visit(node[key]);
    }
  };
  visit(program);
  return found;
}

/**
 * A rollup output plugin that fails the build with the message `problem(chunk, context)`
 * returns for an output chunk (`null`: nothing wrong); `context` is rollup's plugin context.
 */
function chunk_check(name, problem) {
  return {
    name,
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const message = problem(chunk, this);
        if (message !== null) this.error(message);
      }
    },
  };
}

/**
 * A rollup output plugin that fails the build if a bundle imports a Node module or ws, or calls require().
 *
 * The check walks each chunk's syntax tree, so a comment or a string that merely
 * mentions `require(` or `node:` does not trip it.
 */
export function browser_hygiene() {
  return chunk_check('browser-hygiene', (chunk, context) => {
    const found = find_host_imports(context.parse(chunk.code));
    if (found.length === 0) return null;
    return (
      `${chunk.fileName} must not depend on Node: found ${found.join(', ')} ` +
      '(Node-only code belongs in platform/node/, never in src/ or platform/browser/)'
    );
  });
}

/**
 * A rollup output plugin that fails the build if a bundle holds a character above U+00FF.
 *
 * V8 keeps a script's source for as long as its functions live, in one byte per
 * character only when every character is Latin-1: a single `…` in a comment
 * makes the engine hold the whole bundle at two bytes a character (0.7 MB more
 * heap in every Node process for the Node bundle). Write `...`, `->`, `x` instead.
 */
export function one_byte_source() {
  return chunk_check('one-byte-source', (chunk) => {
    const at = chunk.code.search(/[\u0100-\u{10ffff}]/u);
    if (at === -1) return null;
    const line = chunk.code.slice(0, at).split('\n').length;
    const code = chunk.code.codePointAt(at);
    return (
      `${chunk.fileName}:${line} holds '${String.fromCodePoint(code)}' ` +
      `(U+${code.toString(16).toUpperCase().padStart(4, '0')}): keep bundles Latin-1, so that ` +
      'engines store their source at one byte a character (write "..." for "…", "->" for "→")'
    );
  });
}
