//! The bridge's access checker (rule 5 against a real guest): every DMA the card makes must
//! lie in guest RAM and in something the guest's driver gave the card's function:
//!
//! | what | direction | known from |
//! |---|---|---|
//! | descriptor ring of an enabled queue (`16 x queue_size` bytes) | read and write | the card's common configuration, read back when the driver writes `queue_enable = 1` |
//! | driver event suppression area (4 bytes) | read | the same |
//! | device event suppression area (4 bytes) | write | the same |
//! | a buffer posted and not yet used: each descriptor of its chain, and an indirect table and its descriptors | device-writable descriptors: write; others: read | scans of the descriptor ring |
//!
//! Posting is followed the way the driver makes buffers available: from the queue's start
//! (slot 0, wrap counter 1) a scan takes each chain whose head is available in the current
//! lap (AVAIL = wrap, USED != wrap, PQ-4), keys it by its buffer ID (in the chain's last
//! descriptor, PQ-7) and moves on; a scan runs when the driver notifies a queue and, before
//! an access is called stray, once more (the driver may post without notifying, under event
//! suppression). A buffer is retired when the card writes a used element with its ID into
//! the ring (AVAIL = USED), seen in the write itself, so out-of-order completion and slots the
//! driver fills again at once are both followed. Device status 0 or a queue reset forgets the
//! function's or the queue's rings. This is what the driver posted as guest memory shows it,
//! not the driver's own bookkeeping (which the test host model has and the bridge has not);
//! with IN_ORDER's batched used elements (PQ-16), earlier buffers of a batch stay allowed.

use crate::host::memory::{AccessPolicy, HostMemory};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::host::ring::{F_AVAIL, F_INDIRECT, F_NEXT, F_USED, F_WRITE};

/// One enabled queue's ring addresses.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ring {
    pub size: u16,
    pub desc: u64,
    pub driver: u64,
    pub device: u64,
}

/// A segment the card may touch: (address, length, device-writable).
type Seg = (u64, u64, bool);

struct Queue {
    ring: Ring,
    /// The driver's next slot and its wrap counter, as far as scans have followed it.
    avail_next: u16,
    avail_wrap: bool,
}

#[derive(Default)]
struct Function {
    queues: HashMap<u16, Queue>,
    /// Posted buffers by (queue, buffer ID).
    posted: HashMap<(u16, u16), Vec<Seg>>,
}

/// What the bridge knows of both functions' queues. Shared between the bridge (which sees the
/// driver's register writes) and [`Checker`] (which sits in [`HostMemory`]).
#[derive(Default)]
pub struct Rings {
    f: [Function; 2],
    /// Accesses the checker allowed, scans it ran, buffers it saw posted and retired.
    pub allowed: u64,
    pub scans: u64,
    pub posted: u64,
    pub retired: u64,
}

fn desc_at(raw: &[u8]) -> (u64, u64, u16, u16) {
    (
        u64::from_le_bytes(raw[0..8].try_into().unwrap()),
        u32::from_le_bytes(raw[8..12].try_into().unwrap()) as u64,
        u16::from_le_bytes(raw[12..14].try_into().unwrap()),
        u16::from_le_bytes(raw[14..16].try_into().unwrap()),
    )
}

impl Rings {
    pub fn enable(&mut self, function: u8, queue: u16, ring: Ring) {
        let f = &mut self.f[function as usize & 1];
        f.queues.insert(
            queue,
            Queue {
                ring,
                avail_next: 0,
                avail_wrap: true,
            },
        );
        f.posted.retain(|k, _| k.0 != queue);
    }

    pub fn reset_queue(&mut self, function: u8, queue: u16) {
        let f = &mut self.f[function as usize & 1];
        f.queues.remove(&queue);
        f.posted.retain(|k, _| k.0 != queue);
    }

    pub fn reset_function(&mut self, function: u8) {
        self.f[function as usize & 1] = Function::default();
    }

    pub fn enabled_queues(&self, function: u8) -> usize {
        self.f[function as usize & 1].queues.len()
    }

    /// Follow the driver along `queue`'s descriptor ring: every chain made available since
    /// the last scan is posted.
    pub fn scan(&mut self, memory: &HostMemory, function: u8, queue: u16) {
        let f = &mut self.f[function as usize & 1];
        let Some(q) = f.queues.get_mut(&queue) else {
            return;
        };
        self.scans += 1;
        let n = q.ring.size as usize;
        if n == 0 {
            return;
        }
        let mut raw = vec![0u8; 16 * n];
        memory.read(q.ring.desc, &mut raw);
        let d = |i: usize| desc_at(&raw[16 * i..16 * i + 16]);
        let mut budget = n;
        while budget > 0 {
            let (_, _, _, flags) = d(q.avail_next as usize);
            let available =
                (flags & F_AVAIL != 0) == q.avail_wrap && (flags & F_USED != 0) != q.avail_wrap;
            if !available {
                break;
            }
            // The head is available, so its whole chain is (the driver writes it last).
            let mut segs: Vec<Seg> = Vec::new();
            let mut i = q.avail_next as usize;
            let mut wrap = q.avail_wrap;
            let id = loop {
                let (addr, len, id, flags) = d(i);
                if flags & F_INDIRECT != 0 {
                    segs.push((addr, len, false));
                    let count = (len / 16).min(1024) as usize;
                    let mut t = vec![0u8; 16 * count];
                    memory.read(addr, &mut t);
                    for e in t.chunks(16) {
                        let (a, l, _, fl) = desc_at(e);
                        segs.push((a, l, fl & F_WRITE != 0));
                    }
                } else {
                    segs.push((addr, len, flags & F_WRITE != 0));
                }
                i += 1;
                if i == n {
                    i = 0;
                    wrap = !wrap;
                }
                budget -= 1;
                if flags & F_NEXT == 0 || budget == 0 {
                    break id;
                }
            };
            q.avail_next = i as u16;
            q.avail_wrap = wrap;
            f.posted.insert((queue, id), segs);
            self.posted += 1;
        }
    }

    fn scan_function(&mut self, memory: &HostMemory, function: u8) {
        let queues: Vec<u16> = self.f[function as usize & 1]
            .queues
            .keys()
            .copied()
            .collect();
        for q in queues {
            self.scan(memory, function, q);
        }
    }

    /// The card wrote `len` bytes at `address` (now in `memory`): a used element whose flags
    /// were in the write (the device writes them last, PQ-9) retires its buffer.
    pub fn written(&mut self, memory: &HostMemory, function: u8, address: u64, len: u64) {
        let f = &mut self.f[function as usize & 1];
        let end = address + len;
        let mut retire = Vec::new();
        for (&qi, q) in &f.queues {
            let (s, l) = (q.ring.desc, 16 * q.ring.size as u64);
            if end <= s || address >= s + l {
                continue;
            }
            // Every slot whose flags field (bytes 14-15) the write touched.
            let first = s + (address.max(s) - s) / 16 * 16;
            let mut slot = first;
            while slot < end.min(s + l) {
                if slot + 14 < end && slot + 16 > address {
                    let (_, _, id, flags) = desc_at(&memory.read_vec(slot, 16));
                    if (flags & F_AVAIL != 0) == (flags & F_USED != 0) {
                        retire.push((qi, id));
                    }
                }
                slot += 16;
            }
        }
        for k in retire {
            if f.posted.remove(&k).is_some() {
                self.retired += 1;
            }
        }
    }

    fn find(&self, function: u8, address: u64, len: u64, write: bool) -> bool {
        let f = &self.f[function as usize & 1];
        let inside =
            |s: u64, l: u64| address >= s && address as u128 + len as u128 <= s as u128 + l as u128;
        f.queues.values().any(|q| {
            let r = q.ring;
            inside(r.desc, 16 * r.size as u64)
                || (!write && inside(r.driver, 4))
                || (write && inside(r.device, 4))
        }) || f
            .posted
            .values()
            .flatten()
            .any(|&(s, l, w)| w == write && inside(s, l))
    }
}

/// The [`AccessPolicy`] that [`crate::attach`] installs in [`HostMemory`].
pub struct Checker(pub Rc<RefCell<Rings>>);

impl AccessPolicy for Checker {
    fn check(
        &mut self,
        memory: &HostMemory,
        function: u8,
        address: u64,
        len: u64,
        write: bool,
    ) -> Result<(), String> {
        if len == 0 {
            return Ok(());
        }
        if memory.mapped(address, len as usize).is_none() {
            return Err("outside guest RAM".into());
        }
        let mut rings = self.0.borrow_mut();
        if !rings.find(function, address, len, write) {
            rings.scan_function(memory, function);
            if !rings.find(function, address, len, write) {
                return Err(format!(
                    "in no ring and no posted {} buffer of function {function}'s {} enabled queues",
                    if write {
                        "device-writable"
                    } else {
                        "device-readable"
                    },
                    rings.enabled_queues(function)
                ));
            }
        }
        rings.allowed += 1;
        Ok(())
    }

    fn written(&mut self, memory: &HostMemory, function: u8, address: u64, len: u64) {
        self.0.borrow_mut().written(memory, function, address, len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::memory::Mapping;

    const RAM: u64 = 0x10_0000;

    use crate::host::ring::DriverRing;

    fn desc(m: &mut HostMemory, at: u64, addr: u64, len: u32, id: u16, flags: u16) {
        DriverRing::write_desc(m, at, addr, len, id, flags);
    }

    /// Guest RAM of 1 MiB at 0 with one queue of 4 descriptors: buffer 0 (one device-writable
    /// descriptor), buffer 1 (a chain: readable header, writable data), buffer 2 (an indirect
    /// table of a readable and a writable descriptor). Driver wrap counter 1.
    fn setup(ram: &mut [u8]) -> (HostMemory, Checker, Rc<RefCell<Rings>>) {
        let mut m = HostMemory::default();
        m.mappings.push(Mapping {
            start: 0,
            len: RAM,
            base: ram.as_mut_ptr(),
        });
        let av = F_AVAIL;
        desc(&mut m, 0x1000, 0x10000, 100, 0, av | F_WRITE);
        desc(&mut m, 0x1010, 0x20000, 16, 9, av | F_NEXT);
        desc(&mut m, 0x1020, 0x21000, 512, 1, av | F_WRITE);
        desc(&mut m, 0x1030, 0x30000, 32, 2, av | F_INDIRECT);
        desc(&mut m, 0x30000, 0x40000, 8, 0, 0);
        desc(&mut m, 0x30010, 0x41000, 64, 0, F_WRITE);
        let rings = Rc::new(RefCell::new(Rings::default()));
        rings.borrow_mut().enable(
            0,
            0,
            Ring {
                size: 4,
                desc: 0x1000,
                driver: 0x2000,
                device: 0x3000,
            },
        );
        (m, Checker(rings.clone()), rings)
    }

    #[test]
    fn checker_allows_rings_and_posted_buffers_in_their_direction_only() {
        let mut ram = vec![0u8; RAM as usize];
        let (m, mut c, _) = setup(&mut ram);
        let mut ok = |a: u64, l: u64, w: bool| c.check(&m, 0, a, l, w);
        assert!(ok(0x10000 + 10, 40, true).is_ok(), "writable buffer");
        assert!(
            ok(0x10000 + 10, 40, false).is_err(),
            "read of a device-writable buffer"
        );
        assert!(ok(0x10000 + 90, 20, true).is_err(), "past the buffer's end");
        assert!(ok(0x20000, 16, false).is_ok(), "chain head, readable");
        assert!(ok(0x21000, 512, true).is_ok(), "chain tail, writable");
        assert!(ok(0x30000, 32, false).is_ok(), "indirect table");
        assert!(ok(0x30000, 32, true).is_err(), "write to an indirect table");
        assert!(
            ok(0x40000, 8, false).is_ok() && ok(0x41000, 64, true).is_ok(),
            "indirect buffers"
        );
        assert!(
            ok(0x41000, 64, false).is_err(),
            "indirect writable buffer read"
        );
        assert!(
            ok(0x1000, 64, false).is_ok() && ok(0x1010, 16, true).is_ok(),
            "descriptor ring"
        );
        assert!(
            ok(0x2000, 4, false).is_ok() && ok(0x2000, 4, true).is_err(),
            "driver area"
        );
        assert!(ok(0x3000, 4, true).is_ok(), "device area");
        assert!(ok(0x50000, 4, true).is_err(), "memory nobody gave");
        let e = ok(RAM - 2, 4, true).unwrap_err();
        assert!(e.contains("guest RAM"), "{e}");
        assert!(
            c.check(&m, 1, 0x10000, 4, true).is_err(),
            "another function's buffer"
        );
    }

    #[test]
    fn checker_retires_a_buffer_when_its_used_element_appears_even_out_of_order() {
        let mut ram = vec![0u8; RAM as usize];
        let (mut m, mut c, rings) = setup(&mut ram);
        assert!(c.check(&m, 0, 0x21000, 8, true).is_ok());
        // The device completes buffer 1 first: its used element lands in slot 0, over
        // buffer 0's descriptor (AVAIL = USED = the wrap counter).
        desc(&mut m, 0x1000, 0, 512, 1, F_AVAIL | F_USED);
        c.written(&m, 0, 0x1008, 8);
        assert!(
            c.check(&m, 0, 0x21000, 8, true).is_err(),
            "buffer 1 was retired"
        );
        assert!(
            c.check(&m, 0, 0x10000, 8, true).is_ok(),
            "buffer 0 is still posted"
        );
        // The driver posts a new buffer with ID 1 in slot 0 on the next lap (wrap 0:
        // AVAIL clear, USED set); a write to it is allowed after a rescan.
        desc(&mut m, 0x1000, 0x60000, 64, 1, F_USED | F_WRITE);
        assert!(c.check(&m, 0, 0x60000, 64, true).is_ok());
        rings.borrow_mut().reset_function(0);
        assert!(
            c.check(&m, 0, 0x10000, 8, true).is_err(),
            "device reset forgets"
        );
        assert!(c.check(&m, 0, 0x1000, 16, false).is_err(), "and the rings");
    }
}
