//! The 1 GbE MAC with its RGMII pads (`eth_rgmii` top: the ECP5 DDR cells' models, the receive
//! clock crossing, the PHY reset and MDIO) and the Ethernet echo board top (`eth_echo_sim`),
//! through Verilator against the RGMII PHY model of `ferrio_sim::rgmii_phy`: two clocks on one
//! time line, the receive clock faster or slower than the core clock.

mod common;

use common::rng;
use ferrio_sim::eth_wire::on_wire;
use ferrio_sim::models::{EthEchoSim, EthRgmii};
use ferrio_sim::rgmii_phy::RgmiiPhy;
use rand::Rng;

/// 8 ns core clock.
const CORE_HALF: u64 = 4000;

fn frame(r: &mut impl Rng, len: usize) -> Vec<u8> {
    (0..len).map(|_| r.gen()).collect()
}

fn mac() -> EthRgmii {
    let mut m = EthRgmii::new();
    m.reset(4);
    m
}

/// The frames as `txf` beats: (data, bytes, last).
fn beats_of(frames: &[Vec<u8>]) -> std::collections::VecDeque<(u64, usize, bool)> {
    let mut beats = std::collections::VecDeque::new();
    for f in frames {
        for (k, c) in f.chunks(8).enumerate() {
            let mut b = [0u8; 8];
            b[..c.len()].copy_from_slice(c);
            beats.push_back((u64::from_le_bytes(b), c.len(), 8 * k + c.len() == f.len()));
        }
    }
    beats
}

/// Offer the front beat for the next edge (`txf_ready` now is what that edge sees); it is
/// taken off the queue if that edge takes it.
fn offer_tx(m: &mut EthRgmii, beats: &mut std::collections::VecDeque<(u64, usize, bool)>) {
    match beats.front() {
        Some(&(d, b, l)) => {
            m.set_txf_valid(1);
            m.set_txf_data(d);
            m.set_txf_bytes(b as u64);
            m.set_txf_last(l as u64);
            if m.txf_ready() == 1 {
                beats.pop_front();
            }
        }
        None => m.set_txf_valid(0),
    }
}

/// Beats leaving `rxf` while `phy` runs `cycles`: (frame bytes, rxf_err), one per last beat.
fn collect_rx(m: &mut EthRgmii, phy: &mut RgmiiPhy, want: usize, max: u64) -> Vec<(Vec<u8>, bool)> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    phy.run_until(m, max, |_, m| {
        if m.rxf_valid() == 1 {
            let n = m.rxf_bytes() as usize;
            cur.extend_from_slice(&m.rxf_data().to_le_bytes()[..n]);
            if m.rxf_last() == 1 {
                out.push((std::mem::take(&mut cur), m.rxf_err() == 1));
            }
        }
        out.len() >= want
    });
    out
}

#[test]
fn net_rgmii_receive_crosses_from_the_phys_clock_faster_or_slower_than_the_core() {
    let mut r = rng("net_rgmii_receive");
    // receive clock half periods: 100 ppm fast and slow (the crystal tolerance), and 2 % slow
    // (the core reads faster than bytes come: the crossing runs empty inside frames)
    for rx_half in [3999u64, 4001, 4080] {
        let mut m = mac();
        let mut phy = RgmiiPhy::new(CORE_HALF, rx_half, 1, 0x796d);
        let frames: Vec<Vec<u8>> = [60usize, 61, 64, 333, 1514, 1518, 100]
            .iter()
            .map(|&n| frame(&mut r, n))
            .collect();
        for f in &frames {
            phy.send(&on_wire(f), None);
        }
        let got = collect_rx(&mut m, &mut phy, frames.len(), 60_000);
        assert_eq!(
            got.len(),
            frames.len(),
            "rx half period {rx_half} ps: every frame arrives"
        );
        for (i, (f, (g, err))) in frames.iter().zip(&got).enumerate() {
            assert!(!err, "rx {rx_half} ps, frame {i}: good verdict");
            let mut want = f.clone();
            want.resize(want.len().max(60), 0);
            assert_eq!(g, &want, "rx {rx_half} ps, frame {i}: every byte, in order");
        }
        phy.run(&mut m, 8); // the counters cross into the card's clock
        assert_eq!(m.rx_frames(), frames.len() as u64);
        assert_eq!(m.rx_bad(), 0);
        assert_eq!(
            m.rx_overflows(),
            0,
            "at these clocks the crossing never fills"
        );
    }
}

#[test]
fn net_rgmii_rx_er_and_a_bad_fcs_across_the_pads_fail_the_frame_and_the_next_passes() {
    let mut r = rng("net_rgmii_rx_er");
    let mut m = mac();
    let mut phy = RgmiiPhy::new(CORE_HALF, 4001, 1, 0x796d);
    let a = frame(&mut r, 200);
    let b = frame(&mut r, 200);
    let c = frame(&mut r, 200);
    phy.send(&on_wire(&a), Some(100)); // RX_ER on a data byte: the falling half's ctl differs
    let mut wb = on_wire(&b);
    let k = wb.len() - 1;
    wb[k] ^= 0x10; // a bad FCS
    phy.send(&wb, None);
    phy.send(&on_wire(&c), None);
    let got = collect_rx(&mut m, &mut phy, 3, 20_000);
    assert_eq!(got.len(), 3);
    assert!(got[0].1, "RX_ER marks the frame");
    assert!(got[1].1, "a bad FCS marks the frame");
    assert!(!got[2].1, "the next frame is good");
    assert_eq!(got[2].0, c);
    phy.run(&mut m, 8); // the counters cross into the card's clock
    assert_eq!((m.rx_frames(), m.rx_bad()), (1, 2));
}

#[test]
fn net_rgmii_a_receive_clock_far_too_fast_overflows_the_crossing_and_no_frame_passes_with_a_hole() {
    let mut r = rng("net_rgmii_overflow");
    // 2.5-6 % fast: a 1514-byte frame brings 40-90 bytes more than the core reads in its
    // time, more than the 16-entry crossing holds; a 60-byte frame brings at most 5 and fits.
    // Several clock ratios and lengths, so the overflow also hits the frame's last bytes and
    // its end marker.
    for (i, rx_half) in [3800u64, 3777, 3811, 3850, 3903, 3761].iter().enumerate() {
        let mut m = mac();
        let mut phy = RgmiiPhy::new(CORE_HALF, *rx_half, 1, 0x796d);
        let long = frame(&mut r, 1500 + 3 * i);
        let short = frame(&mut r, 60);
        phy.send(&on_wire(&long), None);
        // a long idle gap so the crossing drains before the short frame
        for _ in 0..4 {
            phy.send(&[], None);
        }
        phy.send(&on_wire(&short), None);
        let got = collect_rx(&mut m, &mut phy, 2, 20_000);
        phy.run(&mut m, 8); // the counter crosses into the card's clock
        assert!(
            m.rx_overflows() >= 1,
            "rx {rx_half} ps: the crossing counted its overflow"
        );
        assert_eq!(got.len(), 2, "rx {rx_half} ps: both frames end: {got:?}");
        assert!(
            got[0].1,
            "rx {rx_half} ps: the long frame lost bytes and is marked bad"
        );
        assert!(!got[1].1, "rx {rx_half} ps: the short frame passes");
        assert_eq!(got[1].0, short);
    }
}

#[test]
fn net_rgmii_transmit_nibbles_and_the_forwarded_clock_carry_each_frame_whole() {
    let mut r = rng("net_rgmii_transmit");
    let mut m = mac();
    let mut phy = RgmiiPhy::new(CORE_HALF, 4001, 1, 0x796d);
    let frames: Vec<Vec<u8>> = [14usize, 60, 64, 1514, 200]
        .iter()
        .map(|&n| frame(&mut r, n))
        .collect();
    // offered one frame at a time, whole (as the device's FIFO does)
    let mut beats = beats_of(&frames);
    let n = frames.len();
    phy.run_until(&mut m, 40_000, |phy, m| {
        offer_tx(m, &mut beats);
        phy.tx_frames.len() >= n
    });
    assert!(!phy.tx_clk_wrong, "tx_clk is the core clock forwarded");
    assert_eq!(phy.tx_frames.len(), n, "every frame on the wire");
    phy.run(&mut m, 8); // the counter crosses into the card's clock
    for (i, (f, (w, er))) in frames.iter().zip(&phy.tx_frames).enumerate() {
        assert!(!er, "frame {i}: no TX_ER");
        assert_eq!(
            w,
            &on_wire(f),
            "frame {i}: preamble, SFD, padded frame, FCS"
        );
    }
    assert_eq!(m.tx_frames(), n as u64);
}

#[test]
fn net_rgmii_phy_reset_comes_first_then_mdio_reads_the_link() {
    let mut m = EthRgmii::new();
    m.reset(4);
    let mut phy = RgmiiPhy::new(CORE_HALF, 4001, 1, 0x796d);
    // sim parameters: reset low 16 cycles, 8 more before MDIO (tops::sim_mac_params)
    let mut low = 0;
    let mut mdc_before_ready = false;
    phy.run_until(&mut m, 30, |_, m| {
        if m.phy_rst_n() == 0 {
            low += 1;
        }
        if m.mdc() == 1 {
            mdc_before_ready = true;
        }
        false
    });
    assert!((15..=17).contains(&low), "PHY reset held low {low} cycles");
    assert!(!mdc_before_ready, "no MDIO while the PHY resets");
    assert_eq!(phy.mdio.reads, 0);
    phy.run(&mut m, 2 * (64 * 8 + 64));
    assert!(phy.mdio.reads >= 1, "the PHY at address 1 was read");
    assert_eq!(m.bmsr(), 0x796d);
    assert_eq!(m.link_up(), 1);
    phy.mdio.bmsr = 0x7969;
    phy.run(&mut m, 2 * (64 * 8 + 64));
    assert_eq!(m.link_up(), 0, "link down follows BMSR");
    // a core reset takes the PHY through its reset again
    m.set_reset(1);
    phy.run(&mut m, 2);
    m.set_reset(0);
    phy.run(&mut m, 4);
    assert_eq!(m.phy_rst_n(), 0, "reset again after a core reset");
}

fn echo() -> EthEchoSim {
    let mut e = EthEchoSim::new();
    // the PLL model locks after 32 input cycles; the button is released by reset()
    e.reset(40);
    e
}

#[test]
fn net_eth_echo_board_top_sends_every_good_frame_back_unchanged_and_drops_bad_ones() {
    let mut r = rng("net_eth_echo");
    let mut e = echo();
    let mut phy = RgmiiPhy::new(CORE_HALF, 3999, 1, 0x796d);
    phy.run(&mut e, 40); // the PHY's reset
    let frames: Vec<Vec<u8>> = [60usize, 1514, 64, 400]
        .iter()
        .map(|&n| frame(&mut r, n))
        .collect();
    let bad = frame(&mut r, 300);
    phy.send(&on_wire(&frames[0]), None);
    phy.send(&on_wire(&frames[1]), None);
    let mut wb = on_wire(&bad);
    wb[50] ^= 1;
    phy.send(&wb, None);
    phy.send(&on_wire(&frames[2]), None);
    phy.send(&on_wire(&frames[3]), None);
    let n = frames.len();
    let ok = phy.run_until(&mut e, 60_000, |phy, _| {
        phy.tx_frames.len() >= n && phy.rx_done()
    });
    assert!(ok, "all echoed: {} of {n}", phy.tx_frames.len());
    phy.run(&mut e, 2_000);
    assert_eq!(phy.tx_frames.len(), n, "the bad frame is not echoed");
    for (i, (f, (w, er))) in frames.iter().zip(&phy.tx_frames).enumerate() {
        assert!(!er);
        assert_eq!(w, &on_wire(f), "frame {i} back unchanged");
    }
    assert_eq!(e.stat_echoed(), n as u64);
    assert_eq!(e.stat_dropped(), 1);
    assert_eq!(e.stat_rx_bad(), 1);
    assert_eq!(e.stat_tx_frames(), n as u64);
    // LEDs (active low): link up from MDIO, PHY out of reset; frame toggles flipped
    phy.run(&mut e, 2 * (64 * 8 + 64));
    let led = e.led();
    assert_eq!(led & 1, 0, "led 0 lit: link");
    assert_eq!(led >> 3 & 1, 0, "led 3 lit: PHY out of reset");
    assert_eq!(led >> 2 & 1, 0, "led 2 lit: one bad frame toggled it");
    assert_eq!(led >> 1 & 1, 1, "led 1 dark: four echoes toggled it back");
}

#[test]
fn net_rgmii_a_core_reset_in_the_middle_of_a_frame_empties_the_crossing_and_the_next_frames_pass() {
    let mut r = rng("net_rgmii_reset");
    for cut in [200u64, 700, 1300] {
        let mut m = mac();
        let mut phy = RgmiiPhy::new(CORE_HALF, 3999, 1, 0x796d);
        let long = frame(&mut r, 1514);
        phy.send(&on_wire(&long), None);
        // `cut` cycles into the frame, a short core reset (eight cycles, the shortest the MAC's
        // crossings take; the PHY's clock keeps running)
        phy.run(&mut m, cut);
        m.set_reset(1);
        phy.run(&mut m, 8);
        m.set_reset(0);
        let next: Vec<Vec<u8>> = (0..3).map(|_| frame(&mut r, 100)).collect();
        for f in &next {
            phy.send(&on_wire(f), None);
        }
        // whatever is left of the cut frame comes without a preamble and is dropped; the
        // frames after it arrive whole and good
        let got = collect_rx(&mut m, &mut phy, 3, 20_000);
        let good: Vec<&Vec<u8>> = got.iter().filter(|g| !g.1).map(|g| &g.0).collect();
        assert_eq!(
            good.len(),
            3,
            "cut at {cut}: three good frames after the reset: {got:?}"
        );
        for (g, f) in good.iter().zip(&next) {
            assert_eq!(*g, f, "cut at {cut}: every byte");
        }
    }
}

#[test]
fn net_rgmii_frames_cross_whole_both_ways_with_the_card_clock_slower_or_faster_than_the_macs() {
    let mut r = rng("net_rgmii_two_clocks");
    // the MAC at 125 MHz (4 ns halves), the PHY's receive clock 100 ppm slow; the card at
    // 100 MHz, 150 MHz and 71 MHz
    for core_half in [5000u64, 3333, 7000] {
        let mut m = mac();
        let mut phy = RgmiiPhy::new(core_half, 4001, 1, 0x796d).with_mac_clock(4000);
        // the MAC's side leaves its reset after the card's (the resets cross both ways):
        // frames sent before then are lost, as they would be while the PHY is held in reset
        phy.run(&mut m, 16);
        let rx_frames: Vec<Vec<u8>> = [60usize, 1514, 64, 333, 1518]
            .iter()
            .map(|&n| frame(&mut r, n))
            .collect();
        let tx_frames: Vec<Vec<u8>> = [1514usize, 14, 60, 200, 1514]
            .iter()
            .map(|&n| frame(&mut r, n))
            .collect();
        for f in &rx_frames {
            phy.send(&on_wire(f), None);
        }
        let mut beats = beats_of(&tx_frames);
        let mut got = Vec::new();
        let mut cur = Vec::new();
        let ok = phy.run_until(&mut m, 80_000, |phy, m| {
            if m.rxf_valid() == 1 {
                let n = m.rxf_bytes() as usize;
                cur.extend_from_slice(&m.rxf_data().to_le_bytes()[..n]);
                if m.rxf_last() == 1 {
                    got.push((std::mem::take(&mut cur), m.rxf_err() == 1));
                }
            }
            offer_tx(m, &mut beats);
            got.len() >= rx_frames.len() && phy.tx_frames.len() >= tx_frames.len()
        });
        assert!(
            ok,
            "card half period {core_half} ps: both directions finish"
        );
        // nothing more arrives (and the counters cross into the card's clock meanwhile)
        let mut extra = 0;
        phy.run_until(&mut m, 2_000, |_, m| {
            extra += m.rxf_valid();
            false
        });
        assert_eq!(
            extra, 0,
            "card {core_half} ps: no beat beyond the frames sent"
        );
        assert_eq!(got.len(), rx_frames.len());
        for (i, (f, (g, err))) in rx_frames.iter().zip(&got).enumerate() {
            assert!(
                !err,
                "card {core_half} ps, received frame {i}: good verdict"
            );
            assert_eq!(g, f, "card {core_half} ps, received frame {i}: every byte");
        }
        assert!(!phy.tx_clk_wrong, "tx_clk is the MAC's clock forwarded");
        for (i, (f, (w, er))) in tx_frames.iter().zip(&phy.tx_frames).enumerate() {
            assert!(!er, "card {core_half} ps, sent frame {i}: no TX_ER");
            assert_eq!(w, &on_wire(f), "card {core_half} ps, sent frame {i}");
        }
        assert_eq!(m.tx_frames(), tx_frames.len() as u64);
        assert_eq!(m.tx_underruns(), 0, "the crossing keeps the MAC fed");
        assert_eq!(m.rx_frames(), rx_frames.len() as u64);
        assert_eq!((m.rx_bad(), m.rx_cdc_drops(), m.rx_overflows()), (0, 0, 0));
    }
}

#[test]
fn net_rgmii_a_card_reset_with_frames_streaming_in_lets_no_frame_through_without_its_start() {
    let mut r = rng("net_rgmii_reset_two_clocks");
    // the card at 16.7 MHz (near the slowest the crossing supports, where the card's side
    // leaves reset latest), the MAC at 125 MHz, the PHY sending minimum-gap frames throughout
    // (the model ignores its reset pin); a reset of eight card cycles, at points that sweep
    // the frames' phase (frame lengths 100-115 bytes, the reset one to eight card cycles
    // later): every good frame that arrives is one that was sent, whole
    for len in 100..116usize {
        for cut in 0..8u64 {
            let mut m = mac();
            let mut phy = RgmiiPhy::new(30_000, 4001, 1, 0x796d).with_mac_clock(4000);
            let frames: Vec<Vec<u8>> = (0..24).map(|_| frame(&mut r, len)).collect();
            for f in &frames {
                phy.send(&on_wire(f), None);
            }
            phy.run(&mut m, 150 + cut);
            m.set_reset(1);
            phy.run(&mut m, 8);
            m.set_reset(0);
            let got = collect_rx(&mut m, &mut phy, frames.len(), 400);
            let good: Vec<&Vec<u8>> = got.iter().filter(|g| !g.1).map(|g| &g.0).collect();
            for g in &good {
                assert!(
                    frames.contains(g),
                    "length {len}, cut {cut}: a good frame that was not sent ({} bytes)",
                    g.len()
                );
            }
            assert!(
                good.len() >= 6,
                "length {len}, cut {cut}: the frames after the reset arrive ({})",
                good.len()
            );
        }
    }
}
