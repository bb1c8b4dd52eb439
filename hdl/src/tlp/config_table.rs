//! The configuration space of every function, as one table. [`ConfigSpace`] builds its RTL and
//! its simulation model from this table, and `cargo xtask registers` writes
//! `docs/REGISTERS.md` from it, so documentation and hardware cannot drift.
//!
//! A [`Field`] is a byte range with a reset value, the bits software may write, and the bits
//! that are write-one-to-clear. Every other bit of the 4 KiB space reads as zero and ignores
//! writes (PCI-1: registers that do not exist read as zero).
//!
//! Checklist rows: PCI-2 (IDs), PCI-3 (revision, subsystem), PCI-5 (cap_len), PCI-7, PCI-17,
//! PCI-19, PCI-20, PCI-25, PCI-28 (one capability of each virtio type), PCI-32 (MSI-X table
//! size).
//!
//! [`ConfigSpace`]: crate::tlp::config_space::ConfigSpace

use crate::transport::{layout, CardConfig, FunctionConfig};
use std::fmt::Write;

/// One register field of the configuration space.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// Byte offset in the function's configuration space.
    pub offset: u16,
    /// Width in bytes (1, 2 or 4), naturally aligned.
    pub bytes: u8,
    pub name: String,
    pub reset: u32,
    /// Bits software can write.
    pub writable: u32,
    /// Bits cleared by writing 1 (set by hardware).
    pub rw1c: u32,
    pub about: String,
}

/// The configuration space of one function.
#[derive(Clone, Debug)]
pub struct FunctionSpace {
    pub function: u8,
    pub config: FunctionConfig,
    pub fields: Vec<Field>,
}

/// Reset value, writable mask and write-one-to-clear mask of one dword.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dword {
    pub reset: u32,
    pub writable: u32,
    pub rw1c: u32,
}

impl Dword {
    /// Bits held in flip-flops.
    pub fn stored(&self) -> u32 {
        self.writable | self.rw1c
    }
    /// The value after software writes `data` with byte enables `be`.
    pub fn write(&self, current: u32, data: u32, be: u8) -> u32 {
        let mut bytes = 0u32;
        for b in 0..4 {
            if be >> b & 1 == 1 {
                bytes |= 0xff << (8 * b);
            }
        }
        let wm = self.writable & bytes;
        let cm = self.rw1c & bytes & data;
        ((current & !wm) | (data & wm)) & !cm
    }
}

fn field(
    offset: u16,
    bytes: u8,
    name: &str,
    reset: u32,
    writable: u32,
    rw1c: u32,
    about: &str,
) -> Field {
    Field {
        offset,
        bytes,
        name: name.to_string(),
        reset,
        writable,
        rw1c,
        about: about.to_string(),
    }
}

/// Capability addresses (byte offsets in configuration space).
pub mod cap {
    pub const PM: u16 = 0x40;
    pub const MSIX: u16 = 0x48;
    pub const PCIE: u16 = 0x54;
    pub const VIRTIO_COMMON: u16 = 0x90;
    pub const VIRTIO_NOTIFY: u16 = 0xA0;
    pub const VIRTIO_ISR: u16 = 0xB4;
    pub const VIRTIO_DEVICE: u16 = 0xC4;
    pub const VIRTIO_PCI_CFG: u16 = 0xD4;
}

/// Virtio `cfg_type` values.
pub mod cfg_type {
    pub const COMMON: u8 = 1;
    pub const NOTIFY: u8 = 2;
    pub const ISR: u8 = 3;
    pub const DEVICE: u8 = 4;
    pub const PCI_CFG: u8 = 5;
}

/// Command register bits software may write: memory space, bus master, parity error response,
/// SERR# enable, interrupt disable. I/O space stays 0: the card has no I/O BARs.
pub const COMMAND_WRITABLE: u32 = (1 << 1) | (1 << 2) | (1 << 6) | (1 << 8) | (1 << 10);
/// Status register bits that are write-one-to-clear: master data parity error, signaled and
/// received target abort, received master abort, signaled system error, detected parity error.
pub const STATUS_RW1C: u32 = (1 << 8) | (1 << 11) | (1 << 12) | (1 << 13) | (1 << 14) | (1 << 15);

#[allow(clippy::too_many_arguments)]
fn virtio_cap(
    fields: &mut Vec<Field>,
    at: u16,
    next: u16,
    cap_len: u8,
    kind: u8,
    what: &str,
    offset: u32,
    length: u32,
) {
    fields.push(field(
        at,
        1,
        "cap_vndr",
        0x09,
        0,
        0,
        "vendor-specific capability",
    ));
    fields.push(field(
        at + 1,
        1,
        "cap_next",
        next as u32,
        0,
        0,
        "next capability",
    ));
    fields.push(field(
        at + 2,
        1,
        "cap_len",
        cap_len as u32,
        0,
        0,
        "capability length (PCI-5)",
    ));
    fields.push(field(at + 3, 1, "cfg_type", kind as u32, 0, 0, what));
    fields.push(field(at + 4, 1, "bar", 0, 0, 0, "BAR0"));
    fields.push(field(at + 8, 4, "offset", offset, 0, 0, "offset in BAR0"));
    fields.push(field(at + 12, 4, "length", length, 0, 0, "length in BAR0"));
}

/// Build the configuration space of function `function`.
// The table reads best as one push per field, in address order.
#[allow(clippy::vec_init_then_push)]
pub fn function_space(card: &CardConfig, function: u8) -> FunctionSpace {
    let f = card.functions[function as usize].clone();
    let mut v = Vec::new();
    // Type 0 header.
    v.push(field(
        0x00,
        2,
        "vendor_id",
        0x1AF4,
        0,
        0,
        "Red Hat / virtio (PCI-2)",
    ));
    v.push(field(
        0x02,
        2,
        "device_id",
        f.device_id() as u32,
        0,
        0,
        "0x1040 + virtio device type (PCI-2)",
    ));
    v.push(field(0x04, 2, "command", 0, COMMAND_WRITABLE, 0, "memory space (1), bus master (2), parity error response (6), SERR# (8), interrupt disable (10)"));
    v.push(field(0x06, 2, "status", 1 << 4, 0, STATUS_RW1C, "capabilities list (4); interrupt status (3, live: INTx pending); error bits set by hardware (W1C)"));
    v.push(field(
        0x08,
        1,
        "revision_id",
        0x01,
        0,
        0,
        "non-transitional: at least 1 (PCI-3)",
    ));
    v.push(field(
        0x09,
        1,
        "prog_if",
        f.class_code & 0xff,
        0,
        0,
        "class code: programming interface",
    ));
    v.push(field(
        0x0A,
        1,
        "subclass",
        (f.class_code >> 8) & 0xff,
        0,
        0,
        "class code: sub-class",
    ));
    v.push(field(
        0x0B,
        1,
        "class",
        f.class_code >> 16,
        0,
        0,
        "class code: base class",
    ));
    v.push(field(
        0x0C,
        1,
        "cache_line_size",
        0,
        0xff,
        0,
        "read/write, no effect on PCIe",
    ));
    v.push(field(
        0x0E,
        1,
        "header_type",
        0x80,
        0,
        0,
        "type 0, multi-function device",
    ));
    let bar_mask = !(layout::BAR0_SIZE - 1);
    if card.bar64 {
        v.push(field(
            0x10,
            4,
            "bar0",
            0b100,
            bar_mask,
            0,
            "BAR0 low: 64-bit non-prefetchable memory, 32 KiB",
        ));
        v.push(field(0x14, 4, "bar1", 0, 0xffff_ffff, 0, "BAR0 high half"));
    } else {
        v.push(field(
            0x10,
            4,
            "bar0",
            0b000,
            bar_mask,
            0,
            "BAR0: 32-bit non-prefetchable memory, 32 KiB",
        ));
    }
    v.push(field(
        0x2C,
        2,
        "subsystem_vendor_id",
        0x1AF4,
        0,
        0,
        "virtio",
    ));
    v.push(field(
        0x2E,
        2,
        "subsystem_id",
        0x1100,
        0,
        0,
        "at least 0x40 (PCI-3)",
    ));
    v.push(field(
        0x34,
        1,
        "capabilities_pointer",
        cap::PM as u32,
        0,
        0,
        "first capability",
    ));
    v.push(field(
        0x3C,
        1,
        "interrupt_line",
        0,
        0xff,
        0,
        "read/write, for software",
    ));
    v.push(field(
        0x3D,
        1,
        "interrupt_pin",
        1 + function as u32,
        0,
        0,
        "INTA# (function 0), INTB# (function 1): one virtual wire each",
    ));

    // Power management (version 3, D0 and D3hot only).
    let after_pm = if card.msix { cap::MSIX } else { cap::PCIE };
    v.push(field(
        cap::PM,
        1,
        "pm_cap_id",
        0x01,
        0,
        0,
        "power management",
    ));
    v.push(field(
        cap::PM + 1,
        1,
        "pm_next",
        after_pm as u32,
        0,
        0,
        "next capability",
    ));
    v.push(field(
        cap::PM + 2,
        2,
        "pmc",
        0x0003,
        0,
        0,
        "version 3; no D1/D2, no PME",
    ));
    v.push(field(
        cap::PM + 4,
        2,
        "pmcsr",
        1 << 3,
        0x0003,
        0,
        "power state (1:0, D0 or D3hot; D1/D2 writes are discarded); no soft reset (3)",
    ));

    if card.msix {
        let vectors = f.msix_vectors() as u32;
        v.push(field(cap::MSIX, 1, "msix_cap_id", 0x11, 0, 0, "MSI-X"));
        v.push(field(
            cap::MSIX + 1,
            1,
            "msix_next",
            cap::PCIE as u32,
            0,
            0,
            "next capability",
        ));
        v.push(field(
            cap::MSIX + 2,
            2,
            "msix_control",
            vectors - 1,
            0xC000,
            0,
            "table size - 1 (PCI-32); function mask (14); enable (15)",
        ));
        v.push(field(
            cap::MSIX + 4,
            4,
            "msix_table",
            layout::MSIX_TABLE,
            0,
            0,
            "table offset in BAR0 (BIR 0)",
        ));
        v.push(field(
            cap::MSIX + 8,
            4,
            "msix_pba",
            layout::MSIX_PBA,
            0,
            0,
            "pending bit array offset in BAR0 (BIR 0)",
        ));
    }

    // PCI Express capability, version 2, endpoint, Gen1 x1.
    let p = cap::PCIE;
    v.push(field(p, 1, "pcie_cap_id", 0x10, 0, 0, "PCI Express"));
    v.push(field(
        p + 1,
        1,
        "pcie_next",
        cap::VIRTIO_COMMON as u32,
        0,
        0,
        "next capability",
    ));
    v.push(field(
        p + 2,
        2,
        "pcie_caps",
        0x0002,
        0,
        0,
        "version 2, PCI Express endpoint",
    ));
    v.push(field(
        p + 4,
        4,
        "device_caps",
        1 | (7 << 6) | (7 << 9) | (1 << 15),
        0,
        0,
        "max payload 256 B; no L0s/L1 latency limit; role-based error reporting",
    ));
    v.push(field(p + 8, 2, "device_control", (1 << 4) | (1 << 11) | (2 << 12), 0x78FF, 0, "error reporting (3:0), relaxed ordering (4), max payload (7:5), no snoop (11), max read request (14:12)"));
    v.push(field(
        p + 10,
        2,
        "device_status",
        0,
        0,
        0x000F,
        "correctable, non-fatal, fatal, unsupported request detected",
    ));
    v.push(field(
        p + 12,
        4,
        "link_caps",
        0x11,
        0,
        0,
        "2.5 GT/s, x1, no ASPM, port 0",
    ));
    v.push(field(
        p + 16,
        2,
        "link_control",
        0,
        0x00CB,
        0,
        "ASPM control (1:0), RCB (3), common clock (6), extended synch (7)",
    ));
    v.push(field(
        p + 18,
        2,
        "link_status",
        0x1011,
        0,
        0,
        "live from the link: current speed (3:0), width (9:4); slot clock (12); shown: 2.5 GT/s x1",
    ));
    v.push(field(
        p + 44,
        4,
        "link_caps2",
        0x2,
        0,
        0,
        "supported speeds: 2.5 GT/s",
    ));
    v.push(field(
        p + 48,
        2,
        "link_control2",
        0x1,
        0x000F,
        0,
        "target link speed",
    ));

    // Virtio capabilities (section 2 of pci-transport.md).
    virtio_cap(
        &mut v,
        cap::VIRTIO_COMMON,
        cap::VIRTIO_NOTIFY,
        16,
        cfg_type::COMMON,
        "common configuration (PCI-7)",
        layout::COMMON_CFG,
        layout::COMMON_CFG_LEN,
    );
    virtio_cap(
        &mut v,
        cap::VIRTIO_NOTIFY,
        cap::VIRTIO_ISR,
        20,
        cfg_type::NOTIFY,
        "notifications (PCI-17, PCI-19)",
        layout::NOTIFY,
        layout::NOTIFY_OFF_MULTIPLIER * f.num_queues as u32,
    );
    v.push(field(
        cap::VIRTIO_NOTIFY + 16,
        4,
        "notify_off_multiplier",
        layout::NOTIFY_OFF_MULTIPLIER,
        0,
        0,
        "bytes between doorbells",
    ));
    virtio_cap(
        &mut v,
        cap::VIRTIO_ISR,
        cap::VIRTIO_DEVICE,
        16,
        cfg_type::ISR,
        "ISR status (PCI-20)",
        layout::ISR,
        layout::ISR_LEN,
    );
    virtio_cap(
        &mut v,
        cap::VIRTIO_DEVICE,
        cap::VIRTIO_PCI_CFG,
        16,
        cfg_type::DEVICE,
        "device-specific configuration (PCI-25)",
        layout::DEVICE_CFG,
        f.device_cfg_len,
    );
    // The PCI configuration access capability: bar, offset, length and data are writable
    // (PCI-28); the window's BAR accesses (PCI-29, PCI-30) belong to the transaction layer.
    let c = cap::VIRTIO_PCI_CFG;
    v.push(field(
        c,
        1,
        "cap_vndr",
        0x09,
        0,
        0,
        "vendor-specific capability",
    ));
    v.push(field(c + 1, 1, "cap_next", 0, 0, 0, "end of the list"));
    v.push(field(
        c + 2,
        1,
        "cap_len",
        20,
        0,
        0,
        "capability length (PCI-5)",
    ));
    v.push(field(
        c + 3,
        1,
        "cfg_type",
        cfg_type::PCI_CFG as u32,
        0,
        0,
        "PCI configuration access (PCI-28)",
    ));
    v.push(field(c + 4, 1, "bar", 0, 0xff, 0, "window: BAR"));
    v.push(field(
        c + 8,
        4,
        "offset",
        0,
        0xffff_ffff,
        0,
        "window: offset in the BAR",
    ));
    v.push(field(
        c + 12,
        4,
        "length",
        0,
        0xffff_ffff,
        0,
        "window: access length (1, 2 or 4)",
    ));
    v.push(field(
        c + 16,
        4,
        "pci_cfg_data",
        0,
        0xffff_ffff,
        0,
        "window: data",
    ));

    let space = FunctionSpace {
        function,
        config: f,
        fields: v,
    };
    space.validate();
    space
}

impl FunctionSpace {
    /// Panics if fields overlap, are misaligned or leave the 256-byte PCI space.
    pub fn validate(&self) {
        let mut used = [false; 256];
        for f in &self.fields {
            assert!(matches!(f.bytes, 1 | 2 | 4), "{}: width", f.name);
            assert_eq!(f.offset % f.bytes as u16, 0, "{} is misaligned", f.name);
            let mask = if f.bytes == 4 {
                u32::MAX
            } else {
                (1u32 << (8 * f.bytes)) - 1
            };
            assert_eq!(f.reset & !mask, 0, "{}: reset value too wide", f.name);
            assert_eq!(
                (f.writable | f.rw1c) & !mask,
                0,
                "{}: masks too wide",
                f.name
            );
            for b in f.offset..f.offset + f.bytes as u16 {
                assert!(b < 256, "{} leaves the PCI-compatible space", f.name);
                assert!(
                    !used[b as usize],
                    "{} overlaps another field at {b:#x}",
                    f.name
                );
                used[b as usize] = true;
            }
        }
    }

    /// The dwords that hold any field, by dword index.
    pub fn dwords(&self) -> Vec<(u16, Dword)> {
        let mut out: Vec<(u16, Dword)> = Vec::new();
        for f in &self.fields {
            let dw = f.offset / 4;
            let shift = 8 * (f.offset % 4) as u32;
            let entry = match out.iter_mut().find(|(i, _)| *i == dw) {
                Some((_, d)) => d,
                None => {
                    out.push((dw, Dword::default()));
                    &mut out.last_mut().unwrap().1
                }
            };
            entry.reset |= f.reset << shift;
            entry.writable |= f.writable << shift;
            entry.rw1c |= f.rw1c << shift;
        }
        out.sort_by_key(|(i, _)| *i);
        out
    }

    /// Dword `index` (all zero where no field is).
    pub fn dword(&self, index: u16) -> Dword {
        self.dwords()
            .into_iter()
            .find(|(i, _)| *i == index)
            .map(|(_, d)| d)
            .unwrap_or_default()
    }
}

/// Every function's space.
pub fn card_spaces(card: &CardConfig) -> Vec<FunctionSpace> {
    (0..card.functions.len() as u8)
        .map(|f| function_space(card, f))
        .collect()
}

/// `docs/REGISTERS.md`: the configuration space of each function of each build, as tables.
pub fn registers_markdown() -> String {
    let mut s = String::new();
    writeln!(s, "# ferrio registers\n").unwrap();
    writeln!(
        s,
        "Generated by `cargo xtask registers` from `hdl/src/tlp/config_table.rs`, the table the RTL \
         is built from; do not edit by hand (a test compares the two).\n\n\
         Bits not listed read as zero and ignore writes. `W` = writable bits, `W1C` = \
         write-one-to-clear bits (set by hardware). Extended configuration space (0x100-0xFFF) \
         reads as zero.\n\nBAR0 layout: see `hdl/src/transport/layout.rs`.\n"
    )
    .unwrap();
    for (title, card) in [
        ("default build (64-bit BAR0, MSI-X)", CardConfig::default()),
        (
            "QEMU proxy build (32-bit BAR0, no MSI-X)",
            CardConfig::for_qemu_proxy(),
        ),
    ] {
        writeln!(s, "## {title}\n").unwrap();
        for space in card_spaces(&card) {
            writeln!(
                s,
                "### function {}: virtio-{} (device {:#06x})\n",
                space.function,
                space.config.name,
                space.config.device_id()
            )
            .unwrap();
            writeln!(s, "| offset | bytes | field | reset | W | W1C | notes |\n|---|---:|---|---|---|---|---|").unwrap();
            for f in &space.fields {
                let hex = |v: u32| {
                    if v == 0 {
                        "-".to_string()
                    } else {
                        format!("`{:#0w$x}`", v, w = 2 + 2 * f.bytes as usize)
                    }
                };
                writeln!(
                    s,
                    "| {:#05x} | {} | {} | `{:#0w$x}` | {} | {} | {} |",
                    f.offset,
                    f.bytes,
                    f.name,
                    f.reset,
                    hex(f.writable),
                    hex(f.rw1c),
                    f.about,
                    w = 2 + 2 * f.bytes as usize
                )
                .unwrap();
            }
            writeln!(s).unwrap();
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_build_has_a_valid_table() {
        for card in [CardConfig::default(), CardConfig::for_qemu_proxy()] {
            for space in card_spaces(&card) {
                space.validate();
            }
        }
    }

    #[test]
    fn dword_write_honours_byte_enables_and_write_one_to_clear() {
        let d = Dword {
            reset: 0,
            writable: 0x0000_ffff,
            rw1c: 0xff00_0000,
        };
        // Only byte 0 enabled: byte 1 keeps its value.
        assert_eq!(d.write(0x0000_1200, 0x0000_3456, 0b0001), 0x0000_1256);
        // Writing 1 clears W1C bits; writing 0 leaves them.
        assert_eq!(d.write(0xf000_0000, 0x3000_0000, 0b1000), 0xc000_0000);
        // Read-only bits never change.
        assert_eq!(d.write(0, 0x00ff_0000, 0b1111), 0);
    }
}
