//! Enumeration as a host's PCI core does it, and an `lspci -vv`-style dump of what it found.
//!
//! [`RootComplex::enumerate`] probes functions 0-7 of the card's device (a function that does
//! not exist answers UR or reads vendor 0xFFFF), walks each capability list, sizes BAR0 by
//! writing all ones, assigns it an address and enables memory space and bus mastering. Every
//! value in the dump comes from configuration reads, not from the RTL's build options.

use super::{CardPort, RootComplex};
use std::fmt::Write;

/// Where the enumerator puts BAR0 of function `f`: below 4 GiB, as a host puts
/// non-prefetchable BARs.
pub fn default_bar0(function: u8) -> u64 {
    0xfe00_0000 + 0x10_0000 * function as u64
}

/// One capability found in the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capability {
    pub offset: u16,
    pub id: u8,
    /// virtio `cfg_type` for vendor-specific capabilities.
    pub virtio_type: Option<u8>,
}

/// One function found.
#[derive(Clone, Debug)]
pub struct FunctionInfo {
    pub function: u8,
    pub vendor: u16,
    pub device: u16,
    pub class: u32,
    pub revision: u8,
    pub bar0_size: u64,
    pub bar0_64bit: bool,
    pub bar0: u64,
    pub capabilities: Vec<Capability>,
}

impl FunctionInfo {
    pub fn capability(&self, id: u8) -> Option<u16> {
        self.capabilities
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.offset)
    }
    pub fn virtio_capability(&self, cfg_type: u8) -> Option<u16> {
        self.capabilities
            .iter()
            .find(|c| c.virtio_type == Some(cfg_type))
            .map(|c| c.offset)
    }
}

impl<C: CardPort> RootComplex<C> {
    /// Offset of the first capability with `id` in function `f`'s list.
    pub fn find_capability(&mut self, f: u8, id: u8) -> Option<u16> {
        let mut at = (self.cfg_read(f, 0x34 / 4).ok()? & 0xfc) as u16;
        for _ in 0..48 {
            if at == 0 {
                return None;
            }
            let head = self.cfg_read(f, at / 4).ok()?;
            if head as u8 == id {
                return Some(at);
            }
            at = ((head >> 8) & 0xfc) as u16;
        }
        None
    }

    /// Probe, size, assign and enable every function of the card.
    pub fn enumerate(&mut self) -> Vec<FunctionInfo> {
        // The first configuration write tells the card its bus and device number.
        let mut found = Vec::new();
        for f in 0..8u8 {
            let id = match self.cfg_read(f, 0) {
                Ok(v) if v & 0xffff != 0xffff => v,
                _ => continue,
            };
            let class_rev = self.cfg_read(f, 2).unwrap();
            // Size BAR0.
            let bar_lo = self.cfg_read(f, 4).unwrap();
            let is64 = bar_lo & 0b110 == 0b100;
            self.cfg_write(f, 4, 0xf, 0xffff_ffff).unwrap();
            let mask_lo = self.cfg_read(f, 4).unwrap() & !0xf;
            let mask_hi = if is64 {
                self.cfg_write(f, 5, 0xf, 0xffff_ffff).unwrap();
                self.cfg_read(f, 5).unwrap()
            } else {
                0xffff_ffff
            };
            let mask = ((mask_hi as u64) << 32) | mask_lo as u64;
            let size = (!mask).wrapping_add(1);
            let base = default_bar0(f);
            self.cfg_write(f, 4, 0xf, base as u32).unwrap();
            if is64 {
                self.cfg_write(f, 5, 0xf, (base >> 32) as u32).unwrap();
            }
            if (f as usize) < self.bar0.len() {
                self.bar0[f as usize] = Some(base);
            }
            // Capabilities.
            let mut caps = Vec::new();
            let mut at = (self.cfg_read(f, 0x34 / 4).unwrap() & 0xfc) as u16;
            while at != 0 && caps.len() < 48 {
                let head = self.cfg_read(f, at / 4).unwrap();
                let id = head as u8;
                let virtio_type = (id == 0x09).then_some((head >> 24) as u8);
                caps.push(Capability {
                    offset: at,
                    id,
                    virtio_type,
                });
                at = ((head >> 8) & 0xfc) as u16;
            }
            // Memory space and bus master on.
            self.cfg_write(f, 1, 0b0011, 0x0006).unwrap();
            found.push(FunctionInfo {
                function: f,
                vendor: id as u16,
                device: (id >> 16) as u16,
                class: class_rev >> 8,
                revision: class_rev as u8,
                bar0_size: size,
                bar0_64bit: is64,
                bar0: base,
                capabilities: caps,
            });
        }
        found
    }

    /// An `lspci -vv`-style dump of one function, from configuration reads only.
    pub fn lspci(&mut self, f: &FunctionInfo) -> String {
        let fun = f.function;
        let mut o = String::new();
        let class_name = match f.class >> 8 {
            0x0200 => "Ethernet controller",
            0x0100 => "SCSI storage controller",
            _ => "Device",
        };
        let device_name = match f.device {
            0x1041 => "Virtio 1.0 network device",
            0x1042 => "Virtio 1.0 block device",
            _ => "Device",
        };
        writeln!(
            o,
            "{:02x}:00.{} {} [{:04x}]: Red Hat, Inc. {} [{:04x}:{:04x}] (rev {:02x})",
            self.card_bus,
            fun,
            class_name,
            f.class >> 8,
            device_name,
            f.vendor,
            f.device,
            f.revision
        )
        .unwrap();
        let sub = self.cfg_read(fun, 0x2c / 4).unwrap();
        writeln!(
            o,
            "\tSubsystem: Red Hat, Inc. Device [{:04x}:{:04x}]",
            sub as u16,
            sub >> 16
        )
        .unwrap();
        let cs = self.cfg_read(fun, 1).unwrap();
        let (cmd, st) = (cs as u16, (cs >> 16) as u16);
        let pm = |b: bool| if b { '+' } else { '-' };
        let bit = |v: u16, b: u32| pm(v >> b & 1 == 1);
        writeln!(o, "\tControl: I/O{} Mem{} BusMaster{} SpecCycle- MemWINV- VGASnoop- ParErr{} Stepping- SERR{} FastB2B- DisINTx{}",
            bit(cmd, 0), bit(cmd, 1), bit(cmd, 2), bit(cmd, 6), bit(cmd, 8), bit(cmd, 10)).unwrap();
        writeln!(o, "\tStatus: Cap{} 66MHz- UDF- FastB2B- ParErr{} DEVSEL=fast >TAbort{} <TAbort{} <MAbort{} >SERR{} <PERR{} INTx{}",
            bit(st, 4), bit(st, 8), bit(st, 11), bit(st, 12), bit(st, 13), bit(st, 14), bit(st, 15), bit(st, 3)).unwrap();
        let pin = (self.cfg_read(fun, 0x3c / 4).unwrap() >> 8) as u8;
        if pin != 0 {
            writeln!(o, "\tInterrupt: pin {}", (b'A' + pin - 1) as char).unwrap();
        }
        writeln!(
            o,
            "\tRegion 0: Memory at {:x} ({}, non-prefetchable) [size={}K]",
            f.bar0,
            if f.bar0_64bit { "64-bit" } else { "32-bit" },
            f.bar0_size / 1024
        )
        .unwrap();
        for c in f.capabilities.clone() {
            let at = c.offset;
            let dw = |rc: &mut Self, k: u16| rc.cfg_read(fun, at / 4 + k).unwrap();
            match c.id {
                0x01 => {
                    let h = dw(self, 0);
                    let csr = dw(self, 1);
                    writeln!(
                        o,
                        "\tCapabilities: [{at:02x}] Power Management version {}",
                        (h >> 16) & 7
                    )
                    .unwrap();
                    writeln!(o, "\t\tFlags: PMEClk- DSI- D1{} D2{} AuxCurrent=0mA PME(D0-,D1-,D2-,D3hot-,D3cold-)",
                        pm(h >> 25 & 1 == 1), pm(h >> 26 & 1 == 1)).unwrap();
                    writeln!(
                        o,
                        "\t\tStatus: D{} NoSoftRst{} PME-Enable- DSel=0 DScale=0 PME-",
                        csr & 3,
                        pm(csr >> 3 & 1 == 1)
                    )
                    .unwrap();
                }
                0x11 => {
                    let ctl = (dw(self, 0) >> 16) as u16;
                    let table = dw(self, 1);
                    let pba = dw(self, 2);
                    writeln!(
                        o,
                        "\tCapabilities: [{at:02x}] MSI-X: Enable{} Count={} Masked{}",
                        bit(ctl, 15),
                        (ctl & 0x7ff) + 1,
                        bit(ctl, 14)
                    )
                    .unwrap();
                    writeln!(
                        o,
                        "\t\tVector table: BAR={} offset={:08x}",
                        table & 7,
                        table & !7
                    )
                    .unwrap();
                    writeln!(o, "\t\tPBA: BAR={} offset={:08x}", pba & 7, pba & !7).unwrap();
                }
                0x10 => {
                    let caps = (dw(self, 0) >> 16) as u16;
                    let devcap = dw(self, 1);
                    let devctl_sta = dw(self, 2);
                    let (devctl, devsta) = (devctl_sta as u16, (devctl_sta >> 16) as u16);
                    let lnkcap = dw(self, 3);
                    let lnk = dw(self, 4);
                    let (lnkctl, lnksta) = (lnk as u16, (lnk >> 16) as u16);
                    let speed = |s: u32| match s {
                        1 => "2.5GT/s",
                        2 => "5GT/s",
                        _ => "unknown",
                    };
                    writeln!(
                        o,
                        "\tCapabilities: [{at:02x}] Express (v{}) Endpoint, MSI {:02x}",
                        caps & 0xf,
                        (caps >> 9) & 0x1f
                    )
                    .unwrap();
                    writeln!(
                        o,
                        "\t\tDevCap:\tMaxPayload {} bytes, PhantFunc 0, Latency L0s {}, L1 {}",
                        128 << (devcap & 7),
                        if (devcap >> 6) & 7 == 7 {
                            "unlimited".into()
                        } else {
                            format!("<{}", (devcap >> 6) & 7)
                        },
                        if (devcap >> 9) & 7 == 7 {
                            "unlimited".into()
                        } else {
                            format!("<{}", (devcap >> 9) & 7)
                        }
                    )
                    .unwrap();
                    writeln!(
                        o,
                        "\t\t\tExtTag{} AttnBtn- AttnInd- PwrInd- RBE{} FLReset{}",
                        pm(devcap >> 5 & 1 == 1),
                        pm(devcap >> 15 & 1 == 1),
                        pm(devcap >> 28 & 1 == 1)
                    )
                    .unwrap();
                    writeln!(
                        o,
                        "\t\tDevCtl:\tCorrErr{} NonFatalErr{} FatalErr{} UnsupReq{}",
                        bit(devctl, 0),
                        bit(devctl, 1),
                        bit(devctl, 2),
                        bit(devctl, 3)
                    )
                    .unwrap();
                    writeln!(
                        o,
                        "\t\t\tRlxdOrd{} ExtTag{} PhantFunc{} AuxPwr{} NoSnoop{}",
                        bit(devctl, 4),
                        bit(devctl, 8),
                        bit(devctl, 9),
                        bit(devctl, 10),
                        bit(devctl, 11)
                    )
                    .unwrap();
                    writeln!(
                        o,
                        "\t\t\tMaxPayload {} bytes, MaxReadReq {} bytes",
                        128 << ((devctl >> 5) & 7),
                        128 << ((devctl >> 12) & 7)
                    )
                    .unwrap();
                    writeln!(o, "\t\tDevSta:\tCorrErr{} NonFatalErr{} FatalErr{} UnsupReq{} AuxPwr{} TransPend{}",
                        bit(devsta, 0), bit(devsta, 1), bit(devsta, 2), bit(devsta, 3), bit(devsta, 4), bit(devsta, 5)).unwrap();
                    writeln!(
                        o,
                        "\t\tLnkCap:\tPort #{}, Speed {}, Width x{}, ASPM {}",
                        lnkcap >> 24,
                        speed(lnkcap & 0xf),
                        (lnkcap >> 4) & 0x3f,
                        if (lnkcap >> 10) & 3 == 0 {
                            "not supported"
                        } else {
                            "L0s/L1"
                        }
                    )
                    .unwrap();
                    writeln!(
                        o,
                        "\t\tLnkCtl:\tASPM {}; RCB {} bytes, CommClk{} ExtSynch{}",
                        if lnkctl & 3 == 0 {
                            "Disabled"
                        } else {
                            "Enabled"
                        },
                        if lnkctl >> 3 & 1 == 1 { 128 } else { 64 },
                        bit(lnkctl, 6),
                        bit(lnkctl, 7)
                    )
                    .unwrap();
                    writeln!(
                        o,
                        "\t\tLnkSta:\tSpeed {}, Width x{}, SlotClk{} DLActive{}",
                        speed((lnksta & 0xf) as u32),
                        (lnksta >> 4) & 0x3f,
                        bit(lnksta, 12),
                        bit(lnksta, 13)
                    )
                    .unwrap();
                }
                0x09 => {
                    let h = dw(self, 0);
                    let kind = (h >> 24) as u8;
                    let bar = dw(self, 1) & 0xff;
                    let offset = dw(self, 2);
                    let length = dw(self, 3);
                    let name = match kind {
                        1 => "CommonCfg",
                        2 => "Notify",
                        3 => "ISR",
                        4 => "DeviceCfg",
                        5 => "PCICfg",
                        _ => "<unknown>",
                    };
                    writeln!(o, "\tCapabilities: [{at:02x}] Vendor Specific Information: VirtIO: {name} (len={})", (h >> 16) & 0xff).unwrap();
                    if kind == 2 {
                        let mult = dw(self, 4);
                        writeln!(o, "\t\tBAR={bar} offset={offset:08x} size={length:08x} multiplier={mult:08x}").unwrap();
                    } else {
                        writeln!(o, "\t\tBAR={bar} offset={offset:08x} size={length:08x}").unwrap();
                    }
                }
                id => {
                    writeln!(o, "\tCapabilities: [{at:02x}] ID {id:02x}").unwrap();
                }
            }
        }
        o
    }
}
