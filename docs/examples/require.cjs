// CommonJS in Node: require() gets the same API (dist/trollius.node.cjs).
const { From, coroutine, run, sleep } = require('trollius');

const greet = coroutine(function* (name) {
  yield From(sleep(0.1)); // wait without blocking the loop
  return `hello, ${name}`;
});

run(greet('require')).then((greeting) => console.log(greeting)); // hello, require
