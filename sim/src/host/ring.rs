//! The driver's side of one packed virtqueue, in Rust, the way Linux's `virtio_ring.c` drives
//! one (shared/virtio/packed-virtqueue.md): it lays buffers out in every legal shape, makes
//! them available head last, reads used descriptors, and keeps the host memory checker's
//! regions in step, so the card may touch a buffer only while it is posted.
//!
//! Shapes: chains of any length (readable segments first, then writable), or one ring slot
//! pointing at an indirect table; any queue size 1..=32768; ring wrap both ways. Event
//! suppression of the Driver Area is written on request (ENABLE, DISABLE, DESC with
//! EVENT_IDX). The doorbell value with NOTIFICATION_DATA is `notify_value`.
//!
//! A used descriptor is checked as it is read: its id must be in flight (a buffer completed
//! twice, or never posted, panics), `len` must not exceed the buffer's writable bytes, WRITE
//! must be set iff `len` > 0 (the device wrote), and both flag bits must equal the driver's
//! used wrap counter (PQ-4).

use super::memory::{Access, HostMemory};
use std::collections::{HashMap, VecDeque};

pub const F_NEXT: u16 = 1;
pub const F_WRITE: u16 = 2;
pub const F_INDIRECT: u16 = 4;
pub const F_AVAIL: u16 = 1 << 7;
pub const F_USED: u16 = 1 << 15;

/// Event suppression modes (desc_event_flags).
pub const EVENT_ENABLE: u16 = 0;
pub const EVENT_DISABLE: u16 = 1;
pub const EVENT_DESC: u16 = 2;

/// One element of a buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub addr: u64,
    pub len: u32,
    pub write: bool,
}

/// A used descriptor the driver read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Used {
    pub id: u16,
    pub len: u32,
    pub segments: Vec<Segment>,
    /// Slot of the ring it was read from.
    pub slot: u16,
}

#[derive(Clone, Debug)]
struct Posted {
    segments: Vec<Segment>,
    /// Ring slots it took (1 for an indirect buffer).
    slots: u16,
    /// The ring slot of its first descriptor.
    head: u16,
    table: Option<(u64, u64)>,
}

impl Posted {
    /// The buffer is the driver's again: take its regions (and its table's) from the checker.
    fn revoke(&self, memory: &mut HostMemory) {
        for s in self.segments.iter().filter(|s| s.len > 0) {
            memory.revoke(s.addr);
        }
        if let Some((t, _)) = self.table {
            memory.revoke(t);
        }
    }
}

/// Bytes of a buffer's device-writable segments.
pub fn writable_bytes(segments: &[Segment]) -> u64 {
    segments
        .iter()
        .filter(|s| s.write)
        .map(|s| s.len as u64)
        .sum()
}

pub struct DriverRing {
    pub function: u8,
    pub queue: u16,
    pub size: u16,
    pub desc: u64,
    pub driver_area: u64,
    pub device_area: u64,
    next_avail: u16,
    avail_wrap: bool,
    next_used: u16,
    used_wrap: bool,
    free_slots: u16,
    /// Free buffer ids, handed out oldest-freed first.
    free_ids: VecDeque<u16>,
    posted: HashMap<u16, Posted>,
    /// Buffers completed, in the order the driver saw them.
    pub completed: u64,
    /// VIRTIO_F_IN_ORDER was negotiated: `poll_used` fails the test when a buffer is used out
    /// of the order it was made available (PQ-18).
    pub in_order: bool,
}

impl DriverRing {
    /// A zeroed ring of `size` at `desc`, with its event structures; the checker lets the
    /// card read and write the descriptor ring, read the Driver Area and write the Device Area.
    pub fn new(
        memory: &mut HostMemory,
        function: u8,
        queue: u16,
        size: u16,
        desc: u64,
        driver_area: u64,
        device_area: u64,
    ) -> Self {
        assert!((1..=32768).contains(&size), "PQ-2: queue size 1..=32768");
        assert!(
            desc.is_multiple_of(16)
                && driver_area.is_multiple_of(4)
                && device_area.is_multiple_of(4),
            "PQ-23 alignment"
        );
        memory.write(desc, &vec![0; 16 * size as usize]);
        memory.write(driver_area, &[0; 4]);
        memory.write(device_area, &[0; 4]);
        let label = |what: &str| format!("function {function} queue {queue} {what}");
        memory.allow(
            desc,
            16 * size as u64,
            Access::ReadWrite,
            label("descriptor ring"),
        );
        memory.allow(driver_area, 4, Access::Read, label("driver area"));
        memory.allow(device_area, 4, Access::Write, label("device area"));
        DriverRing {
            function,
            queue,
            size,
            desc,
            driver_area,
            device_area,
            next_avail: 0,
            avail_wrap: true,
            next_used: 0,
            used_wrap: true,
            free_slots: size,
            free_ids: (0..size).collect(),
            posted: HashMap::new(),
            completed: 0,
            in_order: false,
        }
    }

    /// Buffers posted and not yet used.
    pub fn in_flight(&self) -> usize {
        self.posted.len()
    }

    pub fn free_slots(&self) -> u16 {
        self.free_slots
    }

    fn flags(&self, mut f: u16) -> u16 {
        if self.avail_wrap {
            f |= F_AVAIL;
        } else {
            f |= F_USED;
        }
        f
    }

    /// One packed descriptor (PQ-3's layout) written at `at`.
    pub fn write_desc(memory: &mut HostMemory, at: u64, addr: u64, len: u32, id: u16, flags: u16) {
        let mut d = [0u8; 16];
        d[0..8].copy_from_slice(&addr.to_le_bytes());
        d[8..12].copy_from_slice(&len.to_le_bytes());
        d[12..14].copy_from_slice(&id.to_le_bytes());
        d[14..16].copy_from_slice(&flags.to_le_bytes());
        memory.write(at, &d);
    }

    fn allow_segments(&self, memory: &mut HostMemory, id: u16, segs: &[Segment]) {
        for s in segs.iter().filter(|s| s.len > 0) {
            memory.allow(
                s.addr,
                s.len as u64,
                if s.write { Access::Write } else { Access::Read },
                format!(
                    "function {} queue {} buffer {id}",
                    self.function, self.queue
                ),
            );
        }
    }

    /// Post a chain of `segs` (readable first). None when the ring has no room.
    pub fn post_chain(&mut self, memory: &mut HostMemory, segs: &[Segment]) -> Option<u16> {
        assert!(!segs.is_empty());
        let n = segs.len() as u16;
        if n > self.free_slots || self.free_ids.is_empty() {
            return None;
        }
        let id = self.free_ids.pop_front().unwrap();
        let first = self.next_avail;
        self.allow_segments(memory, id, segs);
        // Lay out every descriptor but the head, then the head (PQ-5's other side).
        let mut head = None;
        for (k, s) in segs.iter().enumerate() {
            let mut f = if s.write { F_WRITE } else { 0 };
            if k + 1 < segs.len() {
                f |= F_NEXT;
            }
            let flags = self.flags(f);
            let at = self.desc + 16 * self.next_avail as u64;
            let this_id = if k + 1 == segs.len() { id } else { 0 };
            if k == 0 {
                head = Some((at, s.addr, s.len, this_id, flags));
            } else {
                Self::write_desc(memory, at, s.addr, s.len, this_id, flags);
            }
            self.advance_avail();
        }
        let (at, addr, len, hid, flags) = head.unwrap();
        Self::write_desc(memory, at, addr, len, hid, flags);
        self.free_slots -= n;
        self.posted.insert(
            id,
            Posted {
                segments: segs.to_vec(),
                slots: n,
                head: first,
                table: None,
            },
        );
        Some(id)
    }

    /// Post `segs` through an indirect table at `table` (16-byte aligned, 16 x len bytes).
    pub fn post_indirect(
        &mut self,
        memory: &mut HostMemory,
        table: u64,
        segs: &[Segment],
    ) -> Option<u16> {
        if self.free_slots == 0 || self.free_ids.is_empty() {
            return None;
        }
        let id = self.free_ids.pop_front().unwrap();
        self.allow_segments(memory, id, segs);
        for (k, s) in segs.iter().enumerate() {
            // Only WRITE counts in table entries; put junk in the others to prove it (PQ-16).
            let f = if s.write { F_WRITE } else { 0 } | F_AVAIL;
            Self::write_desc(memory, table + 16 * k as u64, s.addr, s.len, 0xbeef, f);
        }
        let tlen = 16 * segs.len() as u64;
        memory.allow(
            table,
            tlen,
            Access::Read,
            format!(
                "function {} queue {} indirect table of buffer {id}",
                self.function, self.queue
            ),
        );
        let first = self.next_avail;
        let at = self.desc + 16 * first as u64;
        let flags = self.flags(F_INDIRECT);
        Self::write_desc(memory, at, table, tlen as u32, id, flags);
        self.advance_avail();
        self.free_slots -= 1;
        self.posted.insert(
            id,
            Posted {
                segments: segs.to_vec(),
                slots: 1,
                head: first,
                table: Some((table, tlen)),
            },
        );
        Some(id)
    }

    fn advance_avail(&mut self) {
        self.next_avail += 1;
        if self.next_avail == self.size {
            self.next_avail = 0;
            self.avail_wrap = !self.avail_wrap;
        }
    }

    /// The doorbell value with NOTIFICATION_DATA: {next_wrap, next_off, vqn}.
    pub fn notify_value(&self) -> u32 {
        ((self.avail_wrap as u32) << 31) | ((self.next_avail as u32) << 16) | self.queue as u32
    }

    /// Next used position and wrap counter (for DESC event suppression).
    pub fn used_position(&self) -> (u16, bool) {
        (self.next_used, self.used_wrap)
    }

    /// Write the Driver Event Suppression structure.
    pub fn set_event(&mut self, memory: &mut HostMemory, mode: u16, off: u16, wrap: bool) {
        let desc = off | ((wrap as u16) << 15);
        memory.write_u32(self.driver_area, desc as u32 | ((mode as u32) << 16));
    }

    /// The Device Event Suppression structure as the card left it: (flags, off, wrap).
    pub fn device_event(&self, memory: &HostMemory) -> (u16, u16, bool) {
        let v = memory.read_u32(self.device_area);
        ((v >> 16) as u16 & 3, v as u16 & 0x7fff, v & 0x8000 != 0)
    }

    /// Read the next used descriptor, if the card wrote it; checks it and frees the buffer.
    pub fn poll_used(&mut self, memory: &mut HostMemory) -> Option<Used> {
        let at = self.desc + 16 * self.next_used as u64;
        let flags = memory.read_u16(at + 14);
        let avail = flags & F_AVAIL != 0;
        let used = flags & F_USED != 0;
        if avail != self.used_wrap || used != self.used_wrap {
            return None;
        }
        let len = memory.read_u32(at + 8);
        let id = memory.read_u16(at + 12);
        let slot = self.next_used;
        let p = self.posted.remove(&id).unwrap_or_else(|| {
            panic!(
                "function {} queue {}: used descriptor at slot {slot} names buffer {id}, which is not in flight",
                self.function, self.queue
            )
        });
        assert!(
            !self.in_order || p.head == slot,
            "function {} queue {}: IN_ORDER negotiated but buffer {id} (made available at slot {}) was used at slot {slot}, ahead of an older buffer (PQ-18)",
            self.function,
            self.queue,
            p.head
        );
        let writable = writable_bytes(&p.segments);
        assert!(
            len as u64 <= writable,
            "queue {}: buffer {id} used with len {len} but has {writable} writable bytes",
            self.queue
        );
        assert_eq!(
            flags & F_WRITE != 0,
            len > 0,
            "queue {}: WRITE flag {flags:#06x} disagrees with len {len} (PQ-14)",
            self.queue
        );
        p.revoke(memory);
        self.next_used += p.slots;
        if self.next_used >= self.size {
            self.next_used -= self.size;
            self.used_wrap = !self.used_wrap;
        }
        self.free_slots += p.slots;
        self.free_ids.push_back(id);
        self.completed += 1;
        Some(Used {
            id,
            len,
            segments: p.segments,
            slot,
        })
    }

    /// Give the ring back to the driver for good (after a device reset): every region of it
    /// and of its posted buffers is revoked.
    pub fn release(&mut self, memory: &mut HostMemory) {
        self.reset(memory);
        memory.revoke(self.desc);
        memory.revoke(self.driver_area);
        memory.revoke(self.device_area);
    }

    /// Forget every posted buffer (after a device or queue reset) and zero the ring.
    pub fn reset(&mut self, memory: &mut HostMemory) {
        for (_, p) in self.posted.drain() {
            p.revoke(memory);
        }
        memory.write(self.desc, &vec![0; 16 * self.size as usize]);
        self.next_avail = 0;
        self.avail_wrap = true;
        self.next_used = 0;
        self.used_wrap = true;
        self.free_slots = self.size;
        self.free_ids = (0..self.size).collect();
    }
}
