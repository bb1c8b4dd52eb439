//! The guest's RAM as QEMU shares it (`memory-backend-memfd,share=on`): each SYNC_SYSMEM
//! names up to eight regions (guest physical address, size, offset in a memfd). They are
//! mapped shared here, so the card's DMA reads and writes the guest's own memory, and handed
//! to [`HostMemory`] as [`Mapping`]s. A new SYNC_SYSMEM replaces the whole map (QEMU sends
//! one whenever its memory map changes: at start two regions, later merged).

use crate::host::memory::{HostMemory, Mapping};
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};

struct Region {
    gpa: u64,
    size: u64,
    base: *mut u8,
    map_len: usize,
}

/// The regions mapped now.
#[derive(Default)]
pub struct GuestRam {
    regions: Vec<Region>,
}

impl GuestRam {
    /// Map `regions` (replacing what was mapped) and point `memory` at them.
    pub fn sync(
        &mut self,
        regions: Vec<(u64, u64, i64, OwnedFd)>,
        memory: &mut HostMemory,
    ) -> io::Result<()> {
        memory.mappings.clear();
        self.unmap();
        for (gpa, size, offset, fd) in regions {
            if size == 0 {
                continue;
            }
            // mmap wants a page-aligned offset.
            let page = 4096i64;
            let skew = (offset % page) as usize;
            let map_len = size as usize + skew;
            // SAFETY: a fresh shared mapping of a file QEMU handed us; checked below.
            let p = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    map_len,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_SHARED,
                    fd.as_raw_fd(),
                    offset - skew as i64,
                )
            };
            if p == libc::MAP_FAILED {
                return Err(io::Error::last_os_error());
            }
            // SAFETY: inside the mapping just made.
            let base = unsafe { (p as *mut u8).add(skew) };
            self.regions.push(Region {
                gpa,
                size,
                base,
                map_len,
            });
            memory.mappings.push(Mapping {
                start: gpa,
                len: size,
                base,
            });
        }
        Ok(())
    }

    /// (guest physical address, size) of each region.
    pub fn regions(&self) -> Vec<(u64, u64)> {
        self.regions.iter().map(|r| (r.gpa, r.size)).collect()
    }

    fn unmap(&mut self) {
        for r in self.regions.drain(..) {
            // SAFETY: undoing our own mapping; `base - skew` is where mmap put it.
            unsafe {
                let skew = r.map_len - r.size as usize;
                libc::munmap(r.base.sub(skew).cast(), r.map_len);
            }
        }
    }
}

impl Drop for GuestRam {
    fn drop(&mut self) {
        self.unmap();
    }
}
