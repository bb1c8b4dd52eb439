//! SkidBuffer through Verilator: random valid/ready on both sides; items arrive in order,
//! none lost or duplicated; `sink.ready` only drops when the skid register is full; full
//! throughput when the reader is always ready.

mod common;

use common::rng;
use ferrio_sim::models::SkidBuffer;
use rand::Rng;
use std::collections::VecDeque;

#[test]
fn skid_buffer_keeps_order_and_never_loses_an_item() {
    let mut r = rng("skid_buffer");
    let mut v = SkidBuffer::new();
    v.reset(2);
    let mut in_flight: VecDeque<u64> = VecDeque::new();
    let mut next = 0u64;
    let mut out = 0u64;
    for cycle in 0..20_000 {
        let valid = r.gen_bool(0.7);
        let ready = r.gen_bool(0.5);
        v.set_sink_valid(valid as u64);
        v.set_sink_data(next & 0xffff_ffff);
        v.set_source_ready(ready as u64);
        let sink_ready = v.sink_ready() == 1;
        let source_valid = v.source_valid() == 1;
        assert!(
            in_flight.len() <= 2,
            "cycle {cycle}: holds {}",
            in_flight.len()
        );
        // ready is a register: low exactly while both the output and the skid register hold.
        assert_eq!(sink_ready, in_flight.len() < 2, "cycle {cycle}");
        if source_valid {
            assert_eq!(
                Some(v.source_data()),
                in_flight.front().copied(),
                "cycle {cycle}"
            );
            if ready {
                in_flight.pop_front();
                out += 1;
            }
        } else {
            assert!(
                in_flight.is_empty(),
                "cycle {cycle}: holds items but offers none"
            );
        }
        if valid && sink_ready {
            in_flight.push_back(next & 0xffff_ffff);
            next += 1;
        }
        v.tick(1);
    }
    assert!(out > 8000, "only {out} items moved");
}

#[test]
fn skid_buffer_moves_one_item_per_cycle_when_unblocked() {
    let mut v = SkidBuffer::new();
    v.reset(2);
    v.set_source_ready(1);
    v.set_sink_valid(1);
    let mut got = Vec::new();
    for i in 0..100u64 {
        v.set_sink_data(i);
        assert_eq!(v.sink_ready(), 1);
        if v.source_valid() == 1 {
            got.push(v.source_data());
        }
        v.tick(1);
    }
    assert_eq!(
        got,
        (0..99).collect::<Vec<_>>(),
        "one cycle of latency, no bubbles"
    );
}

#[test]
fn a_test_that_asks_for_waves_gets_an_fst_file() {
    let path = {
        let mut v = SkidBuffer::with_waves("skid_buffer_wave_test");
        v.reset(2);
        v.set_sink_valid(1);
        v.set_sink_data(0xabcd);
        v.tick(10);
        v.wave().cloned().expect("a wave was requested")
    }; // dropping the model closes the file
    let bytes = std::fs::read(&path).expect("FST written");
    assert!(
        bytes.len() > 100,
        "{} is only {} bytes",
        path.display(),
        bytes.len()
    );
    assert!(path.starts_with(ferrio_sim::waves_dir()));
}
