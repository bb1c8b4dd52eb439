//! The packed-virtqueue engine (shared/virtio/packed-virtqueue.md): rings in host memory on
//! one side, buffers handed to a device on the other, everything through the DMA engine.
//!
//! | block | job |
//! |---|---|
//! | [`PackedQueueEngine`] | one per function: fetches available descriptors (chains, indirect tables), hands buffers to the device as segment streams, writes used descriptors, evaluates event suppression, raises used-buffer notifications, and stops with DEVICE_NEEDS_RESET on illegal input |

mod engine;

pub use engine::PackedQueueEngine;
