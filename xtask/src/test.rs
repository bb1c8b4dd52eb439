//! `cargo xtask test`: all tests. It runs, in order, failing at the first failure:
//! 1. set-up of missing tools;
//! 2. `cargo xtask lint` (zero warnings on every top);
//! 3. `cargo test --workspace` (unit tests, Verilator co-simulation, the yosys cell-count tests);
//! 4. the end-to-end test: `cargo xtask demo` (a Linux guest's drivers bind the simulated card
//!    and pass the disk and network workloads);
//! 5. the `heartbeat` and `eth_echo` bitstreams for the Versa board, which must meet 125 MHz;
//! 6. out-of-context place and route of the card core and of the deep FIFO, each of which must
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
    println!("== ferrio tests: 1/6 set-up");
    setup::ensure(Need::Everything)?;
    println!("== ferrio tests: 2/6 lint");
    lint::command(None)?;
    println!("== ferrio tests: 3/6 cargo test --workspace");
    cargo_test(&["--workspace"])?;
    println!("== ferrio tests: 4/6 end to end: cargo xtask demo (Linux guest, simulated card)");
    crate::demo::demo()?;
    println!("== ferrio tests: 5/6 heartbeat and eth_echo bitstreams for versa-ecp5-5g");
    bitstream::build(Some("versa-ecp5-5g"), "heartbeat", 125.0, 1, false)?;
    bitstream::build(Some("versa-ecp5-5g"), "eth_echo", 125.0, 1, false)?;
    println!("== ferrio tests: 6/6 card core and fifo_bram out of context at 125 MHz");
    bitstream::build(None, "card", 125.0, 1, false)?;
    bitstream::build(None, "fifo_bram", 125.0, 1, false)?;
    println!(
        "== ferrio tests: all passed in {:.0} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
