//! The virtio-blk device bench: the Verilated `blk_device` top (the device and its block-RAM
//! store) with everything around it played from Rust.
//!
//! | part | plays |
//! |---|---|
//! | [`DmaServer`] (`dma_server.rs`) | the DMA engine at the device's DMA port, over [`HostMemory`] with its access checker: the device may read only readable segments and write only writable ones (BLK-22) |
//! | [`BlkBench`] | the queue engine's segment stream and completion port, the transport's device-configuration window, the negotiated features; the driver's side of requests ([`BlkBench::submit`]); and [`RefDisk`], the reference model every read is checked against |
//!
//! Random stalls on every handshake come from a seeded generator, so each run is repeatable.

use crate::dma_server::DmaServer;
use crate::host::memory::{Access, HostMemory};
use crate::models::BlkDevice;
use ferrio_hdl::device::blk::{status, types, BlkConfig};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;

/// The disk as it must read: the reference for every IN.
pub struct RefDisk {
    pub bytes: Vec<u8>,
}

impl RefDisk {
    pub fn new(sectors: u64) -> Self {
        RefDisk {
            bytes: vec![0; (sectors * 512) as usize],
        }
    }
    pub fn sectors(&self) -> u64 {
        self.bytes.len() as u64 / 512
    }
    pub fn range(&self, sector: u64, len: usize) -> &[u8] {
        &self.bytes[(sector * 512) as usize..(sector * 512) as usize + len]
    }
    pub fn write(&mut self, sector: u64, data: &[u8]) {
        self.bytes[(sector * 512) as usize..(sector * 512) as usize + data.len()]
            .copy_from_slice(data);
    }
    pub fn zero(&mut self, sector: u64, count: u64) {
        self.bytes[(sector * 512) as usize..((sector + count) * 512) as usize].fill(0);
    }
}

/// A request as the driver lays it out: how its readable and writable parts are cut into
/// segments (lengths; every cut the spec allows, BLK-21).
#[derive(Clone, Debug)]
pub struct Layout {
    pub readable: Vec<u32>,
    pub writable: Vec<u32>,
}

impl Layout {
    /// Cut `r` readable and `w` writable bytes into at most `max` segments in all, at random.
    pub fn random(r: &mut ChaCha8Rng, rbytes: u32, wbytes: u32, max: usize) -> Layout {
        let cut = Self::cut;
        let style = r.gen_range(0..4);
        let (rp, wp) = match style {
            // Linux's shape: header, data in pages, status
            0 => (1, 1),
            1 => (r.gen_range(1..4), r.gen_range(1..4)),
            _ => (r.gen_range(1..=max / 2), r.gen_range(1..=max / 2)),
        };
        Layout {
            readable: cut(r, rbytes, rp),
            writable: cut(r, wbytes, wp),
        }
    }
    /// `total` bytes cut into at most `parts` segments at random points (none for 0 bytes);
    /// empty segments are legal, and some are kept.
    pub fn cut(r: &mut ChaCha8Rng, total: u32, parts: usize) -> Vec<u32> {
        if total == 0 {
            return Vec::new();
        }
        let parts = parts.clamp(1, total as usize);
        let mut points: Vec<u32> = (0..parts - 1).map(|_| r.gen_range(0..=total)).collect();
        points.push(0);
        points.push(total);
        points.sort();
        points.windows(2).map(|w| w[1] - w[0]).collect()
    }

    /// How many DMA reads the device needs for the first `n` readable bytes: one per
    /// non-empty readable segment they touch (a read never leaves a segment).
    pub fn readable_segments_covering(&self, n: u32) -> usize {
        let mut at = 0u32;
        self.readable
            .iter()
            .filter(|&&l| l > 0)
            .take_while(|&&l| {
                let touches = at < n;
                at += l;
                touches
            })
            .count()
    }

    /// One segment for each part.
    pub fn simple(rbytes: u32, wbytes: u32) -> Layout {
        Layout {
            readable: if rbytes > 0 { vec![rbytes] } else { vec![] },
            writable: if wbytes > 0 { vec![wbytes] } else { vec![] },
        }
    }
}

/// A request in flight.
#[derive(Clone, Debug)]
pub struct Posted {
    pub queue: u16,
    pub token: u64,
    /// (address, len, writable) of every segment, in chain order.
    pub segments: Vec<(u64, u32, bool)>,
}

impl Posted {
    /// The writable part as the device left it (data, then the status byte).
    pub fn writable(&self, mem: &HostMemory) -> Vec<u8> {
        let mut v = Vec::new();
        for &(a, l, w) in &self.segments {
            if w {
                v.extend(mem.read_vec(a, l as usize));
            }
        }
        v
    }
}

/// What came back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Completion {
    pub queue: u16,
    pub token: u64,
    pub len: u32,
}

/// The device, its surroundings and a driver.
pub struct BlkBench {
    pub m: BlkDevice,
    pub dma: DmaServer,
    pub cfg: BlkConfig,
    pub disk: RefDisk,
    pub rng: ChaCha8Rng,
    pub now: u64,
    segs: VecDeque<(u16, u64, u64, u32, bool, bool)>,
    pub completions: VecDeque<Completion>,
    pub needs_reset: u32,
    next_addr: u64,
    next_token: u64,
    /// Probability the engine side stalls a cycle.
    pub stall: f64,
}

/// Negotiated device features, by name.
#[derive(Clone, Copy, Debug)]
pub struct Negotiated {
    pub flush: bool,
    pub wce: bool,
    pub discard: bool,
    pub write_zeroes: bool,
    pub secure_erase: bool,
    pub lifetime: bool,
}

impl Negotiated {
    pub const ALL: Negotiated = Negotiated {
        flush: true,
        wce: true,
        discard: true,
        write_zeroes: true,
        secure_erase: true,
        lifetime: true,
    };
    pub const NONE: Negotiated = Negotiated {
        flush: false,
        wce: false,
        discard: false,
        write_zeroes: false,
        secure_erase: false,
        lifetime: false,
    };
}

impl BlkBench {
    /// The `blk_device` top (the default [`BlkConfig`]) with every feature negotiated.
    pub fn new(rng: ChaCha8Rng) -> Self {
        Self::with_model(BlkDevice::new(), BlkConfig::default(), rng)
    }

    /// The `blk_device_ro` top ([`BlkConfig::read_only`]) with every feature negotiated.
    pub fn read_only(rng: ChaCha8Rng) -> Self {
        Self::with_model(
            BlkDevice::variant(&crate::models::BlkDeviceRo::INFO),
            BlkConfig::read_only(),
            rng,
        )
    }

    fn with_model(mut m: BlkDevice, cfg: BlkConfig, rng: ChaCha8Rng) -> Self {
        m.reset(4);
        let mut b = BlkBench {
            m,
            dma: DmaServer::new(),
            disk: RefDisk::new(cfg.capacity),
            cfg,
            rng,
            now: 0,
            segs: VecDeque::new(),
            completions: VecDeque::new(),
            needs_reset: 0,
            next_addr: 0x1_0000_0000,
            next_token: 1,
            stall: 0.2,
        };
        b.negotiate(Negotiated::ALL);
        b
    }

    pub fn negotiate(&mut self, n: Negotiated) {
        self.m.set_flush_on(n.flush as u64);
        self.m.set_wce_on(n.wce as u64);
        self.m.set_discard_on(n.discard as u64);
        self.m.set_write_zeroes_on(n.write_zeroes as u64);
        self.m.set_secure_erase_on(n.secure_erase as u64);
        self.m.set_lifetime_on(n.lifetime as u64);
    }

    /// One clock cycle of everything.
    pub fn cycle(&mut self) {
        let readies = self.dma.drive(&mut self.m, &mut self.rng, self.now);
        let offer = if self.rng.gen_bool(self.stall) {
            None
        } else {
            self.segs.front().copied()
        };
        let (q, t, a, l, w, last) = offer.unwrap_or((0, 0, 0, 0, false, false));
        self.m.set_seg_valid(offer.is_some() as u64);
        self.m.set_seg_queue(q as u64);
        self.m.set_seg_token(t);
        self.m.set_seg_addr(a);
        self.m.set_seg_len(l as u64);
        self.m.set_seg_write(w as u64);
        self.m.set_seg_last(last as u64);
        let done_ready = self.rng.gen_bool(1.0 - self.stall);
        self.m.set_done_ready(done_ready as u64);
        self.m.settle();
        self.dma
            .after(&mut self.m, &mut self.rng, self.now, readies);
        if offer.is_some() && self.m.seg_ready() == 1 {
            self.segs.pop_front();
        }
        if done_ready && self.m.done_valid() == 1 {
            assert_eq!(self.m.done_more(), 0);
            self.completions.push_back(Completion {
                queue: self.m.done_queue() as u16,
                token: self.m.done_token(),
                len: self.m.done_len() as u32,
            });
        }
        if self.m.needs_reset() == 1 {
            self.needs_reset += 1;
        }
        self.m.tick(1);
        self.now += 1;
    }

    /// Lay out a request in host memory: `readable` bytes (header and data) cut as `layout`
    /// says, then `wbytes` writable bytes (data and status, filled with 0xee so a byte the
    /// device did not write shows). Gives the device access to exactly those bytes.
    pub fn submit(&mut self, queue: u16, readable: &[u8], wbytes: u32, layout: &Layout) -> Posted {
        assert_eq!(layout.readable.iter().sum::<u32>() as usize, readable.len());
        assert_eq!(layout.writable.iter().sum::<u32>(), wbytes);
        let token = self.next_token;
        self.next_token += 1;
        let mut segments = Vec::new();
        let mut at = 0usize;
        for &l in &layout.readable {
            let a = self.alloc(l);
            if l > 0 {
                self.dma.mem.write(a, &readable[at..at + l as usize]);
                self.dma.mem.allow(
                    a,
                    l as u64,
                    Access::Read,
                    format!("request {token} readable"),
                );
            }
            at += l as usize;
            segments.push((a, l, false));
        }
        for &l in &layout.writable {
            let a = self.alloc(l);
            if l > 0 {
                self.dma.mem.write(a, &vec![0xee; l as usize]);
                self.dma.mem.allow(
                    a,
                    l as u64,
                    Access::Write,
                    format!("request {token} writable"),
                );
            }
            segments.push((a, l, true));
        }
        let n = segments.len();
        for (k, &(a, l, w)) in segments.iter().enumerate() {
            self.segs.push_back((queue, token, a, l, w, k + 1 == n));
        }
        Posted {
            queue,
            token,
            segments,
        }
    }

    /// Addresses at random byte offsets, never adjacent, above 4 GiB.
    fn alloc(&mut self, len: u32) -> u64 {
        let a = self.next_addr + self.rng.gen_range(0..64);
        self.next_addr = (a + len as u64 + 4096) & !63;
        a
    }

    /// Run until `n` completions are in (panics after `limit` cycles: a hang).
    pub fn run_until(&mut self, n: usize, limit: u64) {
        let end = self.now + limit;
        while self.completions.len() < n {
            assert!(
                self.now < end,
                "the device hung: {} of {n} completions after {limit} cycles",
                self.completions.len()
            );
            self.cycle();
        }
    }

    /// Submit one request and run until it completes; returns its completion and what the
    /// device wrote into its writable part. Takes the device's access back afterwards.
    pub fn request(
        &mut self,
        queue: u16,
        readable: &[u8],
        wbytes: u32,
        layout: &Layout,
    ) -> (Completion, Vec<u8>) {
        let p = self.submit(queue, readable, wbytes, layout);
        self.run_until(1, 2_000_000);
        let c = self.completions.pop_front().unwrap();
        assert_eq!(
            (c.queue, c.token),
            (p.queue, p.token),
            "the completion names the request"
        );
        // the device holds nothing once it completed
        for _ in 0..4 {
            self.cycle();
        }
        assert!(self.dma.idle(), "DMA still in flight after the completion");
        let w = p.writable(&self.dma.mem);
        for &(a, l, _) in &p.segments {
            if l > 0 {
                self.dma.mem.revoke(a);
            }
        }
        (c, w)
    }

    /// The 16-byte header.
    pub fn header(kind: u32, sector: u64) -> Vec<u8> {
        let mut h = Vec::with_capacity(16);
        h.extend_from_slice(&kind.to_le_bytes());
        h.extend_from_slice(&0xdead_beefu32.to_le_bytes()); // reserved: ignored (BLK-8)
        h.extend_from_slice(&sector.to_le_bytes());
        h
    }

    /// A 16-byte discard / write-zeroes / secure-erase range.
    pub fn range(sector: u64, num: u32, flags: u32) -> Vec<u8> {
        let mut v = Vec::with_capacity(16);
        v.extend_from_slice(&sector.to_le_bytes());
        v.extend_from_slice(&num.to_le_bytes());
        v.extend_from_slice(&flags.to_le_bytes());
        v
    }

    /// Write `data` at `sector` (OUT), cut as `layout`; returns the status.
    pub fn write(&mut self, queue: u16, sector: u64, data: &[u8], layout: Option<&Layout>) -> u8 {
        let mut rd = Self::header(types::OUT, sector);
        rd.extend_from_slice(data);
        let l = layout
            .cloned()
            .unwrap_or_else(|| Layout::simple(rd.len() as u32, 1));
        let (c, w) = self.request(queue, &rd, 1, &l);
        assert_eq!(c.len, 1, "OUT writes only the status byte");
        w[0]
    }

    /// Read `len` bytes at `sector` (IN); returns the status and the data.
    pub fn read(
        &mut self,
        queue: u16,
        sector: u64,
        len: u32,
        layout: Option<&Layout>,
    ) -> (u8, Vec<u8>) {
        let rd = Self::header(types::IN, sector);
        let l = layout
            .cloned()
            .unwrap_or_else(|| Layout::simple(16, len + 1));
        let (c, w) = self.request(queue, &rd, len + 1, &l);
        let st = *w.last().unwrap();
        if st == status::OK {
            assert_eq!(c.len, len + 1, "IN: data and status written");
        }
        (st, w[..len as usize].to_vec())
    }

    /// A device-configuration access through the window; returns the read data.
    pub fn devcfg(&mut self, write: bool, dw: u16, be: u8, wdata: u32) -> u32 {
        self.m.set_devcfg_valid(1);
        self.m.set_devcfg_write(write as u64);
        self.m.set_devcfg_dw(dw as u64);
        self.m.set_devcfg_be(be as u64);
        self.m.set_devcfg_wdata(wdata as u64);
        self.cycle();
        self.m.set_devcfg_valid(0);
        self.m.settle();
        assert_eq!(
            self.m.devcfg_done(),
            1,
            "the window answers the cycle after the strobe"
        );
        let v = self.m.devcfg_rdata() as u32;
        self.cycle();
        v
    }

    /// The device's `resetting` input held for a few cycles (a device reset).
    pub fn device_reset(&mut self) {
        self.m.set_resetting(1);
        for _ in 0..4 {
            self.cycle();
        }
        self.m.set_resetting(0);
        self.cycle();
    }
}
