// Benchmark runner (npm run bench): a placeholder until the first benchmark lands.
console.log('no benchmarks yet');
