//! The virtio-pci driver's side of initialisation (VIRTIO 1.2 section 3.1.1; digest section 8),
//! as Linux's `virtio_pci_modern` performs it, up to DRIVER_OK. The rings themselves are
//! issue 4's: the queues get addresses but no descriptors.

use super::ring::DriverRing;
use super::{CardPort, RootComplex};

/// Byte offsets of the common configuration fields (VIRTIO 1.2 4.1.4.3).
pub mod common {
    pub const DEVICE_FEATURE_SELECT: u32 = 0x00;
    pub const DEVICE_FEATURE: u32 = 0x04;
    pub const DRIVER_FEATURE_SELECT: u32 = 0x08;
    pub const DRIVER_FEATURE: u32 = 0x0C;
    pub const CONFIG_MSIX_VECTOR: u32 = 0x10;
    pub const NUM_QUEUES: u32 = 0x12;
    pub const DEVICE_STATUS: u32 = 0x14;
    pub const CONFIG_GENERATION: u32 = 0x15;
    pub const QUEUE_SELECT: u32 = 0x16;
    pub const QUEUE_SIZE: u32 = 0x18;
    pub const QUEUE_MSIX_VECTOR: u32 = 0x1A;
    pub const QUEUE_ENABLE: u32 = 0x1C;
    pub const QUEUE_NOTIFY_OFF: u32 = 0x1E;
    pub const QUEUE_DESC: u32 = 0x20;
    pub const QUEUE_DRIVER: u32 = 0x28;
    pub const QUEUE_DEVICE: u32 = 0x30;
    pub const QUEUE_NOTIFY_DATA: u32 = 0x38;
    pub const QUEUE_RESET: u32 = 0x3A;
}

/// `device_status` bits.
pub mod status {
    pub const ACKNOWLEDGE: u8 = 1;
    pub const DRIVER: u8 = 2;
    pub const DRIVER_OK: u8 = 4;
    pub const FEATURES_OK: u8 = 8;
    pub const DEVICE_NEEDS_RESET: u8 = 64;
    pub const FAILED: u8 = 128;
}

/// Feature bits the transport tests use.
pub mod feature {
    pub const INDIRECT_DESC: u64 = 1 << 28;
    pub const EVENT_IDX: u64 = 1 << 29;
    pub const VERSION_1: u64 = 1 << 32;
    pub const ACCESS_PLATFORM: u64 = 1 << 33;
    pub const RING_PACKED: u64 = 1 << 34;
    pub const IN_ORDER: u64 = 1 << 35;
    pub const ORDER_PLATFORM: u64 = 1 << 36;
    pub const NOTIFICATION_DATA: u64 = 1 << 38;
    pub const RING_RESET: u64 = 1 << 40;
}

/// Where the MSI-X messages of the host model go (an x86-style interrupt address).
pub const MSI_ADDRESS: u64 = 0xfee0_0000;

/// Why initialisation stopped.
#[derive(Debug, PartialEq, Eq)]
pub enum InitError {
    /// The device did not finish its reset within the poll budget.
    ResetTimeout,
    /// FEATURES_OK did not stick: the device refused the feature set.
    FeaturesRefused,
}

/// What initialisation set up.
#[derive(Debug, Clone)]
pub struct Negotiated {
    pub offered: u64,
    pub features: u64,
    pub queues: Vec<QueueSetup>,
    pub msix: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueSetup {
    pub index: u16,
    pub size: u16,
    pub notify_off: u16,
    pub vector: u16,
    pub desc: u64,
    pub driver: u64,
    pub device: u64,
}

impl<C: CardPort> RootComplex<C> {
    pub fn common_read(&mut self, f: u8, offset: u32, size: u8) -> u64 {
        self.mmio_read(f, offset, size)
            .unwrap_or_else(|s| panic!("common cfg read {offset:#x}: {s:?}"))
    }

    pub fn common_write(&mut self, f: u8, offset: u32, size: u8, value: u64) {
        self.mmio_write(f, offset, size, value)
    }

    pub fn device_status(&mut self, f: u8) -> u8 {
        self.common_read(f, common::DEVICE_STATUS, 1) as u8
    }

    /// Write 0 to `device_status` and poll until it reads 0 (PCI-11), as Linux does.
    pub fn virtio_reset(&mut self, f: u8, polls: usize) -> Result<(), InitError> {
        self.common_write(f, common::DEVICE_STATUS, 1, 0);
        for _ in 0..polls {
            if self.device_status(f) == 0 {
                // The rings are the driver's again.
                for mut r in std::mem::take(&mut self.rings[f as usize]) {
                    r.release(&mut self.memory);
                }
                return Ok(());
            }
            self.idle(16);
        }
        Err(InitError::ResetTimeout)
    }

    /// Ring the doorbell of queue `q` of function `f` with the ring's notification value
    /// (`{next_wrap, next_off, vqn}`; without NOTIFICATION_DATA the card reads only `vqn`).
    pub fn kick(&mut self, f: u8, q: u16) {
        let v = self.rings[f as usize]
            .iter()
            .find(|r| r.queue == q)
            .expect("no ring for that queue")
            .notify_value();
        self.mmio_write(f, 0x3000 + 4 * q as u32, 4, v as u64);
    }

    /// Run until the card's DMA engine has been idle for 200 cycles in a row (at most 100k
    /// cycles): the queue engines' scans are over.
    pub fn quiesce(&mut self) {
        let mut quiet = 0;
        for _ in 0..100_000 {
            self.idle(1);
            quiet = if self.clients[0].idle { quiet + 1 } else { 0 };
            if quiet == 200 {
                return;
            }
        }
        panic!("the DMA engine never went idle");
    }

    /// The 64 offered feature bits (windows 0 and 1).
    pub fn offered_features(&mut self, f: u8) -> u64 {
        let mut v = 0;
        for w in 0..2u64 {
            self.common_write(f, common::DEVICE_FEATURE_SELECT, 4, w);
            v |= self.common_read(f, common::DEVICE_FEATURE, 4) << (32 * w);
        }
        v
    }

    pub fn write_driver_features(&mut self, f: u8, features: u64) {
        for w in 0..2u64 {
            self.common_write(f, common::DRIVER_FEATURE_SELECT, 4, w);
            self.common_write(
                f,
                common::DRIVER_FEATURE,
                4,
                (features >> (32 * w)) & 0xffff_ffff,
            );
        }
    }

    /// The whole sequence up to DRIVER_OK, accepting `want & offered`. With `msix`, MSI-X is
    /// enabled in configuration space first and vector `q` is given to queue `q`, the last
    /// vector to configuration changes; each vector's table entry gets address
    /// [`MSI_ADDRESS`] and data `0x100 + vector`.
    pub fn virtio_init(&mut self, f: u8, want: u64, msix: bool) -> Result<Negotiated, InitError> {
        self.virtio_init_with(f, want, msix, |_, max| max)
    }

    /// The same, with the queue size of each queue chosen by `size_for(queue, max)`. Each
    /// queue gets a zeroed ring (a [`DriverRing`] in `rings[f]`, whose regions the checker
    /// allows) at 0x1_0000_0000 + 16 MiB x f + 1 MiB x q: descriptors at +0, Driver Area at
    /// +0x80000, Device Area at +0x81000.
    pub fn virtio_init_with(
        &mut self,
        f: u8,
        want: u64,
        msix: bool,
        size_for: impl Fn(u16, u16) -> u16,
    ) -> Result<Negotiated, InitError> {
        if msix {
            self.msix_setup(f);
        }
        self.virtio_reset(f, 64)?;
        self.common_write(f, common::DEVICE_STATUS, 1, status::ACKNOWLEDGE as u64);
        self.common_write(
            f,
            common::DEVICE_STATUS,
            1,
            (status::ACKNOWLEDGE | status::DRIVER) as u64,
        );
        let offered = self.offered_features(f);
        let features = offered & want;
        self.write_driver_features(f, features);
        let s = status::ACKNOWLEDGE | status::DRIVER | status::FEATURES_OK;
        self.common_write(f, common::DEVICE_STATUS, 1, s as u64);
        if self.device_status(f) & status::FEATURES_OK == 0 {
            return Err(InitError::FeaturesRefused);
        }
        let num_queues = self.common_read(f, common::NUM_QUEUES, 2) as u16;
        let mut queues = Vec::new();
        for q in 0..num_queues {
            self.common_write(f, common::QUEUE_SELECT, 2, q as u64);
            let max = self.common_read(f, common::QUEUE_SIZE, 2) as u16;
            if max == 0 {
                continue;
            }
            let size = size_for(q, max);
            if size != max {
                self.common_write(f, common::QUEUE_SIZE, 2, size as u64);
            }
            let notify_off = self.common_read(f, common::QUEUE_NOTIFY_OFF, 2) as u16;
            let base = 0x1_0000_0000u64 + 0x10_0000 * q as u64 + 0x100_0000 * f as u64;
            let (desc, driver, device) = (base, base + 0x8_0000, base + 0x8_1000);
            let mut ring = DriverRing::new(&mut self.memory, f, q, size, desc, driver, device);
            ring.in_order = features & feature::IN_ORDER != 0;
            self.rings[f as usize].push(ring);
            // 64-bit fields as two 32-bit halves, as Linux writes them (PCI-4).
            for (off, v) in [
                (common::QUEUE_DESC, desc),
                (common::QUEUE_DRIVER, driver),
                (common::QUEUE_DEVICE, device),
            ] {
                self.common_write(f, off, 4, v & 0xffff_ffff);
                self.common_write(f, off + 4, 4, v >> 32);
            }
            let mut vector = 0xffff;
            if msix {
                self.common_write(f, common::QUEUE_MSIX_VECTOR, 2, q as u64);
                vector = self.common_read(f, common::QUEUE_MSIX_VECTOR, 2) as u16;
            }
            queues.push(QueueSetup {
                index: q,
                size,
                notify_off,
                vector,
                desc,
                driver,
                device,
            });
        }
        if msix {
            self.common_write(f, common::CONFIG_MSIX_VECTOR, 2, num_queues as u64);
        }
        for q in &queues {
            self.common_write(f, common::QUEUE_SELECT, 2, q.index as u64);
            self.common_write(f, common::QUEUE_ENABLE, 2, 1);
        }
        self.common_write(f, common::DEVICE_STATUS, 1, (s | status::DRIVER_OK) as u64);
        // DRIVER_OK makes the queue engine scan every enabled queue once (all empty here).
        self.quiesce();
        Ok(Negotiated {
            offered,
            features,
            queues,
            msix,
        })
    }

    /// Program every MSI-X table entry of `f` (address [`MSI_ADDRESS`], data 0x100 + k,
    /// unmasked) and enable MSI-X in configuration space. Returns the vector count.
    pub fn msix_setup(&mut self, f: u8) -> u16 {
        let cap = self.find_capability(f, 0x11).expect("no MSI-X capability");
        let ctl = self.cfg_read(f, cap / 4).unwrap() >> 16;
        let count = (ctl & 0x7ff) as u16 + 1;
        for k in 0..count as u32 {
            let e = 0x4000 + 16 * k;
            self.mmio_write(f, e, 4, MSI_ADDRESS);
            self.mmio_write(f, e + 4, 4, 0);
            self.mmio_write(f, e + 8, 4, 0x100 + k as u64);
            self.mmio_write(f, e + 12, 4, 0);
        }
        self.cfg_write(f, cap / 4, 0b1100, 0x8000 << 16).unwrap();
        count
    }
}
