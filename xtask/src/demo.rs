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
//! Everything of the run is kept under `target/ferrio/attach/`: `console.log`, `bridge.log`
//! (the first proxy accesses, traced), `qemu-stderr.log`, `qemu-command.txt`, `report.txt`.
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
        .arg(attach_dir())
        .status()?;
    println!(
        "== ferrio demo: {} in {:.0} s (report: {})",
        if status.success() { "PASSED" } else { "FAILED" },
        start.elapsed().as_secs_f64(),
        attach_dir().join("report.txt").display()
    );
    if !status.success() {
        bail!(
            "the guest did not pass (see {} and console.log beside it)",
            attach_dir().join("report.txt").display()
        );
    }
    Ok(())
}
