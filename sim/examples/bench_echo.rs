//! Echo-device throughput and latency through the whole card (queue engine, DMA engine,
//! transaction layer) with the host model's link serialisation, for `cargo xtask bench echo`.
//! Prints one JSON object per line.
//!
//! Workload: queue 0 of function 0 (256 entries) kept full of buffers of one readable and one
//! writable segment of B bytes; the echo device (4 buffers in progress) copies each. MPS 256,
//! MRRS 512; the host answers reads after 1 us in 64-byte completions. Throughput counts the
//! bytes copied after a warm-up; the ceiling is the lower of the two directions' TLP-limited
//! payload rates (64-byte completions toward the card, 256-byte writes toward the host).

use ferrio_sim::host::traffic::Traffic;
use ferrio_sim::host::virtio::feature;
use ferrio_sim::host::{Link, LinkRate, RootComplex};
use ferrio_sim::models::Card;
use std::time::Instant;

const WANT: u64 = feature::VERSION_1
    | feature::RING_PACKED
    | feature::INDIRECT_DESC
    | feature::EVENT_IDX
    | feature::NOTIFICATION_DATA
    | feature::ACCESS_PLATFORM
    | feature::ORDER_PLATFORM;
const CORE_HZ: f64 = 125e6;

fn card(rate: LinkRate) -> RootComplex<Card> {
    let mut h = RootComplex::with_link(Card::new(), Link::new(rate));
    assert_eq!(h.enumerate().len(), 2);
    // MPS 256 (7:5 = 1), MRRS 512 (14:12 = 2), relaxed ordering and no snoop enables kept.
    h.cfg_write(
        0,
        (0x54 + 8) / 4,
        0b0011,
        (1 << 4) | (1 << 5) | (1 << 11) | (2 << 12),
    )
    .unwrap();
    h.virtio_init(0, WANT, true).unwrap();
    h.devices[0].echo = true;
    h.devices[0].keep_log = false;
    h.dma.reads.clear();
    h
}

fn throughput(rate: LinkRate, bytes: u32, warm: u64, measure: u64) {
    let mut h = card(rate);
    let mut t = Traffic::new(1, 0x4000_0000, 0x1000_0000);
    t.fixed = Some(bytes);
    let wall = Instant::now();
    let mut start: Option<(u64, u64, u64)> = None;
    loop {
        let mut posted = false;
        while t.post(&mut h.memory, &mut h.rings[0][0], false) {
            posted = true;
        }
        if posted {
            h.kick(0, 0);
        }
        h.idle(64);
        t.drain(&mut h.memory, &mut h.rings[0][..1]);
        if start.is_none() && t.completed >= warm {
            start = Some((h.cycle, t.bytes, t.completed));
        }
        if let Some((c0, b0, n0)) = start {
            if t.completed >= n0 + measure {
                let cycles = h.cycle - c0;
                let moved = t.bytes - b0;
                let secs = cycles as f64 / CORE_HZ;
                let link = Link::new(rate);
                let ceiling = link
                    .payload_ceiling(64, 3)
                    .min(link.payload_ceiling(256, 3));
                println!(
                    "{{\"kind\":\"throughput\",\"link\":\"{rate:?}\",\"bytes\":{bytes},\"buffers\":{},\"cycles\":{cycles},\"mb_per_s\":{:.1},\"ceiling_mb_per_s\":{:.1},\"share\":{:.3},\"buffers_per_s\":{:.0},\"wall_s\":{:.1}}}",
                    t.completed - n0,
                    moved as f64 / secs / 1e6,
                    ceiling / 1e6,
                    moved as f64 / secs / ceiling,
                    (t.completed - n0) as f64 / secs,
                    wall.elapsed().as_secs_f64()
                );
                return;
            }
        }
    }
}

fn latency(rate: LinkRate) {
    let mut h = card(rate);
    let mut t = Traffic::new(2, 0x4000_0000, 0x100_0000);
    t.fixed = Some(64);
    let mut samples = Vec::new();
    for _ in 0..20 {
        assert!(t.post(&mut h.memory, &mut h.rings[0][0], false));
        let before = h.cycle;
        h.kick(0, 0);
        // The doorbell's MWr leaves the host at `before`; stop when the used flags land.
        let mut got = None;
        for _ in 0..20_000 {
            h.idle(1);
            if let Some(u) = h.rings[0][0].poll_used(&mut h.memory) {
                got = Some(u);
                break;
            }
        }
        t.check(&h.memory, &got.expect("no used descriptor"));
        samples.push(h.cycle - before);
        h.quiesce();
    }
    samples.sort();
    println!(
        "{{\"kind\":\"latency\",\"link\":\"{rate:?}\",\"bytes\":64,\"min_cycles\":{},\"median_cycles\":{},\"max_cycles\":{}}}",
        samples[0],
        samples[samples.len() / 2],
        samples[samples.len() - 1]
    );
}

fn main() {
    for rate in [LinkRate::Gen1, LinkRate::Gen2] {
        latency(rate);
        throughput(rate, 64, 200, 2000);
        throughput(rate, 1500, 100, 600);
        throughput(rate, 65536, 4, 24);
    }
}
