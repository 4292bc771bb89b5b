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
 * A rollup output plugin that fails the build if a bundle imports a Node module or ws, or calls require().
 *
 * The check walks each chunk's syntax tree, so a comment or a string that merely
 * mentions `require(` or `node:` does not trip it.
 */
export function browser_hygiene() {
  return {
    name: 'browser-hygiene',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const found = find_host_imports(this.parse(chunk.code));
        if (found.length > 0) {
          this.error(
            `${chunk.fileName} must not depend on Node: found ${found.join(', ')} ` +
              '(Node-only code belongs in platform/node/, never in src/ or platform/browser/)',
          );
        }
      }
    },
  };
}
