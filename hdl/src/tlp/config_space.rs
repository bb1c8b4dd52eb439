//! [`ConfigSpace`]: the PCI configuration space of both functions, built from
//! [`config_table`](crate::tlp::config_table).
//!
//! Interface (one clock, synchronous `reset` returns every register to its table value):
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `access_valid` | in | one access this cycle (a one-cycle strobe) |
//! | `access_write` | in | write (else read) |
//! | `access_function` | in | function number (functions without a table read as zero) |
//! | `access_dw` | in | dword index in the 4 KiB space (0x40-0x3FF read as zero) |
//! | `access_be` | in | byte enables of a write |
//! | `access_wdata` | in | write data (byte 0 in bits 7:0, as in the register tables) |
//! | `read_data` | out | read result, valid from the edge after the read (latency 1); holds until the next read |
//! | `fN_status_set` | in | PCI Status bits to set (only write-one-to-clear bits take effect) |
//! | `fN_device_status_set` | in | PCIe Device Status bits to set (likewise) |
//! | `fN_interrupt_status` | in | PCI Status bit 3 (INTx pending), live |
//! | `link_speed`, `link_width` | in | negotiated link speed (1 = 2.5 GT/s, 2 = 5 GT/s) and width, shown live in Link Status of both functions |
//! | `fN_command`, `fN_bar0`, `fN_device_control`, `fN_msix_control` | out | current register values for the rest of the card |
//! | `fN_pci_cfg_bar`, `fN_pci_cfg_offset`, `fN_pci_cfg_length` | out | the virtio PCI configuration access window (PCI-29, PCI-30) |
//!
//! Writes follow the table: only writable bits change, within the enabled bytes; writing 1 to a
//! write-one-to-clear bit clears it; a hardware set in the same cycle wins.

use crate::tlp::config_table::{self, cap, FunctionSpace};
use crate::transport::CardConfig;
use rust_hdl::prelude::*;
use std::fmt::Write;

#[derive(LogicBlock)]
pub struct ConfigSpace {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub access_valid: Signal<In, bool>,
    pub access_write: Signal<In, bool>,
    pub access_function: Signal<In, Bits<3>>,
    pub access_dw: Signal<In, Bits<10>>,
    pub access_be: Signal<In, Bits<4>>,
    pub access_wdata: Signal<In, Bits<32>>,
    pub read_data: Signal<Out, Bits<32>>,
    pub f0_status_set: Signal<In, Bits<16>>,
    pub f1_status_set: Signal<In, Bits<16>>,
    pub f0_device_status_set: Signal<In, Bits<16>>,
    pub f1_device_status_set: Signal<In, Bits<16>>,
    pub f0_interrupt_status: Signal<In, bool>,
    pub f1_interrupt_status: Signal<In, bool>,
    pub link_speed: Signal<In, Bits<4>>,
    pub link_width: Signal<In, Bits<6>>,
    pub f0_command: Signal<Out, Bits<16>>,
    pub f1_command: Signal<Out, Bits<16>>,
    pub f0_bar0: Signal<Out, Bits<64>>,
    pub f1_bar0: Signal<Out, Bits<64>>,
    pub f0_device_control: Signal<Out, Bits<16>>,
    pub f1_device_control: Signal<Out, Bits<16>>,
    pub f0_msix_control: Signal<Out, Bits<16>>,
    pub f1_msix_control: Signal<Out, Bits<16>>,
    pub f0_pci_cfg_bar: Signal<Out, Bits<8>>,
    pub f1_pci_cfg_bar: Signal<Out, Bits<8>>,
    pub f0_pci_cfg_offset: Signal<Out, Bits<32>>,
    pub f1_pci_cfg_offset: Signal<Out, Bits<32>>,
    pub f0_pci_cfg_length: Signal<Out, Bits<32>>,
    pub f1_pci_cfg_length: Signal<Out, Bits<32>>,
    _spaces: Vec<FunctionSpace>,
    /// Simulation model state: per function, (dword index, stored bits).
    _stored: Vec<Vec<(u16, u32)>>,
    /// Simulation model: the live inputs (interrupt status, link status) per function.
    _live: [(bool, u16); 2],
}

/// Dword index of the PCI Status register (upper half).
const STATUS_DW: u16 = 1;
/// Dword index of the PCIe Device Status register (upper half).
const DEVICE_STATUS_DW: u16 = (cap::PCIE + 8) / 4;
/// Dword index of the PCIe Link Status register (upper half): live from `link_status`.
const LINK_STATUS_DW: u16 = (cap::PCIE + 16) / 4;
/// Dword index of PMCSR: a write of an unsupported power state (D1, D2) is discarded (PCI PM
/// 1.2, PowerState field), so only D0 and D3hot are ever stored.
const PMCSR_DW: u16 = (cap::PM + 4) / 4;
/// Link Status bits that do not come from the link: slot clock configuration (12).
const LINK_STATUS_FIXED: u32 = 1 << 12;
/// PCI Status bit 3, Interrupt Status, in its dword: live from `fN_interrupt_status`.
const INTERRUPT_STATUS: u32 = 1 << 19;

impl ConfigSpace {
    pub fn new(card: &CardConfig) -> Self {
        assert_eq!(
            card.functions.len(),
            2,
            "ConfigSpace has ports for two functions"
        );
        let spaces = config_table::card_spaces(card);
        let stored = spaces
            .iter()
            .map(|s| {
                s.dwords()
                    .into_iter()
                    .filter(|(_, d)| d.stored() != 0)
                    .map(|(i, d)| (i, d.reset & d.stored()))
                    .collect()
            })
            .collect();
        ConfigSpace {
            clock: Default::default(),
            reset: Default::default(),
            access_valid: Default::default(),
            access_write: Default::default(),
            access_function: Default::default(),
            access_dw: Default::default(),
            access_be: Default::default(),
            access_wdata: Default::default(),
            read_data: Default::default(),
            f0_status_set: Default::default(),
            f1_status_set: Default::default(),
            f0_device_status_set: Default::default(),
            f1_device_status_set: Default::default(),
            f0_interrupt_status: Default::default(),
            f1_interrupt_status: Default::default(),
            link_speed: Default::default(),
            link_width: Default::default(),
            f0_command: Default::default(),
            f1_command: Default::default(),
            f0_bar0: Default::default(),
            f1_bar0: Default::default(),
            f0_device_control: Default::default(),
            f1_device_control: Default::default(),
            f0_msix_control: Default::default(),
            f1_msix_control: Default::default(),
            f0_pci_cfg_bar: Default::default(),
            f1_pci_cfg_bar: Default::default(),
            f0_pci_cfg_offset: Default::default(),
            f1_pci_cfg_offset: Default::default(),
            f0_pci_cfg_length: Default::default(),
            f1_pci_cfg_length: Default::default(),
            _spaces: spaces,
            _stored: stored,
            _live: [(false, 0); 2],
        }
    }

    /// What a read of dword `dw` of function `f` returns (model).
    fn value(&self, f: usize, dw: u16) -> u32 {
        let Some(space) = self._spaces.get(f) else {
            return 0;
        };
        let d = space.dword(dw);
        let stored = self._stored[f]
            .iter()
            .find(|(i, _)| *i == dw)
            .map(|(_, v)| *v)
            .unwrap_or(0);
        let mut v = (d.reset & !d.stored()) | (stored & d.stored());
        if dw == STATUS_DW && self._live[f].0 {
            v |= INTERRUPT_STATUS;
        }
        if dw == LINK_STATUS_DW {
            v = (v & 0xffff) | ((self._live[f].1 as u32) << 16);
        }
        v
    }

    /// (port name, dword index, shift, width in bits) of each exported register.
    fn exports() -> [(&'static str, u16, u32, u32); 7] {
        [
            ("command", 1, 0, 16),
            ("device_control", (cap::PCIE + 8) / 4, 0, 16),
            ("msix_control", cap::MSIX / 4, 16, 16),
            ("bar0", 4, 0, 64),
            ("pci_cfg_bar", (cap::VIRTIO_PCI_CFG + 4) / 4, 0, 8),
            ("pci_cfg_offset", (cap::VIRTIO_PCI_CFG + 8) / 4, 0, 32),
            ("pci_cfg_length", (cap::VIRTIO_PCI_CFG + 12) / 4, 0, 32),
        ]
    }

    fn export(&self, f: usize, dw: u16, shift: u32, width: u32) -> u64 {
        if width == 64 {
            self.value(f, dw) as u64 | ((self.value(f, dw + 1) as u64) << 32)
        } else {
            ((self.value(f, dw) as u64) >> shift) & ((1u64 << width) - 1)
        }
    }
}

/// The bits a byte-enable mask `be` covers.
fn be_bits(be: u8) -> u32 {
    (0..4)
        .filter(|b| be >> b & 1 == 1)
        .fold(0, |m, b| m | (0xff << (8 * b)))
}

impl Default for ConfigSpace {
    fn default() -> Self {
        Self::new(&CardConfig::default())
    }
}

impl Logic for ConfigSpace {
    fn update(&mut self) {
        let link = LINK_STATUS_FIXED as u16
            | ((self.link_width.val().index() as u16) << 4)
            | self.link_speed.val().index() as u16;
        self._live = [
            (self.f0_interrupt_status.val(), link),
            (self.f1_interrupt_status.val(), link),
        ];
        if self.clock.pos_edge() {
            if self.reset.val() {
                for (f, space) in self._spaces.iter().enumerate() {
                    for (i, v) in self._stored[f].iter_mut() {
                        let d = space.dword(*i);
                        *v = d.reset & d.stored();
                    }
                }
            } else {
                let f = self.access_function.val().index();
                let dw = self.access_dw.val().index() as u16;
                if self.access_valid.val() && !self.access_write.val() {
                    self.read_data.next = Bits::from(self.value(f, dw) as u64);
                }
                let sets = [
                    [
                        self.f0_status_set.val().index() as u32,
                        self.f0_device_status_set.val().index() as u32,
                    ],
                    [
                        self.f1_status_set.val().index() as u32,
                        self.f1_device_status_set.val().index() as u32,
                    ],
                ];
                let write = self.access_valid.val() && self.access_write.val();
                let data = self.access_wdata.val().index() as u32;
                let be = self.access_be.val().index() as u8;
                for (fi, space) in self._spaces.iter().enumerate() {
                    for (i, v) in self._stored[fi].iter_mut() {
                        let d = space.dword(*i);
                        if write && fi == f && *i == dw {
                            let mut d = d;
                            if *i == PMCSR_DW && matches!(data & be_bits(be) & 3, 1 | 2) {
                                d.writable &= !3;
                            }
                            *v = d.write(*v, data, be);
                        }
                        if *i == STATUS_DW {
                            *v |= (sets[fi][0] << 16) & d.rw1c;
                        }
                        if *i == DEVICE_STATUS_DW {
                            *v |= (sets[fi][1] << 16) & d.rw1c;
                        }
                    }
                }
            }
        }
        let mut out = [[0u64; 7]; 2];
        for (f, o) in out.iter_mut().enumerate() {
            for (k, (_, dw, shift, width)) in Self::exports().iter().enumerate() {
                o[k] = self.export(f, *dw, *shift, *width);
            }
        }
        self.f0_command.next = Bits::from(out[0][0]);
        self.f0_device_control.next = Bits::from(out[0][1]);
        self.f0_msix_control.next = Bits::from(out[0][2]);
        self.f0_bar0.next = Bits::from(out[0][3]);
        self.f1_command.next = Bits::from(out[1][0]);
        self.f1_device_control.next = Bits::from(out[1][1]);
        self.f1_msix_control.next = Bits::from(out[1][2]);
        self.f1_bar0.next = Bits::from(out[1][3]);
        self.f0_pci_cfg_bar.next = Bits::from(out[0][4]);
        self.f1_pci_cfg_bar.next = Bits::from(out[1][4]);
        self.f0_pci_cfg_offset.next = Bits::from(out[0][5]);
        self.f1_pci_cfg_offset.next = Bits::from(out[1][5]);
        self.f0_pci_cfg_length.next = Bits::from(out[0][6]);
        self.f1_pci_cfg_length.next = Bits::from(out[1][6]);
    }

    fn connect(&mut self) {
        self.read_data.connect();
        self.f0_command.connect();
        self.f1_command.connect();
        self.f0_bar0.connect();
        self.f1_bar0.connect();
        self.f0_device_control.connect();
        self.f1_device_control.connect();
        self.f0_msix_control.connect();
        self.f1_msix_control.connect();
        self.f0_pci_cfg_bar.connect();
        self.f1_pci_cfg_bar.connect();
        self.f0_pci_cfg_offset.connect();
        self.f1_pci_cfg_offset.connect();
        self.f0_pci_cfg_length.connect();
        self.f1_pci_cfg_length.connect();
    }

    fn hdl(&self) -> Verilog {
        let mut v = String::new();
        writeln!(
            v,
            "// Generated from hdl/src/tlp/config_table.rs; see docs/REGISTERS.md."
        )
        .unwrap();
        writeln!(
            v,
            "wire [31:0] be_mask = {{{{8{{access_be[3]}}}}, {{8{{access_be[2]}}}}, {{8{{access_be[1]}}}}, {{8{{access_be[0]}}}}}};"
        )
        .unwrap();
        writeln!(v, "wire [31:0] wdata_be = access_wdata & be_mask;").unwrap();
        writeln!(v, "wire write_strobe = access_valid & access_write;").unwrap();
        let mut cases = String::new();
        for (f, space) in self._spaces.iter().enumerate() {
            for (i, d) in space.dwords() {
                let value = format!("f{f}_value_dw{i}");
                let live = if i == STATUS_DW {
                    format!(" | {{12'h0, f{f}_interrupt_status, 19'h0}}")
                } else if i == LINK_STATUS_DW {
                    " | {3'h0, 1'b1, 2'h0, link_width, link_speed, 16'h0}".to_string()
                } else {
                    String::new()
                };
                let constant = if i == LINK_STATUS_DW {
                    d.reset & 0xffff
                } else {
                    d.reset
                };
                if d.stored() == 0 {
                    writeln!(v, "wire [31:0] {value} = 32'h{constant:08x}{live};").unwrap();
                } else {
                    let r = format!("f{f}_dw{i}");
                    // PMCSR: D1/D2 writes leave the power state alone.
                    let wm = if i == PMCSR_DW {
                        format!("(32'h{:08x} & ~(((wdata_be[1:0] == 2'b01) | (wdata_be[1:0] == 2'b10)) ? 32'h00000003 : 32'h00000000))", d.writable)
                    } else {
                        format!("32'h{:08x}", d.writable)
                    };
                    let init = d.reset & d.stored();
                    let set = if i == STATUS_DW {
                        format!(" | ({{f{f}_status_set, 16'h0000}} & 32'h{:08x})", d.rw1c)
                    } else if i == DEVICE_STATUS_DW {
                        format!(
                            " | ({{f{f}_device_status_set, 16'h0000}} & 32'h{:08x})",
                            d.rw1c
                        )
                    } else {
                        String::new()
                    };
                    writeln!(
                        v,
                        "reg [31:0] {r};\n\
                         initial {r} = 32'h{init:08x};\n\
                         wire {r}_hit = write_strobe & (access_function == 3'd{f}) & (access_dw == 10'd{i});\n\
                         always @(posedge clock) begin\n  \
                           if (reset) {r} <= 32'h{init:08x};\n  \
                           else {r} <= ({r}_hit ? ((({r} & ~({wm} & be_mask)) | (wdata_be & {wm})) & ~(wdata_be & 32'h{c:08x})) : {r}){set};\n\
                         end\n\
                         wire [31:0] {value} = 32'h{cst:08x} | ({r} & 32'h{st:08x}){live};",
                        c = d.rw1c,
                        cst = constant & !d.stored(),
                        st = d.stored(),
                    )
                    .unwrap();
                }
                writeln!(
                    cases,
                    "    13'h{:04x}: read_data <= {value};",
                    (f << 10) | i as usize
                )
                .unwrap();
            }
        }
        writeln!(
            v,
            "initial read_data = 32'h0;\n\
             always @(posedge clock) begin\n  \
               if (access_valid & ~access_write) begin\n    \
                 case ({{access_function, access_dw}})\n{cases}    default: read_data <= 32'h0;\n    \
                 endcase\n  \
               end\n\
             end"
        )
        .unwrap();
        writeln!(v, "always @(*) begin").unwrap();
        for (f, space) in self._spaces.iter().enumerate() {
            let has = |dw: u16| space.dwords().iter().any(|(i, _)| *i == dw);
            for (name, dw, shift, width) in Self::exports() {
                let src = |dw: u16| {
                    if has(dw) {
                        format!("f{f}_value_dw{dw}")
                    } else {
                        "32'h0".to_string()
                    }
                };
                let expr = if width == 64 {
                    format!("{{{}, {}}}", src(dw + 1), src(dw))
                } else if has(dw) {
                    format!("{}[{}:{}]", src(dw), shift + width - 1, shift)
                } else {
                    format!("{width}'h0")
                };
                writeln!(v, "  f{f}_{name} = {expr};").unwrap();
            }
        }
        writeln!(v, "end").unwrap();
        Verilog::Custom(v)
    }
}
