//! The packed-virtqueue engine through Verilator, driven by the Rust driver-side ring
//! (`sim/src/host/ring.rs`) and served by the host model's memory and checker: the device is
//! the simulation-only echo device or a test completing buffers by hand. Test names cite the
//! PQ-n rows of shared/virtio/packed-virtqueue.md (docs/CONFORMANCE.md maps them).

use ferrio_sim::host::ring::{Segment, EVENT_DESC, EVENT_DISABLE, EVENT_ENABLE};
use ferrio_sim::host::virtio::{common, feature, status};
use ferrio_sim::host::{Access, Interrupt, RootComplex};
use ferrio_sim::models::Card;

const WANT: u64 = feature::VERSION_1
    | feature::RING_PACKED
    | feature::INDIRECT_DESC
    | feature::EVENT_IDX
    | feature::NOTIFICATION_DATA
    | feature::RING_RESET
    | feature::ACCESS_PLATFORM
    | feature::ORDER_PLATFORM;

/// Data buffers live here, away from the rings.
const DATA: u64 = 0x4000_0000;

fn card_with(f: u8, size_for: impl Fn(u16, u16) -> u16) -> RootComplex<Card> {
    let mut h = RootComplex::new(Card::new());
    assert_eq!(h.enumerate().len(), 2);
    h.virtio_init_with(f, WANT, true, size_for).unwrap();
    h
}

fn card() -> RootComplex<Card> {
    card_with(0, |_, max| max)
}

fn seg(addr: u64, len: u32, write: bool) -> Segment {
    Segment { addr, len, write }
}

/// Run until queue `q` of function `f` has a used descriptor; returns it.
fn wait_used(h: &mut RootComplex<Card>, f: u8, q: usize, limit: u64) -> ferrio_sim::host::ring::Used {
    for _ in 0..limit {
        let mem = &mut h.memory;
        if let Some(u) = h.rings[f as usize][q].poll_used(mem) {
            return u;
        }
        h.idle(1);
    }
    panic!("no used descriptor on queue {q} within {limit} cycles");
}

#[test]
fn pq_1_pq_10_pq_14_echo_copies_a_chain_and_reports_the_bytes_written() {
    let mut h = card();
    h.devices[0].echo = true;
    let src: Vec<u8> = (0..300u32).map(|i| (i * 7) as u8).collect();
    h.memory.write(DATA, &src);
    let r = &mut h.rings[0][0];
    let id = r
        .post_chain(
            &mut h.memory,
            &[seg(DATA, 100, false), seg(DATA + 100, 200, false), seg(DATA + 0x1000, 128, true), seg(DATA + 0x2000, 500, true)],
        )
        .unwrap();
    h.kick(0, 0);
    let u = wait_used(&mut h, 0, 0, 20_000);
    assert_eq!(u.id, id);
    assert_eq!(u.len, 300);
    let mut got = h.memory.read_vec(DATA + 0x1000, 128);
    got.extend(h.memory.read_vec(DATA + 0x2000, 172));
    assert_eq!(got, src);
    assert!(
        h.run_until(2_000, |h| h.interrupts.iter().any(|i| matches!(i, Interrupt::Msi { data: 0x100, .. }))),
        "queue 0's vector fires"
    );
}
