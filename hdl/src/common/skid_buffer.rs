//! [`SkidBuffer`]: a register slice for a [stream](crate::common::stream).
//!
//! Job: cut every combinational path through a stream (`valid`/`data` forward and `ready`
//! backward) without losing throughput, so long streams between layers can be pipelined.
//!
//! Interface: `sink` ([`StreamSink`]) and `source` ([`StreamSource`]) of the same item type;
//! `clock`, synchronous `reset` (empties the buffer). Latency: an item accepted at edge `n` is
//! offered on `source` from edge `n` on (one register). Throughput: one item a cycle.
//! `sink.ready` is a register output (it is low only while the skid register is full).
//! Capacity: two items (output register + skid register).

use crate::common::{Reg, StreamSink, StreamSource};
use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct SkidBuffer<T: Synth> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub sink: StreamSink<T>,
    pub source: StreamSource<T>,
    out_valid: Reg<bool>,
    out_data: Reg<T>,
    skid_valid: Reg<bool>,
    skid_data: Reg<T>,
}

impl<T: Synth> Logic for SkidBuffer<T> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, out_valid, out_data, skid_valid, skid_data);
        self.out_valid.reset.next = self.reset.val();
        self.out_data.reset.next = self.reset.val();
        self.skid_valid.reset.next = self.reset.val();
        self.skid_data.reset.next = self.reset.val();

        self.sink.ready.next = !self.skid_valid.q.val();
        self.source.valid.next = self.out_valid.q.val();
        self.source.data.next = self.out_data.q.val();

        if (!self.out_valid.q.val()) | self.source.ready.val() {
            // The output register is empty or moves on at this edge: refill it, oldest first.
            if self.skid_valid.q.val() {
                self.out_data.d.next = self.skid_data.q.val();
                self.skid_valid.d.next = false;
            } else if self.sink.valid.val() {
                self.out_valid.d.next = true;
                self.out_data.d.next = self.sink.data.val();
            } else {
                self.out_valid.d.next = false;
            }
        } else if self.sink.valid.val() & (!self.skid_valid.q.val()) {
            // The output is stalled: park the item that was already promised a place.
            self.skid_valid.d.next = true;
            self.skid_data.d.next = self.sink.data.val();
        }
    }
}
