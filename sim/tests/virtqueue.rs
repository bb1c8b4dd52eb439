//! The packed-virtqueue engine through Verilator, driven by the Rust driver-side ring
//! (`sim/src/host/ring.rs`) and served by the host model's memory and checker: the device is
//! the simulation-only echo device or a test completing buffers by hand. Test names cite the
//! PQ-n rows of shared/virtio/packed-virtqueue.md (docs/CONFORMANCE.md maps them).

use ferrio_sim::host::ring::{Segment, EVENT_DESC, EVENT_DISABLE, EVENT_ENABLE};
use ferrio_sim::host::virtio::{feature, status};
use ferrio_sim::host::CardPort;
use ferrio_sim::host::{Access, Interrupt, RootComplex};
use ferrio_sim::models::{Card, CardQ32k};

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
fn wait_used<C: CardPort>(
    h: &mut RootComplex<C>,
    f: u8,
    q: usize,
    limit: u64,
) -> ferrio_sim::host::ring::Used {
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
            &[
                seg(DATA, 100, false),
                seg(DATA + 100, 200, false),
                seg(DATA + 0x1000, 128, true),
                seg(DATA + 0x2000, 500, true),
            ],
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
        h.run_until(2_000, |h| h
            .interrupts
            .iter()
            .any(|i| matches!(i, Interrupt::Msi { data: 0x100, .. }))),
        "queue 0's vector fires"
    );
}

/// The 16 bytes of ring slot `slot`: (len, id, flags).
fn slot(h: &RootComplex<Card>, f: u8, q: usize, slot: u64) -> (u32, u16, u16) {
    let at = h.rings[f as usize][q].desc + 16 * slot;
    (
        h.memory.read_u32(at + 8),
        h.memory.read_u16(at + 12),
        h.memory.read_u16(at + 14),
    )
}

/// Run until the device (by hand) holds `n` buffers.
fn wait_received(h: &mut RootComplex<Card>, f: usize, n: usize) {
    assert!(
        h.run_until(20_000, |h| h.devices[f].received.len() >= n),
        "the device got {} buffers, not {n}",
        h.devices[f].received.len()
    );
}

fn queue_irqs(h: &RootComplex<Card>, vector: u32) -> usize {
    h.interrupts
        .iter()
        .filter(|i| matches!(i, Interrupt::Msi { data, .. } if *data == 0x100 + vector))
        .count()
}

#[test]
fn pq_3_pq_4_pq_13_pq_19_the_digests_worked_example_slot_by_slot() {
    let mut h = card_with(0, |q, max| if q == 0 { 4 } else { max });
    // Lap 1: A (id 0, one writable descriptor), B (id 1, one readable descriptor).
    h.memory.write(DATA + 0x100, &[9; 8]);
    let a = h.rings[0][0]
        .post_chain(&mut h.memory, &[seg(DATA, 64, true)])
        .unwrap();
    let b = h.rings[0][0]
        .post_chain(&mut h.memory, &[seg(DATA + 0x100, 8, false)])
        .unwrap();
    assert_eq!((a, b), (0, 1));
    h.kick(0, 0);
    wait_received(&mut h, 0, 2);
    let bufs: Vec<_> = h.devices[0].received.drain(..).collect();
    h.devices[0].complete(&bufs[0], 40);
    h.devices[0].complete(&bufs[1], 0);
    assert_eq!(wait_used(&mut h, 0, 0, 20_000).id, 0);
    assert_eq!(wait_used(&mut h, 0, 0, 20_000).id, 1);
    assert_eq!(slot(&h, 0, 0, 0), (40, 0, 0x8082));
    assert_eq!(slot(&h, 0, 0, 1), (0, 1, 0x8080));
    h.quiesce();
    // Chain C (id 2): 16-byte header, 4096 bytes of data, 1-byte status; slots 2, 3, 0.
    let event_before = queue_irqs(&h, 0);
    h.rings[0][0].set_event(&mut h.memory, EVENT_DESC, 2, true);
    let c = h.rings[0][0]
        .post_chain(
            &mut h.memory,
            &[
                seg(DATA + 0x1000, 16, false),
                seg(DATA + 0x2000, 4096, false),
                seg(DATA + 0x4000, 1, true),
            ],
        )
        .unwrap();
    assert_eq!(c, 2);
    // The ring before the device processes C, as in the digest's table.
    assert_eq!(slot(&h, 0, 0, 0), (1, 2, 0x8002));
    assert_eq!(slot(&h, 0, 0, 1), (0, 1, 0x8080));
    assert_eq!(slot(&h, 0, 0, 2), (16, 0, 0x0081));
    assert_eq!(slot(&h, 0, 0, 3), (4096, 0, 0x0081));
    assert_eq!(h.rings[0][0].notify_value(), 0x0001_0000);
    h.kick(0, 0);
    wait_received(&mut h, 0, 1);
    let cbuf = h.devices[0].received.pop_front().unwrap();
    assert_eq!(cbuf.segments.len(), 3);
    assert_eq!((cbuf.segments[1].len, cbuf.segments[2].write), (4096, true));
    h.devices[0].complete(&cbuf, 1);
    let u = wait_used(&mut h, 0, 0, 20_000);
    assert_eq!((u.id, u.len, u.slot), (2, 1, 2));
    // The ring after: the used descriptor at slot 2, slots 0 and 3 stale, never rewritten.
    assert_eq!(slot(&h, 0, 0, 0), (1, 2, 0x8002));
    assert_eq!(slot(&h, 0, 0, 1), (0, 1, 0x8080));
    assert_eq!(slot(&h, 0, 0, 2), (1, 2, 0x8082));
    assert_eq!(slot(&h, 0, 0, 3), (4096, 0, 0x0081));
    assert_eq!(h.rings[0][0].used_position(), (1, false));
    // The notification decision of the example: DESC at (2, wrap 1) is crossed: send.
    assert!(h.run_until(2_000, |h| queue_irqs(h, 0) == event_before + 1));
}

#[test]
fn pq_9_pq_12_pq_13_out_of_order_completion_skips_by_the_completed_buffers_size() {
    let mut h = card_with(0, |q, max| if q == 0 { 8 } else { max });
    let x = h.rings[0][0]
        .post_chain(
            &mut h.memory,
            &[seg(DATA, 16, false), seg(DATA + 0x100, 64, true)],
        )
        .unwrap();
    let y = h.rings[0][0]
        .post_chain(&mut h.memory, &[seg(DATA + 0x200, 64, true)])
        .unwrap();
    h.kick(0, 0);
    wait_received(&mut h, 0, 2);
    let bufs: Vec<_> = h.devices[0].received.drain(..).collect();
    h.devices[0].complete(&bufs[1], 5); // Y first
    h.idle(500);
    h.devices[0].complete(&bufs[0], 7);
    let u1 = wait_used(&mut h, 0, 0, 20_000);
    let u2 = wait_used(&mut h, 0, 0, 20_000);
    assert_eq!((u1.id, u1.len, u1.slot), (y, 5, 0));
    assert_eq!((u2.id, u2.len, u2.slot), (x, 7, 1));
    assert_eq!(h.rings[0][0].used_position(), (3, true));
}

#[test]
fn pq_16_pq_17_indirect_tables_honour_only_write_and_ignore_write_on_the_indirect_descriptor() {
    let mut h = card();
    h.devices[0].echo = true;
    let src: Vec<u8> = (0..200u32).map(|i| i as u8 ^ 0x5a).collect();
    h.memory.write(DATA, &src);
    let table = DATA + 0x10_000;
    let id = h.rings[0][1]
        .post_indirect(
            &mut h.memory,
            table,
            &[
                seg(DATA, 50, false),
                seg(DATA + 50, 150, false),
                seg(DATA + 0x1000, 100, true),
                seg(DATA + 0x2000, 100, true),
            ],
        )
        .unwrap();
    // PQ-17: WRITE on the indirect descriptor itself means nothing.
    let at = h.rings[0][1].desc + 14;
    let fl = h.memory.read_u16(at);
    h.memory.write_u16(at, fl | 2);
    h.kick(0, 1);
    let u = wait_used(&mut h, 0, 1, 20_000);
    assert_eq!((u.id, u.len), (id, 200));
    let mut got = h.memory.read_vec(DATA + 0x1000, 100);
    got.extend(h.memory.read_vec(DATA + 0x2000, 100));
    assert_eq!(got, src);
    assert_eq!(
        h.rings[0][1].used_position(),
        (1, true),
        "an indirect buffer takes one slot"
    );
    assert_eq!(h.devices[0].log[0].segments.len(), 4);
}

#[test]
fn pq_19_event_suppression_enable_disable_and_desc() {
    let mut h = card();
    h.devices[0].echo = true;
    h.memory.write(DATA, &[1; 64]);
    let post = |h: &mut RootComplex<Card>, k: u64| {
        h.rings[0][2]
            .post_chain(
                &mut h.memory,
                &[seg(DATA, 8, false), seg(DATA + 0x1000 + 64 * k, 8, true)],
            )
            .unwrap();
        h.kick(0, 2);
        wait_used(h, 0, 2, 20_000);
        h.quiesce();
    };
    // ENABLE (the zeroed structure): one notification per used buffer.
    post(&mut h, 0);
    assert_eq!(queue_irqs(&h, 2), 1);
    // DISABLE: none.
    h.rings[0][2].set_event(&mut h.memory, EVENT_DISABLE, 0, false);
    post(&mut h, 1);
    post(&mut h, 2);
    assert_eq!(queue_irqs(&h, 2), 1);
    // DESC (EVENT_IDX): only when the used index moves past the slot asked for. Each buffer
    // takes two slots: positions 6 -> 8 do not cross slot 9, 8 -> 10 do.
    h.rings[0][2].set_event(&mut h.memory, EVENT_DESC, 9, true);
    post(&mut h, 3);
    assert_eq!(queue_irqs(&h, 2), 1, "used up to slot 8: not yet");
    post(&mut h, 4);
    assert_eq!(queue_irqs(&h, 2), 2, "slot 9 used: notify");
    post(&mut h, 5);
    assert_eq!(queue_irqs(&h, 2), 2, "past it: no more");
    h.rings[0][2].set_event(&mut h.memory, EVENT_ENABLE, 0, false);
    post(&mut h, 6);
    assert_eq!(queue_irqs(&h, 2), 3);
    // PQ-20: the engine leaves the Device Event Suppression structure as the driver zeroed it.
    assert_eq!(
        h.rings[0][2].device_event(&h.memory),
        (EVENT_ENABLE, 0, false)
    );
}

#[test]
fn pq_8_pq_10_buffers_reach_the_device_in_ring_order_with_segments_in_chain_order() {
    let mut h = card();
    let mut want = Vec::new();
    for k in 0..6u64 {
        let segs: Vec<Segment> = (0..=k)
            .map(|j| seg(DATA + 0x1000 * k + 0x10 * j, 8 + j as u32, j == k))
            .collect();
        let id = h.rings[0][3].post_chain(&mut h.memory, &segs).unwrap();
        want.push((id, segs));
    }
    h.kick(0, 3);
    wait_received(&mut h, 0, 6);
    for (b, (id, segs)) in h.devices[0].received.iter().zip(&want) {
        assert_eq!(b.token & 0xffff, *id as u64, "ring order");
        let got: Vec<(u64, u32, bool)> = b
            .segments
            .iter()
            .map(|s| (s.addr, s.len, s.write))
            .collect();
        let exp: Vec<(u64, u32, bool)> = segs.iter().map(|s| (s.addr, s.len, s.write)).collect();
        assert_eq!(got, exp, "chain order");
    }
}

#[test]
fn pq_22_repeated_doorbells_with_nothing_new_are_harmless() {
    let mut h = card();
    h.devices[0].echo = true;
    h.memory.write(DATA, &[3; 32]);
    h.rings[0][0]
        .post_chain(
            &mut h.memory,
            &[seg(DATA, 32, false), seg(DATA + 0x100, 32, true)],
        )
        .unwrap();
    for _ in 0..5 {
        h.kick(0, 0);
    }
    wait_used(&mut h, 0, 0, 20_000);
    for _ in 0..5 {
        h.kick(0, 0);
    }
    h.quiesce();
    assert!(
        h.rings[0][0].poll_used(&mut h.memory).is_none(),
        "one buffer, one used descriptor"
    );
    assert_eq!(h.devices[0].echoed, 1);
    assert_eq!(h.device_status(0) & status::DEVICE_NEEDS_RESET, 0);
}

/// Write a raw descriptor into slot `slot` of queue `q` (function 0), available in lap 1
/// (AVAIL set, USED clear) plus `flags`: for shapes the ring model refuses to build.
#[test]
fn pq_15_a_multi_buffer_request_marks_its_first_buffer_used_last() {
    let mut h = card_with(0, |q, max| if q == 0 { 8 } else { max });
    let ids: Vec<u16> = (0..3)
        .map(|k| {
            h.rings[0][0]
                .post_chain(&mut h.memory, &[seg(DATA + 0x100 * k, 64, true)])
                .unwrap()
        })
        .collect();
    h.kick(0, 0);
    wait_received(&mut h, 0, 3);
    let bufs: Vec<_> = h.devices[0].received.drain(..).collect();
    let before = h.dma.writes.len();
    h.devices[0].complete_part(&bufs[0], 10);
    h.devices[0].complete_part(&bufs[1], 20);
    h.devices[0].complete(&bufs[2], 30);
    let used: Vec<_> = (0..3)
        .map(|_| {
            let u = wait_used(&mut h, 0, 0, 20_000);
            (u.id, u.len, u.slot)
        })
        .collect();
    assert_eq!(
        used,
        vec![(ids[0], 10, 0), (ids[1], 20, 1), (ids[2], 30, 2)]
    );
    // The used-ring writes in the order they reached the host: the first buffer's {len, id},
    // the other two whole, then the first buffer's flags.
    let desc = h.rings[0][0].desc;
    let ring: Vec<u64> = h.dma.writes[before..]
        .iter()
        .filter(|w| (desc..desc + 16 * 8).contains(&w.1))
        .map(|w| w.1 - desc)
        .collect();
    assert_eq!(ring, vec![8, 24, 30, 40, 46, 14]);
    assert_eq!(h.device_status(0) & status::DEVICE_NEEDS_RESET, 0);
}

#[test]
fn pq_15_a_request_cut_by_another_queues_completion_is_closed_and_sets_device_needs_reset() {
    let mut h = card_with(0, |q, max| if q < 2 { 8 } else { max });
    let a = h.rings[0][0]
        .post_chain(&mut h.memory, &[seg(DATA, 64, true)])
        .unwrap();
    h.rings[0][1]
        .post_chain(&mut h.memory, &[seg(DATA + 0x1000, 64, true)])
        .unwrap();
    h.kick(0, 0);
    h.kick(0, 1);
    wait_received(&mut h, 0, 2);
    let bufs: Vec<_> = h.devices[0].received.drain(..).collect();
    let on_q0 = bufs.iter().position(|b| b.queue == 0).unwrap();
    h.devices[0].complete_part(&bufs[on_q0], 5);
    h.devices[0].complete(&bufs[1 - on_q0], 6);
    assert_device_needs_reset(&mut h, "a request cut by another queue");
    // The open request was closed: its buffer is used, so the driver is not left waiting.
    let u = wait_used(&mut h, 0, 0, 20_000);
    assert_eq!((u.id, u.len), (a, 5));
    h.virtio_reset(0, 64).unwrap();
}

#[test]
fn pq_15_a_request_left_open_by_an_idle_device_is_closed_and_sets_device_needs_reset() {
    let mut h = card_with(0, |q, max| if q == 0 { 8 } else { max });
    let a = h.rings[0][0]
        .post_chain(&mut h.memory, &[seg(DATA, 64, true)])
        .unwrap();
    h.kick(0, 0);
    wait_received(&mut h, 0, 1);
    let b = h.devices[0].received.pop_front().unwrap();
    // "more to come", but the device holds nothing else: the engine must not wait forever
    h.devices[0].complete_part(&b, 9);
    assert_device_needs_reset(&mut h, "a request left open");
    let u = wait_used(&mut h, 0, 0, 20_000);
    assert_eq!((u.id, u.len), (a, 9));
    h.virtio_reset(0, 64).unwrap();
}

#[test]
fn pq_18_in_order_is_offered_and_random_traffic_is_used_in_the_order_made_available() {
    let sizes = [256u16, 3, 255, 1];
    let mut h = RootComplex::new(Card::new());
    assert_eq!(h.enumerate().len(), 2);
    let n = h
        .virtio_init_with(0, WANT | feature::IN_ORDER, true, |q, max| {
            sizes.get(q as usize).copied().unwrap_or(max)
        })
        .unwrap();
    assert_ne!(n.offered & feature::IN_ORDER, 0, "IN_ORDER offered");
    assert_ne!(n.features & feature::IN_ORDER, 0, "IN_ORDER negotiated");
    // Every poll_used now fails the test if a buffer is used ahead of an older one.
    assert!(h.rings[0].iter().all(|r| r.in_order));
    let mut t = Traffic::new(7, DATA, 0x100_0000);
    run_traffic(&mut h, &mut t, &[0, 1, 2, 3], 2_000, 7);
}

#[test]
fn pq_18_in_order_a_device_completing_out_of_order_sets_device_needs_reset() {
    let mut h = RootComplex::new(Card::new());
    assert_eq!(h.enumerate().len(), 2);
    h.virtio_init_with(0, WANT | feature::IN_ORDER, true, |q, max| {
        if q == 0 {
            8
        } else {
            max
        }
    })
    .unwrap();
    for k in 0..2 {
        h.rings[0][0]
            .post_chain(&mut h.memory, &[seg(DATA + 0x100 * k, 64, true)])
            .unwrap();
    }
    h.kick(0, 0);
    wait_received(&mut h, 0, 2);
    let bufs: Vec<_> = h.devices[0].received.drain(..).collect();
    // The first completion in order is fine.
    h.devices[0].complete(&bufs[0], 4);
    h.idle(2_000);
    assert_eq!(h.device_status(0) & status::DEVICE_NEEDS_RESET, 0);
    assert_eq!(queue_irqs(&h, 9), 0, "no configuration interrupt yet");
    // A third buffer, then the device completes it ahead of the second: a device fault.
    h.rings[0][0]
        .post_chain(&mut h.memory, &[seg(DATA + 0x300, 64, true)])
        .unwrap();
    h.kick(0, 0);
    wait_received(&mut h, 0, 1);
    let third = h.devices[0].received.pop_front().unwrap();
    h.devices[0].complete(&third, 4);
    assert_device_needs_reset(&mut h, "a completion out of order");
    // The driver resets the device; the used write and event read already under way finish
    // inside the rings, which stay the device's until the reset completes.
    h.virtio_reset(0, 64).unwrap();
}

fn raw(h: &mut RootComplex<Card>, q: usize, slot: u64, addr: u64, len: u32, id: u16, flags: u16) {
    let at = h.rings[0][q].desc + 16 * slot;
    h.memory.write_u64(at, addr);
    h.memory.write_u32(at + 8, len);
    h.memory.write_u16(at + 12, id);
    h.memory.write_u16(at + 14, flags | 0x80);
}

/// Function 0 set DEVICE_NEEDS_RESET and sent its configuration interrupt (vector 9).
fn assert_device_needs_reset(h: &mut RootComplex<Card>, what: &str) {
    assert!(
        h.run_until(50_000, |h| queue_irqs(h, 9) >= 1),
        "{what}: no configuration interrupt"
    );
    assert_ne!(
        h.device_status(0) & status::DEVICE_NEEDS_RESET,
        0,
        "{what}: DEVICE_NEEDS_RESET"
    );
}

/// After illegal input: DEVICE_NEEDS_RESET with a configuration interrupt (vector 9 on
/// function 0), nothing handed to the device, and a device reset still completes.
fn assert_needs_reset(h: &mut RootComplex<Card>, what: &str) {
    assert_device_needs_reset(h, what);
    assert!(
        h.devices[0].log.is_empty(),
        "{what}: a buffer reached the device"
    );
    h.memory.revoke_all();
    h.virtio_reset(0, 64)
        .unwrap_or_else(|e| panic!("{what}: reset: {e:?}"));
}

fn illegal(what: &str, want: u64, build: impl Fn(&mut RootComplex<Card>)) {
    let mut h = RootComplex::new(Card::new());
    assert_eq!(h.enumerate().len(), 2);
    h.virtio_init_with(0, want, true, |q, max| if q == 0 { 8 } else { max })
        .unwrap();
    h.memory.allow(DATA, 0x10_0000, Access::ReadWrite, "data");
    build(&mut h);
    h.kick(0, 0);
    assert_needs_reset(&mut h, what);
}

const NEXT: u16 = 1;
const WRITE: u16 = 2;
const INDIRECT: u16 = 4;

#[test]
fn pq_16_illegal_nested_indirect_table_sets_device_needs_reset() {
    illegal("nested indirect", WANT, |h| {
        let t = DATA + 0x8000;
        h.memory.write_u64(t, DATA);
        h.memory.write_u32(t + 8, 16);
        h.memory.write_u16(t + 14, INDIRECT);
        raw(h, 0, 0, t, 16, 0, INDIRECT);
    });
}

#[test]
fn pq_16_illegal_indirect_descriptor_with_next_sets_device_needs_reset() {
    illegal("indirect with NEXT", WANT, |h| {
        raw(h, 0, 1, DATA, 8, 0, WRITE);
        raw(h, 0, 0, DATA + 0x8000, 16, 0, INDIRECT | NEXT);
    });
}

#[test]
fn pq_16_illegal_zero_length_and_misaligned_indirect_tables_set_device_needs_reset() {
    illegal("zero-length table", WANT, |h| {
        raw(h, 0, 0, DATA + 0x8000, 0, 0, INDIRECT)
    });
    illegal("table of 24 bytes", WANT, |h| {
        raw(h, 0, 0, DATA + 0x8000, 24, 0, INDIRECT)
    });
}

#[test]
fn pq_16_illegal_indirect_without_indirect_desc_negotiated_sets_device_needs_reset() {
    illegal(
        "INDIRECT not negotiated",
        WANT & !feature::INDIRECT_DESC,
        |h| raw(h, 0, 0, DATA + 0x8000, 16, 0, INDIRECT),
    );
}

#[test]
fn pq_10_illegal_readable_after_writable_sets_device_needs_reset() {
    illegal("readable after writable", WANT, |h| {
        raw(h, 0, 1, DATA + 0x100, 8, 0, 0);
        raw(h, 0, 0, DATA, 8, 0, WRITE | NEXT);
    });
}

#[test]
fn pq_11_illegal_chain_round_the_whole_ring_or_past_64_segments_sets_device_needs_reset() {
    // Every slot of the 8-slot ring says NEXT: the chain never ends.
    illegal("chain round the ring", WANT, |h| {
        for s in (0..8).rev() {
            raw(h, 0, s, DATA + 0x100 * s, 8, 0, NEXT);
        }
    });
    // 65 segments in a 256-slot ring: longer than the engine's 64 (docs/ARCHITECTURE.md).
    let mut h = card();
    h.memory.allow(DATA, 0x10_0000, Access::ReadWrite, "data");
    for s in (0..65).rev() {
        raw(
            &mut h,
            0,
            s,
            DATA + 0x100 * s,
            8,
            0,
            if s < 64 { NEXT } else { 0 },
        );
    }
    h.kick(0, 0);
    assert_needs_reset(&mut h, "chain of 65");
}

#[test]
fn illegal_descriptor_read_refused_by_the_dma_engine_sets_device_needs_reset() {
    let mut h = card();
    h.rings[0][0]
        .post_chain(&mut h.memory, &[seg(DATA, 8, true)])
        .unwrap();
    h.cfg_write(0, 1, 0b0011, 0x0002).unwrap(); // Bus Master Enable off
    h.kick(0, 0);
    h.idle(2_000);
    assert_ne!(
        h.device_status(0) & status::DEVICE_NEEDS_RESET,
        0,
        "the refused descriptor read sets DEVICE_NEEDS_RESET"
    );
    // The configuration interrupt is an MSI-X write: it waits for bus mastering.
    h.cfg_write(0, 1, 0b0011, 0x0006).unwrap();
    assert_needs_reset(&mut h, "bus mastering off");
}

#[test]
fn pq_11_a_chain_of_64_segments_is_taken_whole() {
    let mut h = card();
    h.devices[0].echo = true;
    let mut segs: Vec<Segment> = (0..32).map(|k| seg(DATA + 16 * k, 16, false)).collect();
    segs.extend((0..32).map(|k| seg(DATA + 0x1000 + 64 * k, 16, true)));
    let src: Vec<u8> = (0..512u32).map(|i| (i * 13) as u8).collect();
    h.memory.write(DATA, &src);
    h.rings[0][0].post_chain(&mut h.memory, &segs).unwrap();
    h.kick(0, 0);
    let u = wait_used(&mut h, 0, 0, 50_000);
    assert_eq!(u.len, 512);
    for k in 0..32u64 {
        assert_eq!(
            h.memory.read_vec(DATA + 0x1000 + 64 * k, 16),
            src[16 * k as usize..16 * k as usize + 16]
        );
    }
}

use ferrio_sim::host::traffic::Traffic;

/// Echo traffic on queues `queues` of function 0 until `n` buffers came back checked.
fn run_traffic<C: CardPort>(
    h: &mut RootComplex<C>,
    t: &mut Traffic,
    queues: &[usize],
    n: u64,
    seed: u64,
) {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    h.devices[0].echo = true;
    h.devices[0].keep_log = false;
    let echoed_before = h.devices[0].echoed;
    let completed_before = t.completed;
    let mut stalled = 0;
    while t.completed < n {
        for &q in queues {
            let want = rng.gen_range(0..4);
            let mut posted = false;
            for _ in 0..want {
                if t.posted >= n {
                    break;
                }
                let r = &mut h.rings[0][q];
                if !t.post(&mut h.memory, r, true) {
                    break;
                }
                posted = true;
            }
            if posted || rng.gen_bool(0.05) {
                h.kick(0, q as u16);
            }
        }
        h.idle(rng.gen_range(50..400));
        let got = t.drain(&mut h.memory, &mut h.rings[0]);
        stalled = if got == 0 { stalled + 1 } else { 0 };
        assert!(
            stalled < 2_000,
            "no progress: {} of {n} buffers back",
            t.completed
        );
    }
    assert_eq!(
        h.devices[0].echoed - echoed_before,
        t.completed - completed_before
    );
    assert_eq!(h.device_status(0) & status::DEVICE_NEEDS_RESET, 0);
}

fn seeds() -> Vec<u64> {
    match std::env::var("FERRIO_SEEDS") {
        Ok(s) => (0..s.parse::<u64>().unwrap()).collect(),
        Err(_) => vec![1],
    }
}

#[test]
fn pq_2_pq_5_pq_8_pq_21_random_traffic_of_10000_buffers_on_four_queues_of_mixed_sizes() {
    // FERRIO_SEEDS=n runs n seeds (CI runs one).
    for seed in seeds() {
        let sizes = [256u16, 3, 255, 1];
        let mut h = card_with(0, |q, max| sizes.get(q as usize).copied().unwrap_or(max));
        let mut t = Traffic::new(seed, DATA, 0x100_0000);
        run_traffic(&mut h, &mut t, &[0, 1, 2, 3], 10_000, seed);
        eprintln!(
            "seed {seed}: {} buffers, {} bytes, {} cycles",
            t.completed, t.bytes, h.cycle
        );
    }
}

#[test]
fn pq_2_queue_sizes_1_2_3_255_256_and_32768_carry_traffic_and_all_but_32768_wrap() {
    for (size, n) in [
        (1u16, 40u64),
        (2, 40),
        (3, 60),
        (255, 600),
        (256, 600),
        (32768, 300),
    ] {
        let mut h = RootComplex::new(CardQ32k::new());
        assert_eq!(h.enumerate().len(), 2);
        h.virtio_init_with(
            0,
            WANT,
            true,
            |q, max| if q == 0 { size } else { max.min(256) },
        )
        .unwrap();
        let mut t = Traffic::new(size as u64, DATA, 0x100_0000);
        t.max_bytes = 64;
        run_traffic(&mut h, &mut t, &[0], n, 7);
        assert_eq!(h.rings[0][0].size, size);
    }
}

/// Post up to `n` random buffers on each of `queues` and ring their doorbells.
#[test]
fn pq_2_a_queue_of_32768_wraps_with_chains_of_64_descriptors() {
    // 512 chains of 64 descriptors fill the ring once; 40 more take the used and the
    // available positions past the wrap, both wrap counters flipping (PQ-2, PQ-3, PQ-4).
    let mut h = RootComplex::new(CardQ32k::new());
    assert_eq!(h.enumerate().len(), 2);
    h.virtio_init_with(
        0,
        WANT,
        true,
        |q, max| if q == 0 { 32768 } else { max.min(256) },
    )
    .unwrap();
    h.devices[0].echo = true;
    h.devices[0].keep_log = false;
    const N: u64 = 552;
    // buffer k: 32 readable bytes at DATA + 64k, 32 writable ones at DATA + 64k + 0x10_0000
    let src = |k: u64, i: u64| (k * 31 + i * 7 + 1) as u8;
    let (mut posted, mut used) = (0u64, 0u64);
    let mut ids = std::collections::VecDeque::new();
    while used < N {
        let mut any = false;
        while posted < N && h.rings[0][0].free_slots() >= 64 {
            let base = DATA + 64 * (posted % 1024);
            let bytes: Vec<u8> = (0..32).map(|i| src(posted, i)).collect();
            h.memory.write(base, &bytes);
            let segs: Vec<Segment> = (0..64)
                .map(|i| {
                    if i < 32 {
                        seg(base + i, 1, false)
                    } else {
                        seg(base + 0x10_0000 + (i - 32), 1, true)
                    }
                })
                .collect();
            let id = h.rings[0][0].post_chain(&mut h.memory, &segs).unwrap();
            ids.push_back((posted, id));
            posted += 1;
            any = true;
        }
        if any {
            h.kick(0, 0);
        }
        let u = wait_used(&mut h, 0, 0, 2_000_000);
        let (k, id) = ids.pop_front().unwrap();
        assert_eq!((u.id, u.len), (id, 32), "buffer {k}");
        let base = DATA + 64 * (k % 1024);
        let want: Vec<u8> = (0..32).map(|i| src(k, i)).collect();
        assert_eq!(
            h.memory.read_vec(base + 0x10_0000, 32),
            want,
            "buffer {k}'s data"
        );
        used += 1;
    }
    // 552 x 64 slots = 35328 = 32768 + 2560: one wrap, used wrap counter now 0
    assert_eq!(h.rings[0][0].used_position(), (2560, false));
    assert_eq!(h.device_status(0) & status::DEVICE_NEEDS_RESET, 0);
}

fn load(h: &mut RootComplex<Card>, t: &mut Traffic, queues: &[usize], n: usize) {
    for &q in queues {
        for _ in 0..n {
            let r = &mut h.rings[0][q];
            if !t.post(&mut h.memory, r, true) {
                break;
            }
        }
        h.kick(0, q as u16);
    }
}

#[test]
fn device_reset_in_the_middle_of_traffic_loses_and_doubles_nothing_and_then_no_dma() {
    for (seed, after) in [(1u64, 300u64), (2, 900), (3, 2000), (4, 5000)] {
        let mut h = card();
        h.devices[0].echo = true;
        let mut t = Traffic::new(seed, DATA, 0x100_0000);
        load(&mut h, &mut t, &[0, 1, 2], 40);
        h.idle(after);
        h.common_write(0, ferrio_sim::host::virtio::common::DEVICE_STATUS, 1, 0);
        assert!(
            h.run_until(200_000, |h| !h.sides[0].resetting),
            "seed {seed}: the reset never completed"
        );
        let done_at = h.cycle;
        assert_eq!(h.device_status(0), 0);
        // Every buffer the device finished has exactly one used descriptor (the ring model
        // panics on a second one), and there is none for the others.
        let got = t.drain(&mut h.memory, &mut h.rings[0]);
        assert_eq!(got as u64, h.devices[0].echoed, "seed {seed}");
        // Nothing touches host memory after the reset completed.
        h.idle(3_000);
        assert!(
            h.dma.reads.iter().all(|r| r.0 <= done_at),
            "seed {seed}: a read after the reset"
        );
        assert!(
            h.dma.writes.iter().all(|w| w.0 <= done_at),
            "seed {seed}: a write after the reset"
        );
        // And the function works again.
        for mut r in std::mem::take(&mut h.rings[0]) {
            r.release(&mut h.memory);
        }
        h.virtio_init(0, WANT, true).unwrap();
        let mut t2 = Traffic::new(seed + 100, DATA + 0x200_0000, 0x100_0000);
        run_traffic(&mut h, &mut t2, &[0, 1], 200, seed);
    }
}

#[test]
fn pci_49_pci_50_pci_51_queue_reset_in_the_middle_of_traffic_then_no_dma_for_that_queue() {
    use ferrio_sim::host::ring::DriverRing;
    use ferrio_sim::host::virtio::common;
    for (seed, after) in [(5u64, 400u64), (6, 1500), (7, 4000)] {
        let mut h = card();
        h.devices[0].echo = true;
        let mut t = Traffic::new(seed, DATA, 0x100_0000);
        load(&mut h, &mut t, &[0, 1, 2], 40);
        h.idle(after);
        h.common_write(0, common::QUEUE_SELECT, 2, 1);
        h.common_write(0, common::QUEUE_RESET, 2, 1);
        assert!(
            h.run_until(200_000, |h| h.sides[0].queue_resetting.is_none()),
            "seed {seed}: the queue reset never completed"
        );
        let done_at = h.cycle;
        assert_eq!(h.common_read(0, common::QUEUE_RESET, 2), 0);
        // Queue 1's buffers finished before the reset have their used descriptors; after it,
        // queue 1's ring and buffers are the driver's again: any access fails the test.
        let mut r1 = std::mem::replace(
            &mut h.rings[0][1],
            DriverRing::new(
                &mut h.memory,
                0,
                1,
                16,
                0x3_0000_0000,
                0x3_0008_0000,
                0x3_0008_1000,
            ),
        );
        while let Some(u) = r1.poll_used(&mut h.memory) {
            t.check(&h.memory, &u);
        }
        r1.release(&mut h.memory);
        // The other queues carry on to the end.
        assert!(h.run_until(500_000, |h| h.devices[0].idle() && h.clients[0].idle));
        t.drain(&mut h.memory, &mut h.rings[0]);
        assert_eq!(
            t.completed, h.devices[0].echoed,
            "seed {seed}: lost or doubled"
        );
        assert!(
            h.dma
                .reads
                .iter()
                .filter(|r| r.0 > done_at)
                .all(|r| r.2 < 0x1_0010_0000 || r.2 >= 0x1_0020_0000),
            "seed {seed}: queue 1's ring was read after its reset"
        );
        // PCI-51: re-enabled with a new size and ring, it runs again from slot 0, wrap 1.
        h.common_write(0, common::QUEUE_SELECT, 2, 1);
        h.common_write(0, common::QUEUE_SIZE, 2, 16);
        for (off, v) in [
            (common::QUEUE_DESC, 0x3_0000_0000u64),
            (common::QUEUE_DRIVER, 0x3_0008_0000),
            (common::QUEUE_DEVICE, 0x3_0008_1000),
        ] {
            h.common_write(0, off, 8, v);
        }
        h.common_write(0, common::QUEUE_ENABLE, 2, 1);
        let mut t2 = Traffic::new(seed + 100, DATA + 0x200_0000, 0x100_0000);
        run_traffic(&mut h, &mut t2, &[1], 100, seed);
        assert_eq!(h.rings[0][1].size, 16);
    }
}

#[test]
fn used_buffer_notifications_go_out_as_intx_on_the_proxy_build_without_msix() {
    use ferrio_sim::models::CardProxy;
    let mut h = RootComplex::new(CardProxy::new());
    assert_eq!(h.enumerate().len(), 2);
    h.virtio_init(1, WANT, false).unwrap();
    h.devices[1].echo = true;
    h.memory.write(DATA, &[0x77; 40]);
    h.rings[1][0]
        .post_chain(
            &mut h.memory,
            &[seg(DATA, 40, false), seg(DATA + 0x100, 40, true)],
        )
        .unwrap();
    h.kick(1, 0);
    let mut used = None;
    for _ in 0..20_000 {
        if let Some(u) = h.rings[1][0].poll_used(&mut h.memory) {
            used = Some(u);
            break;
        }
        h.idle(1);
    }
    assert_eq!(used.expect("no used descriptor").len, 40);
    assert_eq!(h.memory.read_vec(DATA + 0x100, 40), vec![0x77; 40]);
    // Function 1 raises INTB (pin 1); reading the ISR clears it and the wire drops.
    assert!(h.run_until(2_000, |h| h.intx[1]), "INTB asserted");
    assert_eq!(h.mmio_read(1, 0x1000, 1), Ok(1), "ISR bit 0: a used buffer");
    assert!(
        h.run_until(200, |h| !h.intx[1]),
        "INTB deasserted after the ISR read"
    );
}
