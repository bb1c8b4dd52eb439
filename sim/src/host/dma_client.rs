//! The card's DMA client ports (`dma_rd_*`, `dma_wr_*`), played by the host model until the
//! queue engine inside the card takes them: reads and writes are queued here, handed to the
//! card in order, and their answers collected. The port contract is checked as it goes: an
//! answer with the wrong number of beats, or a `wr_done` with no write outstanding, panics.

use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadReq {
    pub function: u8,
    pub address: u64,
    pub length: u16,
}

#[derive(Clone, Debug)]
pub struct ReadResult {
    pub req: ReadReq,
    pub data: Vec<u8>,
    pub error: bool,
    /// Cycle the request was taken and cycle its last beat came.
    pub taken_at: u64,
    pub done_at: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteReq {
    pub function: u8,
    pub address: u64,
    pub data: Vec<u8>,
}

#[derive(Clone, Debug)]
pub struct WriteResult {
    pub function: u8,
    pub address: u64,
    pub length: usize,
    pub error: bool,
    pub done_at: u64,
}

/// What the model drives into the card in one cycle.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientInputs {
    pub rd_req: Option<(u8, u64, u16)>,
    pub rd_ready: bool,
    pub wr_req: Option<(u8, u64, u16)>,
    pub wr_beat: Option<u64>,
}

/// What the card showed in that cycle.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientOutputs {
    pub rd_req_ready: bool,
    pub rd_beat: Option<(u64, bool, bool)>,
    pub wr_req_ready: bool,
    pub wr_ready: bool,
    pub wr_done: bool,
    pub wr_error: bool,
    pub unexpected: bool,
    pub timeout: bool,
    pub idle: bool,
}

pub struct DmaClient {
    /// Reads waiting to be handed to the card.
    pub reads: VecDeque<ReadReq>,
    issued: VecDeque<(ReadReq, u64)>,
    partial: Vec<u8>,
    pub read_results: Vec<ReadResult>,
    /// Writes waiting to be handed to the card.
    pub writes: VecDeque<WriteReq>,
    /// Writes taken, their data still going in (beats sent so far).
    feeding: VecDeque<(WriteReq, usize)>,
    /// Writes taken and not yet `wr_done`, in order.
    outstanding: VecDeque<WriteReq>,
    pub write_results: Vec<WriteResult>,
    /// Chance per cycle that the model holds `rd_ready` or `wr_valid` low.
    pub stall: f64,
    rng: ChaCha8Rng,
    /// The DMA engine's card-wide `dma_unexpected` / `dma_timeout` pulses (they do not say
    /// which client's read it was): every client counts all of them.
    pub unexpected: u64,
    pub timeouts: u64,
    /// The card's `dma_idle` in the last cycle.
    pub idle: bool,
    pub cycle: u64,
}

impl Default for DmaClient {
    fn default() -> Self {
        DmaClient {
            reads: VecDeque::new(),
            issued: VecDeque::new(),
            partial: Vec::new(),
            read_results: Vec::new(),
            writes: VecDeque::new(),
            feeding: VecDeque::new(),
            outstanding: VecDeque::new(),
            write_results: Vec::new(),
            stall: 0.0,
            rng: ChaCha8Rng::seed_from_u64(7),
            unexpected: 0,
            timeouts: 0,
            idle: true,
            cycle: 0,
        }
    }
}

fn beats(len: usize) -> usize {
    len.div_ceil(8).max(1)
}

impl DmaClient {
    pub fn seed(&mut self, seed: u64) {
        self.rng = ChaCha8Rng::seed_from_u64(seed);
    }

    pub fn read(&mut self, function: u8, address: u64, length: u16) {
        self.reads.push_back(ReadReq {
            function,
            address,
            length,
        });
    }

    pub fn write(&mut self, function: u8, address: u64, data: Vec<u8>) {
        assert!(data.len() < 65536);
        self.writes.push_back(WriteReq {
            function,
            address,
            data,
        });
    }

    /// Nothing queued, nothing outstanding.
    pub fn quiet(&self) -> bool {
        self.reads.is_empty()
            && self.issued.is_empty()
            && self.writes.is_empty()
            && self.feeding.is_empty()
            && self.outstanding.is_empty()
    }

    pub fn inputs(&mut self) -> ClientInputs {
        let stall = self.stall > 0.0 && self.rng.gen_bool(self.stall);
        let wr_beat = self.feeding.front().and_then(|(w, k)| {
            let start = 8 * k;
            (start < w.data.len()).then(|| {
                let mut b = [0u8; 8];
                let end = (start + 8).min(w.data.len());
                b[..end - start].copy_from_slice(&w.data[start..end]);
                u64::from_le_bytes(b)
            })
        });
        ClientInputs {
            rd_req: self
                .reads
                .front()
                .map(|r| (r.function, r.address, r.length)),
            rd_ready: !stall,
            wr_req: self
                .writes
                .front()
                .map(|w| (w.function, w.address, w.data.len() as u16)),
            wr_beat: if stall { None } else { wr_beat },
        }
    }

    pub fn observe(&mut self, i: &ClientInputs, o: ClientOutputs) {
        self.cycle += 1;
        self.idle = o.idle;
        self.unexpected += o.unexpected as u64;
        self.timeouts += o.timeout as u64;
        if i.rd_req.is_some() && o.rd_req_ready {
            let r = self.reads.pop_front().unwrap();
            self.issued.push_back((r, self.cycle));
        }
        if let (true, Some((data, last, error))) = (i.rd_ready, o.rd_beat) {
            let (req, taken_at) = self
                .issued
                .front()
                .cloned()
                .expect("read data with no read outstanding");
            self.partial.extend_from_slice(&data.to_le_bytes());
            let want = beats(req.length as usize);
            let got = self.partial.len() / 8;
            assert!(
                got < want || last,
                "no `last` after {got} beats of a {}-byte read",
                req.length
            );
            if last {
                assert_eq!(
                    got, want,
                    "`last` after {got} beats of a {}-byte read",
                    req.length
                );
                self.issued.pop_front();
                let mut data = std::mem::take(&mut self.partial);
                data.truncate(req.length as usize);
                self.read_results.push(ReadResult {
                    req,
                    data,
                    error,
                    taken_at,
                    done_at: self.cycle,
                });
            }
        }
        if i.wr_req.is_some() && o.wr_req_ready {
            let w = self.writes.pop_front().unwrap();
            if !w.data.is_empty() {
                self.feeding.push_back((w.clone(), 0));
            }
            self.outstanding.push_back(w);
        }
        if i.wr_beat.is_some() && o.wr_ready {
            let (w, k) = self.feeding.front_mut().unwrap();
            *k += 1;
            if 8 * *k >= w.data.len() {
                self.feeding.pop_front();
            }
        }
        if o.wr_done {
            let w = self
                .outstanding
                .pop_front()
                .expect("wr_done with no write outstanding");
            self.write_results.push(WriteResult {
                function: w.function,
                address: w.address,
                length: w.data.len(),
                error: o.wr_error,
                done_at: self.cycle,
            });
        }
    }
}
