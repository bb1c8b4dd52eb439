//! The virtio devices: what sits behind a function's queue engine (docs/ARCHITECTURE.md,
//! "Devices"). A device sees its function only through the device ports of the card core: the
//! segment stream and completions of its queue engine, its device-configuration window, its
//! DMA client port, and the negotiated feature bits it needs.
//!
//! | module | device |
//! |---|---|
//! | [`blk`] | virtio-blk (function 1): requests against a sector store |
//! | [`net`] | virtio-net (function 0): frames between the rings and the MAC-side frame ports |
//! | [`segments`] | (shared) a buffer's readable segments as a word stream, and a word stream into its writable segments |

pub mod blk;
pub mod net;
pub mod segments;
