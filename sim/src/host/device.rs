//! A function's device, as the host model plays it on the card's device ports: the segment
//! stream from the queue engine (`fN_seg_*`), the completion port (`fN_done_*`), `fN_idle`,
//! and the device's DMA port (a [`DmaClient`]).
//!
//! Two ways to use it:
//! - **by hand**: buffers collect in `received`; a test completes them in any order with
//!   [`Device::complete`] (out-of-order completion);
//! - **echo** (`echo = true`): the simulation-only echo device of issue 4. It takes one buffer
//!   at a time, reads all its readable bytes through its DMA port, writes them into its
//!   writable segments (as many as fit) and completes the buffer with the number of bytes
//!   written. It never touches a byte outside the buffer's segments, so the host checker
//!   verifies the engine handed it only what the driver posted.

use super::dma_client::DmaClient;
use std::collections::VecDeque;

/// One segment as the engine gave it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seg {
    pub addr: u64,
    pub len: u32,
    pub write: bool,
}

/// A buffer the device received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Buffer {
    pub queue: u16,
    pub token: u32,
    pub segments: Vec<Seg>,
}

/// Largest DMA request the echo device makes.
const CHUNK: u64 = 4096;

#[derive(Debug)]
enum Echo {
    Idle,
    Reading { buf: Buffer, reads: usize, first: usize },
    Writing { buf: Buffer, written: u32, writes: usize, first: usize },
}

/// What the card's device ports need from the model in one cycle.
#[derive(Clone, Copy, Debug, Default)]
pub struct DeviceInputs {
    pub seg_ready: bool,
    pub done: Option<(u16, u32, u32)>,
    pub idle: bool,
}

/// What the card showed on them.
#[derive(Clone, Copy, Debug, Default)]
pub struct DeviceOutputs {
    pub seg: Option<(u16, u32, Seg, bool)>,
    pub done_ready: bool,
}

pub struct Device {
    /// The function it belongs to (its DMA requests carry it).
    pub function: u8,
    /// Take segments (`seg_ready`).
    pub accept: bool,
    /// Play the echo device.
    pub echo: bool,
    /// Buffers received whole, not yet completed (by hand mode).
    pub received: VecDeque<Buffer>,
    partial: Option<Buffer>,
    /// Completions waiting to go to the card, in order.
    pub completions: VecDeque<(u16, u32, u32)>,
    state: Echo,
    /// Buffers the echo device completed, and reads of it that failed.
    pub echoed: u64,
    pub read_errors: u64,
    /// Every buffer received, in order (for tests that check what the engine handed over).
    pub log: Vec<Buffer>,
    pub keep_log: bool,
}

impl Default for Device {
    fn default() -> Self {
        Device {
            function: 0,
            accept: true,
            echo: false,
            received: VecDeque::new(),
            partial: None,
            completions: VecDeque::new(),
            state: Echo::Idle,
            echoed: 0,
            read_errors: 0,
            log: Vec::new(),
            keep_log: true,
        }
    }
}

impl Device {
    pub fn for_function(function: u8) -> Self {
        Device {
            function,
            ..Device::default()
        }
    }

    /// Complete a received buffer (by hand), having written `len` bytes.
    pub fn complete(&mut self, buf: &Buffer, len: u32) {
        self.completions.push_back((buf.queue, buf.token, len));
    }

    /// The device holds nothing.
    pub fn idle(&self) -> bool {
        self.partial.is_none()
            && self.received.is_empty()
            && self.completions.is_empty()
            && matches!(self.state, Echo::Idle)
    }

    pub fn inputs(&self) -> DeviceInputs {
        DeviceInputs {
            seg_ready: self.accept,
            done: self.completions.front().copied(),
            idle: self.idle(),
        }
    }

    pub fn observe(&mut self, i: &DeviceInputs, o: DeviceOutputs) {
        if let (true, Some((queue, token, seg, last))) = (i.seg_ready, o.seg) {
            let b = self.partial.get_or_insert_with(|| Buffer {
                queue,
                token,
                segments: Vec::new(),
            });
            assert_eq!(
                (b.queue, b.token),
                (queue, token),
                "a buffer's segments changed queue or token part-way"
            );
            b.segments.push(seg);
            if last {
                let b = self.partial.take().unwrap();
                if self.keep_log {
                    self.log.push(b.clone());
                }
                self.received.push_back(b);
            }
        }
        if i.done.is_some() && o.done_ready {
            self.completions.pop_front();
        }
    }

    /// The echo device's work for this cycle, through its DMA client.
    pub fn step(&mut self, dma: &mut DmaClient) {
        if !self.echo {
            return;
        }
        self.state = match std::mem::replace(&mut self.state, Echo::Idle) {
            Echo::Idle => match self.received.pop_front() {
                None => Echo::Idle,
                Some(buf) => {
                    let first = dma.read_results.len();
                    let mut reads = 0;
                    for s in buf.segments.iter().filter(|s| !s.write) {
                        let mut off = 0u64;
                        while off < s.len as u64 {
                            let n = (s.len as u64 - off).min(CHUNK);
                            dma.read(self.function, s.addr + off, n as u16);
                            off += n;
                            reads += 1;
                        }
                    }
                    Echo::Reading { buf, reads, first }
                }
            },
            Echo::Reading { buf, reads, first } => {
                if dma.read_results.len() < first + reads {
                    Echo::Reading { buf, reads, first }
                } else {
                    let mut data = Vec::new();
                    let mut failed = false;
                    for r in &dma.read_results[first..first + reads] {
                        failed |= r.error;
                        data.extend_from_slice(&r.data);
                    }
                    if failed {
                        self.read_errors += 1;
                        data.clear();
                    }
                    let wfirst = dma.write_results.len();
                    let mut writes = 0;
                    let mut at = 0usize;
                    for s in buf.segments.iter().filter(|s| s.write) {
                        let mut off = 0u64;
                        while off < s.len as u64 && at < data.len() {
                            let n = (s.len as u64 - off).min(CHUNK).min((data.len() - at) as u64);
                            dma.write(self.function, s.addr + off, data[at..at + n as usize].to_vec());
                            off += n;
                            at += n as usize;
                            writes += 1;
                        }
                    }
                    Echo::Writing {
                        buf,
                        written: at as u32,
                        writes,
                        first: wfirst,
                    }
                }
            }
            Echo::Writing {
                buf,
                written,
                writes,
                first,
            } => {
                if dma.write_results.len() < first + writes {
                    Echo::Writing {
                        buf,
                        written,
                        writes,
                        first,
                    }
                } else {
                    self.completions.push_back((buf.queue, buf.token, written));
                    self.echoed += 1;
                    Echo::Idle
                }
            }
        };
    }
}
