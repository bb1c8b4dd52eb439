//! `cargo xtask bench sim`: simulation speed of every Verilated top (and of rust-hdl's simulator
//! on the same blocks, for comparison). Prints a table for docs/PERFORMANCE.md and writes it to
//! `target/ferrio/bench/sim.md`. Later issues add `bench blk` and `bench net`.

use crate::setup::{self, Need};
use crate::tools;
use anyhow::{bail, Result};
use std::fmt::Write;
use std::process::Command;

pub fn command(what: &str) -> Result<()> {
    match what {
        "sim" => sim(),
        other => bail!("no benchmark called {other}; available: sim"),
    }
}

fn sim() -> Result<()> {
    setup::ensure(Need::Verilator)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    println!("[bench] building and running sim/examples/bench_sim.rs (dev profile) ...");
    let out = tools::run(
        Command::new(cargo).current_dir(tools::root()).args([
            "run",
            "-q",
            "-p",
            "ferrio-sim",
            "--example",
            "bench_sim",
        ]),
        "bench_sim",
    )?;
    let mut table = String::from(
        "| simulator | top | how it is driven | cycles | seconds | cycles/s |\n|---|---|---|---:|---:|---:|\n",
    );
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        writeln!(
            table,
            "| {} | {} | {} | {} | {:.3} | {:.2} M |",
            v["simulator"].as_str().unwrap_or("?"),
            v["top"].as_str().unwrap_or("?"),
            v["mode"].as_str().unwrap_or("?"),
            v["cycles"],
            v["seconds"].as_f64().unwrap_or(0.0),
            v["cycles_per_second"].as_f64().unwrap_or(0.0) / 1e6
        )?;
    }
    let dir = tools::out_dir().join("bench");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("sim.md"), &table)?;
    println!("{table}");
    Ok(())
}
