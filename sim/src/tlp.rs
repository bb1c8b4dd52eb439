//! Transaction Layer Packets on the host side: build, encode, decode and check them, and cut
//! them into the beats of the card's TLP streams.
//!
//! Wire conventions (PCI Express Base Specification, transaction layer):
//! - a TLP is a sequence of dwords (DW) in transmission order: 3 or 4 header DWs, then data;
//! - within a DW the first transmitted byte is bits 31:24 ("big-endian DW", as the spec draws
//!   headers). Payload byte `k` of a write to address `A` (aligned to 4) sits in DW `k / 4`,
//!   bits `31 - 8 * (k % 4)` down; so a little-endian register value `v` at an aligned address
//!   travels as `v.swap_bytes()`.
//!
//! Stream beats ([`Beat`]): 64 bits, the earlier DW in bits 63:32; `sop` on the first beat,
//! `eop` on the last; on the last beat `upper_only` says the lower DW is not part of the TLP.
//! This is the format of the card core's `tlp_rx` / `tlp_tx` ports (docs/ARCHITECTURE.md).

use std::fmt;

/// Completion status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CplStatus {
    Success = 0,
    UnsupportedRequest = 1,
    ConfigRetry = 2,
    CompleterAbort = 4,
}

impl CplStatus {
    fn from_bits(b: u32) -> Option<Self> {
        match b {
            0 => Some(Self::Success),
            1 => Some(Self::UnsupportedRequest),
            2 => Some(Self::ConfigRetry),
            4 => Some(Self::CompleterAbort),
            _ => None,
        }
    }
}

/// The TLP types the card and the host model exchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    MemRead {
        address: u64,
    },
    MemWrite {
        address: u64,
    },
    IoRead {
        address: u32,
    },
    IoWrite {
        address: u32,
    },
    /// Type 0 (`type1 == false`) or type 1 configuration request. `register` is the DW index.
    CfgRead {
        type1: bool,
        target: u16,
        register: u16,
    },
    CfgWrite {
        type1: bool,
        target: u16,
        register: u16,
    },
    /// Completion; `with_data` for CplD.
    Completion {
        completer: u16,
        status: CplStatus,
        bcm: bool,
        byte_count: u16,
        lower_address: u8,
        with_data: bool,
    },
    /// Message (MsgD when it has data); `routing` is the 3-bit r[2:0] field.
    Message {
        routing: u8,
        code: u8,
        with_data: bool,
    },
}

/// One TLP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tlp {
    pub kind: Kind,
    pub requester: u16,
    pub tag: u8,
    pub traffic_class: u8,
    pub attr: u8,
    /// Poisoned (EP).
    pub poisoned: bool,
    /// Length field in DW (1..=1024); 0 encodes 1024 on the wire.
    pub length: u16,
    pub first_be: u8,
    pub last_be: u8,
    /// Payload DWs in wire byte order.
    pub data: Vec<u32>,
    /// Message-specific header bytes 8..15 (DW2 and DW3) of a message.
    pub message_header: [u32; 2],
}

/// Why a sequence of DWs is not a well-formed TLP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Malformed {
    TooShort,
    UnknownType { fmt: u32, ty: u32 },
    LengthMismatch { header_says: usize, carried: usize },
    TlpDigestPresent,
    CrossesFourKiB,
    BadByteEnables,
    BadCompletionStatus(u32),
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

/// A requester or completer ID from bus, device, function.
pub fn bdf(bus: u8, device: u8, function: u8) -> u16 {
    ((bus as u16) << 8) | (((device & 0x1f) as u16) << 3) | (function & 7) as u16
}

impl Tlp {
    fn base(kind: Kind, requester: u16, tag: u8, length: u16, first_be: u8, last_be: u8) -> Tlp {
        Tlp {
            kind,
            requester,
            tag,
            traffic_class: 0,
            attr: 0,
            poisoned: false,
            length,
            first_be,
            last_be,
            data: Vec::new(),
            message_header: [0; 2],
        }
    }

    /// Type 0 configuration read of DW `register` of function `target` (bus/device/function).
    pub fn cfg_read(requester: u16, tag: u8, target: u16, register: u16, be: u8) -> Tlp {
        Self::base(
            Kind::CfgRead {
                type1: false,
                target,
                register,
            },
            requester,
            tag,
            1,
            be,
            0,
        )
    }

    /// Type 0 configuration write; `value` is the register view (byte 0 in bits 7:0).
    pub fn cfg_write(
        requester: u16,
        tag: u8,
        target: u16,
        register: u16,
        be: u8,
        value: u32,
    ) -> Tlp {
        // A configuration read with the same fields, turned into a write carrying `value`.
        let mut t = Self::cfg_read(requester, tag, target, register, be);
        t.kind = Kind::CfgWrite {
            type1: false,
            target,
            register,
        };
        t.data = vec![value.swap_bytes()];
        t
    }

    /// Memory read of `length` DWs; the byte enables follow the spec's rules for one DW.
    pub fn mem_read(
        requester: u16,
        tag: u8,
        address: u64,
        length: u16,
        first_be: u8,
        last_be: u8,
    ) -> Tlp {
        Self::base(
            Kind::MemRead { address },
            requester,
            tag,
            length,
            first_be,
            last_be,
        )
    }

    /// Memory write of `bytes` at `address` (any alignment): byte enables computed.
    pub fn mem_write(requester: u16, address: u64, bytes: &[u8]) -> Tlp {
        assert!(!bytes.is_empty());
        let start = (address & 3) as usize;
        let total = start + bytes.len();
        let dws = total.div_ceil(4);
        let mut data = vec![0u32; dws];
        for (k, b) in bytes.iter().enumerate() {
            let pos = start + k;
            data[pos / 4] |= (*b as u32) << (24 - 8 * (pos % 4));
        }
        let first_be = if dws == 1 {
            (((1u32 << bytes.len()) - 1) << start) as u8
        } else {
            (0xf << start) as u8 & 0xf
        };
        let last_be = if dws == 1 {
            0
        } else {
            let end = total % 4;
            if end == 0 {
                0xf
            } else {
                (1u8 << end) - 1
            }
        };
        let mut t = Self::base(
            Kind::MemWrite {
                address: address & !3,
            },
            requester,
            0,
            dws as u16,
            first_be,
            last_be,
        );
        t.data = data;
        t
    }

    /// Completion without data.
    pub fn completion(
        completer: u16,
        requester: u16,
        tag: u8,
        status: CplStatus,
        byte_count: u16,
        lower_address: u8,
    ) -> Tlp {
        Self::base(
            Kind::Completion {
                completer,
                status,
                bcm: false,
                byte_count,
                lower_address,
                with_data: false,
            },
            requester,
            tag,
            0,
            0,
            0,
        )
    }

    /// Completion with data (wire-order DWs).
    pub fn completion_data(
        completer: u16,
        requester: u16,
        tag: u8,
        byte_count: u16,
        lower_address: u8,
        data: Vec<u32>,
    ) -> Tlp {
        let mut t = Self::base(
            Kind::Completion {
                completer,
                status: CplStatus::Success,
                bcm: false,
                byte_count,
                lower_address,
                with_data: true,
            },
            requester,
            tag,
            data.len() as u16,
            0,
            0,
        );
        t.data = data;
        t
    }

    /// Header DWs: 3 or 4.
    fn header_dws(&self) -> usize {
        match &self.kind {
            Kind::MemRead { address } | Kind::MemWrite { address } if *address >= 1 << 32 => 4,
            Kind::Message { .. } => 4,
            _ => 3,
        }
    }

    fn has_data(&self) -> bool {
        match &self.kind {
            Kind::MemWrite { .. } | Kind::IoWrite { .. } | Kind::CfgWrite { .. } => true,
            Kind::Completion { with_data, .. } | Kind::Message { with_data, .. } => *with_data,
            _ => false,
        }
    }

    /// Encode into wire-order DWs.
    pub fn encode(&self) -> Vec<u32> {
        let four = self.header_dws() == 4;
        let data = self.has_data();
        let fmt = ((data as u32) << 1) | four as u32;
        let ty: u32 = match &self.kind {
            Kind::MemRead { .. } | Kind::MemWrite { .. } => 0b00000,
            Kind::IoRead { .. } | Kind::IoWrite { .. } => 0b00010,
            Kind::CfgRead { type1, .. } | Kind::CfgWrite { type1, .. } => 0b00100 | *type1 as u32,
            Kind::Completion { .. } => 0b01010,
            Kind::Message { routing, .. } => 0b10000 | (*routing as u32 & 7),
        };
        let length = if self.has_data()
            || matches!(
                self.kind,
                Kind::MemRead { .. } | Kind::IoRead { .. } | Kind::CfgRead { .. }
            ) {
            self.length as u32 & 0x3ff
        } else {
            0
        };
        let dw0 = (fmt << 29)
            | (ty << 24)
            | ((self.traffic_class as u32 & 7) << 20)
            | ((self.attr as u32 & 4) << 16)
            | ((self.poisoned as u32) << 14)
            | ((self.attr as u32 & 3) << 12)
            | length;
        let mut out = vec![dw0];
        match &self.kind {
            Kind::Completion {
                completer,
                status,
                bcm,
                byte_count,
                lower_address,
                ..
            } => {
                out.push(
                    ((*completer as u32) << 16)
                        | ((*status as u32) << 13)
                        | ((*bcm as u32) << 12)
                        | (*byte_count as u32 & 0xfff),
                );
                out.push(
                    ((self.requester as u32) << 16)
                        | ((self.tag as u32) << 8)
                        | (*lower_address as u32 & 0x7f),
                );
            }
            Kind::Message { code, .. } => {
                out.push(((self.requester as u32) << 16) | ((self.tag as u32) << 8) | *code as u32);
                out.extend_from_slice(&self.message_header);
            }
            _ => {
                out.push(
                    ((self.requester as u32) << 16)
                        | ((self.tag as u32) << 8)
                        | ((self.last_be as u32) << 4)
                        | self.first_be as u32,
                );
                match &self.kind {
                    Kind::MemRead { address } | Kind::MemWrite { address } => {
                        if four {
                            out.push((address >> 32) as u32);
                        }
                        out.push(*address as u32 & !3);
                    }
                    Kind::IoRead { address } | Kind::IoWrite { address } => out.push(address & !3),
                    Kind::CfgRead {
                        target, register, ..
                    }
                    | Kind::CfgWrite {
                        target, register, ..
                    } => {
                        out.push(((*target as u32) << 16) | ((*register as u32 & 0x3ff) << 2));
                    }
                    _ => unreachable!(),
                }
            }
        }
        if data {
            out.extend_from_slice(&self.data);
        }
        out
    }

    /// Decode wire-order DWs, checking the rules a receiver must check.
    pub fn decode(dws: &[u32]) -> Result<Tlp, Malformed> {
        let dw0 = *dws.first().ok_or(Malformed::TooShort)?;
        let fmt = dw0 >> 29;
        let ty = (dw0 >> 24) & 0x1f;
        if dw0 & (1 << 15) != 0 {
            return Err(Malformed::TlpDigestPresent);
        }
        let four = fmt & 1 == 1;
        let data = fmt & 2 == 2;
        let header = if four { 4 } else { 3 };
        if dws.len() < header {
            return Err(Malformed::TooShort);
        }
        let raw_len = dw0 & 0x3ff;
        let length = if raw_len == 0 { 1024 } else { raw_len as u16 };
        let carried = dws.len() - header;
        let expected = if data { length as usize } else { 0 };
        if carried != expected {
            return Err(Malformed::LengthMismatch {
                header_says: expected,
                carried,
            });
        }
        let dw1 = dws[1];
        let requester = (dw1 >> 16) as u16;
        let tag = (dw1 >> 8) as u8;
        let first_be = (dw1 & 0xf) as u8;
        let last_be = ((dw1 >> 4) & 0xf) as u8;
        let kind = match (fmt, ty) {
            (0b000..=0b011, 0b00000) => {
                let address = if four {
                    ((dws[2] as u64) << 32) | (dws[3] & !3) as u64
                } else {
                    (dws[2] & !3) as u64
                };
                if data {
                    Kind::MemWrite { address }
                } else {
                    Kind::MemRead { address }
                }
            }
            (0b000 | 0b010, 0b00010) => {
                let address = dws[2] & !3;
                if data {
                    Kind::IoWrite { address }
                } else {
                    Kind::IoRead { address }
                }
            }
            (0b000 | 0b010, 0b00100 | 0b00101) => {
                let target = (dws[2] >> 16) as u16;
                let register = ((dws[2] >> 2) & 0x3ff) as u16;
                let type1 = ty & 1 == 1;
                if data {
                    Kind::CfgWrite {
                        type1,
                        target,
                        register,
                    }
                } else {
                    Kind::CfgRead {
                        type1,
                        target,
                        register,
                    }
                }
            }
            (0b000 | 0b010, 0b01010) => {
                let status = CplStatus::from_bits((dw1 >> 13) & 7)
                    .ok_or(Malformed::BadCompletionStatus((dw1 >> 13) & 7))?;
                Kind::Completion {
                    completer: (dw1 >> 16) as u16,
                    status,
                    bcm: dw1 & (1 << 12) != 0,
                    byte_count: (dw1 & 0xfff) as u16,
                    lower_address: (dws[2] & 0x7f) as u8,
                    with_data: data,
                }
            }
            (0b001 | 0b011, t) if t & 0b11000 == 0b10000 => Kind::Message {
                routing: (t & 7) as u8,
                code: dw1 as u8,
                with_data: data,
            },
            _ => return Err(Malformed::UnknownType { fmt, ty }),
        };
        let (requester, tag) = match &kind {
            Kind::Completion { .. } => ((dws[2] >> 16) as u16, (dws[2] >> 8) as u8),
            _ => (requester, tag),
        };
        let mut t = Tlp {
            kind,
            requester,
            tag,
            traffic_class: ((dw0 >> 20) & 7) as u8,
            attr: (((dw0 >> 16) & 4) | ((dw0 >> 12) & 3)) as u8,
            poisoned: dw0 & (1 << 14) != 0,
            length,
            first_be,
            last_be,
            data: dws[header..].to_vec(),
            message_header: [0; 2],
        };
        match &t.kind {
            Kind::Message { .. } => {
                t.first_be = 0;
                t.last_be = 0;
                t.message_header = [dws[2], dws[3]];
            }
            Kind::Completion { .. } => {
                t.first_be = 0;
                t.last_be = 0;
                if !data {
                    t.length = 0;
                }
            }
            Kind::MemRead { address } | Kind::MemWrite { address } => {
                // Byte enables: one-DW requests have last_be 0; longer ones need a non-zero
                // last_be and a first_be.
                if (length == 1 && last_be != 0) || (length > 1 && (first_be == 0 || last_be == 0))
                {
                    return Err(Malformed::BadByteEnables);
                }
                if (address & 0xfff) + 4 * length as u64 > 0x1000 {
                    return Err(Malformed::CrossesFourKiB);
                }
            }
            Kind::CfgRead { .. }
            | Kind::CfgWrite { .. }
            | Kind::IoRead { .. }
            | Kind::IoWrite { .. } => {
                if length != 1 || last_be != 0 {
                    return Err(Malformed::BadByteEnables);
                }
            }
        }
        Ok(t)
    }

    /// The TLP as stream beats.
    pub fn beats(&self) -> Vec<Beat> {
        to_beats(&self.encode())
    }
}

/// One beat of a card TLP stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Beat {
    /// Earlier DW in bits 63:32.
    pub data: u64,
    pub sop: bool,
    pub eop: bool,
    /// Only bits 63:32 belong to the TLP (last beat of an odd number of DWs).
    pub upper_only: bool,
}

/// Cut wire-order DWs into beats.
pub fn to_beats(dws: &[u32]) -> Vec<Beat> {
    let n = dws.len().div_ceil(2);
    (0..n)
        .map(|i| {
            let hi = dws[2 * i] as u64;
            let lo = dws.get(2 * i + 1).copied();
            Beat {
                data: (hi << 32) | lo.unwrap_or(0) as u64,
                sop: i == 0,
                eop: i + 1 == n,
                upper_only: lo.is_none(),
            }
        })
        .collect()
}

/// Join beats (one TLP, `sop` first, `eop` last) back into DWs.
pub fn from_beats(beats: &[Beat]) -> Vec<u32> {
    let mut dws = Vec::new();
    for b in beats {
        dws.push((b.data >> 32) as u32);
        if !(b.eop && b.upper_only) {
            dws.push(b.data as u32);
        }
    }
    dws
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_header_dw_of_every_type_matches_the_spec_encoding() {
        let r = bdf(0, 0, 0);
        let f0 = bdf(1, 0, 0);
        assert_eq!(Tlp::cfg_read(r, 1, f0, 0, 0xf).encode()[0], 0x0400_0001);
        assert_eq!(Tlp::cfg_write(r, 1, f0, 4, 0xf, 0).encode()[0], 0x4400_0001);
        assert_eq!(
            Tlp::mem_read(r, 2, 0x1000, 1, 0xf, 0).encode()[0],
            0x0000_0001
        );
        assert_eq!(
            Tlp::mem_read(r, 2, 0x1_0000_1000, 1, 0xf, 0).encode()[0],
            0x2000_0001
        );
        assert_eq!(
            Tlp::mem_write(r, 0x1000, &[1, 2, 3, 4]).encode()[0],
            0x4000_0001
        );
        assert_eq!(
            Tlp::mem_write(r, 0x1_0000_1000, &[1, 2, 3, 4]).encode()[0],
            0x6000_0001
        );
        assert_eq!(
            Tlp::completion(f0, r, 1, CplStatus::UnsupportedRequest, 4, 0).encode()[0],
            0x0a00_0000
        );
        assert_eq!(
            Tlp::completion_data(f0, r, 1, 4, 0, vec![0]).encode()[0],
            0x4a00_0001
        );
    }

    #[test]
    fn configuration_request_carries_bus_device_function_and_register() {
        let t = Tlp::cfg_read(bdf(0, 0, 0), 7, bdf(3, 0, 1), 0x34 / 4, 0x1);
        let dws = t.encode();
        assert_eq!(dws[1], 0x0000_0701, "requester 0, tag 7, first BE 0001");
        assert_eq!(
            dws[2], 0x0301_0034,
            "bus 3 device 0 function 1, register 0x34"
        );
        assert_eq!(Tlp::decode(&dws).unwrap(), t);
    }

    #[test]
    fn register_values_travel_byte_swapped() {
        // Writing 0x0000_0006 (memory space + bus master) to the Command register.
        let t = Tlp::cfg_write(0, 0, bdf(1, 0, 0), 1, 0x3, 0x0000_0006);
        assert_eq!(t.encode()[3], 0x0600_0000, "byte 0 first on the wire");
    }

    #[test]
    fn unaligned_memory_write_gets_the_right_byte_enables() {
        let t = Tlp::mem_write(0x0100, 0x1003, &[0xaa, 0xbb, 0xcc]);
        assert_eq!((t.length, t.first_be, t.last_be), (2, 0b1000, 0b0011));
        assert_eq!(t.data, vec![0x0000_00aa, 0xbbcc_0000]);
        let one = Tlp::mem_write(0x0100, 0x1001, &[0xaa, 0xbb]);
        assert_eq!((one.length, one.first_be, one.last_be), (1, 0b0110, 0));
    }

    #[test]
    fn every_kind_round_trips_through_dwords_and_beats() {
        let tlps = vec![
            Tlp::cfg_read(0, 1, bdf(1, 0, 0), 5, 0xf),
            Tlp::cfg_write(0, 2, bdf(1, 0, 1), 6, 0x3, 0xdead_beef),
            Tlp::mem_read(0x0100, 3, 0xfeb0_0000, 16, 0xf, 0xf),
            Tlp::mem_read(0x0100, 4, 0x1_0000_0040, 1, 0x3, 0),
            Tlp::mem_write(0x0100, 0x2_0000_0002, &[1, 2, 3, 4, 5, 6, 7]),
            Tlp::completion(bdf(1, 0, 0), 0, 9, CplStatus::UnsupportedRequest, 4, 0),
            Tlp::completion_data(bdf(1, 0, 0), 0, 9, 8, 0x40, vec![1, 2]),
        ];
        for t in tlps {
            let dws = t.encode();
            let beats = t.beats();
            assert!(beats[0].sop && beats.last().unwrap().eop);
            assert_eq!(from_beats(&beats), dws);
            assert_eq!(Tlp::decode(&dws).unwrap(), t, "{t:?}");
        }
    }

    #[test]
    fn malformed_tlps_are_recognised() {
        let mut dws = Tlp::mem_write(0, 0x1000, &[1, 2, 3, 4, 5, 6, 7, 8]).encode();
        dws.pop();
        assert!(matches!(
            Tlp::decode(&dws),
            Err(Malformed::LengthMismatch { .. })
        ));
        let crossing = Tlp::mem_read(0, 0, 0x1ff8, 4, 0xf, 0xf).encode();
        assert_eq!(Tlp::decode(&crossing), Err(Malformed::CrossesFourKiB));
        let bad_be = Tlp::mem_read(0, 0, 0x1000, 1, 0xf, 0xf).encode();
        assert_eq!(Tlp::decode(&bad_be), Err(Malformed::BadByteEnables));
        let cfg_two = {
            let mut d = Tlp::cfg_read(0, 0, 0, 0, 0xf).encode();
            d[0] |= 2;
            d
        };
        assert_eq!(Tlp::decode(&cfg_two), Err(Malformed::BadByteEnables));
        assert_eq!(
            Tlp::decode(&[0x0000_8001, 0, 0]),
            Err(Malformed::TlpDigestPresent)
        );
        assert!(matches!(
            Tlp::decode(&[0x1f00_0000, 0, 0]),
            Err(Malformed::UnknownType { .. })
        ));
    }
}
