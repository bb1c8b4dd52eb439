//! Configuration space of both functions (hdl/src/tlp/config_space.rs), through Verilator:
//! identity, capability lists, BAR sizing, byte enables, read-only and write-one-to-clear bits,
//! reset; and the same random accesses through rust-hdl's model must agree every cycle.

mod common;

use common::{rng, settle, tick};
use ferrio_hdl::tlp::config_table::{cap, cfg_type};
use ferrio_hdl::tlp::ConfigSpace;
use ferrio_hdl::transport::{layout, CardConfig};
use ferrio_sim::models::{ConfigSpace as VCfg, ConfigSpaceProxy as VCfgProxy};
use rand::Rng;
use rust_hdl::prelude::*;

/// Configuration accesses on a Verilated ConfigSpace (either build).
trait Cfg {
    fn read(&mut self, f: u64, dw: u64) -> u32;
    fn write(&mut self, f: u64, dw: u64, be: u64, data: u32);
}

macro_rules! cfg_access {
    ($t:ty) => {
        impl Cfg for $t {
            fn read(&mut self, f: u64, dw: u64) -> u32 {
                self.set_access_valid(1);
                self.set_access_write(0);
                self.set_access_function(f);
                self.set_access_dw(dw);
                self.tick(1);
                self.set_access_valid(0);
                self.read_data() as u32
            }
            fn write(&mut self, f: u64, dw: u64, be: u64, data: u32) {
                self.set_access_valid(1);
                self.set_access_write(1);
                self.set_access_function(f);
                self.set_access_dw(dw);
                self.set_access_be(be);
                self.set_access_wdata(data as u64);
                self.tick(1);
                self.set_access_valid(0);
            }
        }
    };
}
cfg_access!(VCfg);
cfg_access!(VCfgProxy);

fn byte(c: &mut impl Cfg, f: u64, offset: u16) -> u32 {
    (c.read(f, offset as u64 / 4) >> (8 * (offset % 4))) & 0xff
}

/// Walk the capability list: (offset, capability ID, cfg_type for vendor capabilities).
fn capabilities(c: &mut impl Cfg, f: u64) -> Vec<(u16, u32, u32)> {
    let mut out = Vec::new();
    let mut at = byte(c, f, 0x34) as u16;
    while at != 0 {
        assert!(out.len() < 16, "capability list loops");
        let id = byte(c, f, at);
        let kind = if id == 0x09 { byte(c, f, at + 3) } else { 0 };
        out.push((at, id, kind));
        at = byte(c, f, at + 1) as u16;
    }
    out
}

#[test]
fn pci_2_pci_3_identity_of_both_functions() {
    let mut c = VCfg::new();
    c.reset(2);
    assert_eq!(
        c.read(0, 0),
        0x1041_1af4,
        "net: vendor 0x1AF4, device 0x1041"
    );
    assert_eq!(
        c.read(1, 0),
        0x1042_1af4,
        "blk: vendor 0x1AF4, device 0x1042"
    );
    assert_eq!(c.read(0, 2), 0x0200_0001, "net: class 0x020000, revision 1");
    assert_eq!(c.read(1, 2), 0x0100_0001, "blk: class 0x010000, revision 1");
    for f in 0..2 {
        assert_eq!(
            c.read(f, 3) >> 16 & 0xff,
            0x80,
            "header type 0, multi-function"
        );
        assert_eq!(c.read(f, 0x2c / 4), 0x1100_1af4, "subsystem IDs");
        assert_eq!(
            c.read(f, 0x3c / 4) >> 8 & 0xff,
            f as u32 + 1,
            "interrupt pin: INTA for function 0, INTB for function 1"
        );
        assert_eq!(c.read(f, 1) >> 16 & 0x10, 0x10, "status: capabilities list");
    }
    for f in 2..8 {
        assert_eq!(
            c.read(f, 0),
            0,
            "function {f} does not exist and reads zero"
        );
    }
    assert_eq!(
        c.read(0, 0x40),
        0,
        "extended configuration space reads zero"
    );
}

#[test]
fn pci_5_7_17_19_20_25_28_32_capability_lists_of_the_default_build() {
    let mut c = VCfg::new();
    c.reset(2);
    for (f, queues) in [(0u64, 9u32), (1, 2)] {
        let caps = capabilities(&mut c, f);
        let ids: Vec<(u32, u32)> = caps.iter().map(|(_, id, k)| (*id, *k)).collect();
        assert_eq!(
            ids,
            vec![
                (0x01, 0),
                (0x11, 0),
                (0x10, 0),
                (0x09, cfg_type::COMMON as u32),
                (0x09, cfg_type::NOTIFY as u32),
                (0x09, cfg_type::ISR as u32),
                (0x09, cfg_type::DEVICE as u32),
                (0x09, cfg_type::PCI_CFG as u32),
            ],
            "function {f}"
        );
        // MSI-X: table size = queues + 1 vectors, table and PBA in BAR0.
        assert_eq!(
            (c.read(f, cap::MSIX as u64 / 4) >> 16) & 0x7ff,
            queues,
            "PCI-32"
        );
        assert_eq!(c.read(f, cap::MSIX as u64 / 4 + 1), layout::MSIX_TABLE);
        assert_eq!(c.read(f, cap::MSIX as u64 / 4 + 2), layout::MSIX_PBA);
        // Virtio structures: cap_len, BAR, offset, length.
        for (at, len, offset, length) in [
            (
                cap::VIRTIO_COMMON,
                16,
                layout::COMMON_CFG,
                layout::COMMON_CFG_LEN,
            ),
            (cap::VIRTIO_NOTIFY, 20, layout::NOTIFY, 4 * queues),
            (cap::VIRTIO_ISR, 16, layout::ISR, layout::ISR_LEN),
            (cap::VIRTIO_DEVICE, 16, layout::DEVICE_CFG, 0x100),
            (cap::VIRTIO_PCI_CFG, 20, 0, 0),
        ] {
            assert_eq!(byte(&mut c, f, at + 2), len, "cap_len at {at:#x} (PCI-5)");
            assert_eq!(byte(&mut c, f, at + 4), 0, "BAR0");
            assert_eq!(c.read(f, (at + 8) as u64 / 4), offset, "offset at {at:#x}");
            assert_eq!(c.read(f, (at + 12) as u64 / 4), length, "length at {at:#x}");
        }
        assert_eq!(
            c.read(f, (cap::VIRTIO_NOTIFY + 16) as u64 / 4),
            4,
            "notify_off_multiplier: a multiple of 4 (PCI-19)"
        );
        // PCI Express capability: version 2 endpoint, 2.5 GT/s x1.
        assert_eq!(c.read(f, cap::PCIE as u64 / 4) >> 16, 0x0002);
        assert_eq!(c.read(f, (cap::PCIE + 12) as u64 / 4) & 0x3ff, 0x11);
    }
}

#[test]
fn proxy_build_has_a_32_bit_bar_and_no_msix() {
    let mut c = VCfgProxy::new();
    c.reset(2);
    let ids: Vec<u32> = capabilities(&mut c, 0)
        .iter()
        .map(|(_, id, _)| *id)
        .collect();
    assert_eq!(ids, vec![0x01, 0x10, 0x09, 0x09, 0x09, 0x09, 0x09]);
    c.write(0, 4, 0xf, 0xffff_ffff);
    c.write(0, 5, 0xf, 0xffff_ffff);
    assert_eq!(c.read(0, 4), 0xffff_8000, "32-bit memory BAR of 32 KiB");
    assert_eq!(c.read(0, 5), 0, "BAR1 is not implemented");
    assert_eq!(c.f0_msix_control(), 0);
}

#[test]
fn bar0_sizing_and_assignment_64_bit() {
    let mut c = VCfg::new();
    c.reset(2);
    c.write(1, 4, 0xf, 0xffff_ffff);
    c.write(1, 5, 0xf, 0xffff_ffff);
    let lo = c.read(1, 4);
    let hi = c.read(1, 5);
    assert_eq!(lo & 0xf, 0b0100, "64-bit, non-prefetchable memory");
    let size = (!(((hi as u64) << 32) | (lo & !0xf) as u64)).wrapping_add(1);
    assert_eq!(size, layout::BAR0_SIZE as u64);
    c.write(1, 4, 0xf, 0xfeb0_0000);
    c.write(1, 5, 0xf, 0x0000_0001);
    assert_eq!(c.f1_bar0(), 0x1_feb0_0004);
    assert_eq!(c.f0_bar0(), 0x4, "function 0 untouched");
}

#[test]
fn command_honours_byte_enables_and_read_only_bits() {
    let mut c = VCfg::new();
    c.reset(2);
    c.write(0, 1, 0b0001, 0xffff_ffff);
    assert_eq!(
        c.f0_command(),
        0x0046,
        "byte 0 only: memory, bus master, parity response"
    );
    c.write(0, 1, 0b0010, 0xffff_ffff);
    assert_eq!(
        c.f0_command(),
        0x0546,
        "byte 1: SERR# and interrupt disable; I/O space stays 0"
    );
    assert_eq!(c.read(0, 1) & 0xffff, 0x0546);
    c.write(0, 0, 0xf, 0);
    assert_eq!(c.read(0, 0), 0x1041_1af4, "IDs are read-only");
    c.write(0, 1, 0b1100, 0);
    assert_eq!(
        c.read(0, 1) >> 16,
        0x0010,
        "writing status never clears capabilities list"
    );
    // Device Control: max payload and max read request are writable.
    let dc = (cap::PCIE + 8) as u64 / 4;
    c.write(0, dc, 0b0011, (1 << 5) | (3 << 12));
    assert_eq!(c.f0_device_control() & 0x70e0, (1 << 5) | (3 << 12));
}

#[test]
fn status_error_bits_are_set_by_hardware_and_cleared_by_writing_one() {
    let mut c = VCfg::new();
    c.reset(2);
    c.set_f1_status_set(1 << 13 | 1 << 3); // received master abort; bit 3 is not W1C
    c.tick(1);
    c.set_f1_status_set(0);
    assert_eq!(c.read(1, 1) >> 16, 0x0010 | 1 << 13);
    c.write(1, 1, 0b1100, 0);
    assert_eq!(
        c.read(1, 1) >> 16 & (1 << 13),
        1 << 13,
        "writing 0 leaves it"
    );
    c.write(1, 1, 0b1100, (1 << 13) << 16);
    assert_eq!(c.read(1, 1) >> 16, 0x0010, "writing 1 clears it");
    // PCIe Device Status: unsupported request detected.
    let ds = (cap::PCIE + 8) as u64 / 4;
    c.set_f0_device_status_set(1 << 3);
    c.tick(1);
    c.set_f0_device_status_set(0);
    assert_eq!(c.read(0, ds) >> 16 & 0xf, 1 << 3);
    c.write(0, ds, 0b1100, (1 << 3) << 16);
    assert_eq!(c.read(0, ds) >> 16 & 0xf, 0);
}

#[test]
fn reset_restores_every_register() {
    let mut c = VCfg::new();
    c.reset(2);
    c.write(0, 1, 0xf, 0xffff);
    c.write(0, 4, 0xf, 0x1234_0000);
    c.write(0, cap::MSIX as u64 / 4, 0xc, 0xc000_0000);
    assert_eq!(c.f0_msix_control() >> 14, 0b11);
    c.reset(1);
    assert_eq!(c.f0_command(), 0);
    assert_eq!(c.f0_bar0(), 0x4);
    assert_eq!(c.f0_msix_control(), 9);
}

/// Inputs of one cycle: valid, write, function, dword, byte enables, data, the four set
/// inputs, the live inputs (interrupt status of each function, link speed, link width).
type Inputs = (bool, bool, u64, u64, u64, u32, [u64; 4], [u64; 4]);

/// Drive one cycle and read every output, in either simulator.
trait Dut {
    fn cycle(&mut self, i: &Inputs) -> [u64; 9];
}

macro_rules! verilated_dut {
    ($t:ty) => {
        impl Dut for $t {
            fn cycle(&mut self, i: &Inputs) -> [u64; 9] {
                self.set_access_valid(i.0 as u64);
                self.set_access_write(i.1 as u64);
                self.set_access_function(i.2);
                self.set_access_dw(i.3);
                self.set_access_be(i.4);
                self.set_access_wdata(i.5 as u64);
                self.set_f0_status_set(i.6[0]);
                self.set_f1_status_set(i.6[1]);
                self.set_f0_device_status_set(i.6[2]);
                self.set_f1_device_status_set(i.6[3]);
                self.set_f0_interrupt_status(i.7[0]);
                self.set_f1_interrupt_status(i.7[1]);
                self.set_link_speed(i.7[2]);
                self.set_link_width(i.7[3]);
                self.tick(1);
                [
                    self.read_data(),
                    self.f0_command(),
                    self.f1_command(),
                    self.f0_bar0(),
                    self.f1_bar0(),
                    self.f0_device_control(),
                    self.f1_device_control(),
                    self.f0_msix_control(),
                    self.f1_msix_control(),
                ]
            }
        }
    };
}
verilated_dut!(VCfg);
verilated_dut!(VCfgProxy);

impl Dut for ConfigSpace {
    fn cycle(&mut self, i: &Inputs) -> [u64; 9] {
        self.access_valid.next = i.0;
        self.access_write.next = i.1;
        self.access_function.next = Bits::from(i.2);
        self.access_dw.next = Bits::from(i.3);
        self.access_be.next = Bits::from(i.4);
        self.access_wdata.next = Bits::from(i.5 as u64);
        self.f0_status_set.next = Bits::from(i.6[0]);
        self.f1_status_set.next = Bits::from(i.6[1]);
        self.f0_device_status_set.next = Bits::from(i.6[2]);
        self.f1_device_status_set.next = Bits::from(i.6[3]);
        self.f0_interrupt_status.next = i.7[0] == 1;
        self.f1_interrupt_status.next = i.7[1] == 1;
        self.link_speed.next = Bits::from(i.7[2]);
        self.link_width.next = Bits::from(i.7[3]);
        settle(self);
        tick(self, |u| &mut u.clock);
        [
            self.read_data.val().to_u64(),
            self.f0_command.val().to_u64(),
            self.f1_command.val().to_u64(),
            self.f0_bar0.val().to_u64(),
            self.f1_bar0.val().to_u64(),
            self.f0_device_control.val().to_u64(),
            self.f1_device_control.val().to_u64(),
            self.f0_msix_control.val().to_u64(),
            self.f1_msix_control.val().to_u64(),
        ]
    }
}

/// Random accesses through rust-hdl's model and the Verilated table-generated Verilog: every
/// output equal every cycle.
fn differential(mut hdl: ConfigSpace, v: &mut impl Dut, name: &str) {
    let mut r = rng(name);
    hdl.connect_all();
    hdl.reset.next = true;
    settle(&mut hdl);
    tick(&mut hdl, |u| &mut u.clock);
    hdl.reset.next = false;
    let mut writes = 0;
    for cycle in 0..20_000 {
        let f = if r.gen_bool(0.9) {
            r.gen_range(0..2)
        } else {
            r.gen_range(0..8)
        };
        let dw = if r.gen_bool(0.95) {
            r.gen_range(0..64)
        } else {
            r.gen_range(0..1024)
        };
        let sets = [0; 4].map(|_: u64| {
            if r.gen_bool(0.05) {
                r.gen_range(0..65536)
            } else {
                0
            }
        });
        let i: Inputs = (
            r.gen_bool(0.7),
            r.gen_bool(0.5),
            f,
            dw,
            r.gen_range(0..16),
            r.gen(),
            sets,
            [
                r.gen_range(0..2),
                r.gen_range(0..2),
                r.gen_range(0..16),
                r.gen_range(0..64),
            ],
        );
        if i.0 && i.1 {
            writes += 1;
        }
        let h = hdl.cycle(&i);
        let vo = v.cycle(&i);
        assert_eq!(h, vo, "cycle {cycle}, inputs {i:x?}: rust-hdl != Verilator");
    }
    assert!(writes > 5000);
}

#[test]
fn config_space_matches_rust_hdl_model_every_cycle_default_build() {
    let mut v = VCfg::new();
    v.reset(1);
    differential(
        ConfigSpace::new(&CardConfig::default()),
        &mut v,
        "config_space",
    );
}

#[test]
fn config_space_matches_rust_hdl_model_every_cycle_proxy_build() {
    let mut v = VCfgProxy::new();
    v.reset(1);
    differential(
        ConfigSpace::new(&CardConfig::for_qemu_proxy()),
        &mut v,
        "config_space_proxy",
    );
}

#[test]
fn pmcsr_takes_d0_and_d3hot_and_discards_d1_d2() {
    let mut c = VCfg::new();
    c.reset(2);
    let pmcsr = cap::PM as u64 / 4 + 1;
    c.write(0, pmcsr, 0x1, 3);
    assert_eq!(c.read(0, pmcsr) & 3, 3, "D3hot");
    c.write(0, pmcsr, 0x1, 1);
    assert_eq!(c.read(0, pmcsr) & 3, 3, "D1 is not supported: discarded");
    c.write(0, pmcsr, 0x1, 2);
    assert_eq!(c.read(0, pmcsr) & 3, 3, "D2 likewise");
    c.write(0, pmcsr, 0x1, 0);
    assert_eq!(c.read(0, pmcsr) & 3, 0, "back to D0");
    c.write(0, pmcsr, 0x2, 1);
    assert_eq!(
        c.read(0, pmcsr) & 3,
        0,
        "byte 0 not enabled: nothing changes"
    );
}
