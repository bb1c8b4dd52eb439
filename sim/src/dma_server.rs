//! [`DmaServer`]: the DMA engine as a device sees it at its client port, over [`HostMemory`]
//! with its access checker, for the device benches (`blk`, `net`): requests taken with random
//! stalls, reads answered in order after a random latency, writes applied when their last beat
//! is in, and `wr_done` one pulse per write, in order. A device top's DMA pins are reached
//! through [`DmaPins`].

use crate::host::memory::HostMemory;
use crate::models::{BlkDevice, NetDevice};
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
dma_pins!(NetDevice);

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
