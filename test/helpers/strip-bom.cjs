// strip-bom 5 is ESM-only; Node 20.19+ loads it through require(esm), but jest's module loader cannot.
// @microsoft/app-manifest only needs this one function, so jest maps the import here (see jest.config.js).
module.exports = (s) => (typeof s === 'string' && s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);
