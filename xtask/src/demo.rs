//! `cargo xtask demo`, the main job: an unmodified Linux guest's own `virtio_pci`,
//! `virtio_net` and `virtio_blk` drivers drive the Verilated card.
//!
//! | step | what | output |
//! |---|---|---|
//! | 1 | set-up: Verilator (`setup`), QEMU, busybox and the guest's kernel package (`guest`) | `[setup ...]`, `guest: ...` |
//! | 2 | the guest: Debian's kernel and a busybox initramfs with the virtio modules, cached | `target/ferrio/guest/` |
//! | 3 | the bridge `ferrio-attach`, with the `virtio_card_proxy` Verilator model | `cargo build` |
//! | 4 | the run: QEMU boots the guest with the card as function 0 (net) and 1 (blk) of slot 3; the guest's init formats, fills and checks the disk, pings the peer and downloads 10 MiB over TCP | the guest's console live (`guest | ...`), then the report |
//!
//! Every run keeps its own directory, `target/ferrio/attach/run-<date>-<time>/` (and
//! `target/ferrio/attach/latest` points at the newest): `console.log`, `bridge.log` (the first
//! 20,000 proxy accesses, traced), `qemu-stderr.log`, `qemu-command.txt`, `report.txt` and the
//! disk image the guest formatted, `disk.img`.
//! It needs root: apt for the packages, and a TAP interface in a network namespace for the
//! net peer.

use crate::{guest, setup, tools};
use anyhow::{bail, Result};
use std::process::Command;
use std::time::Instant;

pub fn attach_dir() -> std::path::PathBuf {
    tools::out_dir().join("attach")
}

/// Run the whole demo; an error if the guest did not pass both workloads.
pub fn demo() -> Result<()> {
    let start = Instant::now();
    println!("== ferrio demo 1/4: set-up");
    setup::ensure(setup::Need::Verilator)?;
    println!("== ferrio demo 2/4: the Linux guest");
    let g = guest::ensure_guest()?;
    println!("== ferrio demo 3/4: the bridge and the card's Verilator model (virtio_card_proxy)");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    tools::run_visible(
        Command::new(&cargo).current_dir(tools::root()).args([
            "build",
            "-p",
            "ferrio-sim",
            "--bin",
            "ferrio-attach",
        ]),
        "cargo build ferrio-attach",
    )?;
    println!(
        "== ferrio demo 4/4: booting Linux {} under QEMU (TCG) with the simulated card attached",
        g.kernel_version
    );
    let stamp = Command::new("date").arg("+%Y%m%d-%H%M%S").output()?;
    let run_dir = attach_dir().join(format!(
        "run-{}",
        String::from_utf8_lossy(&stamp.stdout).trim()
    ));
    std::fs::create_dir_all(&run_dir)?;
    let latest = attach_dir().join("latest");
    let _ = std::fs::remove_file(&latest);
    std::os::unix::fs::symlink(run_dir.file_name().unwrap(), &latest)?;
    let bin = tools::root()
        .join("target")
        .join("debug")
        .join("ferrio-attach");
    let status = Command::new(bin)
        .current_dir(tools::root())
        .arg("--kernel")
        .arg(&g.kernel)
        .arg("--initramfs")
        .arg(&g.initramfs)
        .arg("--out")
        .arg(&run_dir)
        .status()?;
    let report = run_dir.join("report.txt");
    println!(
        "== ferrio demo: {} in {:.0} s (report: {})",
        if status.success() { "PASSED" } else { "FAILED" },
        start.elapsed().as_secs_f64(),
        report.display()
    );
    if !status.success() {
        bail!(
            "the guest did not pass: see {} and the logs beside it",
            report.display()
        );
    }
    Ok(())
}
