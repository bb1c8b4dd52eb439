//! `cargo xtask test` (all tests) and `cargo xtask demo` (the main job).
//!
//! `test` runs, in order, failing at the first failure:
//! 1. set-up of missing tools;
//! 2. `cargo xtask lint` (zero warnings on every top);
//! 3. `cargo test --workspace` (unit tests, Verilator co-simulation, the yosys cell-count tests);
//! 4. the `heartbeat` and `eth_echo` bitstreams for the Versa board, which must meet 125 MHz;
//! 5. out-of-context place and route of the card core and of the deep FIFO, each of which must
//!    meet 125 MHz (the card core's margin is small: docs/PERFORMANCE.md).

use crate::setup::{self, Need};
use crate::{bitstream, lint, tools};
use anyhow::Result;
use std::process::Command;
use std::time::Instant;

fn cargo_test(args: &[&str]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    tools::run_visible(
        Command::new(cargo)
            .current_dir(tools::root())
            .arg("test")
            .args(args),
        "cargo test",
    )
}

pub fn test() -> Result<()> {
    let start = Instant::now();
    println!("== ferrio tests: 1/5 set-up");
    setup::ensure(Need::Everything)?;
    println!("== ferrio tests: 2/5 lint");
    lint::command(None)?;
    println!("== ferrio tests: 3/5 cargo test --workspace");
    cargo_test(&["--workspace"])?;
    println!("== ferrio tests: 4/5 heartbeat and eth_echo bitstreams for versa-ecp5-5g");
    bitstream::build(Some("versa-ecp5-5g"), "heartbeat", 125.0, 1, false)?;
    bitstream::build(Some("versa-ecp5-5g"), "eth_echo", 125.0, 1, false)?;
    println!("== ferrio tests: 5/5 card core and fifo_bram out of context at 125 MHz");
    bitstream::build(None, "card", 125.0, 1, false)?;
    bitstream::build(None, "fifo_bram", 125.0, 1, false)?;
    println!(
        "== ferrio tests: all passed in {:.0} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

pub fn demo() -> Result<()> {
    let start = Instant::now();
    println!("== ferrio demo: set-up");
    setup::ensure(Need::Everything)?;
    println!("== ferrio demo: heartbeat bitstream for the ECP5-5G Versa");
    let report = bitstream::build(Some("versa-ecp5-5g"), "heartbeat", 125.0, 1, false)?;
    println!("== ferrio demo: the building blocks, co-simulated through Verilator");
    cargo_test(&["-p", "ferrio-sim"])?;
    println!("== ferrio demo: summary");
    for c in &report.clocks {
        println!(
            "   {}: {:.1} MHz achieved against {:.1} MHz (placed and routed, not run on a board)",
            c.clock, c.achieved_mhz, c.constraint_mhz
        );
    }
    println!(
        "   bitstream: {}",
        bitstream::dir("versa-ecp5-5g", "heartbeat")
            .join("heartbeat.bit")
            .display()
    );
    println!(
        "   total {:.0} s; load it with `cargo xtask flash`",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
