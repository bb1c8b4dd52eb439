//! Building blocks shared by every layer of the card. Each is lint-clean on its own and is
//! tested through Verilator (see `sim/tests/`).
//!
//! | block | job |
//! |---|---|
//! | [`Reg`] | a register with a synchronous reset to a declared value |
//! | [`constant`] | typed constants: how literals enter `#[hdl_gen]` code |
//! | [`stream`] | the one valid/ready handshake every streaming interface uses |
//! | [`SkidBuffer`] | a full-throughput register slice that also registers `ready` |
//! | [`LutRam`] | a small simple dual-port RAM with asynchronous read (ECP5 distributed RAM) |
//! | [`BramSdp`] | a simple dual-port RAM with byte enables on ECP5 block RAM (`PDPW16KD`) |
//! | [`FifoLut`] | a synchronous first-word-fall-through FIFO in distributed RAM |
//! | [`FifoBram`] | a synchronous first-word-fall-through FIFO in block RAM |
//! | [`ResetSync`] | a reset carried into another clock domain |
//! | [`CountSync`] | an event counter of another clock domain counted again in this one |

pub mod bram_sdp;
pub mod constant;
pub mod count_sync;
pub mod fifo_bram;
pub mod fifo_lut;
pub mod lut_ram;
pub mod reg;
pub mod reset_sync;
pub mod skid_buffer;
pub mod stream;

pub use bram_sdp::BramSdp;
pub use constant::bits;
pub use count_sync::CountSync;
pub use fifo_bram::FifoBram;
pub use fifo_lut::FifoLut;
pub use lut_ram::LutRam;
pub use reg::Reg;
pub use reset_sync::ResetSync;
pub use skid_buffer::SkidBuffer;
pub use stream::{StreamSink, StreamSource};
