//! `ferrio-attach`: boot a Linux guest under QEMU with the Verilated card attached as its
//! virtio-net and virtio-blk functions, run the guest's workload, print the report and exit
//! non-zero if it failed. `cargo xtask demo` builds the guest and runs this; see
//! `ferrio_sim::attach`.

use clap::Parser;
use ferrio_sim::attach::{self, Options, Report};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser)]
#[command(
    about = "Attach the simulated ferrio card to a Linux guest through QEMU's x-pci-proxy-dev"
)]
struct Args {
    /// The guest kernel.
    #[arg(long)]
    kernel: PathBuf,
    /// The guest initramfs (its init runs the workload).
    #[arg(long)]
    initramfs: PathBuf,
    /// Where logs, the disk image and the report go.
    #[arg(long, default_value = "target/ferrio/attach")]
    out: PathBuf,
    #[arg(long, default_value = "qemu-system-x86_64")]
    qemu: String,
    /// Stop the run after this many seconds.
    #[arg(long, default_value_t = 1800)]
    timeout: u64,
    /// Bytes of the TCP download.
    #[arg(long, default_value_t = 10 << 20)]
    net_bytes: usize,
    /// Do not echo the guest's console.
    #[arg(long)]
    quiet: bool,
}

fn print(r: &Report, out: &std::path::Path) -> String {
    let c = &r.counters;
    let mut s = String::new();
    use std::fmt::Write;
    let _ = writeln!(s, "ferrio attach report (simulated card: Verilator, `virtio_card_proxy` top; guest under QEMU TCG)");
    let _ = writeln!(s, "  result: {}", if r.passed { "PASS" } else { "FAIL" });
    if let Some(f) = &r.failure {
        let _ = writeln!(s, "  failure: {f}");
    }
    let _ = writeln!(
        s,
        "  guest summary: {}",
        r.result.as_deref().unwrap_or("(none)")
    );
    let _ = writeln!(s, "  what the guest saw:");
    for l in r.guest_lines.iter().filter(|l| {
        [
            "pci ", "virtio", "features", "packed", "blk", "net", "driver", "ping", "tcp",
        ]
        .iter()
        .any(|k| l.starts_with(k))
    }) {
        let _ = writeln!(s, "    {l}");
    }
    let _ = writeln!(s, "  proxy accesses: {} config reads, {} config writes, {} BAR reads, {} BAR writes, {} device resets, {} error completions", c.cfg_reads, c.cfg_writes, c.bar_reads, c.bar_writes, c.resets, c.error_completions);
    let _ = writeln!(
        s,
        "  DMA: {} reads ({} bytes), {} writes ({} bytes); stray accesses: {}",
        c.dma_reads,
        c.dma_read_bytes,
        c.dma_writes,
        c.dma_write_bytes,
        r.strays.len()
    );
    let _ = writeln!(
        s,
        "  access checker: {} accesses allowed, {} buffers seen posted and {} retired, {} ring scans",
        c.checked, c.posted, c.retired, c.scans
    );
    let _ = writeln!(
        s,
        "  blk storage operations: {} read, {} write, {} flush, {} write-zeroes",
        r.store_ops[0], r.store_ops[1], r.store_ops[2], r.store_ops[3]
    );
    let n = &r.net_counters;
    let _ = writeln!(s, "  net: {} frames sent to the TAP, {} received from it; device counters: tx {} (dropped {}), rx {} (dropped: filter {}, no buffer {}, size {})", c.frames_to_tap, c.frames_from_tap, n[0], n[1], n[2], n[3], n[4], n[5]);
    let _ = writeln!(
        s,
        "  peer: {} TCP connections, {} whole transfers, {} bytes{}",
        r.peer.connections,
        r.peer.completed,
        r.peer.bytes_sent,
        r.peer
            .last_transfer
            .map(|t| format!(" (last in {:.1} s)", t.as_secs_f64()))
            .unwrap_or_default()
    );
    let _ = writeln!(
        s,
        "  interrupts: INTx asserted {} times by net, {} by blk; {} kicks",
        c.intx_asserts[0], c.intx_asserts[1], c.kicks
    );
    let busy = r.wall.saturating_sub(c.waiting).as_secs_f64();
    let _ = writeln!(
        s,
        "  simulated cycles: {} ({:.3} s of card time at 125 MHz); wall time {:.1} s: {:.1} s waiting for QEMU or the network, {:.1} s simulating and bridging ({:.0} k cycles/s)",
        c.cycles,
        c.cycles as f64 / 125e6,
        r.wall.as_secs_f64(),
        c.waiting.as_secs_f64(),
        busy,
        c.cycles as f64 / busy.max(1e-9) / 1e3
    );
    let _ = writeln!(s, "  stopped: {}", r.stopped_because);
    let _ = writeln!(
        s,
        "  logs: {}/console.log, bridge.log, qemu-stderr.log",
        out.display()
    );
    for st in &r.strays {
        let _ = writeln!(s, "  stray: {st}");
    }
    s
}

fn main() -> anyhow::Result<()> {
    let a = Args::parse();
    let o = Options {
        kernel: a.kernel,
        initramfs: a.initramfs,
        out: a.out.clone(),
        qemu: a.qemu,
        timeout: Duration::from_secs(a.timeout),
        net_bytes: a.net_bytes,
        echo_console: !a.quiet,
    };
    let r = attach::run(&o)?;
    let text = print(&r, &a.out);
    print!("{text}");
    std::fs::write(a.out.join("report.txt"), &text)?;
    if !r.passed {
        std::process::exit(1);
    }
    Ok(())
}
