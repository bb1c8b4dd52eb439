//! Random virtqueue traffic for the echo device: buffers of every legal shape posted to a
//! function's rings, their used descriptors checked (length and bytes), used by the
//! randomized tests and by `cargo xtask bench`.
//!
//! Shapes: 0 to 3 readable segments then 1 to 3 writable ones, as a chain or (when
//! INDIRECT_DESC is negotiated) through an indirect table; segment sizes from 1 byte up to a
//! maximum, at any byte address. The echo device copies min(readable, writable) bytes, so the
//! check is exact: `len` equals that and the writable bytes equal the readable ones.

use super::memory::HostMemory;
use super::ring::{writable_bytes, DriverRing, Segment, Used};
use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub struct Traffic {
    rng: ChaCha8Rng,
    next: u64,
    start: u64,
    end: u64,
    /// Largest total of a buffer's readable (or writable) bytes.
    pub max_bytes: u32,
    /// Share of buffers posted through an indirect table.
    pub indirect: f64,
    /// Fixed shape instead of random: one readable and one writable segment of this size.
    pub fixed: Option<u32>,
    pub posted: u64,
    pub completed: u64,
    pub bytes: u64,
}

impl Traffic {
    /// Buffers are carved from `[start, start + len)` in order, wrapping round.
    pub fn new(seed: u64, start: u64, len: u64) -> Self {
        Traffic {
            rng: ChaCha8Rng::seed_from_u64(seed),
            next: start,
            start,
            end: start + len,
            max_bytes: 1500,
            indirect: 0.25,
            fixed: None,
            posted: 0,
            completed: 0,
            bytes: 0,
        }
    }

    fn alloc(&mut self, len: u64) -> u64 {
        // Any byte alignment for data; at least one byte apart so regions never overlap.
        let skew = self.rng.gen_range(0..8);
        if self.next + len + skew + 16 > self.end {
            self.next = self.start;
        }
        let a = self.next + skew;
        self.next = a + len + 1;
        a
    }

    fn split(&mut self, total: u32, parts: usize) -> Vec<u32> {
        let mut cuts: Vec<u32> = (1..parts)
            .map(|_| self.rng.gen_range(1..total.max(2)))
            .collect();
        cuts.push(0);
        cuts.push(total);
        cuts.sort();
        cuts.dedup();
        cuts.windows(2)
            .map(|w| w[1] - w[0])
            .filter(|&l| l > 0)
            .collect()
    }

    /// Post one random buffer to `ring`; false when the ring has no room.
    pub fn post(
        &mut self,
        memory: &mut HostMemory,
        ring: &mut DriverRing,
        indirect_ok: bool,
    ) -> bool {
        let (rlens, wlens) = match self.fixed {
            Some(n) => (vec![n], vec![n]),
            None => {
                let r = self.rng.gen_range(0..=self.max_bytes);
                let w = self.rng.gen_range(1..=self.max_bytes);
                let rp = self.rng.gen_range(1..=3);
                let wp = self.rng.gen_range(1..=3);
                let rl = if r == 0 {
                    Vec::new()
                } else {
                    self.split(r, rp)
                };
                (rl, self.split(w, wp))
            }
        };
        let use_table = indirect_ok && self.fixed.is_none() && self.rng.gen_bool(self.indirect);
        let slots = if use_table {
            1
        } else {
            rlens.len() + wlens.len()
        };
        if ring.free_slots() < slots as u16 {
            return false;
        }
        let mut segs = Vec::new();
        for l in rlens {
            let a = self.alloc(l as u64);
            let data: Vec<u8> = (0..l).map(|_| self.rng.gen()).collect();
            memory.write(a, &data);
            segs.push(Segment {
                addr: a,
                len: l,
                write: false,
            });
        }
        for l in wlens {
            let a = self.alloc(l as u64);
            segs.push(Segment {
                addr: a,
                len: l,
                write: true,
            });
        }
        let posted = if use_table {
            let table = self.alloc(16 * segs.len() as u64 + 16) & !15;
            let table = table + 16;
            ring.post_indirect(memory, table, &segs)
        } else {
            ring.post_chain(memory, &segs)
        };
        if posted.is_some() {
            self.posted += 1;
        }
        posted.is_some()
    }

    /// Check a used descriptor against what the echo device must have done.
    pub fn check(&mut self, memory: &HostMemory, u: &Used) {
        let mut src = Vec::new();
        for s in u.segments.iter().filter(|s| !s.write) {
            src.extend(memory.read_vec(s.addr, s.len as usize));
        }
        let room = writable_bytes(&u.segments);
        let n = (src.len() as u64).min(room) as usize;
        assert_eq!(u.len as usize, n, "buffer {}: len", u.id);
        let mut dst = Vec::new();
        for s in u.segments.iter().filter(|s| s.write) {
            dst.extend(memory.read_vec(s.addr, s.len as usize));
        }
        assert_eq!(&dst[..n], &src[..n], "buffer {}: bytes", u.id);
        self.completed += 1;
        self.bytes += n as u64;
    }

    /// Poll every ring of a function, checking each used descriptor; returns how many.
    pub fn drain(&mut self, memory: &mut HostMemory, rings: &mut [DriverRing]) -> usize {
        let mut n = 0;
        for r in rings.iter_mut() {
            while let Some(u) = r.poll_used(memory) {
                self.check(memory, &u);
                n += 1;
            }
        }
        n
    }
}
