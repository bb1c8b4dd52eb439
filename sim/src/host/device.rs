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
    pub token: u64,
    pub segments: Vec<Seg>,
}

/// Largest DMA request the echo device makes.
const CHUNK: u64 = 4096;

/// A buffer the echo device is working on.
#[derive(Debug)]
struct Job {
    buf: Buffer,
    /// Its reads are `reads_first..reads_first + reads` of the DMA client's reads.
    reads_first: usize,
    reads: usize,
    reads_seen: usize,
    /// Where the next byte goes: writable segment and offset in it.
    wseg: usize,
    woff: u64,
    written: u64,
    failed: bool,
    /// Index (in the DMA client's writes) after its last write.
    writes_end: usize,
}

/// What the card's device ports need from the model in one cycle.
#[derive(Clone, Copy, Debug, Default)]
pub struct DeviceInputs {
    pub seg_ready: bool,
    /// (queue, token, len, more: not the last buffer of its request)
    pub done: Option<(u16, u64, u32, bool)>,
    pub idle: bool,
}

/// What the card showed on them.
#[derive(Clone, Copy, Debug, Default)]
pub struct DeviceOutputs {
    pub seg: Option<(u16, u64, Seg, bool)>,
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
    pub completions: VecDeque<(u16, u64, u32, bool)>,
    jobs: VecDeque<Job>,
    reads_issued: usize,
    writes_issued: usize,
    /// Buffers the echo device works on at once (reads of the next overlap writes of this).
    pub depth: usize,
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
            jobs: VecDeque::new(),
            reads_issued: 0,
            writes_issued: 0,
            depth: 4,
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
        self.completions
            .push_back((buf.queue, buf.token, len, false));
    }

    /// Complete a received buffer that is not the last of its request (`done_more`, PQ-15):
    /// the request's next buffer must be completed next.
    pub fn complete_part(&mut self, buf: &Buffer, len: u32) {
        self.completions
            .push_back((buf.queue, buf.token, len, true));
    }

    /// The device holds nothing.
    pub fn idle(&self) -> bool {
        self.partial.is_none()
            && self.received.is_empty()
            && self.completions.is_empty()
            && self.jobs.is_empty()
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

    /// The echo device's work for this cycle, through its DMA client: start buffers (up to
    /// `depth`), turn each read's bytes into writes as soon as they arrive (so the card reads
    /// and writes at once), and complete buffers in order once their writes are done.
    pub fn step(&mut self, dma: &mut DmaClient) {
        if !self.echo {
            return;
        }
        while self.jobs.len() < self.depth {
            let Some(buf) = self.received.pop_front() else {
                break;
            };
            let first = self.reads_issued;
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
            self.reads_issued += reads;
            self.jobs.push_back(Job {
                buf,
                reads_first: first,
                reads,
                reads_seen: 0,
                wseg: 0,
                woff: 0,
                written: 0,
                failed: false,
                writes_end: self.writes_issued,
            });
        }
        for job in self.jobs.iter_mut() {
            while job.reads_seen < job.reads
                && dma.read_results.len() > job.reads_first + job.reads_seen
            {
                let r = dma.read_results[job.reads_first + job.reads_seen].clone();
                job.reads_seen += 1;
                if r.error {
                    job.failed = true;
                }
                if job.failed {
                    continue;
                }
                let wsegs: Vec<Seg> = job
                    .buf
                    .segments
                    .iter()
                    .filter(|s| s.write)
                    .copied()
                    .collect();
                let mut at = 0usize;
                while at < r.data.len() && job.wseg < wsegs.len() {
                    let s = wsegs[job.wseg];
                    let n = (s.len as u64 - job.woff)
                        .min(CHUNK)
                        .min((r.data.len() - at) as u64);
                    if n > 0 {
                        dma.write(
                            self.function,
                            s.addr + job.woff,
                            r.data[at..at + n as usize].to_vec(),
                        );
                        self.writes_issued += 1;
                        job.writes_end = self.writes_issued;
                        job.woff += n;
                        at += n as usize;
                        job.written += n;
                    }
                    if job.woff == s.len as u64 {
                        job.wseg += 1;
                        job.woff = 0;
                    }
                }
            }
            if job.reads_seen < job.reads {
                break;
            }
        }
        while let Some(job) = self.jobs.front() {
            if job.reads_seen < job.reads || dma.write_results.len() < job.writes_end {
                break;
            }
            let job = self.jobs.pop_front().unwrap();
            if job.failed {
                self.read_errors += 1;
            }
            self.completions
                .push_back((job.buf.queue, job.buf.token, job.written as u32, false));
            self.echoed += 1;
        }
    }
}
