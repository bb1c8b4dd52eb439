//! The virtio-blk device inside the card (`virtio_card` top) through Verilator, driven end to
//! end by the host model: enumeration, the virtio-pci driver's initialisation of function 1,
//! requests posted on the packed rings, used descriptors and interrupts back, and the storage
//! port served from a disk-image file (`FileStore`).

use ferrio_hdl::device::blk::{features as blkf, status, types, BlkConfig};
use ferrio_sim::host::ring::Segment;
use ferrio_sim::host::virtio::feature;
use ferrio_sim::host::{FileStore, RootComplex, VirtioCardHost};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::PathBuf;

const WANT: u64 = feature::VERSION_1
    | feature::RING_PACKED
    | feature::INDIRECT_DESC
    | feature::EVENT_IDX
    | feature::NOTIFICATION_DATA
    | feature::RING_RESET
    | feature::ACCESS_PLATFORM
    | feature::ORDER_PLATFORM;

/// Every blk feature the device offers.
fn blk_features() -> u64 {
    BlkConfig::default().device_features()
}

/// Requests' buffers live here, away from the rings.
const DATA: u64 = 0x4000_0000;

fn image(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ferrio-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(format!("{test}.img"));
    let _ = std::fs::remove_file(&p);
    p
}

fn card(test: &str, want: u64) -> RootComplex<VirtioCardHost> {
    let store = FileStore::open(&image(test), BlkConfig::default().capacity).unwrap();
    let mut h = RootComplex::new(VirtioCardHost::new(store));
    assert_eq!(h.enumerate().len(), 2);
    h.virtio_init(1, want, true).unwrap();
    h
}

/// A driver's request: header, then readable data, then `in_len` writable data bytes, then
/// the status byte, each in its own descriptor (Linux's layout).
struct Req {
    at: u64,
}

impl Req {
    fn run(
        h: &mut RootComplex<VirtioCardHost>,
        next: &mut u64,
        q: u16,
        kind: u32,
        sector: u64,
        out: &[u8],
        in_len: u32,
    ) -> (u8, Vec<u8>, u32) {
        let r = Req { at: *next };
        *next += 0x2_0000;
        let mut hdr = kind.to_le_bytes().to_vec();
        hdr.extend_from_slice(&[0; 4]);
        hdr.extend_from_slice(&sector.to_le_bytes());
        h.memory.write(r.at, &hdr);
        let mut segs = vec![Segment {
            addr: r.at,
            len: 16,
            write: false,
        }];
        if !out.is_empty() {
            h.memory.write(r.at + 0x1000, out);
            segs.push(Segment {
                addr: r.at + 0x1000,
                len: out.len() as u32,
                write: false,
            });
        }
        if in_len > 0 {
            segs.push(Segment {
                addr: r.at + 0x1000,
                len: in_len,
                write: true,
            });
        }
        h.memory.write(r.at + 0x30, &[0xee]);
        segs.push(Segment {
            addr: r.at + 0x30,
            len: 1,
            write: true,
        });
        let id = h.rings[1][q as usize]
            .post_chain(&mut h.memory, &segs)
            .unwrap();
        h.kick(1, q);
        for _ in 0..400_000 {
            if let Some(u) = h.rings[1][q as usize].poll_used(&mut h.memory) {
                assert_eq!(u.id, id);
                let st = h.memory.read_vec(r.at + 0x30, 1)[0];
                let data = h.memory.read_vec(r.at + 0x1000, in_len as usize);
                return (st, data, u.len);
            }
            h.idle(1);
        }
        panic!("request type {kind} on queue {q}: no used descriptor");
    }
}

#[test]
fn blk_1_4_the_card_offers_the_blk_features_and_binds_with_two_request_queues() {
    let store = FileStore::open(&image("blk_1_4"), 256).unwrap();
    let mut h = RootComplex::new(VirtioCardHost::new(store));
    let found = h.enumerate();
    assert_eq!(found.len(), 2);
    let offered = h.offered_features(1);
    assert_eq!(
        offered & blk_features(),
        blk_features(),
        "every blk feature offered"
    );
    assert_ne!(offered & (1 << blkf::FLUSH), 0, "FLUSH (BLK-4)");
    assert_ne!(
        offered & (1 << blkf::CONFIG_WCE),
        0,
        "with CONFIG_WCE (BLK-4)"
    );
    assert_eq!(offered & (1 << blkf::RO), 0, "not read-only");
    let n = h.virtio_init(1, WANT | blk_features(), true).unwrap();
    let _ = n;
    assert_eq!(h.rings[1].len(), 2, "two request queues (BLK-1)");
    // the configuration structure through BAR0's device-configuration window
    let want = BlkConfig::default().config_bytes();
    for k in (0..0x48).step_by(4) {
        let v = h.mmio_read(1, 0x2000 + k, 4).unwrap() as u32;
        assert_eq!(
            v.to_le_bytes(),
            want[k as usize..k as usize + 4],
            "config offset {k:#x}"
        );
    }
    assert_eq!(
        h.mmio_read(1, 0x2000, 8).unwrap(),
        256,
        "capacity, one 64-bit read"
    );
    assert_eq!(
        h.mmio_read(1, 0x2000 + 0x48, 4).unwrap(),
        0,
        "past the structure reads 0"
    );
}

#[test]
fn blk_end_to_end_out_in_flush_on_both_queues_land_in_the_image_file() {
    let mut h = card("blk_end_to_end", WANT | blk_features());
    let mut r = ChaCha8Rng::seed_from_u64(5);
    let mut next = DATA;
    let mut disk = vec![0u8; 256 * 512];
    for n in 0..12u64 {
        let q = (n % 2) as u16;
        let count = r.gen_range(1..=8u64);
        let sector = r.gen_range(0..=256 - count);
        let data: Vec<u8> = (0..count * 512).map(|_| r.gen()).collect();
        let (st, _, len) = Req::run(&mut h, &mut next, q, types::OUT, sector, &data, 0);
        assert_eq!((st, len), (status::OK, 1), "OUT {n} on queue {q}");
        disk[(sector * 512) as usize..((sector + count) * 512) as usize].copy_from_slice(&data);
        let (st, got, len) = Req::run(
            &mut h,
            &mut next,
            1 - q,
            types::IN,
            sector,
            &[],
            (count * 512) as u32,
        );
        assert_eq!((st, len), (status::OK, (count * 512) as u32 + 1), "IN {n}");
        assert!(got == data, "IN {n} reads back what OUT wrote");
    }
    let (st, _, _) = Req::run(&mut h, &mut next, 0, types::FLUSH, 0, &[], 0);
    assert_eq!(st, status::OK);
    assert!(h.card.store.ops[2] >= 1, "the FLUSH reached the store");
    assert!(
        h.card.store.image() == disk,
        "the image file holds every write"
    );
    let (st, id, len) = Req::run(&mut h, &mut next, 1, types::GET_ID, 0, &[], 20);
    assert_eq!((st, len), (status::OK, 21));
    assert_eq!(id[..], BlkConfig::default().id_bytes()[..]);
}

/// The child of the durability test: writes A, FLUSH (writeback mode only), writes B, and dies
/// at once (abort: no destructor runs, the store's write cache is lost with the process).
fn durability_child(mode: &str, img: &str) -> ! {
    let mut store = FileStore::open(std::path::Path::new(img), 256).unwrap();
    store.write_cache = true;
    let mut h = RootComplex::new(VirtioCardHost::new(store));
    h.enumerate();
    h.virtio_init(1, WANT | blk_features(), true).unwrap();
    if mode == "writethrough" {
        // CONFIG_WCE is negotiated: the driver turns the write cache off (BLK-20)
        h.mmio_write(1, 0x2020, 1, 0);
        assert_eq!(h.mmio_read(1, 0x2020, 1).unwrap(), 0);
    }
    let mut next = DATA;
    let (st, _, _) = Req::run(&mut h, &mut next, 0, types::OUT, 10, &[0xaa; 512], 0);
    assert_eq!(st, status::OK);
    if mode == "writeback" {
        let (st, _, _) = Req::run(&mut h, &mut next, 1, types::FLUSH, 0, &[], 0);
        assert_eq!(st, status::OK);
    }
    let (st, _, _) = Req::run(&mut h, &mut next, 1, types::OUT, 20, &[0xbb; 512], 0);
    assert_eq!(st, status::OK);
    eprintln!(
        "child: {mode}: {:?} store operations (READ, WRITE, FLUSH, ZERO); dying",
        h.card.store.ops
    );
    std::process::abort();
}

#[test]
fn blk_17_completed_stable_writes_survive_the_simulation_being_killed() {
    if let (Ok(mode), Ok(img)) = (
        std::env::var("FERRIO_BLK_CHILD"),
        std::env::var("FERRIO_BLK_IMAGE"),
    ) {
        durability_child(&mode, &img);
    }
    for (mode, b_stable) in [("writeback", false), ("writethrough", true)] {
        let img = image(&format!("blk_17_{mode}"));
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "blk_17_completed_stable_writes_survive_the_simulation_being_killed",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("FERRIO_BLK_CHILD", mode)
            .env("FERRIO_BLK_IMAGE", &img)
            .output()
            .unwrap();
        let log = String::from_utf8_lossy(&out.stderr);
        assert!(
            log.contains("dying"),
            "{mode}: the child got to the end:\n{log}"
        );
        assert!(!out.status.success(), "{mode}: the child was killed");
        let file = std::fs::read(&img).unwrap();
        assert!(
            file[10 * 512..11 * 512].iter().all(|&x| x == 0xaa),
            "{mode}: write A, made stable (by the FLUSH or by writethrough), is in the file"
        );
        let b_in_file = file[20 * 512..21 * 512].iter().all(|&x| x == 0xbb);
        assert_eq!(
            b_in_file, b_stable,
            "{mode}: write B is in the file only if it was stable when completed (BLK-17)"
        );
    }
}

#[test]
fn blk_multiqueue_both_request_queues_are_served_fairly_under_load() {
    let mut h = card("blk_multiqueue", WANT | blk_features());
    const PER_QUEUE: usize = 24;
    // every request a 1 KiB read: header, data, status
    let mut ids = [Vec::new(), Vec::new()];
    for k in 0..PER_QUEUE {
        for q in 0..2usize {
            let at = DATA + ((k * 2 + q) as u64) * 0x1000;
            let mut hdr = types::IN.to_le_bytes().to_vec();
            hdr.extend_from_slice(&[0; 4]);
            hdr.extend_from_slice(&((k * 2) as u64).to_le_bytes());
            h.memory.write(at, &hdr);
            let segs = [
                Segment {
                    addr: at,
                    len: 16,
                    write: false,
                },
                Segment {
                    addr: at + 0x100,
                    len: 1024,
                    write: true,
                },
                Segment {
                    addr: at + 0x40,
                    len: 1,
                    write: true,
                },
            ];
            ids[q].push(h.rings[1][q].post_chain(&mut h.memory, &segs).unwrap());
        }
    }
    h.kick(1, 0);
    h.kick(1, 1);
    let mut order: Vec<(usize, u16)> = Vec::new();
    for _ in 0..2_000_000 {
        for q in 0..2 {
            while let Some(u) = h.rings[1][q].poll_used(&mut h.memory) {
                assert_eq!(u.len, 1025);
                order.push((q, u.id));
            }
        }
        if order.len() == 2 * PER_QUEUE {
            break;
        }
        h.idle(1);
    }
    assert_eq!(order.len(), 2 * PER_QUEUE, "every request completed");
    for q in 0..2 {
        let got: Vec<u16> = order.iter().filter(|o| o.0 == q).map(|o| o.1).collect();
        assert_eq!(got, ids[q], "queue {q} completes in its own order");
    }
    // while both queues had work, neither waited long for the other
    let both = order.len() - {
        // the tail where only one queue was left
        let last = order.last().unwrap().0;
        order.iter().rev().take_while(|o| o.0 == last).count()
    };
    let mut longest = 0;
    let mut run = 0;
    for k in 0..both {
        run = if k > 0 && order[k].0 == order[k - 1].0 {
            run + 1
        } else {
            1
        };
        longest = longest.max(run);
    }
    eprintln!(
        "completion order by queue: {:?}",
        order.iter().map(|o| o.0).collect::<Vec<_>>()
    );
    assert!(
        longest <= 8,
        "a queue waited for {longest} of the other's requests in a row"
    );
}
