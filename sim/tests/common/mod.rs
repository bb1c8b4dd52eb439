//! Shared test helpers: driving a rust-hdl block directly (no testbench threads), so the same
//! stimulus can go through rust-hdl's simulator and through Verilator cycle by cycle.

#![allow(dead_code)]

use rust_hdl::prelude::*;

/// Let combinational logic settle after inputs changed.
pub fn settle<B: Block>(uut: &mut B) {
    assert!(simulate(uut, 1000), "rust-hdl: logic did not settle");
}

/// One clock cycle of a rust-hdl block whose clock is reached through `clock`.
pub fn tick<B: Block>(uut: &mut B, clock: fn(&mut B) -> &mut Signal<In, Clock>) {
    clock(uut).next = Clock::from(false);
    settle(uut);
    clock(uut).next = Clock::from(true);
    settle(uut);
}

/// A seeded generator; the seed is printed so a failure can be replayed with `FERRIO_SEED`.
pub fn rng(test: &str) -> rand_chacha::ChaCha8Rng {
    use rand::SeedableRng;
    let seed = std::env::var("FERRIO_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_f3a1_0000_0001u64);
    eprintln!("{test}: seed {seed} (set FERRIO_SEED to replay)");
    rand_chacha::ChaCha8Rng::seed_from_u64(seed)
}
