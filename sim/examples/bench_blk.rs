//! virtio-blk throughput and IOPS through the whole card (queue engine, blk device, DMA
//! engine, transaction layer) with the host model's link serialisation, for
//! `cargo xtask bench blk`. Prints one JSON object per line.
//!
//! Workload: requests on queue 0 of function 1 (the blk device), each a 16-byte header, one
//! data segment and a status byte; the driver keeps `depth` requests posted. The storage port
//! is served by the file store (no stalls). MPS 256, MRRS 512; the host answers reads after
//! 1 us in 64-byte completions. Sequential: 64 KiB reads (IN) or writes (OUT) walking the
//! disk; random: 4 KiB reads or writes at random 4 KiB-aligned sectors. Throughput counts data bytes
//! after a warm-up; the ceiling is the TLP-limited payload rate of the direction the data
//! goes (256-byte writes toward the host for IN, 64-byte completions toward the card for OUT).

use ferrio_hdl::device::blk::{types, BlkConfig};
use ferrio_sim::host::ring::Segment;
use ferrio_sim::host::virtio::feature;
use ferrio_sim::host::{FileStore, Link, LinkRate, RootComplex, VirtioCardHost};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;

const WANT: u64 = feature::VERSION_1
    | feature::RING_PACKED
    | feature::INDIRECT_DESC
    | feature::EVENT_IDX
    | feature::NOTIFICATION_DATA
    | feature::ACCESS_PLATFORM
    | feature::ORDER_PLATFORM;
const CORE_HZ: f64 = 125e6;
const DATA: u64 = 0x4000_0000;

fn card(rate: LinkRate) -> RootComplex<VirtioCardHost> {
    let img = std::env::temp_dir().join(format!("ferrio-bench-blk-{}.img", std::process::id()));
    let store = FileStore::open(&img, BlkConfig::default().capacity).unwrap();
    let _ = std::fs::remove_file(&img);
    let mut h = RootComplex::with_link(VirtioCardHost::new(store), Link::new(rate));
    assert_eq!(h.enumerate().len(), 2);
    // MPS 256 (7:5 = 1), MRRS 512 (14:12 = 2), on function 1.
    h.cfg_write(
        1,
        (0x54 + 8) / 4,
        0b0011,
        (1 << 4) | (1 << 5) | (1 << 11) | (2 << 12),
    )
    .unwrap();
    h.virtio_init(1, WANT | BlkConfig::default().device_features(), true)
        .unwrap();
    h.dma.reads.clear();
    h
}

#[derive(Clone, Copy, PartialEq)]
enum Pattern {
    SeqRead,
    SeqWrite,
    RandRead,
    RandWrite,
}

impl Pattern {
    fn writes(self) -> bool {
        matches!(self, Pattern::SeqWrite | Pattern::RandWrite)
    }
}

/// Run `pattern` with `bytes` per request and `depth` in flight; print one line.
fn run(rate: LinkRate, pattern: Pattern, bytes: u32, depth: usize, warm: u64, measure: u64) {
    let mut h = card(rate);
    let mut r = ChaCha8Rng::seed_from_u64(7);
    let sectors = BlkConfig::default().capacity;
    let per = (bytes / 512) as u64;
    let mut next_sector = 0u64;
    let mut slots: Vec<u64> = (0..depth as u64).map(|k| DATA + k * 0x2_0000).collect();
    let mut posted: HashMap<u16, u64> = HashMap::new();
    let (mut done, mut start) = (0u64, None);
    loop {
        let mut kicked = false;
        while let Some(at) = slots.pop() {
            let sector = match pattern {
                Pattern::RandRead | Pattern::RandWrite => r.gen_range(0..sectors / per) * per,
                _ => {
                    let s = next_sector;
                    next_sector = (next_sector + per) % (sectors - sectors % per);
                    s
                }
            };
            let kind = if pattern.writes() {
                types::OUT
            } else {
                types::IN
            };
            let mut hdr = kind.to_le_bytes().to_vec();
            hdr.extend_from_slice(&[0; 4]);
            hdr.extend_from_slice(&sector.to_le_bytes());
            h.memory.write(at, &hdr);
            let segs = [
                Segment {
                    addr: at,
                    len: 16,
                    write: false,
                },
                Segment {
                    addr: at + 0x1000,
                    len: bytes,
                    write: kind == types::IN,
                },
                Segment {
                    addr: at + 0x40,
                    len: 1,
                    write: true,
                },
            ];
            let id = h.rings[1][0].post_chain(&mut h.memory, &segs).unwrap();
            posted.insert(id, at);
            kicked = true;
        }
        if kicked {
            h.kick(1, 0);
        }
        h.idle(16);
        while let Some(u) = h.rings[1][0].poll_used(&mut h.memory) {
            let at = posted.remove(&u.id).unwrap();
            assert_eq!(h.memory.read_vec(at + 0x40, 1)[0], 0, "status OK");
            slots.push(at);
            done += 1;
        }
        if start.is_none() && done >= warm {
            start = Some((h.cycle, done));
        }
        if let Some((c0, n0)) = start {
            if done >= n0 + measure {
                let cycles = h.cycle - c0;
                let n = done - n0;
                let secs = cycles as f64 / CORE_HZ;
                let link = Link::new(rate);
                let ceiling = if pattern.writes() {
                    link.payload_ceiling(64, 3)
                } else {
                    link.payload_ceiling(256, 3)
                };
                let name = match pattern {
                    Pattern::SeqRead => "sequential read",
                    Pattern::SeqWrite => "sequential write",
                    Pattern::RandRead => "random read",
                    Pattern::RandWrite => "random write",
                };
                println!(
                    "{{\"pattern\":\"{name}\",\"link\":\"{rate:?}\",\"bytes\":{bytes},\"depth\":{depth},\"requests\":{n},\"cycles\":{cycles},\"mb_per_s\":{:.1},\"ceiling_mb_per_s\":{:.1},\"share\":{:.3},\"iops\":{:.0}}}",
                    (n * bytes as u64) as f64 / secs / 1e6,
                    ceiling / 1e6,
                    (n * bytes as u64) as f64 / secs / ceiling,
                    n as f64 / secs
                );
                return;
            }
        }
    }
}

fn main() {
    for rate in [LinkRate::Gen1, LinkRate::Gen2] {
        run(rate, Pattern::SeqRead, 65536, 4, 2, 8);
        run(rate, Pattern::SeqWrite, 65536, 4, 2, 8);
        run(rate, Pattern::RandRead, 4096, 1, 4, 40);
        run(rate, Pattern::RandRead, 4096, 32, 32, 200);
        run(rate, Pattern::RandWrite, 4096, 1, 4, 40);
        run(rate, Pattern::RandWrite, 4096, 32, 32, 200);
    }
}
