//! [`NetDriver`]: the driver's side of the virtio-net function (function 0 of the
//! `virtio_card` top), as Linux's `virtio_net` uses it: receive buffers posted ahead (one
//! writable segment each, mergeable or big enough for a frame), transmit buffers as header and
//! frame in two readable segments, and control commands as class and command, data, and the
//! ack byte (digest `shared/virtio/net.md` sections 4-7).
//!
//! Every buffer is a region the memory checker allows only while it is in flight; the rings
//! (`h.rings[0]`) check every used descriptor.

use super::ring::Segment;
use super::{CardPort, RootComplex};
use ferrio_hdl::device::net::NetConfig;
use std::collections::HashMap;

/// Where the net driver's buffers live: 1 MiB per queue from here.
const BUFFERS: u64 = 0x2_0000_0000;

/// A frame as the driver received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    pub queue: u16,
    /// The virtio-net header as written (12 or 20 bytes).
    pub hdr: Vec<u8>,
    pub frame: Vec<u8>,
    /// Buffers it took (`num_buffers`).
    pub buffers: u16,
}

pub struct NetDriver {
    pub cfg: NetConfig,
    /// Header length negotiated (12, or 20 with HASH_REPORT).
    pub hdr_len: usize,
    pub mrg_rxbuf: bool,
    /// Queue pairs in use (1 until VQ_PAIRS_SET or RSS says more).
    pub pairs: u16,
    /// Control queue index (2N with MQ, else 2).
    pub ctrl_queue: u16,
    /// Next free byte of each queue's buffer area (a simple bump allocator that wraps).
    next: HashMap<u16, u64>,
    /// Receive buffers by queue and id: (address, length).
    rx_posted: HashMap<(u16, u16), (u64, u32)>,
}

impl NetDriver {
    /// Driver state for the features `features` negotiated on function 0.
    pub fn new(features: u64) -> Self {
        use ferrio_hdl::device::net::features as f;
        let cfg = NetConfig::default();
        let mq = features & (1 << f::MQ) != 0 || features & (1 << f::RSS) != 0;
        NetDriver {
            hdr_len: if features & (1 << f::HASH_REPORT) != 0 {
                20
            } else {
                12
            },
            mrg_rxbuf: features & (1 << f::MRG_RXBUF) != 0,
            pairs: 1,
            ctrl_queue: if mq { 2 * cfg.max_pairs } else { 2 },
            cfg,
            next: HashMap::new(),
            rx_posted: HashMap::new(),
        }
    }

    fn alloc(&mut self, q: u16, len: u32) -> u64 {
        let base = BUFFERS + 0x10_0000 * q as u64;
        let at = self.next.entry(q).or_insert(base);
        if *at + len as u64 > base + 0x10_0000 {
            *at = base;
        }
        let a = *at;
        *at = (a + len as u64 + 63) & !63;
        a
    }

    /// Post `n` receive buffers of `len` bytes on receive queue `q` and kick it.
    pub fn fill_rx<C: CardPort>(&mut self, h: &mut RootComplex<C>, q: u16, n: usize, len: u32) {
        for _ in 0..n {
            let a = self.alloc(q, len);
            h.memory.write(a, &vec![0xee; len as usize]);
            let id = h.rings[0][q as usize]
                .post_chain(
                    &mut h.memory,
                    &[Segment {
                        addr: a,
                        len,
                        write: true,
                    }],
                )
                .expect("receive ring full");
            self.rx_posted.insert((q, id), (a, len));
        }
        h.kick(0, q);
    }

    /// Post `frame` with header `hdr` on transmit queue `q` (header and frame in two
    /// segments, as Linux without IFF_TX_SKB_NO_LINEAR) and kick it; returns the buffer id.
    pub fn send<C: CardPort>(
        &mut self,
        h: &mut RootComplex<C>,
        q: u16,
        hdr: &[u8],
        frame: &[u8],
    ) -> u16 {
        let a = self.alloc(q, (hdr.len() + frame.len()) as u32);
        h.memory.write(a, hdr);
        h.memory.write(a + hdr.len() as u64, frame);
        let id = h.rings[0][q as usize]
            .post_chain(
                &mut h.memory,
                &[
                    Segment {
                        addr: a,
                        len: hdr.len() as u32,
                        write: false,
                    },
                    Segment {
                        addr: a + hdr.len() as u64,
                        len: frame.len() as u32,
                        write: false,
                    },
                ],
            )
            .expect("transmit ring full");
        h.kick(0, q);
        id
    }

    /// A zero header of the negotiated length (no offloads).
    pub fn plain_hdr(&self) -> Vec<u8> {
        vec![0; self.hdr_len]
    }

    /// Transmit buffers the device finished with on queue `q`.
    pub fn reclaim_tx<C: CardPort>(&mut self, h: &mut RootComplex<C>, q: u16) -> usize {
        let mut n = 0;
        while let Some(u) = h.rings[0][q as usize].poll_used(&mut h.memory) {
            assert_eq!(u.len, 0, "a transmit buffer is used with len 0 (NET-14)");
            n += 1;
        }
        n
    }

    /// The next whole frame on receive queue `q`, if its buffers are all used: the header
    /// of the first buffer, then the frame across `num_buffers` buffers (MRG_RXBUF).
    pub fn recv<C: CardPort>(&mut self, h: &mut RootComplex<C>, q: u16) -> Option<Received> {
        let u = h.rings[0][q as usize].poll_used(&mut h.memory)?;
        let (a, _) = self.rx_posted.remove(&(q, u.id)).expect("unknown buffer");
        let first = h.memory.read_vec(a, u.len as usize);
        assert!(
            first.len() >= self.hdr_len,
            "queue {q}: a used receive buffer shorter than the header"
        );
        let hdr = first[..self.hdr_len].to_vec();
        let num = u16::from_le_bytes([hdr[10], hdr[11]]);
        let mut frame = first[self.hdr_len..].to_vec();
        if self.mrg_rxbuf {
            assert!(num >= 1, "num_buffers is at least 1 (NET-17)");
            for k in 1..num {
                // the rest of the frame's buffers are used right behind the first (PQ-15)
                let u = h.rings[0][q as usize]
                    .poll_used(&mut h.memory)
                    .unwrap_or_else(|| panic!("buffer {k} of {num} not used with the first"));
                let (a, _) = self.rx_posted.remove(&(q, u.id)).expect("unknown buffer");
                frame.extend(h.memory.read_vec(a, u.len as usize));
            }
        }
        Some(Received {
            queue: q,
            hdr,
            frame,
            buffers: num,
        })
    }

    /// Send a control command and run until its ack is written; returns the ack.
    pub fn ctrl<C: CardPort>(
        &mut self,
        h: &mut RootComplex<C>,
        class: u8,
        cmd: u8,
        data: &[u8],
    ) -> u8 {
        let q = self.ctrl_queue;
        let a = self.alloc(q, 2 + data.len() as u32 + 1);
        h.memory.write(a, &[class, cmd]);
        h.memory.write(a + 2, data);
        let ack = a + 2 + data.len() as u64;
        h.memory.write(ack, &[0xee]);
        let mut segs = vec![Segment {
            addr: a,
            len: 2,
            write: false,
        }];
        if !data.is_empty() {
            segs.push(Segment {
                addr: a + 2,
                len: data.len() as u32,
                write: false,
            });
        }
        segs.push(Segment {
            addr: ack,
            len: 1,
            write: true,
        });
        let id = h.rings[0][q as usize]
            .post_chain(&mut h.memory, &segs)
            .expect("control ring full");
        h.kick(0, q);
        for _ in 0..20_000 {
            if let Some(u) = h.rings[0][q as usize].poll_used(&mut h.memory) {
                assert_eq!((u.id, u.len), (id, 1), "the ack written, len 1");
                return h.memory.read_vec(ack, 1)[0];
            }
            h.idle(16);
        }
        panic!("control command {class}.{cmd}: no used descriptor");
    }
}
