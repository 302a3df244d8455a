/** The adaptive Gauss-Kronrod quadrature lives in src/special/quad.ts (shared with the WGSL host code). */
export * from '../../special/quad.js';
