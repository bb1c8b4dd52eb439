//! `cargo xtask verilog [--top NAME]`: writes each top's Verilog under `target/ferrio/verilog/`.
//!
//! | file | contents | read by |
//! |---|---|---|
//! | `<top>.v` | the top as rust-hdl emits it (module `top`) | yosys |
//! | `<top>.sim.v` | the same plus behavioural models of the ECP5 cells | Verilator (lint) |

use crate::tools;
use anyhow::{anyhow, Result};
use ferrio_hdl::tops::{self, Top};
use std::fs;
use std::path::PathBuf;

pub fn dir() -> PathBuf {
    tools::out_dir().join("verilog")
}

/// The tops named (all when `None`).
pub fn select(top: Option<&str>) -> Result<Vec<Top>> {
    match top {
        None => Ok(tops::all()),
        Some(name) => tops::find(name).map(|t| vec![t]).ok_or_else(|| {
            let names: Vec<_> = tops::all().iter().map(|t| t.name).collect();
            anyhow!("no top called {name}; the tops are: {}", names.join(", "))
        }),
    }
}

/// Write the Verilog of `top`; returns (synthesis file, simulation file).
pub fn write(top: &Top) -> Result<(PathBuf, PathBuf)> {
    let dir = dir();
    fs::create_dir_all(&dir)?;
    let synth = dir.join(format!("{}.v", top.name));
    let sim = dir.join(format!("{}.sim.v", top.name));
    fs::write(&synth, top.verilog())?;
    fs::write(&sim, top.verilog_for_simulation())?;
    Ok((synth, sim))
}

pub fn command(top: Option<&str>) -> Result<()> {
    for t in select(top)? {
        let (synth, _) = write(&t)?;
        println!("[verilog] {:<14} -> {}", t.name, synth.display());
    }
    Ok(())
}
