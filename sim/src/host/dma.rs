//! The root complex's side of the card's DMA: memory reads are answered from [`HostMemory`]
//! the way a real host answers them, memory writes land in it, both through its checker.
//!
//! - **Latency**: each MRd is answered `latency` cycles after it arrived (default 125 cycles,
//!   1 us at 125 MHz, a realistic round trip), plus a seeded random `jitter`, so answers to
//!   different tags come back out of order.
//! - **Split**: answers are split at the 64-byte read completion boundary (RCB), in address
//!   order within a request (PCIe 2.3.1.1); completions of different requests interleave.
//! - **Faults on demand**: an address range can be answered with UR or CA, and the next *n*
//!   reads can be dropped (no completion: the card's completion timeout must end them).
//! - **Tag check**: a tag reused while its request is still unanswered panics.

use super::memory::HostMemory;
use crate::tlp::{CplStatus, Kind, Tlp};
use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, HashMap};

/// An answer waiting to be sent to the card.
struct Scheduled {
    dws: Vec<u32>,
    /// The last completion of its request: the tag is free once it is sent.
    last_of: Option<(u16, u8)>,
}

pub struct DmaService {
    pub latency: u64,
    pub jitter: u64,
    /// Read completion boundary in bytes.
    pub rcb: u64,
    rng: ChaCha8Rng,
    /// Address ranges answered with an error status instead of data.
    pub faults: Vec<(u64, u64, CplStatus)>,
    /// Drop this many of the next reads without answer.
    pub drop_reads: usize,
    /// Answers by (cycle due, sequence).
    queue: BTreeMap<(u64, u64), Scheduled>,
    seq: u64,
    /// Requests in flight by (requester, tag): their address and length.
    outstanding: HashMap<(u16, u8), (u64, u64)>,
    /// Most reads in flight at once.
    pub max_outstanding: usize,
    /// MRds seen: (cycle, tag, first byte address, byte length); MWrs: (cycle, address, length).
    pub reads: Vec<(u64, u8, u64, u64)>,
    pub writes: Vec<(u64, u64, u64)>,
    /// Tags in the order their last completion went to the card.
    pub answered: Vec<u8>,
    /// Completer ID used in completions.
    pub completer: u16,
}

impl Default for DmaService {
    fn default() -> Self {
        Self::seeded(1)
    }
}

/// The bytes a request's byte enables cover: (first byte address, length). `address` is the
/// DW-aligned address of the TLP.
pub fn enabled_range(address: u64, length_dw: u64, first_be: u8, last_be: u8) -> (u64, u64) {
    if first_be == 0 {
        return (address, 0);
    }
    let high = |be: u8| 7 - be.leading_zeros() as u64;
    let first = address + first_be.trailing_zeros() as u64;
    let last = if length_dw == 1 {
        address + high(first_be)
    } else {
        address + 4 * (length_dw - 1) + high(last_be)
    };
    (first, last + 1 - first)
}

impl DmaService {
    pub fn seeded(seed: u64) -> Self {
        DmaService {
            latency: 125,
            jitter: 64,
            rcb: 64,
            rng: ChaCha8Rng::seed_from_u64(seed),
            faults: Vec::new(),
            drop_reads: 0,
            queue: BTreeMap::new(),
            seq: 0,
            outstanding: HashMap::new(),
            max_outstanding: 0,
            reads: Vec::new(),
            writes: Vec::new(),
            answered: Vec::new(),
            completer: 0,
        }
    }

    /// Requests still unanswered.
    pub fn in_flight(&self) -> usize {
        self.outstanding.len()
    }

    /// A TLP the card sent: answer or apply it if it is a memory request. Returns whether it
    /// was one (MSI-X writes are left to the caller).
    pub fn take(&mut self, t: &Tlp, now: u64, memory: &mut HostMemory) -> bool {
        match t.kind {
            Kind::MemRead { address } => {
                let (start, len) = enabled_range(address, t.length as u64, t.first_be, t.last_be);
                self.reads.push((now, t.tag, start, len));
                let key = (t.requester, t.tag);
                assert!(
                    !self.outstanding.contains_key(&key),
                    "tag {} of requester {:#06x} reused while its read is unanswered",
                    t.tag,
                    t.requester
                );
                memory.check((t.requester & 7) as u8, start, len, false);
                memory.bytes_read += len;
                self.outstanding.insert(key, (start, len));
                self.max_outstanding = self.max_outstanding.max(self.outstanding.len());
                if self.drop_reads > 0 {
                    self.drop_reads -= 1;
                    return true;
                }
                let due = now + self.latency + self.rng.gen_range(0..=self.jitter);
                if let Some(&(_, _, status)) = self
                    .faults
                    .iter()
                    .find(|(s, l, _)| start < s + l && *s < start + len)
                {
                    let c = Tlp::completion(
                        self.completer,
                        t.requester,
                        t.tag,
                        status,
                        len as u16 & 0xfff,
                        (start & 0x7f) as u8,
                    );
                    self.push(due, c.encode(), Some(key));
                    return true;
                }
                // Split at the RCB, in address order.
                let mut a = start;
                let end = start + len;
                let mut k = 0;
                while a < end {
                    let stop = ((a / self.rcb) + 1) * self.rcb;
                    let stop = stop.min(end);
                    let first_dw = a & !3;
                    let dws = stop.div_ceil(4) - first_dw / 4;
                    let mut bytes = vec![0u8; (dws * 4) as usize];
                    memory.read(first_dw, &mut bytes);
                    let data: Vec<u32> = bytes
                        .chunks(4)
                        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                        .collect();
                    let byte_count = (end - a) as u16 & 0xfff;
                    let c = Tlp::completion_data(
                        self.completer,
                        t.requester,
                        t.tag,
                        byte_count,
                        (a & 0x7f) as u8,
                        data,
                    );
                    let last = stop == end;
                    self.push(due + k, c.encode(), last.then_some(key));
                    a = stop;
                    k += 1;
                }
                true
            }
            Kind::MemWrite { address } if !is_msi(address) => {
                let (start, len) = enabled_range(address, t.length as u64, t.first_be, t.last_be);
                self.writes.push((now, start, len));
                memory.check((t.requester & 7) as u8, start, len, true);
                memory.bytes_written += len;
                // Apply enabled bytes only.
                for (i, dw) in t.data.iter().enumerate() {
                    let be = if i == 0 {
                        t.first_be
                    } else if i + 1 == t.data.len() {
                        t.last_be
                    } else {
                        0xf
                    };
                    let bytes = dw.to_be_bytes();
                    for (j, b) in bytes.iter().enumerate() {
                        if be & (1 << j) != 0 {
                            memory.write(address + 4 * i as u64 + j as u64, &[*b]);
                        }
                    }
                }
                if memory.policy.is_some() {
                    memory.written((t.requester & 7) as u8, start, len);
                }
                true
            }
            _ => false,
        }
    }

    fn push(&mut self, due: u64, dws: Vec<u32>, last_of: Option<(u16, u8)>) {
        self.seq += 1;
        self.queue
            .insert((due, self.seq), Scheduled { dws, last_of });
    }

    /// The next answer due at `now`, if any: its DWs. The tag it ends is freed.
    pub fn next_due(&mut self, now: u64) -> Option<Vec<u32>> {
        let (&key, _) = self.queue.iter().next()?;
        if key.0 > now {
            return None;
        }
        let s = self.queue.remove(&key).unwrap();
        if let Some(k) = s.last_of {
            self.outstanding.remove(&k);
            self.answered.push(k.1);
        }
        Some(s.dws)
    }
}

/// The x86 MSI window: writes there are interrupts, not memory.
pub fn is_msi(address: u64) -> bool {
    (address & 0xfff0_0000) == 0xfee0_0000
}
