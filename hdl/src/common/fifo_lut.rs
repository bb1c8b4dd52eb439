//! [`FifoLut`]: a synchronous first-word-fall-through FIFO in distributed RAM.
//!
//! Interface: `sink` ([`StreamSink`]) and `source` ([`StreamSource`]) per the stream
//! convention; `clock`; synchronous `reset` empties it. Capacity `2^A` items. An item written
//! at edge `n` is offered on `source` from edge `n` on (fall-through latency one cycle).
//! Throughput one item a cycle in and out at once. `sink.ready` is low only when full;
//! `source.data` comes straight from the RAM's asynchronous read port.

use crate::common::{bits, LutRam, Reg, StreamSink, StreamSource};
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct FifoLut<T: Synth, const A: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub sink: StreamSink<T>,
    pub source: StreamSource<T>,
    ram: LutRam<T, A>,
    write_ptr: Reg<Bits<A>>,
    read_ptr: Reg<Bits<A>>,
    full: Reg<bool>,
    empty: Signal<Local, bool>,
    push: Signal<Local, bool>,
    pop: Signal<Local, bool>,
    one: Constant<Bits<A>>,
}

impl<T: Synth, const A: usize> Default for FifoLut<T, A> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            sink: Default::default(),
            source: Default::default(),
            ram: Default::default(),
            write_ptr: Default::default(),
            read_ptr: Default::default(),
            full: Default::default(),
            empty: Default::default(),
            push: Default::default(),
            pop: Default::default(),
            one: bits(1),
        }
    }
}

impl<T: Synth, const A: usize> Logic for FifoLut<T, A> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, write_ptr, read_ptr, full);
        self.write_ptr.reset.next = self.reset.val();
        self.read_ptr.reset.next = self.reset.val();
        self.full.reset.next = self.reset.val();
        self.ram.clock.next = self.clock.val();

        self.empty.next = (self.write_ptr.q.val() == self.read_ptr.q.val()) & (!self.full.q.val());
        self.sink.ready.next = !self.full.q.val();
        self.source.valid.next = !self.empty.val();
        self.push.next = self.sink.valid.val() & (!self.full.q.val());
        self.pop.next = self.source.ready.val() & (!self.empty.val());

        self.ram.write_enable.next = self.push.val();
        self.ram.write_address.next = self.write_ptr.q.val();
        self.ram.write_data.next = self.sink.data.val();
        self.ram.read_address.next = self.read_ptr.q.val();
        self.source.data.next = self.ram.read_data.val();

        if self.push.val() {
            self.write_ptr.d.next = self.write_ptr.q.val() + self.one.val();
        }
        if self.pop.val() {
            self.read_ptr.d.next = self.read_ptr.q.val() + self.one.val();
        }
        if self.push.val() & (!self.pop.val()) {
            self.full.d.next = (self.write_ptr.q.val() + self.one.val()) == self.read_ptr.q.val();
        } else if self.pop.val() & (!self.push.val()) {
            self.full.d.next = false;
        }
    }
}
