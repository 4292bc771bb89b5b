// Type-level consumer of the package as an ES module (TS NodeNext): 'trollius' must resolve to dist/trollius.d.ts.
import * as trollius from 'trollius';

export const names: string[] = Object.keys(trollius);
