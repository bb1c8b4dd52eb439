//! The remote side of QEMU 7.2's multi-process PCI proxy (`-device x-pci-proxy-dev,fd=N`,
//! `hw/remote/mpqemu-link.c`): one message at a time over a connected UNIX stream socket.
//!
//! | cmd | name | payload | answer |
//! |---|---|---|---|
//! | 0 | SYNC_SYSMEM | 8 x u64 gpa, 8 x u64 size, 8 x i64 offset (192 B), one memfd per region | none |
//! | 1 | RET | u64 | - |
//! | 2 | PCI_CFGWRITE | u32 addr, u32 val, i32 len (12 B) | RET |
//! | 3 | PCI_CFGREAD | the same | RET with the value |
//! | 4 | BAR_WRITE | u64 addr (absolute), u64 val, u32 size, u8 memory, 3 pad (24 B) | RET |
//! | 5 | BAR_READ | the same | RET with the value |
//! | 6 | SET_IRQFD | none; two fds (interrupt, resample) | none |
//! | 7 | DEVICE_RESET | none | RET |
//!
//! Every message is a 16-byte header (`i32 cmd`, 4 pad, `u64 size`) and `size` payload bytes;
//! fds ride as SCM_RIGHTS on the header's `sendmsg`. The header is read with its own `recvmsg`
//! so that fds never attach to the wrong message. QEMU's vCPU waits for every RET.

use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::net::UnixStream;

/// At most this many fds (and memory regions) per message (`REMOTE_MAX_FDS`).
pub const MAX_FDS: usize = 8;

/// One message from QEMU.
#[derive(Debug)]
pub enum Msg {
    /// Guest RAM regions: (guest physical address, size, offset in the fd, fd).
    SyncSysmem(Vec<(u64, u64, i64, OwnedFd)>),
    CfgWrite {
        addr: u32,
        val: u32,
        len: u32,
    },
    CfgRead {
        addr: u32,
        len: u32,
    },
    BarWrite {
        addr: u64,
        val: u64,
        size: u32,
        memory: bool,
    },
    BarRead {
        addr: u64,
        size: u32,
        memory: bool,
    },
    /// The interrupt eventfd and its resample eventfd (QEMU reads them only under KVM).
    SetIrqfd(Vec<OwnedFd>),
    DeviceReset,
    /// A command this side does not know: its number (answered with RET 0).
    Other(i32),
}

fn u64_at(b: &[u8], k: usize) -> u64 {
    u64::from_le_bytes(b[8 * k..8 * k + 8].try_into().unwrap())
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(b[off..off + 4].try_into().unwrap())
}

/// Read the 16-byte header with any fds attached to it.
fn recv_header(sock: &UnixStream) -> io::Result<([u8; 16], Vec<OwnedFd>)> {
    let mut hdr = [0u8; 16];
    let mut got = 0;
    let mut fds = Vec::new();
    while got < hdr.len() {
        let mut iov = libc::iovec {
            iov_base: hdr[got..].as_mut_ptr().cast(),
            iov_len: hdr.len() - got,
        };
        // Room for MAX_FDS ints, aligned as cmsghdr wants.
        let mut cbuf = [0u64; 16];
        let mut mh: libc::msghdr = unsafe { std::mem::zeroed() };
        mh.msg_iov = &mut iov;
        mh.msg_iovlen = 1;
        mh.msg_control = cbuf.as_mut_ptr().cast();
        mh.msg_controllen = std::mem::size_of_val(&cbuf);
        // SAFETY: every pointer in `mh` points at live buffers of the stated sizes.
        let n = unsafe { libc::recvmsg(sock.as_raw_fd(), &mut mh, libc::MSG_CMSG_CLOEXEC) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "QEMU closed the proxy socket",
            ));
        }
        // SAFETY: walking the control buffer the kernel just filled.
        unsafe {
            let mut c = libc::CMSG_FIRSTHDR(&mh);
            while !c.is_null() {
                if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SCM_RIGHTS {
                    let data = libc::CMSG_DATA(c) as *const libc::c_int;
                    let count = ((*c).cmsg_len as usize - libc::CMSG_LEN(0) as usize)
                        / std::mem::size_of::<libc::c_int>();
                    for k in 0..count {
                        fds.push(OwnedFd::from_raw_fd(*data.add(k)));
                    }
                }
                c = libc::CMSG_NXTHDR(&mh, c);
            }
        }
        got += n as usize;
    }
    Ok((hdr, fds))
}

/// Read one message. Blocks until it is whole.
pub fn recv(sock: &mut UnixStream) -> io::Result<Msg> {
    let (hdr, fds) = recv_header(sock)?;
    let cmd = i32::from_le_bytes(hdr[0..4].try_into().unwrap());
    let size = u64::from_le_bytes(hdr[8..16].try_into().unwrap()) as usize;
    if size > 4096 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("proxy message {cmd} claims {size} payload bytes"),
        ));
    }
    let mut p = vec![0u8; size];
    sock.read_exact(&mut p)?;
    let short = |want: usize| {
        if size < want {
            Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("proxy message {cmd}: {size} payload bytes, {want} needed"),
            ))
        } else {
            Ok(())
        }
    };
    Ok(match cmd {
        0 => {
            short(192)?;
            let regions = fds
                .into_iter()
                .enumerate()
                .map(|(k, fd)| {
                    (
                        u64_at(&p, k),
                        u64_at(&p, 8 + k),
                        u64_at(&p, 16 + k) as i64,
                        fd,
                    )
                })
                .collect();
            Msg::SyncSysmem(regions)
        }
        2 | 3 => {
            short(12)?;
            let (addr, val, len) = (u32_at(&p, 0), u32_at(&p, 4), u32_at(&p, 8));
            if cmd == 2 {
                Msg::CfgWrite { addr, val, len }
            } else {
                Msg::CfgRead { addr, len }
            }
        }
        4 | 5 => {
            short(21)?;
            let (addr, val, size, memory) =
                (u64_at(&p, 0), u64_at(&p, 1), u32_at(&p, 16), p[20] != 0);
            if cmd == 4 {
                Msg::BarWrite {
                    addr,
                    val,
                    size,
                    memory,
                }
            } else {
                Msg::BarRead { addr, size, memory }
            }
        }
        6 => Msg::SetIrqfd(fds),
        7 => Msg::DeviceReset,
        other => Msg::Other(other),
    })
}

/// Answer the message just read: RET with `value`.
pub fn ret(sock: &mut UnixStream, value: u64) -> io::Result<()> {
    let mut m = [0u8; 24];
    m[0..4].copy_from_slice(&1i32.to_le_bytes());
    m[8..16].copy_from_slice(&8u64.to_le_bytes());
    m[16..24].copy_from_slice(&value.to_le_bytes());
    sock.write_all(&m)
}

/// Whether `sock` has a message waiting (or was closed), without blocking.
pub fn readable(sock: &UnixStream) -> bool {
    let mut p = libc::pollfd {
        fd: sock.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    unsafe { libc::poll(&mut p, 1, 0) > 0 }
}

/// QEMU's side of a message (`mpqemu_msg_send`): header and payload in one `sendmsg`, `fds`
/// attached. The bridge never sends anything but RET; tests play QEMU with this.
pub fn send(sock: &UnixStream, cmd: i32, payload: &[u8], fds: &[i32]) -> io::Result<()> {
    let mut m = Vec::with_capacity(16 + payload.len());
    m.extend_from_slice(&cmd.to_le_bytes());
    m.extend_from_slice(&[0; 4]);
    m.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    m.extend_from_slice(payload);
    let mut iov = libc::iovec {
        iov_base: m.as_mut_ptr().cast(),
        iov_len: m.len(),
    };
    let mut cbuf = [0u64; 16];
    let mut mh: libc::msghdr = unsafe { std::mem::zeroed() };
    mh.msg_iov = &mut iov;
    mh.msg_iovlen = 1;
    if !fds.is_empty() {
        let bytes = std::mem::size_of_val(fds);
        // SAFETY: the control buffer holds one cmsghdr with up to MAX_FDS ints.
        unsafe {
            mh.msg_control = cbuf.as_mut_ptr().cast();
            mh.msg_controllen = libc::CMSG_SPACE(bytes as u32) as usize;
            let c = libc::CMSG_FIRSTHDR(&mh);
            (*c).cmsg_level = libc::SOL_SOCKET;
            (*c).cmsg_type = libc::SCM_RIGHTS;
            (*c).cmsg_len = libc::CMSG_LEN(bytes as u32) as usize;
            std::ptr::copy_nonoverlapping(fds.as_ptr(), libc::CMSG_DATA(c) as *mut i32, fds.len());
        }
    }
    // SAFETY: `mh` points at live buffers.
    let n = unsafe { libc::sendmsg(sock.as_raw_fd(), &mh, 0) };
    if n as usize != m.len() {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mpqemu_messages_decode_with_their_fds_and_ret_is_24_bytes() {
        let (q, mut r) = UnixStream::pair().unwrap();
        // BAR_WRITE: 24-byte payload.
        let mut p = Vec::new();
        p.extend_from_slice(&0xfebf_1014u64.to_le_bytes());
        p.extend_from_slice(&0x1234u64.to_le_bytes());
        p.extend_from_slice(&2u32.to_le_bytes());
        p.extend_from_slice(&[1, 0, 0, 0]);
        send(&q, 4, &p, &[]).unwrap();
        match recv(&mut r).unwrap() {
            Msg::BarWrite {
                addr,
                val,
                size,
                memory,
            } => {
                assert_eq!((addr, val, size, memory), (0xfebf_1014, 0x1234, 2, true))
            }
            m => panic!("{m:?}"),
        }
        // PCI_CFGREAD.
        let mut p = Vec::new();
        p.extend_from_slice(&0x2eu32.to_le_bytes());
        p.extend_from_slice(&0u32.to_le_bytes());
        p.extend_from_slice(&2i32.to_le_bytes());
        send(&q, 3, &p, &[]).unwrap();
        assert!(matches!(
            recv(&mut r).unwrap(),
            Msg::CfgRead { addr: 0x2e, len: 2 }
        ));
        // SYNC_SYSMEM with two regions: the fds arrive with their message, in order.
        let a = std::fs::File::open("/dev/null").unwrap();
        let b = std::fs::File::open("/dev/zero").unwrap();
        let mut p = vec![0u8; 192];
        p[0..8].copy_from_slice(&0u64.to_le_bytes());
        p[8..16].copy_from_slice(&0x10_0000u64.to_le_bytes());
        p[64..72].copy_from_slice(&0xc_0000u64.to_le_bytes());
        p[72..80].copy_from_slice(&0x1000_0000u64.to_le_bytes());
        p[136..144].copy_from_slice(&0x10_0000i64.to_le_bytes());
        send(&q, 0, &p, &[a.as_raw_fd(), b.as_raw_fd()]).unwrap();
        send(&q, 7, &[], &[]).unwrap();
        match recv(&mut r).unwrap() {
            Msg::SyncSysmem(v) => {
                assert_eq!(v.len(), 2);
                assert_eq!((v[0].0, v[0].1, v[0].2), (0, 0xc_0000, 0));
                assert_eq!(
                    (v[1].0, v[1].1, v[1].2),
                    (0x10_0000, 0x1000_0000, 0x10_0000)
                );
                let target = |fd: &OwnedFd| {
                    std::fs::read_link(format!("/proc/self/fd/{}", fd.as_raw_fd())).unwrap()
                };
                assert_eq!(target(&v[0].3), std::path::PathBuf::from("/dev/null"));
                assert_eq!(target(&v[1].3), std::path::PathBuf::from("/dev/zero"));
            }
            m => panic!("{m:?}"),
        }
        assert!(matches!(recv(&mut r).unwrap(), Msg::DeviceReset));
        assert!(!readable(&r));
        // RET: header (cmd 1, size 8) and the value.
        ret(&mut r, 0xdead_beef).unwrap();
        let mut got = [0u8; 24];
        let mut q = q;
        q.read_exact(&mut got).unwrap();
        assert_eq!(i32::from_le_bytes(got[0..4].try_into().unwrap()), 1);
        assert_eq!(u64::from_le_bytes(got[8..16].try_into().unwrap()), 8);
        assert_eq!(
            u64::from_le_bytes(got[16..24].try_into().unwrap()),
            0xdead_beef
        );
    }
}
