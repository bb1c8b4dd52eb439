//! The DMA engine of the card core through Verilator, against the host model's memory,
//! completer and access checker: reads and writes of every length and alignment, request
//! splitting at MRRS/MPS and 4 KB, 32 tags in flight, completions split at 64 B and
//! reordered across tags, completion errors, the completion timeout, unexpected
//! completions, and refusals (Bus Master Enable off, zero length).

use ferrio_sim::host::{Access, RootComplex};
use ferrio_sim::models::Card;
use ferrio_sim::tlp::{bdf, CplStatus, Kind, Tlp};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// PCI Express capability offset (docs/REGISTERS.md): Device Control is at +8.
const PCIE_CAP: u16 = 0x54;

fn card() -> RootComplex<Card> {
    let mut h = RootComplex::new(Card::new());
    assert_eq!(h.enumerate().len(), 2);
    h
}

/// Device Control of `f` with MPS and MRRS as 128 << n.
fn set_sizes(h: &mut RootComplex<Card>, f: u8, mps: u32, mrrs: u32) {
    let v = (1 << 4) | (mps << 5) | (1 << 11) | (mrrs << 12);
    h.cfg_write(f, (PCIE_CAP + 8) / 4, 0b0011, v).unwrap();
}

fn fill(h: &mut RootComplex<Card>, rng: &mut ChaCha8Rng, start: u64, len: usize) {
    let bytes: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
    h.memory.write(start, &bytes);
}

/// Run until the DMA client has nothing queued or outstanding and the engine is idle.
fn settle(h: &mut RootComplex<Card>, limit: u64) {
    let ok = h.run_until(limit, |h| h.clients[0].quiet() && h.clients[0].idle);
    assert!(ok, "the DMA engine did not settle in {limit} cycles");
}

/// Random reads checked byte for byte; returns the host's log of MRds.
fn random_reads(h: &mut RootComplex<Card>, seed: u64, n: usize, base: u64, span: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    fill(h, &mut rng, base, span as usize + 2048);
    h.memory
        .allow(base, span + 2048, Access::Read, "test buffer");
    for _ in 0..n {
        let len = match rng.gen_range(0..4) {
            0 => rng.gen_range(1..=16),
            1 => rng.gen_range(1..=300),
            _ => rng.gen_range(1..=2048),
        };
        let addr = base + rng.gen_range(0..span);
        h.clients[0].read(rng.gen_range(0..2), addr, len);
    }
    settle(h, 2_000_000);
    assert_eq!(h.clients[0].read_results.len(), n);
    for r in &h.clients[0].read_results {
        assert!(!r.error, "read {:?} ended with an error", r.req);
        let want = h.memory.read_vec(r.req.address, r.req.length as usize);
        assert_eq!(r.data, want, "data of read {:x?}", r.req);
    }
}

#[test]
fn dma_read_returns_every_length_and_alignment_below_and_above_4_gib() {
    let mut h = card();
    random_reads(&mut h, 1, 300, 0x1234_0000 - 0x800, 0x3000);
    let mut h = card();
    random_reads(&mut h, 2, 300, 0x7_ffff_f000 - 0x800, 0x3000);
    assert_eq!(h.clients[0].unexpected, 0);
}

#[test]
fn dma_read_requests_stay_inside_256_byte_blocks_at_mrrs_512_and_128_at_mrrs_128() {
    for (mrrs, block) in [(2u32, 256u64), (0, 128)] {
        let mut h = card();
        set_sizes(&mut h, 0, 0, mrrs);
        set_sizes(&mut h, 1, 0, mrrs);
        random_reads(&mut h, 3 + mrrs as u64, 200, 0x4000_0000 - 0x1000, 0x2000);
        assert!(!h.dma.reads.is_empty());
        for &(_, _, a, l) in &h.dma.reads {
            assert!(
                l >= 1 && l <= block,
                "MRd of {l} bytes at MRRS {}",
                128 << mrrs
            );
            assert_eq!(
                a / block,
                (a + l - 1) / block,
                "MRd {a:#x}+{l} crosses a {block} B block"
            );
            assert_eq!(a / 4096, (a + l - 1) / 4096, "MRd crosses 4 KB");
        }
    }
}

#[test]
fn dma_read_keeps_32_tags_in_flight_with_a_long_round_trip() {
    let mut h = card();
    h.dma.latency = 3000;
    h.dma.jitter = 0;
    let base = 0x2000_0000;
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    fill(&mut h, &mut rng, base, 64 * 256);
    h.memory.allow(base, 64 * 256, Access::Read, "test buffer");
    for k in 0..64 {
        h.clients[0].read(0, base + 256 * k, 256);
    }
    settle(&mut h, 200_000);
    assert_eq!(h.dma.max_outstanding, 32, "the pool has 32 tags, all used");
    for r in &h.clients[0].read_results {
        assert!(!r.error);
        assert_eq!(r.data, h.memory.read_vec(r.req.address, 256));
    }
    let tags: std::collections::BTreeSet<u8> = h.dma.reads.iter().map(|r| r.1).collect();
    assert_eq!(tags.len(), 32);
}

#[test]
fn dma_read_reassembles_completions_split_at_64_bytes_and_reordered_across_tags() {
    let mut h = card();
    h.dma.jitter = 400;
    random_reads(&mut h, 5, 200, 0x3000_0000, 0x4000);
    let issued: Vec<u8> = h.dma.reads.iter().map(|r| r.1).collect();
    assert_ne!(
        h.dma.answered, issued,
        "the model must have reordered answers"
    );
    // The answers really were split: some MRd was longer than the 64 B boundary allows.
    assert!(h
        .dma
        .reads
        .iter()
        .any(|r| r.3 > 64 || (r.2 % 64) + r.3 > 64));
}

#[test]
fn dma_read_completion_with_ur_or_ca_ends_that_read_with_an_error_and_the_next_reads_work() {
    let mut h = card();
    let base = 0x5000_0000;
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    fill(&mut h, &mut rng, base, 0x3000);
    h.memory.allow(base, 0x3000, Access::Read, "test buffer");
    h.dma
        .faults
        .push((base + 0x1000, 0x100, CplStatus::UnsupportedRequest));
    h.dma
        .faults
        .push((base + 0x2000, 0x100, CplStatus::CompleterAbort));
    h.clients[0].read(0, base + 0x10, 100);
    h.clients[0].read(0, base + 0xf80, 0x200); // its second MRd gets UR
    h.clients[0].read(1, base + 0x1fc0, 0x80); // CA
    h.clients[0].read(0, base + 0x20, 600);
    settle(&mut h, 100_000);
    let e: Vec<bool> = h.clients[0].read_results.iter().map(|r| r.error).collect();
    assert_eq!(e, [false, true, true, false]);
    for r in h.clients[0].read_results.iter().filter(|r| !r.error) {
        assert_eq!(
            r.data,
            h.memory.read_vec(r.req.address, r.req.length as usize)
        );
    }
}

#[test]
fn dma_read_without_completion_times_out_with_an_error_and_the_engine_goes_on() {
    let mut h = card();
    let base = 0x6000_0000;
    h.memory.write(base, &[0x5a; 64]);
    h.memory.allow(base, 64, Access::Read, "test buffer");
    h.dma.drop_reads = 1;
    h.clients[0].read(0, base, 64);
    h.clients[0].read(0, base, 64);
    settle(&mut h, 400_000);
    assert_eq!(h.clients[0].timeouts, 1);
    let r = &h.clients[0].read_results;
    assert!(
        r[0].error,
        "the read whose completion never came ends in error"
    );
    let waited = r[0].done_at - r[0].taken_at;
    assert!(
        waited >= 1 << 17,
        "timed out after {waited} cycles, before 2^17"
    );
    assert!(!r[1].error);
    assert_eq!(r[1].data, vec![0x5a; 64]);
}

#[test]
fn dma_unexpected_completions_are_dropped_without_touching_a_read() {
    let mut h = card();
    let base = 0x6100_0000;
    h.memory.write(base, &[0x33; 200]);
    h.memory.allow(base, 200, Access::Read, "test buffer");
    h.dma.latency = 400;
    h.clients[0].read(0, base, 200);
    h.idle(40);
    let me = bdf(h.card_bus, 0, 0);
    // A tag that is not in flight, one that is but for the other function, and one with a
    // byte count that does not match what the tag misses.
    let live = h.dma.reads[0].1;
    for (req, tag, bc) in [
        (me, 20u8, 4u16),
        (bdf(h.card_bus, 0, 1), live, 200),
        (me, live, 12),
    ] {
        let c = Tlp::completion_data(0, req, tag, bc, 0, vec![0xdead_beef]);
        h.post(&c);
    }
    settle(&mut h, 20_000);
    assert_eq!(h.clients[0].unexpected, 3);
    assert!(!h.clients[0].read_results[0].error);
    assert_eq!(h.clients[0].read_results[0].data, vec![0x33; 200]);
}

#[test]
fn dma_is_refused_without_bus_master_enable_and_nothing_goes_out() {
    let mut h = card();
    h.cfg_write(1, 1, 0b0011, 0x0002).unwrap(); // function 1: memory space only
    let sent_before = h.received.len();
    h.clients[0].read(1, 0x1000, 64);
    h.clients[0].write(1, 0x2000, vec![1; 100]);
    h.clients[0].read(0, 0x1000, 0); // zero length: refused too
    settle(&mut h, 10_000);
    assert!(h.clients[0].read_results.iter().all(|r| r.error));
    assert_eq!(h.clients[0].read_results[0].data.len(), 64);
    assert!(h.clients[0].write_results[0].error);
    assert!(
        h.received[sent_before..]
            .iter()
            .all(|t| !matches!(t.kind, Kind::MemRead { .. } | Kind::MemWrite { .. })),
        "no memory request may leave a function without Bus Master Enable"
    );
}

/// Random writes checked against a shadow copy; the checker allows exactly the bytes written.
fn random_writes(h: &mut RootComplex<Card>, seed: u64, n: usize, base: u64, span: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut shadow = vec![0u8; span as usize + 4096];
    for _ in 0..n {
        let len = match rng.gen_range(0..3) {
            0 => rng.gen_range(1..=16),
            1 => rng.gen_range(1..=300),
            _ => rng.gen_range(1..=3000),
        };
        let off = rng.gen_range(0..span);
        let data: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        shadow[off as usize..off as usize + len].copy_from_slice(&data);
        h.memory.allow(
            base + off,
            len as u64,
            Access::Write,
            format!("write at +{off:#x}"),
        );
        h.clients[0].write(rng.gen_range(0..2), base + off, data);
    }
    settle(h, 2_000_000);
    assert_eq!(h.clients[0].write_results.len(), n);
    assert!(h.clients[0].write_results.iter().all(|w| !w.error));
    assert_eq!(h.memory.read_vec(base, shadow.len()), shadow);
}

#[test]
fn dma_write_lands_every_length_and_alignment_below_and_above_4_gib() {
    let mut h = card();
    random_writes(&mut h, 11, 200, 0x1000_0000 - 0x800, 0x3000);
    let mut h = card();
    random_writes(&mut h, 12, 200, 0x9_0000_0000 - 0x800, 0x3000);
}

#[test]
fn dma_write_tlps_stay_inside_128_byte_blocks_at_mps_128_and_256_at_mps_256() {
    for (mps, block) in [(0u32, 128u64), (1, 256)] {
        let mut h = card();
        set_sizes(&mut h, 0, mps, 2);
        set_sizes(&mut h, 1, mps, 2);
        random_writes(&mut h, 13 + mps as u64, 150, 0x4000_0000 - 0x1000, 0x2000);
        assert!(
            h.dma.writes.iter().any(|w| w.2 == block),
            "full-size TLPs are used"
        );
        for &(_, a, l) in &h.dma.writes {
            assert!(l <= block);
            assert_eq!(
                a / block,
                (a + l - 1) / block,
                "MWr {a:#x}+{l} crosses a {block} B block"
            );
        }
    }
}

#[test]
fn dma_write_done_comes_no_earlier_than_its_last_tlp() {
    let mut h = card();
    let base = 0x7000_0000;
    h.memory.allow(base, 0x10000, Access::Write, "test buffer");
    for k in 0..20u64 {
        h.clients[0].write(0, base + k * 0x321, vec![k as u8; 700]);
    }
    settle(&mut h, 100_000);
    for w in &h.clients[0].write_results {
        let last = h
            .dma
            .writes
            .iter()
            .filter(|t| t.1 < w.address + w.length as u64 && w.address < t.1 + t.2)
            .map(|t| t.0)
            .max()
            .unwrap();
        assert!(
            w.done_at >= last,
            "done at {} before the last MWr at {last}",
            w.done_at
        );
    }
}

#[test]
fn host_checker_catches_a_write_one_byte_past_its_buffer() {
    // The checker itself must be able to fail (rule 6): give 100 bytes, write 101.
    let mut h = card();
    h.memory.lenient = true;
    h.memory
        .allow(0x8000_0000, 100, Access::Write, "buffer of 100 bytes");
    h.clients[0].write(0, 0x8000_0000, vec![7; 101]);
    settle(&mut h, 10_000);
    assert_eq!(h.memory.strays.len(), 1);
    assert!(h.memory.strays[0].write);
}

#[test]
fn dma_reads_and_writes_together_under_client_back_pressure_on_a_gen2_link() {
    use ferrio_sim::host::{Link, LinkRate};
    let mut h = RootComplex::with_link(Card::new(), Link::new(LinkRate::Gen2));
    assert_eq!(h.enumerate().len(), 2);
    h.clients[0].stall = 0.3;
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    let (src, dst) = (0x1_2000_0000u64, 0x3000_0000u64);
    fill(&mut h, &mut rng, src, 0x4000);
    h.memory.allow(src, 0x4000, Access::Read, "source");
    h.memory.allow(dst, 0x4000, Access::Write, "destination");
    let mut expect = Vec::new();
    for k in 0..60u64 {
        let len = rng.gen_range(1..=1500u16);
        let off = rng.gen_range(0..0x4000 - len as u64);
        h.clients[0].read(0, src + off, len);
        let data: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        let woff = (k * 0x100) % 0x3000;
        expect.push((woff, data.clone()));
        h.clients[0].write(1, dst + woff, data);
    }
    settle(&mut h, 1_000_000);
    for r in &h.clients[0].read_results {
        assert!(!r.error);
        assert_eq!(
            r.data,
            h.memory.read_vec(r.req.address, r.req.length as usize)
        );
    }
    // Later writes to the same place win: replay in order.
    let mut shadow = vec![0u8; 0x4000];
    for (off, d) in &expect {
        shadow[*off as usize..*off as usize + d.len()].copy_from_slice(d);
    }
    let mut written = vec![false; 0x4000];
    for (off, d) in &expect {
        written[*off as usize..*off as usize + d.len()]
            .iter_mut()
            .for_each(|w| *w = true);
    }
    let got = h.memory.read_vec(dst, 0x4000);
    for i in 0..0x4000 {
        if written[i] {
            assert_eq!(got[i], shadow[i], "byte {i:#x}");
        }
    }
}
