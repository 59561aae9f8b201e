// Starts the floor's Go program (bench/floor/main.go) the way web/klplay.js starts the playground's: streaming compilation.
const go = new Go();
WebAssembly.instantiateStreaming(fetch('./floor.wasm'), go.importObject).then((r) => go.run(r.instance));
