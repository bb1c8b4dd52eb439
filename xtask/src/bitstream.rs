//! `cargo xtask bitstream`: yosys, nextpnr-ecp5 and ecppack for a board top, or out-of-context
//! place and route of a core. Writes under `target/ferrio/bitstream/<board>/<top>/` (or
//! `.../out-of-context/<top>/`): the netlist, `<top>.bit`, `<top>.svf`, logs, `report.json`
//! and `report.md`. Fails when a clock misses its constraint.

use crate::setup::{self, Need};
use crate::tools;
use anyhow::{anyhow, bail, Result};
use ferrio_bitstream::{Report, SynthOptions, Target, Toolchain};
use ferrio_hdl::tops::{self, Kind};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub fn toolchain() -> Toolchain {
    Toolchain {
        bin: tools::venv().join("bin"),
        env: vec![("YOWASP_CACHE_DIR".into(), tools::yowasp_cache())],
    }
}

pub fn dir(board: &str, top: &str) -> PathBuf {
    tools::out_dir().join("bitstream").join(board).join(top)
}

/// Build `top` for `board` (or out of context when `board` is `None`) with yosys's own
/// synthesis choices. Returns the report.
pub fn build(
    board: Option<&str>,
    top: &str,
    mhz: f64,
    seed: u32,
    measure_only: bool,
) -> Result<Report> {
    build_with(board, top, mhz, seed, measure_only, SynthOptions::YOSYS)
}

/// Build `top` for `board` (or out of context when `board` is `None`). Returns the report.
/// Fails when timing is missed, unless `measure_only` (out of context only): then nextpnr
/// finishes anyway and the report says what was reached, for measuring a core that is known
/// not to meet `mhz`.
pub fn build_with(
    board: Option<&str>,
    top: &str,
    mhz: f64,
    seed: u32,
    measure_only: bool,
    synth: SynthOptions,
) -> Result<Report> {
    setup::ensure(Need::Everything)?;
    let t = tops::find(top).ok_or_else(|| anyhow!("no top called {top}"))?;
    let tc = toolchain();
    let mut seconds = BTreeMap::new();
    let (report, dir) = match board {
        Some(board_name) => {
            let board = ferrio_boards::find(board_name)
                .ok_or_else(|| anyhow!("no board called {board_name}"))?;
            if t.kind != Kind::Board(board.name) {
                bail!(
                    "{top} is not a top for {board_name}; board tops: {}",
                    tops::all()
                        .iter()
                        .filter(|t| t.kind == Kind::Board(board.name))
                        .map(|t| t.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            let dir = dir(board.name, top);
            println!(
                "[bitstream] {top} for {board_name}: yosys synth_ecp5{} ...",
                synth_note(synth)
            );
            let (cells, s) = ferrio_bitstream::synthesize(&tc, &t.verilog(), &dir, top, synth)?;
            seconds.insert("1 yosys".to_string(), s);
            println!("[bitstream] {top}: nextpnr-ecp5 ...");
            let s = ferrio_bitstream::place_and_route(&tc, &dir, top, Target::Board(&board), seed)?;
            seconds.insert("2 nextpnr".to_string(), s);
            println!("[bitstream] {top}: ecppack ...");
            let s = ferrio_bitstream::pack(&tc, &dir, top)?;
            seconds.insert("3 ecppack".to_string(), s);
            let report = Report::read(
                &dir,
                top,
                board.name,
                board.device,
                board.totals,
                cells,
                seconds,
            )?;
            (report, dir)
        }
        None => {
            if !t.core {
                bail!("{top} is not a core that can be placed out of context");
            }
            let board = ferrio_boards::find("versa-ecp5-5g").expect("the Versa board exists");
            let dir = dir("out-of-context", top);
            println!(
                "[bitstream] {top} out of context at {mhz} MHz: yosys synth_ecp5{} ...",
                synth_note(synth)
            );
            let (cells, s) = ferrio_bitstream::synthesize(&tc, &t.verilog(), &dir, top, synth)?;
            seconds.insert("1 yosys".to_string(), s);
            println!("[bitstream] {top}: nextpnr-ecp5 --out-of-context ...");
            let s = ferrio_bitstream::place_and_route(
                &tc,
                &dir,
                top,
                Target::OutOfContext {
                    device: board.nextpnr_device,
                    mhz,
                    allow_timing_fail: measure_only,
                },
                seed,
            )?;
            seconds.insert("2 nextpnr".to_string(), s);
            let report = Report::read(
                &dir,
                top,
                "out-of-context",
                board.device,
                board.totals,
                cells,
                seconds,
            )?;
            (report, dir)
        }
    };
    let mut report = report;
    report.min_ctrl_set = synth.min_ctrl_set;
    write_report(&dir, &report)?;
    println!("[bitstream] outputs in {}", dir.display());
    if !report.timing_met() {
        if measure_only {
            println!("[bitstream] {top}: {mhz} MHz NOT met (measured only, see report.md)");
        } else {
            bail!("timing not met for {top} (see {}/report.md)", dir.display());
        }
    }
    Ok(report)
}

fn synth_note(synth: SynthOptions) -> String {
    match synth.min_ctrl_set {
        0 => String::new(),
        n => format!(" (enables and resets of fewer than {n} flip-flops from LUTs)"),
    }
}

/// Write the report of the last build of `top` again from its outputs, running no tool
/// (`--report-only`); the steps' seconds are kept from the old report.
pub fn report_again(board: Option<&str>, top: &str) -> Result<()> {
    let versa = ferrio_boards::find("versa-ecp5-5g").expect("the Versa board exists");
    let (target, b) = match board {
        Some(name) => {
            let b = ferrio_boards::find(name).ok_or_else(|| anyhow!("no board called {name}"))?;
            (b.name, b)
        }
        None => ("out-of-context", versa),
    };
    let dir = dir(target, top);
    let cells = ferrio_bitstream::read_cell_counts(&dir)?;
    let old: serde_json::Value = std::fs::read_to_string(dir.join("report.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let seconds: BTreeMap<String, f64> = old["seconds"]
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.as_f64().unwrap_or(0.0)))
                .collect()
        })
        .unwrap_or_default();
    let mut report = Report::read(&dir, top, target, b.device, b.totals, cells, seconds)?;
    report.min_ctrl_set = old["min_ctrl_set"].as_u64().unwrap_or(0) as u32;
    write_report(&dir, &report)?;
    Ok(())
}

/// `report.json` and `report.md` into `dir`, and the markdown on stdout.
fn write_report(dir: &std::path::Path, report: &Report) -> Result<()> {
    std::fs::write(
        dir.join("report.json"),
        serde_json::to_string_pretty(report)?,
    )?;
    std::fs::write(dir.join("report.md"), report.markdown())?;
    println!("{}", report.markdown());
    Ok(())
}
