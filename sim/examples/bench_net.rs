//! virtio-net transmit and receive rates through the whole card (transaction layer, DMA
//! engine, queue engine, net device) with the host model's link serialisation, for
//! `cargo xtask bench net`. Prints one JSON object per line.
//!
//! Frames of 64, 512 and 1518 bytes on the wire (60, 508, 1514 bytes without the FCS the
//! MAC would add). Every feature offered is negotiated (20-byte header with HASH_REPORT,
//! mergeable receive buffers), MPS 256 and MRRS 512 on function 0; the host answers reads
//! after 1 us in 64-byte completions. The core clock is 125 MHz, or `FERRIO_CORE_MHZ`.
//!
//! * transmit: the driver keeps 128 frames posted on transmitq1 (header and frame in two
//!   segments, as Linux) and the MAC side takes every beat at once (no back-pressure): the
//!   device's own rate, which may exceed 1 GbE.
//! * receive: frames arrive at 1 GbE line rate (8 ns a byte: a cycle at 125 MHz; preamble,
//!   gap and FCS counted) on receiveq1, the driver keeps 192 buffers of 1536 bytes posted; the
//!   rate delivered and the frames dropped are counted.
//!
//! Line rate for a frame of L bytes: 10^9 / (8 (L + 20)) frames/s. The Gen1 x1 ceiling is the
//! TLP-limited payload rate in the direction the bytes go (64-byte completions toward the
//! card for transmit, 256-byte writes toward the host for receive) divided by header + frame.

use ferrio_hdl::device::net::NetConfig;
use ferrio_sim::host::net_driver::NetDriver;
use ferrio_sim::host::virtio::feature;
use ferrio_sim::host::{FileStore, Link, LinkRate, RootComplex, VirtioCardHost};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const TRANSPORT: u64 = feature::VERSION_1
    | feature::RING_PACKED
    | feature::INDIRECT_DESC
    | feature::EVENT_IDX
    | feature::NOTIFICATION_DATA
    | feature::ACCESS_PLATFORM
    | feature::ORDER_PLATFORM;
/// The core clock the cycles are read at: 125 MHz, or `FERRIO_CORE_MHZ` (`cargo xtask bench
/// net --core-mhz N`). The link, the host's 1 us read latency and the 1 GbE pacing keep their
/// speeds in ns, so their cycle counts follow the clock; the driver model's polling (every 16
/// cycles) and its wait after a posted write stay in cycles, which only slows a slower clock.
fn core_mhz() -> u64 {
    std::env::var("FERRIO_CORE_MHZ")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(125)
}

fn card(rate: LinkRate) -> (RootComplex<VirtioCardHost>, NetDriver) {
    let img = std::env::temp_dir().join(format!("ferrio-bench-net-{}.img", std::process::id()));
    let store = FileStore::open(&img, 256).unwrap();
    let _ = std::fs::remove_file(&img);
    let mut link = Link::new(rate);
    link.core_mhz = core_mhz();
    let mut h = RootComplex::with_link(VirtioCardHost::new(store), link);
    h.dma.latency = core_mhz();
    h.dma.jitter = 64 * core_mhz() / 125;
    h.card.mac.core_mhz = core_mhz();
    assert_eq!(h.enumerate().len(), 2);
    // MPS 256 (7:5 = 1), MRRS 512 (14:12 = 2), on function 0.
    h.cfg_write(
        0,
        (0x54 + 8) / 4,
        0b0011,
        (1 << 4) | (1 << 5) | (1 << 11) | (2 << 12),
    )
    .unwrap();
    let n = h
        .virtio_init(0, TRANSPORT | NetConfig::default().device_features(), true)
        .unwrap();
    h.card.mac_stall = 0.0;
    h.dma.reads.clear();
    (h, NetDriver::new(n.features))
}

fn frame(r: &mut ChaCha8Rng, len: usize) -> Vec<u8> {
    let mut f = NetConfig::default().mac.to_vec();
    f.extend_from_slice(&[0x02, 0, 0, 0, 0, 9, 0x88, 0xb5]);
    f.extend((14..len).map(|_| r.gen::<u8>()));
    f
}

fn line_pps(wire: usize) -> f64 {
    1e9 / (8.0 * (wire + 20) as f64)
}

fn tx(rate: LinkRate, wire: usize, warm: u64, measure: u64) {
    let (mut h, mut d) = card(rate);
    let mut r = ChaCha8Rng::seed_from_u64(wire as u64);
    let f = frame(&mut r, wire - 4);
    let hdr = d.plain_hdr();
    let mut posted = 0u64;
    let (mut start, mut done) = (None, 0u64);
    loop {
        while posted - done < 128 {
            d.send(&mut h, 1, &hdr, &f);
            posted += 1;
        }
        h.idle(16);
        done += d.reclaim_tx(&mut h, 1) as u64;
        h.card.mac.sent.clear();
        if start.is_none() && h.card.mac.frames_out >= warm {
            start = Some((h.cycle, h.card.mac.frames_out));
        }
        if let Some((c0, n0)) = start {
            let n = h.card.mac.frames_out - n0;
            if n >= measure {
                report("transmit", rate, wire, d.hdr_len, n, 0, h.cycle - c0, 64);
                return;
            }
        }
    }
}

fn rx(rate: LinkRate, wire: usize, frames: u64) {
    let (mut h, mut d) = card(rate);
    let mut r = ChaCha8Rng::seed_from_u64(wire as u64 + 1);
    d.fill_rx(&mut h, 0, 192, 1536);
    h.idle(20_000);
    for _ in 0..frames {
        let f = frame(&mut r, wire - 4);
        h.card.mac.inject(f);
    }
    let c0 = h.cycle;
    let mut got = 0u64;
    let mut last = c0;
    while h.card.mac.rx_waiting() > 0 || h.cycle < last + 20_000 {
        h.idle(16);
        let mut bufs = 0;
        while let Some(x) = d.recv(&mut h, 0) {
            got += 1;
            bufs += x.buffers as usize;
            last = h.cycle;
        }
        if bufs > 0 {
            d.fill_rx(&mut h, 0, bufs, 1536);
        }
    }
    let dropped = h.card.m.net_rx_drop_nobuf() + h.card.m.net_rx_drop_size();
    assert_eq!(got + dropped, frames, "every frame delivered or counted");
    report(
        "receive",
        rate,
        wire,
        d.hdr_len,
        got,
        dropped,
        last - c0,
        256,
    );
}

#[allow(clippy::too_many_arguments)]
fn report(
    dir: &str,
    rate: LinkRate,
    wire: usize,
    hdr: usize,
    n: u64,
    dropped: u64,
    cycles: u64,
    tlp: usize,
) {
    let secs = cycles as f64 / (core_mhz() as f64 * 1e6);
    let pps = n as f64 / secs;
    let link = Link::new(rate);
    let ceiling = link.payload_ceiling(tlp, 3) / (hdr + wire - 4) as f64;
    println!(
        "{{\"dir\":\"{dir}\",\"link\":\"{rate:?}\",\"frame\":{wire},\"frames\":{n},\"dropped\":{dropped},\"cycles\":{cycles},\"pps\":{pps:.0},\"gbps\":{:.3},\"line_pps\":{:.0},\"line_share\":{:.3},\"ceiling_pps\":{ceiling:.0}}}",
        pps * (wire * 8) as f64 / 1e9,
        line_pps(wire),
        pps / line_pps(wire),
    );
}

fn main() {
    for wire in [64, 512, 1518] {
        tx(LinkRate::Gen1, wire, 32, 400);
    }
    for wire in [64, 512, 1518] {
        rx(LinkRate::Gen1, wire, 400);
    }
}
