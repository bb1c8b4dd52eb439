//! [`MacSide`]: the Rust side of a net device's two MAC-side frame ports (`txf_*` out of the
//! device, `rxf_*` into it), as the simulation serves them.
//!
//! | mode | what happens to a frame the device sends |
//! |---|---|
//! | collect (default) | kept in [`MacSide::sent`] for the test to check (a scripted peer: the test answers with [`MacSide::inject`]) |
//! | `loopback` | also queued straight back into the receive port |
//! | `tap` | also written to a Linux TAP interface; frames the kernel sends on it are queued into the receive port ([`crate::tap`]) |
//!
//! The receive port takes one beat a cycle and is never stalled (a MAC cannot wait): the
//! side asserts that the device's `rxf_ready` is high. Frames go in no faster than 1 GbE
//! line rate at a 125 MHz core clock (`line_rate`, on by default): one byte a cycle, so a
//! frame of `n` bytes starts `max(n, 60) + 24` cycles after the one before (4 bytes of FCS,
//! 8 of preamble, 12 of gap, as on the wire); at another core clock (`core_mhz`) the same
//! 8 ns a byte in that clock's cycles, fractions carried. Without it frames go back to back
//! at 8 bytes a cycle, faster than any port the card has. `txf_ready` stalls at random with
//! probability `stall` from the caller's seeded generator.

use crate::tap::Tap;
use std::collections::VecDeque;

/// What the side drives into the device this cycle.
#[derive(Clone, Copy, Debug)]
pub struct MacInputs {
    pub txf_ready: bool,
    /// A receive beat: data, valid bytes (1..=8), last.
    pub rx: Option<(u64, usize, bool)>,
    /// With the last beat: the MAC found the frame bad (`rxf_err`).
    pub rx_err: bool,
}

pub struct MacSide {
    /// Frames the device sent, oldest first.
    pub sent: VecDeque<Vec<u8>>,
    /// Frames waiting for the receive port, and whether each is marked bad.
    to_rx: VecDeque<(Vec<u8>, bool)>,
    rx_beat: usize,
    tx_frame: Vec<u8>,
    /// Sent frames go straight back into the receive port.
    pub loopback: bool,
    /// Sent frames go to this TAP interface too, and its frames come in.
    pub tap: Option<Tap>,
    /// Frames received so far (all modes).
    pub frames_in: u64,
    /// Frames sent so far (all modes).
    pub frames_out: u64,
    /// Cycles until the TAP is polled again (reads are system calls: not every cycle).
    poll_in: u32,
    /// Pace received frames at 1 GbE line rate (see the module's doc).
    pub line_rate: bool,
    /// The core clock the cycles count, in MHz (default 125), for the line-rate pacing.
    pub core_mhz: u64,
    /// Cycles before the next frame may start.
    rx_wait: u32,
    /// Fractional cycles of the pacing carried to the next frame (thousandths).
    rx_carry_milli: u64,
}

impl Default for MacSide {
    fn default() -> Self {
        MacSide {
            sent: VecDeque::new(),
            to_rx: VecDeque::new(),
            rx_beat: 0,
            tx_frame: Vec::new(),
            loopback: false,
            tap: None,
            frames_in: 0,
            frames_out: 0,
            poll_in: 0,
            line_rate: true,
            core_mhz: 125,
            rx_wait: 0,
            rx_carry_milli: 0,
        }
    }
}

impl MacSide {
    /// A frame into the receive port, after those already waiting.
    pub fn inject(&mut self, frame: Vec<u8>) {
        self.to_rx.push_back((frame, false));
    }

    /// A frame the MAC marks bad (a bad FCS): `rxf_err` with its last beat.
    pub fn inject_bad(&mut self, frame: Vec<u8>) {
        self.to_rx.push_back((frame, true));
    }

    /// Frames not yet fully given to the receive port.
    pub fn rx_waiting(&self) -> usize {
        self.to_rx.len()
    }

    /// This cycle's inputs; `txf_ready` is the caller's (random) choice.
    pub fn inputs(&mut self, txf_ready: bool) -> MacInputs {
        if let Some(t) = &mut self.tap {
            if self.poll_in == 0 {
                self.poll_in = 64;
                while let Some(f) = t.recv() {
                    self.to_rx.push_back((f, false));
                }
            } else {
                self.poll_in -= 1;
            }
        }
        if self.rx_wait > 0 {
            self.rx_wait -= 1;
            return MacInputs {
                txf_ready,
                rx: None,
                rx_err: false,
            };
        }
        let rx = self.to_rx.front().map(|(f, _)| {
            let k = self.rx_beat;
            let n = (f.len() - 8 * k).min(8);
            let mut b = [0u8; 8];
            b[..n].copy_from_slice(&f[8 * k..8 * k + n]);
            (u64::from_le_bytes(b), n, 8 * k + n == f.len())
        });
        let rx_err = matches!(rx, Some((_, _, true))) && self.to_rx.front().is_some_and(|x| x.1);
        MacInputs {
            txf_ready,
            rx,
            rx_err,
        }
    }

    /// What the device did with this cycle's inputs: `rxf_ready` and the transmit beat it
    /// offered (data, bytes, last), if any.
    pub fn observe(&mut self, i: &MacInputs, rxf_ready: bool, tx: Option<(u64, usize, bool)>) {
        if let Some((_, _, last)) = i.rx {
            assert!(rxf_ready, "the receive port never stalls");
            if last {
                let n: usize = self.to_rx.pop_front().map_or(0, |f| f.0.len());
                if self.line_rate {
                    // the frame's wire bytes at 8 ns each, less the beats it took to enter
                    let milli = (n.max(60) + 24) as u64 * self.core_mhz * 8 + self.rx_carry_milli;
                    self.rx_carry_milli = milli % 1000;
                    self.rx_wait = (milli / 1000).saturating_sub(n.div_ceil(8) as u64) as u32;
                }
                self.rx_beat = 0;
                self.frames_in += 1;
            } else {
                self.rx_beat += 1;
            }
        }
        if let (true, Some((d, n, last))) = (i.txf_ready, tx) {
            assert!(
                (1..=8).contains(&n) && (last || n == 8),
                "a full beat but the last"
            );
            self.tx_frame.extend_from_slice(&d.to_le_bytes()[..n]);
            if last {
                let f = std::mem::take(&mut self.tx_frame);
                self.frames_out += 1;
                if self.loopback {
                    self.to_rx.push_back((f.clone(), false));
                }
                if let Some(t) = &mut self.tap {
                    t.send(&f);
                }
                self.sent.push_back(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cycles the side takes to give `frames` frames of `len` bytes to a receive port that
    /// never stalls.
    fn cycles_for(core_mhz: u64, frames: usize, len: usize) -> u64 {
        let mut m = MacSide {
            core_mhz,
            ..Default::default()
        };
        for _ in 0..frames {
            m.inject(vec![0u8; len]);
        }
        let mut cycles = 0;
        while m.frames_in < frames as u64 || m.rx_wait > 0 {
            let i = m.inputs(true);
            m.observe(&i, true, None);
            cycles += 1;
        }
        cycles
    }

    #[test]
    fn received_frames_are_paced_at_8_ns_a_wire_byte_at_any_core_clock() {
        // 100 frames of 1514 bytes: 1538 wire bytes each (FCS, preamble, gap), 12.304 us
        assert_eq!(cycles_for(125, 100, 1514), 100 * 1538);
        assert_eq!(cycles_for(100, 100, 1514), 100 * 1538 * 8 / 10);
        // short frames are padded to 60 bytes: 84 wire bytes, 67.2 cycles at 100 MHz
        assert_eq!(cycles_for(100, 10, 20), 672);
    }
}
