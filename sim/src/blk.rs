//! The virtio-blk device bench: the Verilated `blk_device` top (the device and its block-RAM
//! store) with everything around it played from Rust.
//!
//! | part | plays |
//! |---|---|
//! | [`DmaServer`] | the DMA engine at the device's DMA port, over [`HostMemory`] with its access checker: the device may read only readable segments and write only writable ones (BLK-22) |
//! | [`BlkBench`] | the queue engine's segment stream and completion port, the transport's device-configuration window, the negotiated features; the driver's side of requests ([`BlkBench::submit`]); and [`RefDisk`], the reference model every read is checked against |
//!
//! Random stalls on every handshake come from a seeded generator, so each run is repeatable.

use crate::host::memory::{Access, HostMemory};
use crate::models::BlkDevice;
use ferrio_hdl::device::blk::{status, types, BlkConfig};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;

/// The DMA client pins of a Verilated device top (a port named `dma`), so one [`DmaServer`]
/// serves every device bench.
pub trait DmaPins {
    fn set_dma_rd_valid(&mut self, v: u64);
    fn set_dma_rd_data(&mut self, v: u64);
    fn set_dma_rd_last(&mut self, v: u64);
    fn set_dma_rd_error(&mut self, v: u64);
    fn set_dma_rd_req_ready(&mut self, v: u64);
    fn set_dma_wr_req_ready(&mut self, v: u64);
    fn set_dma_wr_ready(&mut self, v: u64);
    fn set_dma_wr_done(&mut self, v: u64);
    fn set_dma_wr_error(&mut self, v: u64);
    fn dma_rd_req_valid(&mut self) -> u64;
    fn dma_rd_req_function(&mut self) -> u64;
    fn dma_rd_req_address(&mut self) -> u64;
    fn dma_rd_req_length(&mut self) -> u64;
    fn dma_rd_ready(&mut self) -> u64;
    fn dma_wr_req_valid(&mut self) -> u64;
    fn dma_wr_req_function(&mut self) -> u64;
    fn dma_wr_req_address(&mut self) -> u64;
    fn dma_wr_req_length(&mut self) -> u64;
    fn dma_wr_valid(&mut self) -> u64;
    fn dma_wr_data(&mut self) -> u64;
}

macro_rules! dma_pins {
    ($t:ty) => {
        impl DmaPins for $t {
            fn set_dma_rd_valid(&mut self, v: u64) {
                <$t>::set_dma_rd_valid(self, v)
            }
            fn set_dma_rd_data(&mut self, v: u64) {
                <$t>::set_dma_rd_data(self, v)
            }
            fn set_dma_rd_last(&mut self, v: u64) {
                <$t>::set_dma_rd_last(self, v)
            }
            fn set_dma_rd_error(&mut self, v: u64) {
                <$t>::set_dma_rd_error(self, v)
            }
            fn set_dma_rd_req_ready(&mut self, v: u64) {
                <$t>::set_dma_rd_req_ready(self, v)
            }
            fn set_dma_wr_req_ready(&mut self, v: u64) {
                <$t>::set_dma_wr_req_ready(self, v)
            }
            fn set_dma_wr_ready(&mut self, v: u64) {
                <$t>::set_dma_wr_ready(self, v)
            }
            fn set_dma_wr_done(&mut self, v: u64) {
                <$t>::set_dma_wr_done(self, v)
            }
            fn set_dma_wr_error(&mut self, v: u64) {
                <$t>::set_dma_wr_error(self, v)
            }
            fn dma_rd_req_valid(&mut self) -> u64 {
                <$t>::dma_rd_req_valid(self)
            }
            fn dma_rd_req_function(&mut self) -> u64 {
                <$t>::dma_rd_req_function(self)
            }
            fn dma_rd_req_address(&mut self) -> u64 {
                <$t>::dma_rd_req_address(self)
            }
            fn dma_rd_req_length(&mut self) -> u64 {
                <$t>::dma_rd_req_length(self)
            }
            fn dma_rd_ready(&mut self) -> u64 {
                <$t>::dma_rd_ready(self)
            }
            fn dma_wr_req_valid(&mut self) -> u64 {
                <$t>::dma_wr_req_valid(self)
            }
            fn dma_wr_req_function(&mut self) -> u64 {
                <$t>::dma_wr_req_function(self)
            }
            fn dma_wr_req_address(&mut self) -> u64 {
                <$t>::dma_wr_req_address(self)
            }
            fn dma_wr_req_length(&mut self) -> u64 {
                <$t>::dma_wr_req_length(self)
            }
            fn dma_wr_valid(&mut self) -> u64 {
                <$t>::dma_wr_valid(self)
            }
            fn dma_wr_data(&mut self) -> u64 {
                <$t>::dma_wr_data(self)
            }
        }
    };
}
dma_pins!(BlkDevice);
dma_pins!(crate::models::NetDevice);

/// One read the server is answering.
struct Read {
    function: u8,
    address: u64,
    length: u64,
    /// Cycle from which its beats may flow.
    ready_at: u64,
    beat: u64,
    error: bool,
}

/// One write the server is taking.
struct Write {
    function: u8,
    address: u64,
    length: u64,
    data: Vec<u8>,
}

/// The DMA engine at a client port, as the device sees it: requests taken with random stalls,
/// reads answered in order after a random latency, writes applied when their last beat is in
/// and `wr_done` one pulse per write, in order.
pub struct DmaServer {
    pub mem: HostMemory,
    reads: VecDeque<Read>,
    write: Option<Write>,
    dones: VecDeque<(u64, bool)>,
    /// Fail every read that touches this address range (a completer error), and every write.
    pub fail_reads: Option<(u64, u64)>,
    pub fail_writes: bool,
    /// Per-cycle probability of each ready and valid.
    pub busy: f64,
    pub reads_seen: u64,
    pub writes_seen: u64,
    rd_offer: Option<(u64, bool, bool)>,
}

impl DmaServer {
    pub fn new() -> Self {
        DmaServer {
            mem: HostMemory::default(),
            reads: VecDeque::new(),
            write: None,
            dones: VecDeque::new(),
            fail_reads: None,
            fail_writes: false,
            busy: 0.3,
            reads_seen: 0,
            writes_seen: 0,
            rd_offer: None,
        }
    }

    /// Drive this cycle's server outputs; returns the readies decided, for [`DmaServer::after`].
    pub fn drive<M: DmaPins>(
        &mut self,
        m: &mut M,
        r: &mut ChaCha8Rng,
        now: u64,
    ) -> (bool, bool, bool) {
        let rd_req_ready = r.gen_bool(1.0 - self.busy);
        let wr_req_ready = self.write.is_none() && r.gen_bool(1.0 - self.busy);
        let wr_ready = self.write.is_some() && r.gen_bool(1.0 - self.busy);
        self.rd_offer = None;
        if let Some(rd) = self.reads.front() {
            if now >= rd.ready_at && r.gen_bool(1.0 - self.busy) {
                let beats = rd.length.div_ceil(8).max(1);
                let mut b = [0u8; 8];
                let at = rd.address + rd.beat * 8;
                let n = (rd.length - rd.beat * 8).min(8) as usize;
                self.mem.read(at, &mut b[..n]);
                // bytes past the read's end are junk, as a device must expect
                for x in b.iter_mut().skip(n) {
                    *x = 0xa5;
                }
                let last = rd.beat + 1 == beats;
                self.rd_offer = Some((u64::from_le_bytes(b), last, last && rd.error));
            }
        }
        let (d, l, e) = self.rd_offer.unwrap_or((0, false, false));
        m.set_dma_rd_valid(self.rd_offer.is_some() as u64);
        m.set_dma_rd_data(d);
        m.set_dma_rd_last(l as u64);
        m.set_dma_rd_error(e as u64);
        m.set_dma_rd_req_ready(rd_req_ready as u64);
        m.set_dma_wr_req_ready(wr_req_ready as u64);
        m.set_dma_wr_ready(wr_ready as u64);
        let done = self.dones.front().is_some_and(|&(at, _)| now >= at);
        let done_err = done && self.dones.front().unwrap().1;
        m.set_dma_wr_done(done as u64);
        m.set_dma_wr_error(done_err as u64);
        if done {
            self.dones.pop_front();
        }
        (rd_req_ready, wr_req_ready, wr_ready)
    }

    /// After the device's outputs settled: take what was handed over.
    pub fn after<M: DmaPins>(
        &mut self,
        m: &mut M,
        r: &mut ChaCha8Rng,
        now: u64,
        readies: (bool, bool, bool),
    ) {
        let (rd_req_ready, wr_req_ready, wr_ready) = readies;
        if rd_req_ready && m.dma_rd_req_valid() == 1 {
            let function = m.dma_rd_req_function() as u8;
            let address = m.dma_rd_req_address();
            let length = m.dma_rd_req_length();
            assert!(length > 0, "a zero-length read");
            self.mem.check(function, address, length, false);
            let error = self
                .fail_reads
                .is_some_and(|(a, l)| address < a + l && a < address + length);
            self.reads_seen += 1;
            self.reads.push_back(Read {
                function,
                address,
                length,
                ready_at: now + r.gen_range(3..30),
                beat: 0,
                error,
            });
        }
        if self.rd_offer.is_some() && m.dma_rd_ready() == 1 {
            let rd = self.reads.front_mut().unwrap();
            let _ = rd.function;
            rd.beat += 1;
            if rd.beat == rd.length.div_ceil(8) {
                self.reads.pop_front();
            }
        }
        if wr_req_ready && m.dma_wr_req_valid() == 1 {
            let length = m.dma_wr_req_length();
            assert!(length > 0, "a zero-length write");
            self.write = Some(Write {
                function: m.dma_wr_req_function() as u8,
                address: m.dma_wr_req_address(),
                length,
                data: Vec::new(),
            });
            self.writes_seen += 1;
        } else if wr_ready && m.dma_wr_valid() == 1 {
            let w = self.write.as_mut().unwrap();
            let n = (w.length as usize - w.data.len()).min(8);
            w.data
                .extend_from_slice(&m.dma_wr_data().to_le_bytes()[..n]);
            if w.data.len() as u64 == w.length {
                let w = self.write.take().unwrap();
                let ok = !self.fail_writes;
                if ok {
                    self.mem.check(w.function, w.address, w.length, true);
                    self.mem.write(w.address, &w.data);
                }
                self.dones.push_back((now + r.gen_range(1..8), !ok));
            }
        }
    }

    pub fn idle(&self) -> bool {
        self.reads.is_empty() && self.write.is_none() && self.dones.is_empty()
    }
}

impl Default for DmaServer {
    fn default() -> Self {
        Self::new()
    }
}

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
        let cut = |r: &mut ChaCha8Rng, total: u32, parts: usize| -> Vec<u32> {
            if total == 0 {
                return Vec::new();
            }
            let parts = parts.clamp(1, total as usize);
            let mut points: Vec<u32> = (0..parts - 1).map(|_| r.gen_range(0..=total)).collect();
            points.push(0);
            points.push(total);
            points.sort();
            // empty segments are legal; keep a few
            points.windows(2).map(|w| w[1] - w[0]).collect()
        };
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
