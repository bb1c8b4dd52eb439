//! The Linux-guest bridge's failure paths that need no guest (the guest run itself is
//! `cargo xtask demo`, step 4 of `cargo xtask test`).

use ferrio_sim::attach::{self, Options};
use std::time::Duration;

fn options(name: &str) -> Options {
    let out =
        std::env::temp_dir().join(format!("ferrio-attach-test-{name}-{}", std::process::id()));
    Options {
        kernel: "/nonexistent/vmlinuz".into(),
        initramfs: "/nonexistent/initramfs".into(),
        out,
        qemu: "qemu-system-x86_64".into(),
        timeout: Duration::from_secs(30),
        net_bytes: 4096,
        echo_console: false,
    }
}

#[test]
fn attach_names_a_missing_qemu_and_the_package_to_install() {
    let mut o = options("noqemu");
    o.qemu = "/nonexistent/qemu-system-x86_64".into();
    let e = format!("{:#}", attach::run(&o).unwrap_err());
    assert!(e.contains("/nonexistent/qemu-system-x86_64"), "{e}");
    assert!(e.contains("qemu-system-x86 installed"), "{e}");
    let _ = std::fs::remove_dir_all(&o.out);
}

#[test]
fn attach_reports_qemu_refusing_to_start_with_its_own_message() {
    // A QEMU that exits at once (here: `false`) is caught before the bridge waits for it.
    let mut o = options("qemufails");
    o.qemu = "false".into();
    let e = format!("{:#}", attach::run(&o).unwrap_err());
    assert!(e.contains("QEMU exited at start"), "{e}");
    let _ = std::fs::remove_dir_all(&o.out);
}

/// A stand-in for QEMU: connects to the kick sockets named on its command line (as QEMU's
/// chardevs do), prints `lines` as the guest's console, then sleeps `sleep` seconds or exits.
fn fake_qemu(dir: &std::path::Path, lines: &[&str], sleep: u32) -> String {
    let script = dir.join("fake-qemu");
    let body = format!(
        r#"#!/bin/sh
exec python3 - "$@" <<'PY'
import re, socket, sys, time
socks = []
for a in sys.argv[1:]:
    m = re.match(r'socket,id=\w+,path=(.*)', a)
    if m:
        s = socket.socket(socket.AF_UNIX)
        s.connect(m.group(1))
        socks.append(s)
for line in {lines:?}:
    print(line, flush=True)
time.sleep({sleep})
PY
"#
    );
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(&script, body).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script.to_string_lossy().into_owned()
}

fn tap_or_skip(test: &str) -> bool {
    if ferrio_sim::tap::Tap::available() {
        return true;
    }
    println!("SKIPPED {test}: needs root and /dev/net/tun for the peer's TAP");
    false
}

#[test]
fn attach_stops_a_silent_guest_at_its_timeout_and_says_so() {
    if !tap_or_skip("attach_stops_a_silent_guest_at_its_timeout_and_says_so") {
        return;
    }
    let mut o = options("timeout");
    o.qemu = fake_qemu(&o.out, &["booting"], 60);
    o.timeout = Duration::from_secs(3);
    let r = attach::run(&o).unwrap();
    assert!(!r.passed);
    let f = r.failure.unwrap();
    assert!(f.contains("timed out") && f.contains("console.log"), "{f}");
    assert_eq!(
        r.counters.cfg_reads, 0,
        "no proxy traffic from the stand-in"
    );
    let _ = std::fs::remove_dir_all(&o.out);
}

#[test]
fn attach_names_a_driver_that_did_not_bind_from_the_guests_console() {
    if !tap_or_skip("attach_names_a_driver_that_did_not_bind_from_the_guests_console") {
        return;
    }
    let mut o = options("nobind");
    o.qemu = fake_qemu(
        &o.out,
        &[
            "ferrio: virtio virtio0 device=0x0001 (net) on 0000:00:03.0 driver=virtio_net status=0x0000000f",
            "ferrio: net=FAIL: ping: 0/3 replies",
            "ferrio: RESULT packed=yes blk=FAIL net=FAIL",
        ],
        0,
    );
    let r = attach::run(&o).unwrap();
    assert!(!r.passed);
    let f = r.failure.unwrap();
    assert!(f.contains("the virtio_blk driver did not bind"), "{f}");
    assert!(f.contains("net=FAIL: ping: 0/3 replies"), "{f}");
    assert!(!f.contains("packed rings"), "{f}");
    let _ = std::fs::remove_dir_all(&o.out);
}
