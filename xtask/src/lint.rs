//! `cargo xtask lint [--top NAME]`: `verilator --lint-only -Wall` on every emitted top with the
//! one waiver file `hdl/lint/waivers.vlt`. Any warning fails the command.

use crate::setup::{self, Need};
use crate::{tools, verilog};
use anyhow::{bail, Result};

pub fn waivers() -> std::path::PathBuf {
    tools::root().join("hdl").join("lint").join("waivers.vlt")
}

/// Lint one top; returns Verilator's warnings (empty when clean).
pub fn lint_top(top: &ferrio_hdl::tops::Top) -> Result<String> {
    let (_, sim) = verilog::write(top)?;
    let out = tools::venv_tool("verilator")
        .args(["--lint-only", "-Wall", "--top-module", "top"])
        .arg(waivers())
        .arg(&sim)
        .output()?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // Keep Verilator's messages (lines from the first `%` on), not its statistics report.
    let messages: Vec<&str> = text.lines().skip_while(|l| !l.starts_with('%')).collect();
    if !out.status.success() && messages.is_empty() {
        bail!(
            "verilator failed on {} without saying why:\n{text}",
            top.name
        );
    }
    Ok(messages.join("\n").trim().to_string())
}

pub fn command(top: Option<&str>) -> Result<()> {
    setup::ensure(Need::Verilator)?;
    let mut failed = Vec::new();
    for t in verilog::select(top)? {
        let warnings = lint_top(&t)?;
        let count = warnings
            .lines()
            .filter(|l| l.starts_with("%Warning"))
            .count();
        let errors = warnings.lines().filter(|l| l.starts_with("%Error")).count();
        if warnings.is_empty() {
            println!("[lint] {:<14} 0 warnings", t.name);
        } else {
            println!(
                "[lint] {:<14} {count} warnings, {errors} errors\n{warnings}",
                t.name
            );
            failed.push(t.name);
        }
    }
    if !failed.is_empty() {
        bail!("lint found warnings in: {}", failed.join(", "));
    }
    println!("[lint] every top is clean (waivers: hdl/lint/waivers.vlt)");
    Ok(())
}
