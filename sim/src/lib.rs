//! # ferrio-sim: the card's RTL, Verilated and driven from Rust
//!
//! `build.rs` turns every simulation top of [`ferrio_hdl::tops`] into a Verilator model and
//! generates a typed handle for it in [`models`]: one struct per top (`SkidBuffer`,
//! `FifoLut`, `FifoBram`, `BramSdp`, `HeartbeatSim`) with `set_<port>` / `<port>()` per port,
//! and the shared [`Model`] operations (`tick`, `reset`, waves) through `Deref`.
//!
//! Beside them: the host-side models ([`host`]: PCIe root complex, host memory with its access
//! checker, virtio drivers), the devices' surroundings ([`blk`], [`net`], [`mac_side`], [`tap`],
//! [`rgmii_phy`]), and [`attach`], which lets a Linux guest under QEMU drive the card
//! (`ferrio-attach`, `cargo xtask demo`).

pub mod attach;
pub mod blk;
pub mod dma_server;
pub mod eth_wire;
pub mod host;
pub mod mac_side;
pub mod model;
pub mod net;
pub mod rgmii_phy;
pub mod tap;
pub mod tlp;

pub use model::{waves_dir, waves_requested, Model, PortInfo, TopInfo};

/// The generated handles, one per simulation top.
pub mod models {
    #![allow(clippy::all)]
    use crate::model::{Api, Model, PortInfo, TopInfo};
    include!(concat!(env!("OUT_DIR"), "/models.rs"));
}
