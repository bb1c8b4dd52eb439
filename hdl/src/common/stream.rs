//! The stream convention: one valid/ready handshake used by every streaming interface in
//! ferrio (TLP streams, DMA requests and data, descriptor and frame streams).
//!
//! | signal | driven by | meaning |
//! |---|---|---|
//! | `valid` | source | `data` holds an item |
//! | `ready` | sink | the sink takes the item at this edge if `valid` is high |
//! | `data` | source | the item (any `Synth` type; packed records are `LogicStruct`s) |
//!
//! Rules (the same as AXI4-Stream's, so other tools can drive our ports):
//! 1. An item moves at a rising clock edge where `valid && ready`.
//! 2. Once `valid` is high it stays high, and `data` stays unchanged, until the item moves.
//! 3. `valid` never depends combinationally on `ready`; `ready` may depend on `valid`.
//! 4. After reset `valid` is low.
//!
//! A block exposes a [`StreamSink`] where items enter and a [`StreamSource`] where they leave;
//! the parent connects a source to a sink with `StreamSource::<T>::join(..)` and passes a
//! port through with `link`.

use rust_hdl::prelude::*;

/// The producing end of a stream.
#[derive(LogicInterface, Default)]
#[join = "StreamSink"]
pub struct StreamSource<T: Synth> {
    pub valid: Signal<Out, bool>,
    pub ready: Signal<In, bool>,
    pub data: Signal<Out, T>,
}

/// The consuming end of a stream.
#[derive(LogicInterface, Default)]
#[join = "StreamSource"]
pub struct StreamSink<T: Synth> {
    pub valid: Signal<In, bool>,
    pub ready: Signal<Out, bool>,
    pub data: Signal<In, T>,
}
