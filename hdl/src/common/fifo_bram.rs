//! [`FifoBram`]: a synchronous first-word-fall-through FIFO in ECP5 block RAM.
//!
//! Interface: `sink` ([`StreamSink`]) and `source` ([`StreamSource`]) of `Bits<W>` items
//! (`W = 8 * BE`), `clock`, synchronous `reset` (empties it). Capacity `2^A` items in block
//! RAM plus up to two in the output buffer. Throughput one item a cycle in and out at once.
//! Latency: an item written at edge `n` into an empty FIFO is offered from edge `n + 2` on.
//! `sink.ready` and `source.valid` are register outputs.
//!
//! How: the block RAM's read port has one cycle of latency, so the FIFO prefetches into a
//! two-entry output buffer. A read is issued when the RAM holds an item and the buffer, counting
//! the read already in flight and the item leaving this cycle, has room for it.

use crate::common::{bits, BramSdp, Reg, StreamSink, StreamSource};
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct FifoBram<const W: usize, const BE: usize, const A: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub sink: StreamSink<Bits<W>>,
    pub source: StreamSource<Bits<W>>,
    ram: BramSdp<W, BE, A>,
    write_ptr: Reg<Bits<A>>,
    read_ptr: Reg<Bits<A>>,
    ram_full: Reg<bool>,
    in_flight: Reg<bool>,
    buffer0: Reg<Bits<W>>,
    buffer1: Reg<Bits<W>>,
    buffered: Reg<Bits<2>>,
    ram_empty: Signal<Local, bool>,
    push: Signal<Local, bool>,
    pop: Signal<Local, bool>,
    issue: Signal<Local, bool>,
    occupancy: Signal<Local, Bits<2>>,
    kept: Signal<Local, Bits<2>>,
    one: Constant<Bits<A>>,
    one2: Constant<Bits<2>>,
    two2: Constant<Bits<2>>,
    zero2: Constant<Bits<2>>,
    all_bytes: Constant<Bits<BE>>,
}

impl<const W: usize, const BE: usize, const A: usize> Default for FifoBram<W, BE, A> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            sink: Default::default(),
            source: Default::default(),
            ram: Default::default(),
            write_ptr: Default::default(),
            read_ptr: Default::default(),
            ram_full: Default::default(),
            in_flight: Default::default(),
            buffer0: Default::default(),
            buffer1: Default::default(),
            buffered: Default::default(),
            ram_empty: Default::default(),
            push: Default::default(),
            pop: Default::default(),
            issue: Default::default(),
            occupancy: Default::default(),
            kept: Default::default(),
            one: bits(1),
            one2: bits(1),
            two2: bits(2),
            zero2: bits(0),
            all_bytes: Constant::new(Bits::<BE>::mask()),
        }
    }
}

impl<const W: usize, const BE: usize, const A: usize> Logic for FifoBram<W, BE, A> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, write_ptr, read_ptr, ram_full, in_flight, buffer0, buffer1, buffered
        );
        self.write_ptr.reset.next = self.reset.val();
        self.read_ptr.reset.next = self.reset.val();
        self.ram_full.reset.next = self.reset.val();
        self.in_flight.reset.next = self.reset.val();
        self.buffer0.reset.next = self.reset.val();
        self.buffer1.reset.next = self.reset.val();
        self.buffered.reset.next = self.reset.val();
        self.ram.clock.next = self.clock.val();

        // Write side: items go straight into block RAM.
        self.sink.ready.next = !self.ram_full.q.val();
        self.push.next = self.sink.valid.val() & (!self.ram_full.q.val());
        self.ram.write_enable.next = self.push.val();
        self.ram.write_address.next = self.write_ptr.q.val();
        self.ram.write_data.next = self.sink.data.val();
        self.ram.write_byte_enable.next = self.all_bytes.val();

        // Output side: the head of the two-entry buffer.
        self.source.valid.next = self.buffered.q.val() != self.zero2.val();
        self.source.data.next = self.buffer0.q.val();
        self.pop.next = self.source.ready.val() & (self.buffered.q.val() != self.zero2.val());

        // Prefetch: read when the buffer will have room for the word after this edge.
        self.ram_empty.next =
            (self.write_ptr.q.val() == self.read_ptr.q.val()) & (!self.ram_full.q.val());
        self.occupancy.next = self.buffered.q.val();
        if self.in_flight.q.val() {
            self.occupancy.next = self.occupancy.val() + self.one2.val();
        }
        if self.pop.val() {
            self.occupancy.next = self.occupancy.val() - self.one2.val();
        }
        self.issue.next = (!self.ram_empty.val()) & (self.occupancy.val() != self.two2.val());
        self.ram.read_enable.next = self.issue.val();
        self.ram.read_address.next = self.read_ptr.q.val();
        self.in_flight.d.next = self.issue.val();

        if self.push.val() {
            self.write_ptr.d.next = self.write_ptr.q.val() + self.one.val();
        }
        if self.issue.val() {
            self.read_ptr.d.next = self.read_ptr.q.val() + self.one.val();
        }
        if self.push.val() & (!self.issue.val()) {
            self.ram_full.d.next =
                (self.write_ptr.q.val() + self.one.val()) == self.read_ptr.q.val();
        } else if self.issue.val() & (!self.push.val()) {
            self.ram_full.d.next = false;
        }

        // Buffer update: shift out the popped head, then append the word arriving from RAM.
        self.kept.next = self.buffered.q.val();
        if self.pop.val() {
            self.buffer0.d.next = self.buffer1.q.val();
            self.kept.next = self.buffered.q.val() - self.one2.val();
        }
        self.buffered.d.next = self.kept.val();
        if self.in_flight.q.val() {
            if self.kept.val() == self.zero2.val() {
                self.buffer0.d.next = self.ram.read_data.val();
            } else {
                self.buffer1.d.next = self.ram.read_data.val();
            }
            self.buffered.d.next = self.kept.val() + self.one2.val();
        }
    }
}
