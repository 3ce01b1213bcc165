/** mulberry32 (test/rng.cjs): floats in [0, 1) from a 32-bit seed. */
export declare function rng(seed: number): () => number;
