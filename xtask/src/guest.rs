//! The Linux guest that drives the simulated card: a stock Debian bookworm kernel and a busybox
//! initramfs whose `/init` (`xtask/guest/init`) is the demo's workload. `cargo xtask guest`
//! builds it alone; other commands call [`ensure_guest`].
//!
//! Everything lives under `target/ferrio/guest/<kernel package>/`:
//!
//! | step | what | how it knows it is done |
//! |---|---|---|
//! | 1 | Debian packages `busybox-static` and `qemu-system-x86` | `dpkg-query` ([`setup::ensure_debian`]) |
//! | 2 | the exact kernel package `linux-image-cloud-amd64` depends on (`apt-cache depends`) | always asked: a new Debian kernel means a new directory |
//! | 3 | that package downloaded (`apt-get download`, about 27 MB), unpacked; `vmlinuz` and the virtio modules kept, the rest deleted | `kernel.txt` (package, version, release, module load order), written last |
//! | 4 | `initramfs.cpio.gz`: busybox, its applet links, the modules, the load order, `/init` | `initramfs.recipe` equals what this build would write (it holds the init script, so editing the script rebuilds only the initramfs) |
//!
//! The kernel is the `cloud` flavour because it is the smallest Debian build that still has
//! virtio-pci, virtio-blk and virtio-net as modules; ext4 is built in and mounts ext2.

use crate::{setup, tools};
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A guest ready to boot with `-kernel` and `-initrd`.
pub struct Guest {
    pub kernel: PathBuf,
    pub initramfs: PathBuf,
    /// The Debian version of the kernel package, e.g. `6.1.192-3` (upstream 6.1.192).
    pub kernel_version: String,
    /// The exact kernel package, e.g. `linux-image-6.1.0-57-cloud-amd64`.
    pub package: String,
    /// What `uname -r` says in the guest, e.g. `6.1.0-57-cloud-amd64`.
    pub release: String,
}

/// Debian's meta-package; it names the current ABI's real package.
const KERNEL_META: &str = "linux-image-cloud-amd64";
/// The drivers the card needs; their dependencies come from the package's own `depends`.
const ROOT_MODULES: &[&str] = &["virtio_pci", "virtio_blk", "virtio_net"];
const DEBIAN_PACKAGES: &[&str] = &["busybox-static", "qemu-system-x86"];
const BUSYBOX: &str = "/bin/busybox";
/// Every command `/init` runs, checked against `busybox --list` at build time so a missing
/// applet fails here rather than half-way through a slow simulated run.
const APPLETS: &[&str] = &[
    "sh", "[", "test", "echo", "awk", "basename", "cat", "cut", "dd", "dmesg", "grep", "insmod",
    "ip", "ls", "md5sum", "mkdir", "mke2fs", "mount", "nc", "ping", "poweroff", "readlink", "rm",
    "sed", "seq", "sleep", "stty", "sync", "tail", "timeout", "tr", "umount", "uname", "usleep",
    "wc",
];
const INIT: &str = include_str!("../guest/init");
/// Bump when the initramfs layout changes in a way the recipe would not otherwise show.
const LAYOUT: u32 = 1;

/// `target/ferrio/guest`.
pub fn dir() -> PathBuf {
    tools::out_dir().join("guest")
}

/// `cargo xtask guest`.
pub fn command() -> Result<()> {
    let g = ensure_guest()?;
    println!(
        "[guest] {} {} (uname -r: {})",
        g.package, g.kernel_version, g.release
    );
    println!("[guest] kernel    {}", g.kernel.display());
    println!("[guest] initramfs {}", g.initramfs.display());
    Ok(())
}

/// Build the guest if it is not built for the current Debian kernel yet.
pub fn ensure_guest() -> Result<Guest> {
    setup::ensure_debian(DEBIAN_PACKAGES)?;
    let package = match kernel_package() {
        Ok(p) => p,
        // Offline with empty apt lists is still fine when a guest was built before.
        Err(e) => match newest_cached()? {
            Some(p) => {
                println!("[guest] {e:#}; using the cached {p}");
                p
            }
            None => return Err(e),
        },
    };
    let pkg_dir = dir().join(&package);
    let kernel = match read_kernel_txt(&pkg_dir) {
        Some(k) => k,
        None => fetch_kernel(&package, &pkg_dir)?,
    };
    let initramfs = pkg_dir.join("initramfs.cpio.gz");
    let recipe_path = pkg_dir.join("initramfs.recipe");
    let recipe = recipe(&kernel)?;
    let guest = Guest {
        kernel: pkg_dir.join("vmlinuz"),
        initramfs: initramfs.clone(),
        kernel_version: kernel.version.clone(),
        package: package.clone(),
        release: kernel.release.clone(),
    };
    if initramfs.exists() && fs::read_to_string(&recipe_path).ok().as_deref() == Some(&recipe) {
        println!(
            "[guest] cached: {package} {} (initramfs {})",
            kernel.version,
            size_text(&initramfs)
        );
        return Ok(guest);
    }
    println!(
        "[guest] initramfs: busybox, {} modules, /init",
        kernel.modules.len()
    );
    build_initramfs(&pkg_dir, &kernel, &initramfs)?;
    fs::write(&recipe_path, recipe)?;
    println!(
        "[guest] built: {package} {} (initramfs {}) in {}",
        kernel.version,
        size_text(&initramfs),
        pkg_dir.display()
    );
    Ok(guest)
}

/// What step 3 leaves behind, as recorded in `kernel.txt`.
struct Kernel {
    version: String,
    release: String,
    /// Module names in load order (dependencies first).
    modules: Vec<String>,
}

fn kernel_package() -> Result<String> {
    if let Some(p) = depends_of_meta()? {
        return Ok(p);
    }
    println!("[guest] apt does not know {KERNEL_META}: apt-get update");
    tools::run_visible(
        Command::new("apt-get").args(["update", "-q"]),
        "apt-get update",
    )?;
    depends_of_meta()?.with_context(|| format!("apt-cache depends {KERNEL_META} names no kernel"))
}

fn depends_of_meta() -> Result<Option<String>> {
    let out = Command::new("apt-cache")
        .args(["depends", KERNEL_META])
        .output()
        .context("running apt-cache (is this Debian?)")?;
    if !out.status.success() {
        return Ok(None);
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Depends:"))
        .map(str::trim)
        .find(|p| p.starts_with("linux-image-"))
        .map(str::to_string))
}

fn newest_cached() -> Result<Option<String>> {
    let Ok(entries) = fs::read_dir(dir()) else {
        return Ok(None);
    };
    let mut built = Vec::new();
    for e in entries {
        let e = e?;
        if e.path().join("kernel.txt").exists() {
            built.push((e.metadata()?.modified()?, e.file_name()));
        }
    }
    built.sort();
    Ok(built.pop().map(|(_, n)| n.to_string_lossy().into_owned()))
}

fn read_kernel_txt(pkg_dir: &Path) -> Option<Kernel> {
    let text = fs::read_to_string(pkg_dir.join("kernel.txt")).ok()?;
    let field = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(k)?.strip_prefix('='))
            .map(str::to_string)
    };
    let kernel = Kernel {
        version: field("version")?,
        release: field("release")?,
        modules: field("modules")?
            .split_whitespace()
            .map(str::to_string)
            .collect(),
    };
    let complete = pkg_dir.join("vmlinuz").exists()
        && kernel
            .modules
            .iter()
            .all(|m| pkg_dir.join("modules").join(format!("{m}.ko")).exists());
    complete.then_some(kernel)
}

fn fetch_kernel(package: &str, pkg_dir: &Path) -> Result<Kernel> {
    println!("[guest] kernel: {package} (what {KERNEL_META} depends on); downloading");
    let work = pkg_dir.join("download");
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work)?;
    // The exact name, never a glob: a glob fetches every kernel Debian has (1.6 GB).
    let download = |work: &Path| {
        Command::new("apt-get")
            // As root apt would hand the download to `_apt`, which cannot write into target/.
            .args(["-q", "-o", "APT::Sandbox::User=root", "download", package])
            .current_dir(work)
            .status()
    };
    if !download(&work)?.success() {
        // Stale lists name a version the mirror no longer has.
        println!("[guest] download failed; apt-get update and one more try");
        tools::run_visible(
            Command::new("apt-get").args(["update", "-q"]),
            "apt-get update",
        )?;
        if !download(&work)?.success() {
            bail!("apt-get download {package} failed");
        }
    }
    let deb = fs::read_dir(&work)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "deb"))
        .context("apt-get download left no .deb")?;
    let version = String::from_utf8(
        tools::run(
            Command::new("dpkg-deb").arg("-f").arg(&deb).arg("Version"),
            "dpkg-deb -f",
        )?
        .stdout,
    )?
    .trim()
    .to_string();
    let tree = work.join("tree");
    tools::run(
        Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&tree),
        "dpkg-deb -x",
    )?;
    let mut releases = fs::read_dir(tree.join("lib/modules"))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned());
    let release = releases
        .next()
        .context("the package has no lib/modules/<release>")?;
    // The package ships no modules.dep (its postinst makes one); depmod from busybox makes it
    // from the modules' own `depends` fields.
    tools::run(
        Command::new(BUSYBOX)
            .args(["depmod", "-b"])
            .arg(&tree)
            .arg(&release),
        "busybox depmod",
    )?;
    let mod_root = tree.join("lib/modules").join(&release);
    let dep = fs::read_to_string(mod_root.join("modules.dep"))?;
    let (order, paths) = load_order(&dep, ROOT_MODULES)?;
    println!(
        "[guest] {package} {version}: module load order {}",
        order.join(" ")
    );

    let _ = fs::remove_dir_all(pkg_dir.join("modules"));
    fs::create_dir_all(pkg_dir.join("modules"))?;
    for m in &order {
        fs::copy(
            mod_root.join(&paths[m]),
            pkg_dir.join("modules").join(format!("{m}.ko")),
        )?;
    }
    fs::copy(
        tree.join("boot").join(format!("vmlinuz-{release}")),
        pkg_dir.join("vmlinuz"),
    )?;
    fs::write(
        pkg_dir.join("kernel.txt"),
        format!(
            "package={package}\nversion={version}\nrelease={release}\nmodules={}\n",
            order.join(" ")
        ),
    )?;
    // The unpacked package is 100 MB; only vmlinuz and a dozen modules are ever used.
    fs::remove_dir_all(&work)?;
    read_kernel_txt(pkg_dir).context("kernel.txt unreadable right after writing it")
}

/// The modules to load, dependencies first, from depmod's `modules.dep`; and each one's path
/// relative to `lib/modules/<release>`.
fn load_order(dep: &str, roots: &[&str]) -> Result<(Vec<String>, BTreeMap<String, String>)> {
    let name = |path: &str| {
        let file = path.rsplit('/').next().unwrap_or(path);
        file.trim_end_matches(".ko").replace('-', "_")
    };
    let mut deps: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for line in dep.lines() {
        let Some((path, rest)) = line.split_once(':') else {
            continue;
        };
        let needs = rest.split_whitespace().map(name).collect();
        deps.insert(name(path), (path.to_string(), needs));
    }
    fn visit(
        m: &str,
        deps: &BTreeMap<String, (String, Vec<String>)>,
        order: &mut Vec<String>,
        stack: &mut Vec<String>,
    ) -> Result<()> {
        if order.iter().any(|o| o == m) {
            return Ok(());
        }
        if stack.iter().any(|s| s == m) {
            bail!("module dependency cycle through {m}");
        }
        let (_, needs) = deps
            .get(m)
            .with_context(|| format!("module {m} is not in the kernel package"))?;
        stack.push(m.to_string());
        for n in needs {
            visit(n, deps, order, stack)?;
        }
        stack.pop();
        order.push(m.to_string());
        Ok(())
    }
    let mut order = Vec::new();
    for r in roots {
        visit(r, &deps, &mut order, &mut Vec::new())?;
    }
    let paths = order
        .iter()
        .map(|m| (m.clone(), deps[m].0.clone()))
        .collect();
    Ok((order, paths))
}

fn busybox_version() -> Result<String> {
    let out = tools::run(
        Command::new("dpkg-query").args(["-W", "-f=${Version}", "busybox-static"]),
        "dpkg-query busybox-static",
    )?;
    Ok(String::from_utf8(out.stdout)?)
}

/// Everything the initramfs is made from, so a change to any of it rebuilds it.
fn recipe(k: &Kernel) -> Result<String> {
    Ok(format!(
        "layout={LAYOUT}\nkernel={} {}\nmodules={}\nbusybox-static={}\napplets={}\ninit:\n{INIT}",
        k.release,
        k.version,
        k.modules.join(" "),
        busybox_version()?,
        APPLETS.join(" "),
    ))
}

fn build_initramfs(pkg_dir: &Path, k: &Kernel, out: &Path) -> Result<()> {
    let list = tools::run(Command::new(BUSYBOX).arg("--list"), "busybox --list")?;
    let list = String::from_utf8(list.stdout)?;
    let have: Vec<&str> = list.lines().collect();
    let missing: Vec<&str> = APPLETS
        .iter()
        .copied()
        .filter(|a| !have.contains(a))
        .collect();
    if !missing.is_empty() {
        bail!(
            "{BUSYBOX} lacks the applets {} that xtask/guest/init uses",
            missing.join(" ")
        );
    }

    let mut c = Cpio::default();
    for d in [
        "bin",
        "dev",
        "etc",
        "etc/ferrio",
        "lib",
        "lib/modules",
        "mnt",
        "proc",
        "root",
        "sys",
        "tmp",
    ] {
        c.dir(d);
    }
    // The kernel opens /dev/console for init's stdio before init can mount devtmpfs.
    c.char_dev("dev/console", 0o600, 5, 1);
    c.char_dev("dev/null", 0o666, 1, 3);
    c.file(
        "bin/busybox",
        0o755,
        &fs::read(BUSYBOX).with_context(|| format!("reading {BUSYBOX}"))?,
    );
    for a in APPLETS {
        c.symlink(&format!("bin/{a}"), "busybox");
    }
    c.file("init", 0o755, INIT.as_bytes());
    c.file(
        "etc/ferrio/modules",
        0o644,
        format!("{}\n", k.modules.join("\n")).as_bytes(),
    );
    let mod_dir = format!("lib/modules/{}", k.release);
    c.dir(&mod_dir);
    for m in &k.modules {
        let ko = pkg_dir.join("modules").join(format!("{m}.ko"));
        c.file(&format!("{mod_dir}/{m}.ko"), 0o644, &fs::read(&ko)?);
    }
    let archive = c.finish();

    let tmp = out.with_extension("tmp");
    let mut gzip = Command::new("gzip")
        .args(["-9", "-n", "-c"])
        .stdin(Stdio::piped())
        .stdout(fs::File::create(&tmp)?)
        .spawn()
        .context("starting gzip")?;
    gzip.stdin
        .take()
        .expect("stdin is piped")
        .write_all(&archive)?;
    if !gzip.wait()?.success() {
        bail!("gzip failed");
    }
    fs::rename(&tmp, out)?;
    Ok(())
}

/// A newc (`070701`) cpio archive, the format the kernel unpacks into its initial rootfs.
/// Written here rather than with `cpio` so that device nodes and root ownership need neither
/// root nor a staging tree, and the bytes depend only on the inputs (every mtime is 0).
#[derive(Default)]
struct Cpio {
    bytes: Vec<u8>,
    next_ino: u32,
}

impl Cpio {
    const DIR: u32 = 0o040000;
    const FILE: u32 = 0o100000;
    const LINK: u32 = 0o120000;
    const CHAR: u32 = 0o020000;

    fn entry(&mut self, name: &str, mode: u32, nlink: u32, rdev: (u32, u32), data: &[u8]) {
        self.next_ino += 1;
        let fields = [
            self.next_ino,
            mode,
            0, // uid
            0, // gid
            nlink,
            0, // mtime
            data.len() as u32,
            0, // devmajor
            0, // devminor
            rdev.0,
            rdev.1,
            name.len() as u32 + 1,
            0, // check
        ];
        self.bytes.extend_from_slice(b"070701");
        for f in fields {
            self.bytes.extend_from_slice(format!("{f:08x}").as_bytes());
        }
        self.bytes.extend_from_slice(name.as_bytes());
        self.bytes.push(0);
        self.pad();
        self.bytes.extend_from_slice(data);
        self.pad();
    }

    fn pad(&mut self) {
        while !self.bytes.len().is_multiple_of(4) {
            self.bytes.push(0);
        }
    }

    fn dir(&mut self, name: &str) {
        self.entry(name, Self::DIR | 0o755, 2, (0, 0), &[]);
    }

    fn file(&mut self, name: &str, perm: u32, data: &[u8]) {
        self.entry(name, Self::FILE | perm, 1, (0, 0), data);
    }

    fn symlink(&mut self, name: &str, target: &str) {
        self.entry(name, Self::LINK | 0o777, 1, (0, 0), target.as_bytes());
    }

    fn char_dev(&mut self, name: &str, perm: u32, major: u32, minor: u32) {
        self.entry(name, Self::CHAR | perm, 1, (major, minor), &[]);
    }

    fn finish(mut self) -> Vec<u8> {
        self.entry("TRAILER!!!", 0, 1, (0, 0), &[]);
        self.bytes
    }
}

fn size_text(path: &Path) -> String {
    match fs::metadata(path) {
        Ok(m) => format!("{:.2} MB", m.len() as f64 / 1e6),
        Err(_) => "missing".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_order_puts_dependencies_first() {
        // The shape of bookworm's 6.1 modules.dep, where virtio itself needs virtio_ring.
        let dep = "\
kernel/drivers/virtio/virtio_ring.ko:
kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio_pci_modern_dev.ko:
kernel/drivers/virtio/virtio_pci_legacy_dev.ko:
kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/net/core/failover.ko:
kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko
kernel/drivers/net/virtio_net.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko
";
        let (order, paths) = load_order(dep, ROOT_MODULES).unwrap();
        assert_eq!(
            order,
            [
                "virtio_pci_modern_dev",
                "virtio_pci_legacy_dev",
                "virtio_ring",
                "virtio",
                "virtio_pci",
                "virtio_blk",
                "failover",
                "net_failover",
                "virtio_net"
            ]
        );
        assert_eq!(paths["failover"], "kernel/net/core/failover.ko");
        assert!(load_order(dep, &["virtio_scsi"]).is_err());
    }

    #[test]
    fn cpio_entries_are_aligned_and_terminated() {
        let mut c = Cpio::default();
        c.dir("bin");
        c.file("bin/x", 0o755, b"abcde");
        let bytes = c.finish();
        assert_eq!(bytes.len() % 4, 0);
        assert!(bytes.starts_with(b"070701"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("TRAILER!!!"));
        // The file's data starts on a 4-byte boundary.
        let at = text.find("abcde").unwrap();
        assert_eq!(at % 4, 0);
    }
}
