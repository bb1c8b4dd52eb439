//! The blk device's storage port (`blk_st`, docs/ARCHITECTURE.md "The storage port") served
//! from a disk-image file: the simulation's backing store.
//!
//! | op | what the file sees |
//! |---|---|
//! | READ | `pread` of each sector as its beats are needed |
//! | WRITE | `pwrite` of each sector once its 64 beats are in; `done` after the last |
//! | ZERO | `pwrite` of zeros over the range |
//! | FLUSH | `fsync` (`File::sync_data`); `done` only after it returned |
//!
//! So a write the device completed in writethrough mode, or one a completed FLUSH covers, is in
//! the file when the process dies. With `write_cache` on, the store behaves like a disk with
//! a volatile cache: WRITE and ZERO land in memory (READ sees them) and reach the file only at
//! the next FLUSH, so a write no FLUSH covered is lost when the process dies; that is what the
//! durability test uses to show FLUSH is really sent and waited for. A range past the file's sector count is answered with
//! `error` and touches nothing (a READ still delivers zeros). `busy` adds random stalls to
//! the data handshakes.

use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, VecDeque};
use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// What the device drives on the storage port in one cycle.
#[derive(Clone, Copy, Debug, Default)]
pub struct StoreInputs {
    pub req: Option<(u8, u64, u32)>,
    pub wr: Option<u64>,
    pub rd_ready: bool,
}

/// What the store drives back.
#[derive(Clone, Copy, Debug, Default)]
pub struct StoreOutputs {
    pub req_ready: bool,
    pub wr_ready: bool,
    pub rd: Option<u64>,
    pub done: bool,
    pub error: bool,
}

enum Op {
    Read {
        next: u64,
        left: u64,
        bad: bool,
    },
    Write {
        sector: u64,
        left: u64,
        buf: Vec<u8>,
        bad: bool,
    },
}

pub struct FileStore {
    file: File,
    pub path: PathBuf,
    pub sectors: u64,
    op: Option<Op>,
    words: VecDeque<u64>,
    done: Option<bool>,
    rng: ChaCha8Rng,
    /// Probability a data handshake stalls in a cycle.
    pub busy: f64,
    /// Operations seen, by kind: READ, WRITE, FLUSH, ZERO.
    pub ops: [u64; 4],
    /// Hold writes in memory until a FLUSH (a volatile write cache).
    pub write_cache: bool,
    cache: BTreeMap<u64, Vec<u8>>,
    out: StoreOutputs,
}

impl FileStore {
    /// Open (creating, and sizing to `sectors`) the image at `path`.
    pub fn open(path: &Path, sectors: u64) -> std::io::Result<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        file.set_len(sectors * 512)?;
        Ok(FileStore {
            file,
            path: path.to_path_buf(),
            sectors,
            op: None,
            words: VecDeque::new(),
            done: None,
            rng: ChaCha8Rng::seed_from_u64(0x5707e),
            busy: 0.0,
            ops: [0; 4],
            write_cache: false,
            cache: BTreeMap::new(),
            out: StoreOutputs::default(),
        })
    }

    fn in_range(&self, sector: u64, count: u32) -> bool {
        sector <= self.sectors && count as u64 <= self.sectors - sector
    }

    /// This cycle's outputs (decided before the device's outputs are looked at).
    pub fn outputs(&mut self) -> StoreOutputs {
        let stall = self.busy > 0.0 && self.rng.gen_bool(self.busy);
        if let Some(Op::Read { next, left, bad }) = &mut self.op {
            if self.words.is_empty() && *left > 0 {
                let mut sector = [0u8; 512];
                if !*bad {
                    match self.cache.get(next) {
                        Some(c) => sector.copy_from_slice(c),
                        None => self
                            .file
                            .read_exact_at(&mut sector, *next * 512)
                            .expect("image read"),
                    }
                }
                self.words.extend(
                    sector
                        .chunks(8)
                        .map(|c| u64::from_le_bytes(c.try_into().unwrap())),
                );
                *next += 1;
                *left -= 1;
            }
        }
        let done = self.done.take();
        self.out = StoreOutputs {
            req_ready: self.op.is_none() && done.is_none(),
            wr_ready: !stall && matches!(self.op, Some(Op::Write { left, .. }) if left > 0),
            rd: if stall {
                None
            } else {
                self.words.front().copied()
            },
            done: done.is_some(),
            error: done == Some(true),
        };
        self.out
    }

    /// Take what the device handed over in the cycle `outputs` was shown.
    pub fn observe(&mut self, i: StoreInputs) {
        let o = self.out;
        if o.req_ready {
            if let Some((op, sector, count)) = i.req {
                let ok = self.in_range(sector, count);
                match op {
                    0 => {
                        self.ops[0] += 1;
                        self.op = Some(Op::Read {
                            next: sector,
                            left: count as u64,
                            bad: !ok,
                        });
                        if count == 0 {
                            self.op = None;
                            self.done = Some(!ok);
                        }
                    }
                    1 => {
                        self.ops[1] += 1;
                        self.op = Some(Op::Write {
                            sector,
                            left: count as u64 * 64,
                            buf: Vec::new(),
                            bad: !ok,
                        });
                        if count == 0 {
                            self.op = None;
                            self.done = Some(!ok);
                        }
                    }
                    2 => {
                        self.ops[2] += 1;
                        for (sector, data) in std::mem::take(&mut self.cache) {
                            self.file
                                .write_all_at(&data, sector * 512)
                                .expect("image write");
                        }
                        self.file.sync_data().expect("image fsync");
                        self.done = Some(false);
                    }
                    _ => {
                        self.ops[3] += 1;
                        if ok {
                            for s in sector..sector + count as u64 {
                                self.put(s, &[0; 512]);
                            }
                        }
                        self.done = Some(!ok);
                    }
                }
            }
        }
        if o.rd.is_some() && i.rd_ready {
            self.words.pop_front();
            if let Some(Op::Read { left: 0, bad, .. }) = self.op {
                if self.words.is_empty() {
                    self.op = None;
                    self.done = Some(bad);
                }
            }
        }
        if o.wr_ready {
            if let Some(w) = i.wr {
                let mut full = None;
                let mut finished = None;
                if let Some(Op::Write {
                    sector,
                    left,
                    buf,
                    bad,
                }) = &mut self.op
                {
                    buf.extend_from_slice(&w.to_le_bytes());
                    *left -= 1;
                    if buf.len() == 512 {
                        let data = std::mem::take(buf);
                        if !*bad {
                            full = Some((*sector, data));
                        }
                        *sector += 1;
                    }
                    if *left == 0 {
                        finished = Some(*bad);
                    }
                }
                if let Some((sector, data)) = full {
                    self.put(sector, &data);
                }
                if let Some(bad) = finished {
                    self.op = None;
                    self.done = Some(bad);
                }
            }
        }
    }

    fn put(&mut self, sector: u64, data: &[u8]) {
        if self.write_cache {
            self.cache.insert(sector, data.to_vec());
        } else {
            self.file
                .write_all_at(data, sector * 512)
                .expect("image write");
        }
    }

    /// The image's bytes (read back from the file).
    pub fn image(&self) -> Vec<u8> {
        std::fs::read(&self.path).expect("image")
    }

    /// Nothing in progress.
    pub fn idle(&self) -> bool {
        self.op.is_none() && self.done.is_none()
    }
}
