//! Host memory as the card sees it over PCIe: sparse, byte addressed, 64-bit, with an access
//! checker. Every byte the card reads or writes must lie in a region the driver gave it,
//! in the direction it gave it (rule 5: "touches memory it was not given"). A stray access
//! panics at once, naming the address, the length, the direction and the nearest region, so
//! the test that caused it fails where it happened.
//!
//! Regions are added and removed by whoever plays the driver: a test by hand now; the
//! driver-side packed ring (ring structures per queue, buffers while they are posted) next.

use std::collections::HashMap;
use std::fmt;

const PAGE: u64 = 4096;

/// Which way the card may touch a region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Device-readable (a driver-to-device buffer, a descriptor ring seen from the read side).
    Read,
    /// Device-writable.
    Write,
    /// Both (a descriptor ring: read descriptors, write used descriptors).
    ReadWrite,
}

impl Access {
    fn allows(self, write: bool) -> bool {
        match self {
            Access::Read => !write,
            Access::Write => write,
            Access::ReadWrite => true,
        }
    }
}

/// One region the card may touch.
#[derive(Clone, Debug)]
pub struct Region {
    pub start: u64,
    pub len: u64,
    pub access: Access,
    /// Who owns it, for the message: "queue 1 descriptor ring", "buffer 7 of queue 0", ...
    pub label: String,
}

/// An access the checker refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stray {
    pub write: bool,
    pub address: u64,
    pub len: u64,
    pub function: u8,
    pub nearest: Option<String>,
}

impl fmt::Display for Stray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the card (function {}) {} {} bytes at {:#x}, outside every region it was given in that direction",
            self.function,
            if self.write { "wrote" } else { "read" },
            self.len,
            self.address
        )?;
        if let Some(n) = &self.nearest {
            write!(f, " (nearest: {n})")?;
        }
        Ok(())
    }
}

/// Host memory that lives outside the model: a guest's RAM mapped from QEMU's memfds
/// (`crate::attach`). Reads and writes inside it go there instead of to the sparse pages.
pub struct Mapping {
    pub start: u64,
    pub len: u64,
    /// The first byte, mapped shared and writable for `len` bytes by whoever made the mapping,
    /// which keeps it mapped while this [`HostMemory`] uses it.
    pub base: *mut u8,
}

/// A checker that replaces the region list: `Ok` when the card (`function`) may touch `len`
/// bytes at `address`, otherwise what was wrong. It may read the memory it guards (rings, indirect tables).
pub trait AccessPolicy {
    fn check(
        &mut self,
        memory: &HostMemory,
        function: u8,
        address: u64,
        len: u64,
        write: bool,
    ) -> Result<(), String>;

    /// The card's write of `len` bytes at `address` has just landed in `memory`.
    fn written(&mut self, _memory: &HostMemory, _function: u8, _address: u64, _len: u64) {}
}

#[derive(Default)]
pub struct HostMemory {
    pages: HashMap<u64, Box<[u8; PAGE as usize]>>,
    regions: Vec<Region>,
    /// Memory mapped from outside (see [`Mapping`]).
    pub mappings: Vec<Mapping>,
    /// When set, decides every card access instead of [`HostMemory::allow`]'s regions.
    pub policy: Option<Box<dyn AccessPolicy>>,
    /// Panic on a stray access (default); when false, strays are only recorded.
    pub lenient: bool,
    /// Every stray access seen.
    pub strays: Vec<Stray>,
    /// Bytes the card read and wrote.
    pub bytes_read: u64,
    pub bytes_written: u64,
}

impl HostMemory {
    /// Let the card touch `len` bytes at `start`.
    pub fn allow(&mut self, start: u64, len: u64, access: Access, label: impl Into<String>) {
        assert!(len > 0 && start.checked_add(len).is_some());
        self.regions.push(Region {
            start,
            len,
            access,
            label: label.into(),
        });
    }

    /// Take back every region that starts at `start`.
    pub fn revoke(&mut self, start: u64) {
        self.regions.retain(|r| r.start != start);
    }

    pub fn revoke_all(&mut self) {
        self.regions.clear();
    }

    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// Whether the card may touch `len` bytes at `address` (one region must hold them all).
    pub fn allowed(&self, address: u64, len: u64, write: bool) -> bool {
        let end = address as u128 + len as u128;
        self.regions.iter().any(|r| {
            r.access.allows(write) && address >= r.start && end <= r.start as u128 + r.len as u128
        })
    }

    /// Check a card access; panics (or records, when lenient) if it is stray.
    pub fn check(&mut self, function: u8, address: u64, len: u64, write: bool) -> bool {
        if let Some(mut p) = self.policy.take() {
            let verdict = p.check(self, function, address, len, write);
            self.policy = Some(p);
            return match verdict {
                Ok(()) => true,
                Err(why) => {
                    let stray = Stray {
                        write,
                        address,
                        len,
                        function,
                        nearest: Some(why),
                    };
                    if !self.lenient {
                        panic!("{stray}");
                    }
                    self.strays.push(stray);
                    false
                }
            };
        }
        if self.allowed(address, len, write) {
            return true;
        }
        let nearest = self
            .regions
            .iter()
            .min_by_key(|r| r.start.abs_diff(address))
            .map(|r| {
                format!(
                    "{} at {:#x}+{:#x} ({:?})",
                    r.label, r.start, r.len, r.access
                )
            });
        let stray = Stray {
            write,
            address,
            len,
            function,
            nearest,
        };
        if !self.lenient {
            panic!("{stray}");
        }
        self.strays.push(stray);
        false
    }

    /// Tell the policy, if any, what a card write just put at `address`.
    pub fn written(&mut self, function: u8, address: u64, len: u64) {
        if let Some(mut p) = self.policy.take() {
            p.written(self, function, address, len);
            self.policy = Some(p);
        }
    }

    /// The mapping that holds all of `len` bytes at `address`, and the offset in it.
    pub fn mapped(&self, address: u64, len: usize) -> Option<(&Mapping, usize)> {
        self.mappings.iter().find_map(|m| {
            let off = address.checked_sub(m.start)?;
            (off.checked_add(len as u64)? <= m.len).then_some((m, off as usize))
        })
    }

    /// Host-side read (the driver's view, not checked).
    pub fn read(&self, address: u64, out: &mut [u8]) {
        if let Some((m, off)) = self.mapped(address, out.len()) {
            // SAFETY: the mapping is valid for `len` bytes (Mapping's contract) and the range
            // lies inside it; the guest may write it concurrently, as DMA races a CPU anyway.
            unsafe { std::ptr::copy_nonoverlapping(m.base.add(off), out.as_mut_ptr(), out.len()) };
            return;
        }
        for (k, b) in out.iter_mut().enumerate() {
            let a = address.wrapping_add(k as u64);
            *b = self
                .pages
                .get(&(a / PAGE))
                .map_or(0, |p| p[(a % PAGE) as usize]);
        }
    }

    pub fn read_vec(&self, address: u64, len: usize) -> Vec<u8> {
        let mut v = vec![0; len];
        self.read(address, &mut v);
        v
    }

    /// Host-side write (the driver's view, not checked).
    pub fn write(&mut self, address: u64, data: &[u8]) {
        if let Some((m, off)) = self.mapped(address, data.len()) {
            // SAFETY: as in `read`.
            unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), m.base.add(off), data.len()) };
            return;
        }
        for (k, b) in data.iter().enumerate() {
            let a = address.wrapping_add(k as u64);
            self.pages
                .entry(a / PAGE)
                .or_insert_with(|| Box::new([0; PAGE as usize]))[(a % PAGE) as usize] = *b;
        }
    }

    pub fn read_u16(&self, address: u64) -> u16 {
        let mut b = [0; 2];
        self.read(address, &mut b);
        u16::from_le_bytes(b)
    }

    pub fn read_u32(&self, address: u64) -> u32 {
        let mut b = [0; 4];
        self.read(address, &mut b);
        u32::from_le_bytes(b)
    }

    pub fn write_u16(&mut self, address: u64, v: u16) {
        self.write(address, &v.to_le_bytes());
    }

    pub fn write_u32(&mut self, address: u64, v: u32) {
        self.write(address, &v.to_le_bytes());
    }

    pub fn write_u64(&mut self, address: u64, v: u64) {
        self.write(address, &v.to_le_bytes());
    }
}
