//! The virtio-blk device (`blk_device` top: request engine, configuration structure and the
//! 128 KiB block-RAM store) through Verilator, with the DMA engine, the queue engine's ports
//! and the driver played by `ferrio_sim::blk`. Every DMA access is checked against the
//! segments of the request it belongs to (BLK-22: nothing is written into a readable segment).

mod common;

use common::rng;
use ferrio_hdl::device::blk::{features, status, types, BlkConfig};
use ferrio_sim::blk::{BlkBench, Layout, Negotiated};
use rand::Rng;

fn bench(test: &str) -> BlkBench {
    BlkBench::new(rng(test))
}

fn pattern(r: &mut impl Rng, len: usize) -> Vec<u8> {
    (0..len).map(|_| r.gen()).collect()
}

#[test]
fn blk_2_3_6_config_structure_reads_back_every_field() {
    let mut b = bench("blk_2_3_6_config");
    let want = BlkConfig::default().config_bytes();
    for dw in 0..18u16 {
        let v = b.devcfg(false, dw, 0xf, 0);
        let k = 4 * dw as usize;
        assert_eq!(
            v.to_le_bytes(),
            [want[k], want[k + 1], want[k + 2], want[k + 3]],
            "DW {dw} (offset {:#x})",
            k
        );
    }
    assert_eq!(
        b.devcfg(false, 0, 0xf, 0),
        256,
        "capacity in 512-byte sectors (BLK-2)"
    );
    assert_eq!(
        b.devcfg(false, 8, 0xf, 0) >> 8 & 0xff,
        0,
        "unused0 reads 0 (BLK-6)"
    );
    assert_eq!(
        b.devcfg(false, 14, 0xf, 0) >> 8,
        0,
        "unused1 reads 0 (BLK-6)"
    );
    assert_eq!(b.devcfg(false, 18, 0xf, 0), 0, "past the structure reads 0");
    assert_eq!(b.devcfg(false, 63, 0xf, 0), 0);
    // read-only fields ignore writes
    b.devcfg(true, 0, 0xf, 0x1234_5678);
    assert_eq!(b.devcfg(false, 0, 0xf, 0), 256, "capacity is read-only");
}

#[test]
fn blk_5_20_writeback_is_driver_writable_only_with_config_wce() {
    let mut b = bench("blk_5_20_writeback");
    let wb = |b: &mut BlkBench| b.devcfg(false, 8, 0xf, 0) & 0xff;
    assert_eq!(
        wb(&mut b),
        1,
        "writeback after reset (the configured default)"
    );
    b.devcfg(true, 8, 0b0001, 0);
    assert_eq!(
        wb(&mut b),
        0,
        "CONFIG_WCE negotiated: the driver selects writethrough (BLK-20)"
    );
    b.devcfg(true, 8, 0b0001, 1);
    assert_eq!(wb(&mut b), 1);
    b.devcfg(true, 8, 0b0001, 0);
    b.devcfg(true, 8, 0b1110, 0xffff_ff01);
    assert_eq!(
        wb(&mut b),
        0,
        "without the byte's enable nothing is written"
    );
    assert_eq!(
        b.devcfg(false, 8, 0xf, 0) >> 16,
        2,
        "num_queues is read-only"
    );
    b.device_reset();
    assert_eq!(wb(&mut b), 1, "a device reset restores the reset value");
    b.negotiate(Negotiated {
        wce: false,
        ..Negotiated::ALL
    });
    b.devcfg(true, 8, 0b0001, 0);
    assert_eq!(wb(&mut b), 1, "without CONFIG_WCE the byte is read-only");
    b.negotiate(Negotiated {
        wce: true,
        flush: false,
        ..Negotiated::ALL
    });
    assert_eq!(
        wb(&mut b),
        0,
        "CONFIG_WCE without FLUSH starts writethrough (BLK-5)"
    );
}

#[test]
fn blk_8_21_in_and_out_split_any_way_read_back_what_was_written() {
    let mut b = bench("blk_8_21_split");
    let mut r = rng("blk_8_21_split data");
    let sectors = b.cfg.capacity;
    for n in 0..60 {
        let count = r.gen_range(1..=16u64);
        let sector = r.gen_range(0..=sectors - count);
        let data = pattern(&mut r, (count * 512) as usize);
        let l = Layout::random(&mut r, 16 + data.len() as u32, 1, 64);
        assert_eq!(
            b.write(n % 2, sector, &data, Some(&l)),
            status::OK,
            "OUT {n}"
        );
        b.disk.write(sector, &data);
        let rs = r.gen_range(0..sectors);
        let rc = r.gen_range(1..=(sectors - rs).min(16));
        let len = (rc * 512) as u32;
        let l = Layout::random(&mut r, 16, len + 1, 64);
        let (st, got) = b.read(n % 2, rs, len, Some(&l));
        assert_eq!(st, status::OK, "IN {n}");
        assert!(
            got == b.disk.range(rs, len as usize),
            "IN {n}: sectors {rs}+{rc} read back wrong"
        );
    }
    eprintln!(
        "{} cycles, {} DMA reads, {} DMA writes",
        b.now, b.dma.reads_seen, b.dma.writes_seen
    );
}

#[test]
fn blk_7_9_12_bad_in_and_out_get_ioerr_and_move_no_data() {
    let mut b = bench("blk_7_9_12_bad_ranges");
    let mut r = rng("blk_7_9_12 data");
    let cap = b.cfg.capacity;
    let data = pattern(&mut r, 1024);
    assert_eq!(b.write(0, 0, &data, None), status::OK);
    b.disk.write(0, &data);
    for (sector, len, what) in [
        (cap - 1, 1024u32, "past the end"),
        (cap, 512, "at the end"),
        (u64::MAX - 1, 1024, "wrapping"),
        (0, 100, "not a multiple of 512 (BLK-7)"),
    ] {
        let mut rd = BlkBench::header(types::OUT, sector);
        rd.extend(pattern(&mut r, len as usize));
        let (c, w) = b.request(0, &rd, 1, &Layout::simple(rd.len() as u32, 1));
        assert_eq!((w[0], c.len), (status::IOERR, 1), "OUT {what}");
        let (st, got) = b.read(1, sector, len, None);
        assert_eq!(st, status::IOERR, "IN {what}");
        assert!(got.iter().all(|&x| x == 0xee), "IN {what}: no data written");
    }
    let (st, got) = b.read(0, 0, 1024, None);
    assert_eq!(st, status::OK);
    assert_eq!(got, data, "the disk is as it was");
}

#[test]
fn blk_12_read_only_build_fails_every_write_with_ioerr_and_leaves_the_disk_unchanged() {
    // The `blk_device_ro` top: BlkConfig::read_only, which offers VIRTIO_BLK_F_RO.
    assert_ne!(
        BlkConfig::read_only().device_features() & (1 << features::RO),
        0,
        "the read-only build offers RO"
    );
    assert_eq!(
        BlkConfig::default().device_features() & (1 << features::RO),
        0
    );
    let mut b = BlkBench::read_only(rng("blk_12_read_only"));
    let mut r = rng("blk_12 data");
    // the block-RAM disk starts as zeros; every refused write must leave it so
    let zeros = vec![0u8; 4096];
    let data = pattern(&mut r, 4096);
    for (q, layout) in [
        (0u16, Layout::simple(16 + 4096, 1)),
        (1, Layout::random(&mut r, 16 + 4096, 1, 8)),
    ] {
        let reads_before = b.dma.reads_seen;
        assert_eq!(
            b.write(q, 8, &data, Some(&layout)),
            status::IOERR,
            "OUT on a read-only device (BLK-12)"
        );
        // only the header's segments were read: no data moved
        let header_reads = layout.readable_segments_covering(16) as u64;
        assert!(
            b.dma.reads_seen - reads_before <= header_reads,
            "OUT on a read-only device read its data ({} reads for a {}-read header)",
            b.dma.reads_seen - reads_before,
            header_reads
        );
    }
    for t in [types::DISCARD, types::WRITE_ZEROES, types::SECURE_ERASE] {
        let mut rd = BlkBench::header(t, 0);
        rd.extend(BlkBench::range(8, 8, 0));
        let (c, w) = b.request(0, &rd, 1, &Layout::simple(32, 1));
        assert_eq!(
            (c.len, w[0]),
            (1, status::IOERR),
            "type {t} on a read-only device"
        );
    }
    // reads, FLUSH and GET_ID still work
    let (st, got) = b.read(0, 8, 4096, None);
    assert_eq!(st, status::OK, "IN on a read-only device");
    assert!(got == zeros, "the refused writes left the disk unchanged");
    let (c, w) = b.request(
        1,
        &BlkBench::header(types::FLUSH, 0),
        1,
        &Layout::simple(16, 1),
    );
    assert_eq!(
        (c.len, w[0]),
        (1, status::OK),
        "FLUSH on a read-only device"
    );
    let (c, w) = b.request(
        0,
        &BlkBench::header(types::GET_ID, 0),
        21,
        &Layout::simple(16, 21),
    );
    assert_eq!(
        (c.len, w[20]),
        (21, status::OK),
        "GET_ID on a read-only device"
    );
    assert_eq!(&w[..15], b"ferrio-blk-0001");
    assert_eq!(b.needs_reset, 0, "nothing here is a fault");
}

#[test]
fn blk_9_unknown_types_and_features_not_negotiated_get_unsupp() {
    let mut b = bench("blk_9_unsupp");
    for t in [2u32, 3, 5, 6, 7, 9, 12, 15, 16, 0x8000_0000, 0xffff_ffff] {
        let (c, w) = b.request(0, &BlkBench::header(t, 0), 1, &Layout::simple(16, 1));
        assert_eq!((w[0], c.len), (status::UNSUPP, 1), "type {t:#x}");
    }
    b.negotiate(Negotiated::NONE);
    for t in [types::FLUSH, types::GET_LIFETIME] {
        let (_, w) = b.request(0, &BlkBench::header(t, 0), 7, &Layout::simple(16, 7));
        assert_eq!(w[6], status::UNSUPP, "type {t} without its feature");
        assert!(w[..6].iter().all(|&x| x == 0xee), "and no data");
    }
    for t in [types::DISCARD, types::WRITE_ZEROES, types::SECURE_ERASE] {
        let mut rd = BlkBench::header(t, 0);
        rd.extend(BlkBench::range(0, 1, 0));
        let (_, w) = b.request(0, &rd, 1, &Layout::simple(32, 1));
        assert_eq!(w[0], status::UNSUPP, "type {t} without its feature");
    }
    // GET_ID needs no feature
    let (_, w) = b.request(
        0,
        &BlkBench::header(types::GET_ID, 0),
        21,
        &Layout::simple(16, 21),
    );
    assert_eq!(w[20], status::OK);
}

#[test]
fn blk_10_11_get_id_and_get_lifetime_return_the_configured_values() {
    let mut b = bench("blk_10_11_id");
    let cfg = BlkConfig::default();
    let mut r = rng("blk_10_11 layouts");
    for _ in 0..8 {
        let l = Layout::random(&mut r, 16, 21, 16);
        let (c, w) = b.request(0, &BlkBench::header(types::GET_ID, 0), 21, &l);
        assert_eq!(c.len, 21);
        assert_eq!(&w[..20], &cfg.id_bytes(), "the serial, NUL-padded (BLK-10)");
        assert_eq!(w[20], status::OK);
    }
    // a shorter buffer gets as much of the ID as fits
    let (c, w) = b.request(
        1,
        &BlkBench::header(types::GET_ID, 0),
        9,
        &Layout::simple(16, 9),
    );
    assert_eq!(c.len, 9);
    assert_eq!(&w[..8], &cfg.id_bytes()[..8]);
    let (c, w) = b.request(
        1,
        &BlkBench::header(types::GET_LIFETIME, 0),
        7,
        &Layout::simple(16, 7),
    );
    assert_eq!((c.len, w[6]), (7, status::OK));
    let l = cfg.lifetime;
    assert_eq!(
        w[..6],
        [l[0] as u8, 0, l[1] as u8, 0, l[2] as u8, 0],
        "pre_eol_info, est_typ_a, est_typ_b (BLK-11)"
    );
    assert!(
        l[0] <= 3 && l[1] <= 11 && l[2] <= 11,
        "no reserved values (BLK-19)"
    );
    let (_, w) = b.request(
        1,
        &BlkBench::header(types::GET_LIFETIME, 0),
        4,
        &Layout::simple(16, 4),
    );
    assert_eq!(w[3], status::IOERR, "too short for the structure");
}

#[test]
fn blk_13_15_ranges_zero_and_check_their_flags() {
    let mut b = bench("blk_13_15_ranges");
    let mut r = rng("blk_13_15 data");
    let cap = b.cfg.capacity;
    let all = pattern(&mut r, (cap * 512) as usize);
    assert_eq!(b.write(0, 0, &all[..65536], None), status::OK);
    assert_eq!(b.write(0, 128, &all[65536..], None), status::OK);
    b.disk.write(0, &all);
    let check = |b: &mut BlkBench, what: &str| {
        let (st, got) = b.read(0, 0, 65536, None);
        assert_eq!(st, status::OK);
        assert!(got == b.disk.range(0, 65536), "{what}: first half");
        let (st, got) = b.read(0, 128, 65536, None);
        assert_eq!(st, status::OK);
        assert!(got[..] == b.disk.bytes[65536..], "{what}: second half");
    };
    for t in [types::WRITE_ZEROES, types::DISCARD, types::SECURE_ERASE] {
        let mut rd = BlkBench::header(t, 0);
        let ranges: Vec<(u64, u32)> = (0..3)
            .map(|_| {
                let n = r.gen_range(1..8);
                (r.gen_range(0..cap - n as u64), n)
            })
            .collect();
        for &(s, n) in &ranges {
            rd.extend(BlkBench::range(s, n, 0));
        }
        let l = Layout::random(&mut r, rd.len() as u32, 1, 16);
        let (c, w) = b.request(1, &rd, 1, &l);
        assert_eq!((c.len, w[0]), (1, status::OK), "type {t}");
        for &(s, n) in &ranges {
            b.disk.zero(s, n as u64);
        }
        check(&mut b, &format!("type {t}: ranges read zero (BLK-15)"));
    }
    // write-zeroes with unmap is fine and still zeroes; discard with unmap is UNSUPP (BLK-13)
    b.write(0, 10, &all[..512], None);
    b.disk.write(10, &all[..512]);
    let mut rd = BlkBench::header(types::WRITE_ZEROES, 0);
    rd.extend(BlkBench::range(10, 1, 1));
    assert_eq!(
        b.request(0, &rd, 1, &Layout::simple(32, 1)).1[0],
        status::OK
    );
    b.disk.zero(10, 1);
    b.write(0, 10, &all[..512], None);
    b.disk.write(10, &all[..512]);
    for (t, flags, want) in [
        (types::DISCARD, 1u32, status::UNSUPP),
        (types::DISCARD, 2, status::UNSUPP),
        (types::WRITE_ZEROES, 0x8000_0000, status::UNSUPP),
        (types::SECURE_ERASE, 4, status::UNSUPP),
    ] {
        let mut rd = BlkBench::header(t, 0);
        rd.extend(BlkBench::range(10, 1, flags));
        assert_eq!(
            b.request(0, &rd, 1, &Layout::simple(32, 1)).1[0],
            want,
            "type {t} flags {flags:#x}"
        );
    }
    // too many sectors, too many segments, past the end, a ragged range list: IOERR
    let max = b.cfg.max_write_zeroes_sectors;
    for (rd, what) in [
        (
            [
                BlkBench::header(types::WRITE_ZEROES, 0),
                BlkBench::range(0, max + 1, 0),
            ]
            .concat(),
            "num_sectors over the maximum",
        ),
        (
            [
                BlkBench::header(types::WRITE_ZEROES, 0),
                BlkBench::range(cap - 1, 2, 0),
            ]
            .concat(),
            "past the end",
        ),
        (
            [
                BlkBench::header(types::WRITE_ZEROES, 0),
                BlkBench::range(0, 1, 0),
                vec![0; 8],
            ]
            .concat(),
            "not a multiple of 16 bytes",
        ),
        (
            [
                BlkBench::header(types::WRITE_ZEROES, 0),
                (0..9).flat_map(|_| BlkBench::range(0, 1, 0)).collect(),
            ]
            .concat(),
            "more segments than max_write_zeroes_seg",
        ),
    ] {
        assert_eq!(
            b.request(0, &rd, 1, &Layout::simple(rd.len() as u32, 1)).1[0],
            status::IOERR,
            "{what}"
        );
    }
    check(&mut b, "after the refused ranges: unchanged");
}

#[test]
fn blk_8_flush_completes_ok_and_ignores_its_sector() {
    let mut b = bench("blk_8_flush");
    let (c, w) = b.request(
        0,
        &BlkBench::header(types::FLUSH, 0),
        1,
        &Layout::simple(16, 1),
    );
    assert_eq!((c.len, w[0]), (1, status::OK));
    let (c, w) = b.request(
        1,
        &BlkBench::header(types::FLUSH, 12345),
        1,
        &Layout::random(&mut rng("flush layout"), 16, 1, 4),
    );
    assert_eq!((c.len, w[0]), (1, status::OK));
}

#[test]
fn blk_faults_short_header_or_no_status_byte_set_needs_reset() {
    let mut b = bench("blk_faults");
    let cases: Vec<(Vec<u8>, u32, &str)> = vec![
        (
            BlkBench::header(types::IN, 0)[..15].to_vec(),
            513,
            "a 15-byte header",
        ),
        (vec![], 1, "no readable byte at all"),
        (BlkBench::header(types::GET_ID, 0), 0, "no writable byte"),
    ];
    for (rd, wbytes, what) in cases {
        let before = b.needs_reset;
        let l = Layout::simple(rd.len() as u32, wbytes);
        let (c, w) = b.request(0, &rd, wbytes, &l);
        assert_eq!(c.len, 0, "{what}: completed with len 0");
        assert_eq!(b.needs_reset, before + 1, "{what}: DEVICE_NEEDS_RESET");
        assert!(w.iter().all(|&x| x == 0xee), "{what}: nothing written");
    }
    // the device goes on serving
    let (st, _) = b.read(0, 0, 512, None);
    assert_eq!(st, status::OK);
}

#[test]
fn blk_faults_a_failed_header_read_is_not_acted_on() {
    let mut b = bench("blk_faults_dma");
    let mut r = rng("blk_faults_dma data");
    let data = pattern(&mut r, 512);
    assert_eq!(b.write(0, 3, &data, None), status::OK);
    // the header read fails: the request must not run (it would zero sector 3)
    let mut rd = BlkBench::header(types::WRITE_ZEROES, 0);
    rd.extend(BlkBench::range(3, 1, 0));
    let l = Layout::simple(32, 1);
    let p = b.submit(0, &rd, 1, &l);
    b.dma.fail_reads = Some((p.segments[0].0, 32));
    let before = b.needs_reset;
    b.run_until(1, 1_000_000);
    let c = b.completions.pop_front().unwrap();
    assert_eq!(c.len, 0);
    assert_eq!(b.needs_reset, before + 1, "DEVICE_NEEDS_RESET");
    assert_eq!(
        b.dma.mem.read_vec(p.segments[1].0, 1),
        vec![0xee],
        "no status written"
    );
    b.dma.fail_reads = None;
    let (st, got) = b.read(0, 3, 512, None);
    assert_eq!(st, status::OK);
    assert_eq!(got, data, "sector 3 untouched");
}

#[test]
fn blk_seeded_workload_of_every_request_type_on_both_queues_matches_the_reference_disk() {
    let mut b = bench("blk_workload");
    let mut r = rng("blk_workload ops");
    let cap = b.cfg.capacity;
    let seeds: u64 = std::env::var("FERRIO_BLK_OPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let mut counts = [0u32; 6];
    for n in 0..seeds {
        let q = r.gen_range(0..2u16);
        match r.gen_range(0..10) {
            0..=2 => {
                let count = r.gen_range(1..=8u64);
                let sector = r.gen_range(0..=cap - count);
                let data = pattern(&mut r, (count * 512) as usize);
                let l = Layout::random(&mut r, 16 + data.len() as u32, 1, 64);
                assert_eq!(
                    b.write(q, sector, &data, Some(&l)),
                    status::OK,
                    "op {n}: OUT"
                );
                b.disk.write(sector, &data);
                counts[0] += 1;
            }
            3..=5 => {
                let count = r.gen_range(1..=8u64);
                let sector = r.gen_range(0..=cap - count);
                let len = (count * 512) as u32;
                let l = Layout::random(&mut r, 16, len + 1, 64);
                let (st, got) = b.read(q, sector, len, Some(&l));
                assert_eq!(st, status::OK, "op {n}: IN");
                assert!(
                    got == b.disk.range(sector, len as usize),
                    "op {n}: IN {sector}+{count}"
                );
                counts[1] += 1;
            }
            6 => {
                let (c, w) = b.request(
                    q,
                    &BlkBench::header(types::FLUSH, 0),
                    1,
                    &Layout::random(&mut r, 16, 1, 4),
                );
                assert_eq!((c.len, w[0]), (1, status::OK), "op {n}: FLUSH");
                counts[2] += 1;
            }
            k => {
                let t = [types::DISCARD, types::WRITE_ZEROES, types::SECURE_ERASE][k - 7];
                let mut rd = BlkBench::header(t, 0);
                let ranges: Vec<(u64, u32)> = (0..r.gen_range(1..=4))
                    .map(|_| {
                        let num = r.gen_range(1..=16u32);
                        (r.gen_range(0..=cap - num as u64), num)
                    })
                    .collect();
                for &(s, num) in &ranges {
                    rd.extend(BlkBench::range(s, num, 0));
                }
                let l = Layout::random(&mut r, rd.len() as u32, 1, 16);
                let (c, w) = b.request(q, &rd, 1, &l);
                assert_eq!((c.len, w[0]), (1, status::OK), "op {n}: type {t}");
                for &(s, num) in &ranges {
                    b.disk.zero(s, num as u64);
                }
                counts[3 + k - 7] += 1;
            }
        }
    }
    // the whole disk, in 64 KiB reads
    for half in 0..2 {
        let (st, got) = b.read(0, half * 128, 65536, None);
        assert_eq!(st, status::OK);
        assert!(
            got == b.disk.range(half * 128, 65536),
            "the whole disk matches the reference"
        );
    }
    eprintln!(
        "OUT, IN, FLUSH, DISCARD, WRITE_ZEROES, SECURE_ERASE: {counts:?} in {} cycles",
        b.now
    );
    assert!(counts.iter().all(|&c| c > 0), "every type was exercised");
}
