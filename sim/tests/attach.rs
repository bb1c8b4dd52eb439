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
