//! What an Ethernet PHY sees, for the MAC tests (`sim/tests/eth_mac.rs`, `eth_rgmii.rs`) and
//! the RGMII PHY model: the FCS, a frame as it goes on the wire, and a clause 22 MDIO PHY.

/// IEEE 802.3's FCS of `data`: CRC-32, least significant byte first on the wire.
pub fn fcs(data: &[u8]) -> [u8; 4] {
    crc32fast::hash(data).to_le_bytes()
}

/// What the wire carries for `frame`: preamble and SFD, the frame padded to 60, its FCS.
pub fn on_wire(frame: &[u8]) -> Vec<u8> {
    let mut d = frame.to_vec();
    d.resize(d.len().max(60), 0);
    let f = fcs(&d);
    let mut w = vec![0x55; 7];
    w.push(0xd5);
    w.extend_from_slice(&d);
    w.extend_from_slice(&f);
    w
}

/// A clause 22 PHY at `addr` on the MDIO line: answers reads of register 1 with `bmsr` (other
/// registers read 0) and counts the reads it answered.
pub struct MdioPhy {
    pub addr: u8,
    pub bmsr: u16,
    pub reads: u32,
    last_mdc: bool,
    history: u64,
    /// Bits still to drive after the address phase: (bit index, value).
    drive: Option<(u32, u32)>,
    out: Option<bool>,
}

impl MdioPhy {
    pub fn new(addr: u8, bmsr: u16) -> Self {
        MdioPhy {
            addr,
            bmsr,
            reads: 0,
            last_mdc: false,
            history: 0,
            drive: None,
            out: None,
        }
    }

    /// The line as both ends see it: the MAC's bit while it drives (`mac`), else the PHY's,
    /// else the pull-up.
    pub fn line(&self, mac: Option<bool>) -> bool {
        mac.unwrap_or(self.out.unwrap_or(true))
    }

    /// Called every core cycle with MDC and the line; acts on MDC's rising edge (the PHY
    /// samples there and changes its own output after it, for the next bit).
    pub fn step(&mut self, mdc: bool, line: bool) {
        let rising = mdc && !self.last_mdc;
        self.last_mdc = mdc;
        if !rising {
            return;
        }
        if let Some((k, v)) = self.drive {
            let next = k + 1;
            self.out = match next {
                1 => Some(false), // turnaround: the second bit is 0
                2..=17 => Some(v >> (17 - next) & 1 == 1),
                _ => None,
            };
            self.drive = if next <= 17 { Some((next, v)) } else { None };
            return;
        }
        self.history = self.history << 1 | line as u64;
        // 32 ones of preamble, ST 01, OP 10 (read), PHYAD, REGAD: the last 14 bits
        let h = (self.history & 0x3fff) as u32;
        let pre = (self.history >> 14) & 0xffff_ffff == 0xffff_ffff;
        if pre && h >> 10 == 0b0110 && (h >> 5 & 31) as u8 == self.addr {
            let v = if h & 31 == 1 { self.bmsr as u32 } else { 0 };
            self.reads += 1;
            // this edge sampled REGAD's last bit; the next is the turnaround's first (released)
            self.drive = Some((0, v));
            self.out = None;
            self.history = 0;
        }
    }
}
