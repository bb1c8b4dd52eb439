//! The virtio-net device bench: the Verilated `net_device` top with everything around it
//! played from Rust.
//!
//! | part | plays |
//! |---|---|
//! | [`DmaServer`] (`dma_server.rs`) | the DMA engine at the device's DMA port, over host memory with its access checker: the device may read only what the driver made readable and write only what it made writable |
//! | [`NetBench`] | the queue engine's segment stream (respecting `want`) and completion port, the transport's device-configuration window and resets, the negotiated features; the driver's side ([`NetBench::post_tx`], [`NetBench::post_rx`], [`NetBench::ctrl`]) |
//! | [`MacSide`] (`mac_side.rs`, `NetBench::mac`) | the MAC side: frames the device sends are collected (`mac.sent`), frames for it are queued ([`NetBench::inject`]); `loopback` feeds the one into the other |
//!
//! Random stalls on the handshakes come from a seeded generator, so each run is repeatable.
//! The MAC side never stalls the receive port (a MAC cannot wait); in this bench it offers
//! frames back to back (8 bytes a cycle, not paced to line rate), the hardest case for the
//! receive FIFO and filters.

use crate::blk::Layout;
use crate::dma_server::DmaServer;
use crate::host::memory::Access;
use crate::mac_side::MacSide;
use crate::models::NetDevice;
use ferrio_hdl::device::net::NetConfig;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;

/// Negotiated device features, by name.
#[derive(Clone, Copy, Debug)]
pub struct Negotiated {
    pub csum: bool,
    pub guest_csum: bool,
    pub mrg_rxbuf: bool,
    pub ctrl_vq: bool,
    pub ctrl_rx: bool,
    pub ctrl_rx_extra: bool,
    pub ctrl_mac_addr: bool,
    pub guest_announce: bool,
    pub mq: bool,
    pub hash_report: bool,
    pub rss: bool,
}

impl Negotiated {
    /// What the default build offers, all accepted.
    pub const OFFERED: Negotiated = Negotiated {
        csum: true,
        guest_csum: true,
        mrg_rxbuf: true,
        ctrl_vq: true,
        ctrl_rx: true,
        ctrl_rx_extra: false,
        ctrl_mac_addr: true,
        guest_announce: false,
        mq: true,
        hash_report: false,
        rss: false,
    };
    /// Everything the default build offers, RSS and hash reporting included.
    pub const ALL: Negotiated = Negotiated {
        csum: true,
        guest_csum: true,
        mrg_rxbuf: true,
        ctrl_vq: true,
        ctrl_rx: true,
        ctrl_rx_extra: false,
        ctrl_mac_addr: true,
        guest_announce: false,
        mq: true,
        hash_report: true,
        rss: true,
    };
    pub const NONE: Negotiated = Negotiated {
        csum: false,
        guest_csum: false,
        mrg_rxbuf: false,
        ctrl_vq: false,
        ctrl_rx: false,
        ctrl_rx_extra: false,
        ctrl_mac_addr: false,
        guest_announce: false,
        mq: false,
        hash_report: false,
        rss: false,
    };
}

/// A completion as the queue engine received it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Completion {
    pub queue: u16,
    pub token: u64,
    pub len: u32,
    pub more: bool,
}

/// A buffer the driver posted: its segments (address, length, writable).
#[derive(Clone, Debug)]
pub struct Posted {
    pub queue: u16,
    pub token: u64,
    pub segments: Vec<(u64, u32, bool)>,
}

impl Posted {
    /// The writable part as the device left it.
    pub fn writable(&self, b: &NetBench) -> Vec<u8> {
        let mut v = Vec::new();
        for &(a, l, w) in &self.segments {
            if w {
                v.extend(b.dma.mem.read_vec(a, l as usize));
            }
        }
        v
    }
    pub fn writable_len(&self) -> u32 {
        self.segments.iter().filter(|s| s.2).map(|s| s.1).sum()
    }
}

type Seg = (u16, u64, u64, u32, bool, bool);

pub struct NetBench {
    pub m: NetDevice,
    pub dma: DmaServer,
    pub cfg: NetConfig,
    pub rng: ChaCha8Rng,
    pub now: u64,
    /// Buffers not yet handed to the device, per queue, in posting order (segments).
    pending: Vec<VecDeque<Vec<Seg>>>,
    /// The buffer being handed over and where in it.
    offering: Option<(Vec<Seg>, usize)>,
    rr: usize,
    pub completions: VecDeque<Completion>,
    pub needs_reset: u32,
    pub config_changed: u32,
    /// The frame ports' far side.
    pub mac: MacSide,
    next_addr: u64,
    next_token: u64,
    /// Probability the engine side or the transmit port's sink stalls a cycle.
    pub stall: f64,
    /// What [`NetBench::negotiate`] last set.
    pub negotiated: Negotiated,
}

impl NetBench {
    pub fn new(rng: ChaCha8Rng) -> Self {
        let cfg = NetConfig::default();
        let mut m = NetDevice::new();
        m.reset(4);
        let mut b = NetBench {
            m,
            dma: DmaServer::new(),
            pending: (0..cfg.num_queues()).map(|_| VecDeque::new()).collect(),
            cfg,
            rng,
            now: 0,
            offering: None,
            rr: 0,
            completions: VecDeque::new(),
            needs_reset: 0,
            config_changed: 0,
            mac: MacSide::default(),
            next_addr: 0x1_0000_0000,
            next_token: 1,
            stall: 0.2,
            negotiated: Negotiated::NONE,
        };
        b.mac.line_rate = false;
        b.negotiate(Negotiated::OFFERED);
        b.m.set_link_up(1);
        for _ in 0..4 {
            b.cycle();
        }
        b
    }

    pub fn negotiate(&mut self, n: Negotiated) {
        self.negotiated = n;
        self.m.set_csum_on(n.csum as u64);
        self.m.set_guest_csum_on(n.guest_csum as u64);
        self.m.set_mrg_on(n.mrg_rxbuf as u64);
        self.m.set_ctrl_vq_on(n.ctrl_vq as u64);
        self.m.set_ctrl_rx_on(n.ctrl_rx as u64);
        self.m.set_rx_extra_on(n.ctrl_rx_extra as u64);
        self.m.set_mac_addr_on(n.ctrl_mac_addr as u64);
        self.m.set_announce_on(n.guest_announce as u64);
        self.m.set_mq_on((n.mq || n.rss) as u64);
        self.m.set_rss_feat_on(n.rss as u64);
        self.m.set_hash_report_on(n.hash_report as u64);
    }

    /// The header size the negotiated features give (digest section 4).
    pub fn hdr_len(&self) -> usize {
        if self.negotiated.hash_report {
            20
        } else {
            12
        }
    }

    /// The control queue's index: 2N (NET-1).
    pub fn ctrl_queue(&self) -> u16 {
        if self.negotiated.mq || self.negotiated.rss {
            2 * self.cfg.max_pairs
        } else {
            2
        }
    }

    /// One clock cycle of everything.
    pub fn cycle(&mut self) {
        let readies = self.dma.drive(&mut self.m, &mut self.rng, self.now);
        // the queue engine: whole buffers, round robin over queues it may fetch (`want`)
        if self.offering.is_none() {
            let want = self.m.want();
            let n = self.pending.len();
            for k in 0..n {
                let q = (self.rr + k) % n;
                if want >> q & 1 == 1 && !self.pending[q].is_empty() {
                    self.offering = Some((self.pending[q].pop_front().unwrap(), 0));
                    self.rr = (q + 1) % n;
                    break;
                }
            }
        }
        let offer = if self.rng.gen_bool(self.stall) {
            None
        } else {
            self.offering.as_ref().map(|(b, i)| b[*i])
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
        let txf_ready = self.rng.gen_bool(1.0 - self.stall);
        self.m.set_txf_ready(txf_ready as u64);
        // the MAC side's receive port: one beat a cycle, never stalled
        let mi = self.mac.inputs(txf_ready);
        let (d, nb, l) = mi.rx.unwrap_or((0, 0, false));
        self.m.set_rxf_valid(mi.rx.is_some() as u64);
        self.m.set_rxf_data(d);
        self.m.set_rxf_bytes(nb as u64);
        self.m.set_rxf_last(l as u64);
        self.m.set_rxf_err(mi.rx_err as u64);
        self.m.settle();
        self.dma
            .after(&mut self.m, &mut self.rng, self.now, readies);
        let tx = (self.m.txf_valid() == 1).then(|| {
            (
                self.m.txf_data(),
                self.m.txf_bytes() as usize,
                self.m.txf_last() == 1,
            )
        });
        self.mac.observe(&mi, self.m.rxf_ready() == 1, tx);
        if offer.is_some() && self.m.seg_ready() == 1 {
            let (b, i) = self.offering.as_mut().unwrap();
            *i += 1;
            if *i == b.len() {
                self.offering = None;
            }
        }
        if done_ready && self.m.done_valid() == 1 {
            self.completions.push_back(Completion {
                queue: self.m.done_queue() as u16,
                token: self.m.done_token(),
                len: self.m.done_len() as u32,
                more: self.m.done_more() == 1,
            });
        }
        if self.m.needs_reset() == 1 {
            self.needs_reset += 1;
        }
        if self.m.config_changed() == 1 {
            self.config_changed += 1;
        }
        self.m.tick(1);
        self.now += 1;
    }

    pub fn run(&mut self, cycles: u64) {
        for _ in 0..cycles {
            self.cycle();
        }
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

    /// Run until the device has sent `n` frames in all (panics after `limit` cycles).
    pub fn run_until_sent(&mut self, n: usize, limit: u64) {
        let end = self.now + limit;
        while self.mac.sent.len() < n {
            assert!(
                self.now < end,
                "{} of {n} frames sent after {limit} cycles",
                self.mac.sent.len()
            );
            self.cycle();
        }
    }

    /// Addresses at random byte offsets, never adjacent, above 4 GiB.
    fn alloc(&mut self, len: u32) -> u64 {
        let a = self.next_addr + self.rng.gen_range(0..64);
        self.next_addr = (a + len as u64 + 4096) & !63;
        a
    }

    /// Post a buffer: `readable` bytes cut at `rcuts` lengths, then writable segments of
    /// `wlens` (filled with 0xee). The device may touch exactly those bytes.
    pub fn post(&mut self, queue: u16, readable: &[u8], rcuts: &[u32], wlens: &[u32]) -> Posted {
        assert_eq!(rcuts.iter().sum::<u32>() as usize, readable.len());
        let token = self.next_token;
        self.next_token += 1;
        let mut segments = Vec::new();
        let mut at = 0usize;
        for &l in rcuts {
            let a = self.alloc(l);
            if l > 0 {
                self.dma.mem.write(a, &readable[at..at + l as usize]);
                self.dma.mem.allow(
                    a,
                    l as u64,
                    Access::Read,
                    format!("buffer {token} readable"),
                );
            }
            at += l as usize;
            segments.push((a, l, false));
        }
        for &l in wlens {
            let a = self.alloc(l);
            if l > 0 {
                self.dma.mem.write(a, &vec![0xee; l as usize]);
                self.dma.mem.allow(
                    a,
                    l as u64,
                    Access::Write,
                    format!("buffer {token} writable"),
                );
            }
            segments.push((a, l, true));
        }
        let n = segments.len();
        let segs = segments
            .iter()
            .enumerate()
            .map(|(k, &(a, l, w))| (queue, token, a, l, w, k + 1 == n))
            .collect();
        self.pending[queue as usize].push_back(segs);
        Posted {
            queue,
            token,
            segments,
        }
    }

    /// Cut `total` bytes into `parts` random pieces (some may be empty).
    pub fn cuts(&mut self, total: u32, parts: usize) -> Vec<u32> {
        Layout::cut(&mut self.rng, total, parts)
    }

    /// Post a transmit buffer on pair `pair`'s transmit queue: `hdr` then `frame`, cut into
    /// `parts` readable segments.
    pub fn post_tx(&mut self, pair: u16, hdr: &[u8], frame: &[u8], parts: usize) -> Posted {
        let mut v = hdr.to_vec();
        v.extend_from_slice(frame);
        let cuts = self.cuts(v.len() as u32, parts);
        self.post(2 * pair + 1, &v, &cuts, &[])
    }

    /// Post a receive buffer on pair `pair`'s receive queue, its writable segments `wlens`.
    pub fn post_rx(&mut self, pair: u16, wlens: &[u32]) -> Posted {
        self.post(2 * pair, &[], &[], wlens)
    }

    /// A frame into the MAC side's receive port.
    pub fn inject(&mut self, frame: Vec<u8>) {
        self.mac.inject(frame);
    }

    /// Send one control command (class, command, data) and return the ack byte.
    pub fn ctrl(&mut self, class: u8, cmd: u8, data: &[u8]) -> u8 {
        let mut v = vec![class, cmd];
        v.extend_from_slice(data);
        // Linux's shape: class+command, data, ack; cut the data at random too
        let mut cuts = vec![2];
        if !data.is_empty() {
            let k = self.rng.gen_range(1..=3);
            cuts.extend(self.cuts(data.len() as u32, k));
        }
        let q = self.ctrl_queue();
        let p = self.post(q, &v, &cuts, &[1]);
        let before = self.completions.len();
        self.run_until(before + 1, 200_000);
        let c = self.completions.pop_back().unwrap();
        assert_eq!(
            (c.queue, c.token, c.len),
            (q, p.token, 1),
            "the ack written, len 1"
        );
        p.writable(self)[0]
    }

    /// A device-configuration read through the window.
    pub fn devcfg(&mut self, dw: u16) -> u32 {
        self.m.set_devcfg_valid(1);
        self.m.set_devcfg_write(0);
        self.m.set_devcfg_dw(dw as u64);
        self.m.set_devcfg_be(0xf);
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

    /// The device's `resetting` input held until it reports idle (a device reset).
    pub fn device_reset(&mut self) {
        self.m.set_resetting(1);
        for _ in 0..1000 {
            self.cycle();
            if self.m.idle() == 1 {
                break;
            }
        }
        assert_eq!(self.m.idle(), 1, "the device goes idle during a reset");
        self.m.set_resetting(0);
        self.cycle();
    }
}

/// The Toeplitz hash (digest section 8.5, Microsoft's RSS definition): for every bit of
/// `input` that is set, most significant bit of byte 0 first, XOR in the 32 key bits starting
/// at that bit. `key` must be at least 4 bytes longer than `input`.
pub fn toeplitz(key: &[u8], input: &[u8]) -> u32 {
    assert!(key.len() >= input.len() + 4);
    let bit = |i: usize| (key[i / 8] >> (7 - i % 8)) & 1 == 1;
    let mut h = 0u32;
    for (j, &b) in input.iter().enumerate() {
        for k in 0..8 {
            if b >> (7 - k) & 1 == 1 {
                let i = 8 * j + k;
                let w = (0..32).fold(0u32, |a, t| a << 1 | bit(i + t) as u32);
                h ^= w;
            }
        }
    }
    h
}

/// A `virtio_net_rss_config` command's data (digest section 8.2).
pub fn rss_config(
    hash_types: u32,
    table: &[u16],
    unclassified: u16,
    max_tx_vq: u16,
    key: &[u8],
) -> Vec<u8> {
    assert!(table.len().is_power_of_two());
    let mut v = hash_types.to_le_bytes().to_vec();
    v.extend_from_slice(&((table.len() - 1) as u16).to_le_bytes());
    v.extend_from_slice(&unclassified.to_le_bytes());
    for e in table {
        v.extend_from_slice(&e.to_le_bytes());
    }
    v.extend_from_slice(&max_tx_vq.to_le_bytes());
    v.push(key.len() as u8);
    v.extend_from_slice(key);
    v
}

/// A `virtio_net_hash_config` command's data (digest section 8.3).
pub fn hash_config(hash_types: u32, key: &[u8]) -> Vec<u8> {
    let mut v = hash_types.to_le_bytes().to_vec();
    v.extend_from_slice(&[0; 8]);
    v.push(key.len() as u8);
    v.extend_from_slice(key);
    v
}

/// The key of the digest's test vectors (Microsoft's RSS verification key).
pub const MS_KEY: [u8; 40] = [
    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
    0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
    0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
];

/// An Ethernet frame to `dst` carrying an IPv4 (`v6` false) or IPv6 packet from `src_ip` to
/// `dst_ip` (4 or 16 bytes each) of protocol `proto` whose first 4 payload bytes are the ports
/// `sport`, `dport`, then `pad` bytes. Checksums are left zero (the device does not check
/// them).
#[allow(clippy::too_many_arguments)]
pub fn ip_frame(
    dst: [u8; 6],
    v6: bool,
    src_ip: &[u8],
    dst_ip: &[u8],
    proto: u8,
    sport: u16,
    dport: u16,
    pad: usize,
) -> Vec<u8> {
    let mut f = dst.to_vec();
    f.extend_from_slice(&[0x02, 0, 0, 0, 0, 0x33]);
    let mut l4 = sport.to_be_bytes().to_vec();
    l4.extend_from_slice(&dport.to_be_bytes());
    l4.resize(4 + pad, 0x5a);
    if v6 {
        f.extend_from_slice(&0x86ddu16.to_be_bytes());
        f.extend_from_slice(&[0x60, 0, 0, 0]);
        f.extend_from_slice(&(l4.len() as u16).to_be_bytes());
        f.push(proto);
        f.push(64);
    } else {
        f.extend_from_slice(&0x0800u16.to_be_bytes());
        f.extend_from_slice(&[0x45, 0]);
        f.extend_from_slice(&((20 + l4.len()) as u16).to_be_bytes());
        f.extend_from_slice(&[0, 0, 0x40, 0, 64, proto, 0, 0]);
    }
    f.extend_from_slice(src_ip);
    f.extend_from_slice(dst_ip);
    f.extend_from_slice(&l4);
    f
}
