//! Simulation speed: cycles per second of each Verilated top under a fixed workload, and of
//! rust-hdl's own simulator on the same blocks for comparison. Run by `cargo xtask bench sim`,
//! which records the output in docs/PERFORMANCE.md. Prints one JSON object per line.

use ferrio_hdl::common::{FifoBram, FifoLut};
use ferrio_sim::models;
use rust_hdl::prelude::*;
use std::time::Instant;

fn report(simulator: &str, top: &str, mode: &str, cycles: u64, secs: f64) {
    println!(
        "{{\"simulator\":\"{simulator}\",\"top\":\"{top}\",\"mode\":\"{mode}\",\"cycles\":{cycles},\"seconds\":{secs:.3},\"cycles_per_second\":{:.0}}}",
        cycles as f64 / secs
    );
}

fn verilator_batched() {
    const N: u64 = 5_000_000;
    macro_rules! batched {
        ($ty:ty, $name:expr, $setup:expr) => {{
            let mut m = <$ty>::new();
            $setup(&mut m);
            let t = Instant::now();
            m.tick(N);
            report(
                "verilator",
                $name,
                "tick(n), one FFI call",
                N,
                t.elapsed().as_secs_f64(),
            );
        }};
    }
    batched!(models::FifoBram, "fifo_bram", |m: &mut models::FifoBram| {
        m.reset(2);
        m.set_sink_valid(1);
        m.set_source_ready(1);
    });
    batched!(models::FifoLut, "fifo_lut", |m: &mut models::FifoLut| {
        m.reset(2);
        m.set_sink_valid(1);
        m.set_source_ready(1);
    });
    batched!(
        models::SkidBuffer,
        "skid_buffer",
        |m: &mut models::SkidBuffer| {
            m.reset(2);
            m.set_sink_valid(1);
            m.set_source_ready(1);
        }
    );
    batched!(
        models::HeartbeatSim,
        "heartbeat_sim",
        |m: &mut models::HeartbeatSim| {
            m.set_rst_n(1);
        }
    );
}

fn verilator_per_cycle() {
    // A test bench that changes inputs and reads outputs every cycle (FFI per port and cycle).
    const N: u64 = 500_000;
    let mut m = models::FifoBram::new();
    m.reset(2);
    m.set_source_ready(1);
    let t = Instant::now();
    let mut sum = 0u64;
    for i in 0..N {
        m.set_sink_valid(i & 1);
        m.set_sink_data(i);
        sum = sum.wrapping_add(m.source_data());
        m.tick(1);
    }
    std::hint::black_box(sum);
    report(
        "verilator",
        "fifo_bram",
        "set/get/tick each cycle",
        N,
        t.elapsed().as_secs_f64(),
    );
}

/// rust-hdl's simulator called directly: `per_cycle` sets inputs, then one clock cycle.
fn rust_hdl_loop<B: Block>(
    top: &str,
    mut u: B,
    clock: fn(&mut B) -> &mut Signal<In, Clock>,
    per_cycle: fn(&mut B, u64),
) {
    const N: u64 = 20_000;
    u.connect_all();
    let t = Instant::now();
    for i in 0..N {
        per_cycle(&mut u, i);
        clock(&mut u).next = Clock::from(false);
        simulate(&mut u, 1000);
        clock(&mut u).next = Clock::from(true);
        simulate(&mut u, 1000);
    }
    report(
        "rust-hdl",
        top,
        "direct simulate() loop",
        N,
        t.elapsed().as_secs_f64(),
    );
}

fn rust_hdl() {
    rust_hdl_loop(
        "fifo_bram",
        FifoBram::<64, 8, 9>::default(),
        |u| &mut u.clock,
        |u, i| {
            u.sink.valid.next = true;
            u.source.ready.next = true;
            u.sink.data.next = Bits::from(i);
        },
    );
    rust_hdl_loop(
        "fifo_lut",
        FifoLut::<Bits<16>, 4>::default(),
        |u| &mut u.clock,
        |u, i| {
            u.sink.valid.next = true;
            u.source.ready.next = true;
            u.sink.data.next = Bits::from(i & 0xffff);
        },
    );
}

fn main() {
    verilator_batched();
    verilator_per_cycle();
    rust_hdl();
}
