//! [`Tap`]: a Linux TAP interface in a network namespace of its own, so that the simulated
//! net device exchanges Ethernet frames with the kernel's real network stack.
//!
//! [`Tap::in_new_netns`] moves the calling thread into a new, empty network namespace
//! (`unshare(CLONE_NEWNET)`: nothing the test does is visible to the machine's own
//! interfaces, and the namespace goes away with the thread and the descriptor), creates the TAP
//! interface there, gives it an IPv4 address and brings it up. IPv6 is switched off on it so
//! that the kernel sends no router or neighbour solicitations of its own: every frame it sends
//! is an answer to one the card sent. Needs root (CAP_NET_ADMIN) and `/dev/net/tun`;
//! [`Tap::available`] says whether this machine has both.
//!
//! Frames are whole Ethernet frames without FCS (`IFF_NO_PI`); reads never block.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::net::Ipv4Addr;
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;

const TUNSETIFF: libc::c_ulong = 0x4004_54ca;
const IFF_TAP: libc::c_short = 0x0002;
const IFF_NO_PI: libc::c_short = 0x1000;

#[repr(C)]
struct IfReqFlags {
    name: [u8; libc::IFNAMSIZ],
    flags: libc::c_short,
    _pad: [u8; 22],
}

#[repr(C)]
struct IfReqAddr {
    name: [u8; libc::IFNAMSIZ],
    addr: libc::sockaddr_in,
    _pad: [u8; 8],
}

fn ifname(name: &str) -> [u8; libc::IFNAMSIZ] {
    let mut n = [0u8; libc::IFNAMSIZ];
    n[..name.len()].copy_from_slice(name.as_bytes());
    n
}

fn sockaddr(ip: Ipv4Addr) -> libc::sockaddr_in {
    libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: 0,
        sin_addr: libc::in_addr {
            s_addr: u32::from_ne_bytes(ip.octets()),
        },
        sin_zero: [0; 8],
    }
}

fn check(r: libc::c_int, what: &str) -> std::io::Result<()> {
    if r < 0 {
        let e = std::io::Error::last_os_error();
        Err(std::io::Error::new(e.kind(), format!("{what}: {e}")))
    } else {
        Ok(())
    }
}

pub struct Tap {
    file: File,
    pub name: String,
    pub ip: Ipv4Addr,
    /// Frames written to the interface and read from it.
    pub sent: u64,
    pub received: u64,
    /// Read buffer, kept: the side polls every 64 cycles and most polls find nothing.
    buf: Vec<u8>,
}

impl Tap {
    /// Whether a TAP can be made here: root and `/dev/net/tun`.
    pub fn available() -> bool {
        // SAFETY: geteuid has no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        root && std::path::Path::new("/dev/net/tun").exists()
    }

    /// Move this thread into a new network namespace and make `name` there, up, with
    /// `ip`/`prefix`.
    pub fn in_new_netns(name: &str, ip: Ipv4Addr, prefix: u8) -> std::io::Result<Tap> {
        assert!(name.len() < libc::IFNAMSIZ);
        nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNET)
            .map_err(|e| std::io::Error::other(format!("unshare(CLONE_NEWNET): {e}")))?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open("/dev/net/tun")?;
        let mut req = IfReqFlags {
            name: ifname(name),
            flags: IFF_TAP | IFF_NO_PI,
            _pad: [0; 22],
        };
        // SAFETY: TUNSETIFF reads and writes one ifreq, which `req` is laid out as.
        check(
            unsafe { libc::ioctl(file.as_raw_fd(), TUNSETIFF as _, &mut req) },
            "TUNSETIFF",
        )?;
        // No IPv6 on it: the kernel then sends nothing unasked.
        if let Ok(mut f) = OpenOptions::new()
            .write(true)
            .open(format!("/proc/sys/net/ipv6/conf/{name}/disable_ipv6"))
        {
            let _ = f.write_all(b"1");
        }
        // SAFETY: a plain datagram socket in this thread's (new) namespace, closed below.
        let s = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0) };
        check(s, "socket")?;
        let mask = Ipv4Addr::from(u32::MAX.checked_shl(32 - prefix as u32).unwrap_or(0));
        let r = (|| {
            let mut a = IfReqAddr {
                name: ifname(name),
                addr: sockaddr(ip),
                _pad: [0; 8],
            };
            // SAFETY: SIOCSIFADDR and SIOCSIFNETMASK read one ifreq holding a sockaddr_in.
            check(
                unsafe { libc::ioctl(s, libc::SIOCSIFADDR as _, &mut a) },
                "SIOCSIFADDR",
            )?;
            a.addr = sockaddr(mask);
            check(
                unsafe { libc::ioctl(s, libc::SIOCSIFNETMASK as _, &mut a) },
                "SIOCSIFNETMASK",
            )?;
            let mut f = IfReqFlags {
                name: ifname(name),
                flags: 0,
                _pad: [0; 22],
            };
            // SAFETY: SIOCGIFFLAGS/SIOCSIFFLAGS read and write one ifreq's flags.
            check(
                unsafe { libc::ioctl(s, libc::SIOCGIFFLAGS as _, &mut f) },
                "SIOCGIFFLAGS",
            )?;
            f.flags |= (libc::IFF_UP | libc::IFF_RUNNING) as libc::c_short;
            check(
                unsafe { libc::ioctl(s, libc::SIOCSIFFLAGS as _, &mut f) },
                "SIOCSIFFLAGS",
            )
        })();
        // SAFETY: `s` is ours and open.
        unsafe { libc::close(s) };
        r?;
        Ok(Tap {
            file,
            name: name.to_string(),
            ip,
            sent: 0,
            received: 0,
            buf: vec![0u8; 65536],
        })
    }

    /// Hand a frame to the kernel as if it had arrived on the wire.
    /// The TAP's descriptor, for `poll`.
    pub fn raw_fd(&self) -> std::os::fd::RawFd {
        self.file.as_raw_fd()
    }

    pub fn send(&mut self, frame: &[u8]) {
        match self.file.write(frame) {
            Ok(n) if n == frame.len() => self.sent += 1,
            Ok(n) => eprintln!("tap {}: wrote {n} of {} bytes", self.name, frame.len()),
            // a frame the kernel refuses (too short, say) is dropped, as a wire would
            Err(e) => eprintln!("tap {}: write of {} bytes: {e}", self.name, frame.len()),
        }
    }

    /// The next frame the kernel sent, if any (never blocks).
    pub fn recv(&mut self) -> Option<Vec<u8>> {
        match self.file.read(&mut self.buf) {
            Ok(n) if n > 0 => {
                self.received += 1;
                Some(self.buf[..n].to_vec())
            }
            _ => None,
        }
    }
}
