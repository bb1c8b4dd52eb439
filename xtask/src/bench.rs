//! `cargo xtask bench sim`: simulation speed of every Verilated top (and of rust-hdl's simulator
//! on the same blocks, for comparison). `cargo xtask bench echo`: the echo device's throughput
//! and doorbell-to-used latency through the whole card over a Gen1 and a Gen2 x1 link. Each
//! prints a table for docs/PERFORMANCE.md and writes it to `target/ferrio/bench/<name>.md`.
//! `cargo xtask bench blk`: virtio-blk sequential 64 KiB throughput and 4 KiB random read and write IOPS
//! at queue depth 1 and 32, through the whole card with the blk device inside. `cargo xtask
//! bench net`: virtio-net transmit and receive frames per second at 64, 512 and 1518 bytes
//! through the whole card, against 1 GbE line rate and the Gen1 x1 ceiling; with
//! `--core-mhz N` the same at an N MHz core clock (what a card that does not reach 125 MHz
//! would do: the link, the host's read latency and the 1 GbE receive pacing keep their ns; the
//! driver model's polling stays in cycles), written to `net-N.md`.

use crate::setup::{self, Need};
use crate::tools;
use anyhow::{bail, Result};
use std::fmt::Write;
use std::process::Command;

pub fn command(what: &str, core_mhz: u32) -> Result<()> {
    if core_mhz != 125 && what != "net" {
        bail!("--core-mhz is supported by `bench net` only");
    }
    if !(25..=250).contains(&core_mhz) {
        bail!("--core-mhz {core_mhz}: give 25 to 250");
    }
    match what {
        "sim" => sim(),
        "echo" => echo(),
        "blk" => blk(),
        "net" => net(core_mhz),
        other => bail!("no benchmark called {other}; available: sim, echo, blk, net"),
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

fn run_example(name: &str) -> Result<String> {
    run_example_at(name, 125)
}

/// Run a bench example; it reads the core clock from `FERRIO_CORE_MHZ`.
fn run_example_at(name: &str, core_mhz: u32) -> Result<String> {
    setup::ensure(Need::Verilator)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    println!("[bench] building and running sim/examples/{name}.rs (release profile) ...");
    let out = tools::run(
        Command::new(cargo)
            .current_dir(tools::root())
            .env("FERRIO_CORE_MHZ", core_mhz.to_string())
            .args([
                "run",
                "-q",
                "--release",
                "-p",
                "ferrio-sim",
                "--example",
                name,
            ]),
        name,
    )?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn echo() -> Result<()> {
    let out = run_example("bench_echo")?;
    let mut lat = String::from(
        "| link | buffer | doorbell to used descriptor, cycles (min / median / max of 20) |\n|---|---:|---|\n",
    );
    let mut tp = String::from(
        "| link | buffer | buffers measured | MB/s | TLP-limited ceiling MB/s | share | buffers/s |\n|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let link = v["link"].as_str().unwrap_or("?");
        if v["kind"] == "latency" {
            writeln!(
                lat,
                "| {link} x1 | {} B | {} / {} / {} |",
                v["bytes"], v["min_cycles"], v["median_cycles"], v["max_cycles"]
            )?;
        } else {
            writeln!(
                tp,
                "| {link} x1 | {} B | {} | {:.1} | {:.1} | {:.1} % | {:.0} |",
                v["bytes"],
                v["buffers"],
                v["mb_per_s"].as_f64().unwrap_or(0.0),
                v["ceiling_mb_per_s"].as_f64().unwrap_or(0.0),
                100.0 * v["share"].as_f64().unwrap_or(0.0),
                v["buffers_per_s"].as_f64().unwrap_or(0.0)
            )?;
        }
    }
    let table = format!("{tp}\n{lat}");
    let dir = tools::out_dir().join("bench");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("echo.md"), &table)?;
    println!("{table}");
    Ok(())
}

fn blk() -> Result<()> {
    let out = run_example("bench_blk")?;
    let mut t = String::from(
        "| link | pattern | request | depth | requests measured | MB/s | TLP-limited ceiling MB/s | share | IOPS |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        writeln!(
            t,
            "| {} x1 | {} | {} B | {} | {} | {:.1} | {:.1} | {:.1} % | {:.0} |",
            v["link"].as_str().unwrap_or("?"),
            v["pattern"].as_str().unwrap_or("?"),
            v["bytes"],
            v["depth"],
            v["requests"],
            v["mb_per_s"].as_f64().unwrap_or(0.0),
            v["ceiling_mb_per_s"].as_f64().unwrap_or(0.0),
            100.0 * v["share"].as_f64().unwrap_or(0.0),
            v["iops"].as_f64().unwrap_or(0.0)
        )?;
    }
    let dir = tools::out_dir().join("bench");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("blk.md"), &t)?;
    println!("{t}");
    Ok(())
}

fn net(core_mhz: u32) -> Result<()> {
    let out = run_example_at("bench_net", core_mhz)?;
    let mut t = String::from(
        "| link | direction | frame | frames | dropped | frames/s | Gb/s | 1 GbE line rate frames/s | share of line rate | Gen1 x1 TLP-limited ceiling frames/s |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        writeln!(
            t,
            "| {} x1 | {} | {} B | {} | {} | {:.0} | {:.3} | {:.0} | {:.1} % | {:.0} |",
            v["link"].as_str().unwrap_or("?"),
            v["dir"].as_str().unwrap_or("?"),
            v["frame"],
            v["frames"],
            v["dropped"],
            v["pps"].as_f64().unwrap_or(0.0),
            v["gbps"].as_f64().unwrap_or(0.0),
            v["line_pps"].as_f64().unwrap_or(0.0),
            100.0 * v["line_share"].as_f64().unwrap_or(0.0),
            v["ceiling_pps"].as_f64().unwrap_or(0.0)
        )?;
    }
    let dir = tools::out_dir().join("bench");
    std::fs::create_dir_all(&dir)?;
    if core_mhz != 125 {
        t = format!(
            "Core clock {core_mhz} MHz (the link, the host's read latency and the 1 GbE pacing \
             converted to its cycles).\n\n{t}"
        );
    }
    let file = if core_mhz == 125 {
        "net.md".to_string()
    } else {
        format!("net-{core_mhz}.md")
    };
    std::fs::write(dir.join(file), &t)?;
    println!("{t}");
    Ok(())
}
