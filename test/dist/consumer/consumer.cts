// Type-level consumer of the package through require (TS NodeNext): 'trollius' must resolve to dist/trollius.d.cts.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS form is what this file checks
import trollius = require('trollius');

export const names: string[] = Object.keys(trollius);
