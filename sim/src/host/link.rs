//! The link-rate serialiser: how many core clock cycles (125 MHz unless `core_mhz` says
//! otherwise) a TLP occupies a PCIe x1 link, counting what the data link and physical layers
//! add to every TLP.
//!
//! | per TLP | bytes |
//! |---|---|
//! | STP framing symbol + sequence number | 1 + 2 |
//! | header and payload | 4 per DW |
//! | LCRC + END framing symbol | 4 + 1 |
//! | DLLP share: an Ack and an UpdateFC (8 bytes each with framing) every `tlps_per_dllp_pair` TLPs | 16 / n |
//!
//! Then SKP ordered sets (4 symbols every 1180 symbol times at most, PCIe 4.2.7) scale the
//! total. Gen1 moves one byte every 4 ns (2.5 GT/s, 8b/10b), Gen2 every 2 ns: 0.5 and 0.25
//! cycles a byte of a 125 MHz core clock (0.4 and 0.2 at 100 MHz). The serialiser keeps
//! fractions, so a long run adds up exactly.

/// PCIe generation of an x1 link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkRate {
    Gen1,
    Gen2,
    /// No serialisation: a TLP takes no link time (functional tests).
    Unlimited,
}

#[derive(Clone, Debug)]
pub struct Link {
    pub rate: LinkRate,
    /// TLPs per Ack + UpdateFC pair of DLLPs (default 4).
    pub tlps_per_dllp_pair: u32,
    /// The core clock the cycles count, in MHz (default 125; `cargo xtask bench net
    /// --core-mhz` changes it to see what a slower card would do).
    pub core_mhz: u64,
    /// Fractional cycles carried over between TLPs (in 1/1000 cycles).
    carry_milli: u64,
}

/// Framing, sequence number and LCRC bytes of one TLP.
pub const TLP_OVERHEAD_BYTES: u64 = 1 + 2 + 4 + 1;
/// One DLLP with its framing.
pub const DLLP_BYTES: u64 = 8;
/// SKP ordered set: 4 symbols per 1180 symbol times.
const SKP_PER_MILLE: u64 = 1000 * 4 / 1180;

impl Link {
    pub fn new(rate: LinkRate) -> Self {
        Link {
            rate,
            tlps_per_dllp_pair: 4,
            core_mhz: 125,
            carry_milli: 0,
        }
    }

    pub fn unlimited() -> Self {
        Self::new(LinkRate::Unlimited)
    }

    /// Link bytes (thousandths) a TLP of `dws` DWs costs, all overheads included.
    pub fn wire_milli_bytes(&self, dws: usize) -> u64 {
        let bytes = 4 * dws as u64 + TLP_OVERHEAD_BYTES;
        let milli = bytes * 1000 + 2 * DLLP_BYTES * 1000 / self.tlps_per_dllp_pair as u64;
        milli + milli * SKP_PER_MILLE / 1000
    }

    /// Core cycles per link byte, in thousandths: ns a byte times the clock in GHz.
    fn milli_cycles_per_byte(&self) -> u64 {
        let ns_per_byte = match self.rate {
            LinkRate::Gen1 => 4,
            LinkRate::Gen2 => 2,
            LinkRate::Unlimited => 0,
        };
        ns_per_byte * self.core_mhz
    }

    /// Core cycles the next TLP of `dws` DWs occupies the link (whole cycles; the remainder
    /// carries to the next TLP).
    pub fn cycles(&mut self, dws: usize) -> u64 {
        let milli =
            self.wire_milli_bytes(dws) * self.milli_cycles_per_byte() / 1000 + self.carry_milli;
        self.carry_milli = milli % 1000;
        milli / 1000
    }

    /// The most payload bytes per second the link can carry in TLPs with `payload` bytes
    /// each and `header_dws` header DWs: the ceiling benchmarks compare with.
    pub fn payload_ceiling(&self, payload: usize, header_dws: usize) -> f64 {
        let per_byte_ns = match self.rate {
            LinkRate::Gen1 => 4.0,
            LinkRate::Gen2 => 2.0,
            LinkRate::Unlimited => return f64::INFINITY,
        };
        let wire = self.wire_milli_bytes(header_dws + payload.div_ceil(4)) as f64 / 1000.0;
        payload as f64 / (wire * per_byte_ns * 1e-9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gen1_memory_write_of_one_dw_costs_its_bytes_plus_framing() {
        let l = Link::new(LinkRate::Gen1);
        // 3 header DWs + 1 data DW = 16 bytes, + 8 framing/sequence/LCRC, + 4 DLLP share.
        let bytes = 16 + 8 + 4;
        assert_eq!(
            l.wire_milli_bytes(4),
            bytes * 1000 + bytes * 1000 * 3 / 1000
        );
    }

    #[test]
    fn gen2_is_twice_gen1_and_fractions_carry() {
        let mut g1 = Link::new(LinkRate::Gen1);
        let mut g2 = Link::new(LinkRate::Gen2);
        let n = 1000;
        let c1: u64 = (0..n).map(|_| g1.cycles(4 + 32)).sum();
        let c2: u64 = (0..n).map(|_| g2.cycles(4 + 32)).sum();
        assert!((c1 as i64 - 2 * c2 as i64).abs() <= 1, "{c1} vs {c2}");
        let exact = Link::new(LinkRate::Gen1).wire_milli_bytes(36) * n / 2 / 1000;
        assert!((c1 as i64 - exact as i64).abs() <= 1);
    }

    #[test]
    fn a_slower_core_clock_counts_fewer_cycles_for_the_same_link_time() {
        let mut at125 = Link::new(LinkRate::Gen1);
        let mut at100 = Link::new(LinkRate::Gen1);
        at100.core_mhz = 100;
        let n = 1000;
        let c125: u64 = (0..n).map(|_| at125.cycles(4 + 64)).sum();
        let c100: u64 = (0..n).map(|_| at100.cycles(4 + 64)).sum();
        // the same nanoseconds: cycles scale with the clock
        assert!(
            (c125 as i64 * 100 - c100 as i64 * 125).abs() <= 125,
            "{c125} vs {c100}"
        );
        assert_eq!(at125.milli_cycles_per_byte(), 500);
        assert_eq!(at100.milli_cycles_per_byte(), 400);
    }

    #[test]
    fn the_gen1_ceiling_for_128_byte_writes_is_below_250_mb_per_s() {
        let l = Link::new(LinkRate::Gen1);
        let c = l.payload_ceiling(128, 4);
        // 128 / (128 + 16 + 8 + 4) bytes, less SKP: about 204 MB/s.
        assert!(c > 200e6 && c < 206e6, "{c}");
    }
}
