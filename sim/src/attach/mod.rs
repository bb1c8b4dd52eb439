//! Attaching the Verilated card to an unmodified Linux guest (issue 7): QEMU 7.2 runs the
//! guest under TCG with two `x-pci-proxy-dev` devices (function 0 = virtio-net and function
//! 1 = virtio-blk at slot 3, multifunction), and this process is their remote side.
//!
//! | module | job |
//! |---|---|
//! | [`mpqemu`] | the proxy's wire protocol: messages, fds, RET |
//! | [`guest_ram`] | the guest's RAM, mapped from the memfds QEMU sends |
//! | [`posted`] | the access checker: DMA only into guest RAM and into what the driver posted |
//! | [`bridge`] | the event loop: messages to TLPs, DMA from guest RAM, INTx to the kick socket, frames to the TAP |
//! | [`peer`] | the guest's network peer: a TAP in a network namespace of its own and a TCP server that sends the 10 MiB test file |
//! | here | [`run`]: start QEMU, the peer and the bridge, follow the guest's console, report |
//!
//! Nothing in the RTL knows it is bridged: the card is the `virtio_card_proxy` top (32-bit
//! BAR0, no MSI-X capability, because the proxy carries neither), driven through the same
//! root complex model as every test.

pub mod bridge;
pub mod guest_ram;
pub mod mpqemu;
pub mod peer;
pub mod posted;

use crate::host::{FileStore, RootComplex, VirtioCardHost};
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Write};
use std::net::Ipv4Addr;
use std::os::fd::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    pub kernel: PathBuf,
    pub initramfs: PathBuf,
    /// Logs, the disk image and the report go here (`target/ferrio/attach/`).
    pub out: PathBuf,
    pub qemu: String,
    /// The whole run is stopped after this long.
    pub timeout: Duration,
    /// Bytes the peer sends over TCP.
    pub net_bytes: usize,
    /// Echo the guest's console to standard output.
    pub echo_console: bool,
}

/// The guest's address, the peer's (the TAP's) address and the TCP port of the download.
pub const GUEST_IP: Ipv4Addr = Ipv4Addr::new(10, 0, 2, 15);
pub const PEER_IP: Ipv4Addr = Ipv4Addr::new(10, 0, 2, 1);
pub const PORT: u16 = 5001;

/// What one run showed.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Lines the guest's init printed (`ferrio: ...`).
    pub guest_lines: Vec<String>,
    /// The guest's summary line, if it got there.
    pub result: Option<String>,
    pub passed: bool,
    /// Why the run failed, if it did.
    pub failure: Option<String>,
    pub counters: bridge::Counters,
    /// Storage operations served: READ, WRITE, FLUSH, ZERO.
    pub store_ops: [u64; 4],
    /// The net device's own counters: tx frames, tx dropped, rx frames, rx dropped (filter,
    /// no buffer, size).
    pub net_counters: [u64; 6],
    pub strays: Vec<String>,
    pub peer: peer::PeerStats,
    pub wall: Duration,
    pub stopped_because: String,
}

fn fail(r: &mut Report, why: String) {
    if r.failure.is_none() {
        r.failure = Some(why);
    }
}

/// Boot the guest with the card attached and run its workload. Errors are setup failures
/// (QEMU missing, no TAP); a guest that fails its workload is a report with `passed` false.
pub fn run(o: &Options) -> anyhow::Result<Report> {
    use anyhow::Context;
    let start = Instant::now();
    fs::create_dir_all(&o.out)?;
    let disk = o.out.join("disk.img");
    let _ = fs::remove_file(&disk);
    let store = FileStore::open(
        &disk,
        ferrio_hdl::virtio_card::VirtioCard::PROXY_DISK_SECTORS,
    )
    .with_context(|| format!("creating the disk image {}", disk.display()))?;
    let payload = peer::payload(o.net_bytes);
    let md5 = peer::md5_hex(&payload);

    // Sockets: one proxy socket pair per function, and the kick socket QEMU connects to.
    let (net_q, net_b) = UnixStream::pair()?;
    let (blk_q, blk_b) = UnixStream::pair()?;
    let kick_paths = [o.out.join("kick-inta.sock"), o.out.join("kick-intb.sock")];
    let kick_listeners = kick_paths
        .iter()
        .map(|p| {
            let _ = fs::remove_file(p);
            UnixListener::bind(p)
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    let append = format!(
        "console=ttyS0 panic=-1 loglevel=4 ferrio.net_md5={md5} ferrio.peer={PEER_IP} ferrio.ip={GUEST_IP} ferrio.port={PORT} ferrio.net_bytes={}",
        o.net_bytes
    );
    let mut cmd = Command::new(&o.qemu);
    cmd.args([
        "-machine",
        "pc,memory-backend=mem",
        "-accel",
        "tcg",
        "-m",
        "512M",
    ])
    .args(["-object", "memory-backend-memfd,id=mem,size=512M,share=on"])
    .args([
        "-nodefaults",
        "-display",
        "none",
        "-no-reboot",
        "-serial",
        "stdio",
    ])
    .arg("-kernel")
    .arg(&o.kernel)
    .arg("-initrd")
    .arg(&o.initramfs)
    .args(["-append", &append])
    // The interrupt kicks: slot 7's INTA shares the card's INTA (net), slot 4's its INTB (blk).
    .arg("-chardev")
    .arg(format!("socket,id=kicka,path={}", kick_paths[0].display()))
    .args(["-device", "pci-serial,chardev=kicka,addr=7"])
    .arg("-chardev")
    .arg(format!("socket,id=kickb,path={}", kick_paths[1].display()))
    .args(["-device", "pci-serial,chardev=kickb,addr=4"])
    .args([
        "-device",
        &format!(
            "x-pci-proxy-dev,id=ferrio-net,addr=3.0,multifunction=on,fd={}",
            net_q.as_raw_fd()
        ),
    ])
    .args([
        "-device",
        &format!(
            "x-pci-proxy-dev,id=ferrio-blk,addr=3.1,fd={}",
            blk_q.as_raw_fd()
        ),
    ])
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let inherit = [net_q.as_raw_fd(), blk_q.as_raw_fd()];
    // SAFETY: only fcntl between fork and exec: QEMU must inherit its two proxy sockets.
    unsafe {
        cmd.pre_exec(move || {
            for fd in inherit {
                if libc::fcntl(fd, libc::F_SETFD, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    fs::write(o.out.join("qemu-command.txt"), format!("{cmd:?}\n"))?;
    let mut qemu = cmd
        .spawn()
        .with_context(|| format!("starting {} (is qemu-system-x86 installed?)", o.qemu))?;
    drop(net_q);
    drop(blk_q);

    // The console: to a log, to the caller's terminal, and to this loop as lines.
    let (tx, rx) = mpsc::channel::<String>();
    let console_path = o.out.join("console.log");
    let mut console = File::create(&console_path)?;
    let stdout = qemu.stdout.take().unwrap();
    let echo = o.echo_console;
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = writeln!(console, "{line}");
            if echo {
                println!("guest | {line}");
            }
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let stderr = qemu.stderr.take().unwrap();
    let qemu_err_path = o.out.join("qemu-stderr.log");
    let mut qemu_err = File::create(&qemu_err_path)?;
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut BufReader::new(stderr), &mut qemu_err);
    });

    let mut kicks = Vec::new();
    for l in &kick_listeners {
        l.set_nonblocking(true)?;
        kicks.push(loop {
            match l.accept() {
                Ok((s, _)) => break s,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if let Some(st) = qemu.try_wait()? {
                        let err = fs::read_to_string(&qemu_err_path).unwrap_or_default();
                        anyhow::bail!("QEMU exited at start ({st}): {}", err.trim());
                    }
                    if start.elapsed() > Duration::from_secs(30) {
                        let _ = qemu.kill();
                        anyhow::bail!("QEMU did not connect to the kick sockets within 30 s");
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(e) => return Err(e.into()),
            }
        });
    }
    let kicks: [UnixStream; 2] = kicks.try_into().unwrap();

    // From here this thread lives in a network namespace of its own, with the TAP and the peer.
    let peer = peer::Peer::start(PEER_IP, PORT, payload)
        .context("the network peer (TAP in a network namespace; needs root and /dev/net/tun)")?;
    let mut card = VirtioCardHost::proxy(store);
    card.mac_stall = 0.0;
    card.mac.tap = Some(peer.tap);
    let rc = RootComplex::new(card);
    let trace = Box::new(std::io::BufWriter::new(File::create(
        o.out.join("bridge.log"),
    )?));
    let mut b = bridge::Bridge::new(rc, [net_b, blk_b], kicks, trace);
    b.read_layout();

    let mut report = Report::default();
    let mut qemu_done = None;
    let stopped = b.serve_until(|_| {
        for line in rx.try_iter() {
            if let Some(rest) = line.trim().strip_prefix("ferrio: ") {
                if rest.starts_with("RESULT") {
                    report.result = Some(rest.to_string());
                }
                report.guest_lines.push(rest.to_string());
            }
        }
        if let Ok(Some(st)) = qemu.try_wait() {
            qemu_done = Some(st);
            return true;
        }
        start.elapsed() > o.timeout
    });
    // A closed proxy socket usually means QEMU is exiting (the guest powered off): give it
    // a moment to say how, then stop it.
    let waited = Instant::now();
    while qemu_done.is_none() && waited.elapsed() < Duration::from_secs(5) {
        qemu_done = qemu.try_wait().ok().flatten();
        std::thread::sleep(Duration::from_millis(20));
    }
    if qemu_done.is_none() {
        let _ = qemu.kill();
        let _ = qemu.wait();
    }
    std::thread::sleep(Duration::from_millis(100));
    for line in rx.try_iter() {
        if let Some(rest) = line.trim().strip_prefix("ferrio: ") {
            if rest.starts_with("RESULT") {
                report.result = Some(rest.to_string());
            }
            report.guest_lines.push(rest.to_string());
        }
    }
    report.stopped_because = match qemu_done {
        Some(st) => format!("QEMU exited ({st})"),
        None if start.elapsed() > o.timeout => format!("timed out after {:?}", o.timeout),
        None => stopped,
    };
    report.counters = b.counters.clone();
    report.store_ops = b.rc.card.store.ops;
    let c = &mut b.rc.card;
    report.net_counters = [
        c.net_tx_frames(),
        c.net_tx_dropped(),
        c.net_rx_frames(),
        c.net_rx_drop_filter(),
        c.net_rx_drop_nobuf(),
        c.net_rx_drop_size(),
    ];
    report.strays = b.strays().iter().take(20).map(|s| s.to_string()).collect();
    report.peer = peer.stats.lock().unwrap().clone();
    report.wall = start.elapsed();

    match report.result.clone() {
        None if start.elapsed() > o.timeout => fail(
            &mut report,
            format!(
                "the guest timed out after {:?} (console: {})",
                o.timeout,
                console_path.display()
            ),
        ),
        None => {
            let why = format!(
                "the guest stopped before its summary ({}; console: {})",
                report.stopped_because,
                console_path.display()
            );
            fail(&mut report, why)
        }
        Some(r) => {
            // Name the first thing that went wrong in the guest's own words.
            let why = |prefix: &str| {
                report
                    .guest_lines
                    .iter()
                    .find(|l| l.starts_with(prefix))
                    .cloned()
                    .unwrap_or_else(|| prefix.to_string())
            };
            let bound = |driver: &str| {
                report
                    .guest_lines
                    .iter()
                    .any(|l| l.starts_with("virtio ") && l.contains(&format!("driver={driver}")))
            };
            let words: Vec<&str> = r.split_whitespace().collect();
            let mut problems = Vec::new();
            if !words.contains(&"packed=yes") {
                problems.push("packed rings were not negotiated (RING_PACKED missing)".to_string());
            }
            for (dev, driver) in [("blk", "virtio_blk"), ("net", "virtio_net")] {
                if !words.contains(&format!("{dev}=PASS").as_str()) {
                    if bound(driver) {
                        problems.push(why(&format!("{dev}=FAIL")));
                    } else {
                        problems.push(format!("the {driver} driver did not bind"));
                    }
                }
            }
            if !problems.is_empty() {
                let text = format!(
                    "{} (console: {})",
                    problems.join("; "),
                    console_path.display()
                );
                fail(&mut report, text);
            }
        }
    }
    if !b.strays().is_empty() {
        let why = format!(
            "the card made {} DMA accesses outside what the guest gave it (first: {})",
            b.strays().len(),
            report.strays[0]
        );
        fail(&mut report, why);
    }
    for p in &kick_paths {
        let _ = fs::remove_file(p);
    }
    report.passed = report.failure.is_none();
    Ok(report)
}
