//! The 1 GbE MAC's blocks (`eth_mac` top: GMII transmit, GMII receive, the MDIO link reader)
//! through Verilator. The FCS is checked against `crc32fast` (IEEE 802.3's CRC-32); the PHY
//! on MDIO is a Rust model of a clause 22 PHY at address 1.

mod common;

use common::rng;
use ferrio_hdl::device::net::NetConfig;
use ferrio_sim::eth_wire::{fcs, on_wire, MdioPhy as Phy};
use ferrio_sim::models::EthMac;
use rand::Rng;
use std::collections::VecDeque;

fn mac() -> EthMac {
    let mut m = EthMac::new();
    m.reset(4);
    m
}

/// Drive `frames` into `txf` (random gaps between frames) and collect the GMII output: the
/// bytes of each TX_EN run and the idle cycles before it.
fn transmit(m: &mut EthMac, r: &mut impl Rng, frames: &[Vec<u8>]) -> Vec<(Vec<u8>, u64)> {
    // (data, bytes, last, first): the device's transmit FIFO holds whole frames, so beats
    // are withheld only before a frame's first
    let mut beats: VecDeque<(u64, usize, bool, bool)> = VecDeque::new();
    for f in frames {
        for (k, c) in f.chunks(8).enumerate() {
            let mut b = [0u8; 8];
            b[..c.len()].copy_from_slice(c);
            beats.push_back((
                u64::from_le_bytes(b),
                c.len(),
                8 * k + c.len() == f.len(),
                k == 0,
            ));
        }
    }
    let mut runs = Vec::new();
    let (mut cur, mut idle, mut in_run) = (Vec::new(), 0u64, false);
    let mut cycles = 0;
    while runs.len() < frames.len() {
        cycles += 1;
        assert!(cycles < 100_000, "transmit hung");
        let offer = beats.front().copied().filter(|b| !b.3 || r.gen_bool(0.5));
        let (d, n, l, _) = offer.unwrap_or((0, 0, false, false));
        m.set_txf_valid(offer.is_some() as u64);
        m.set_txf_data(d);
        m.set_txf_bytes(n as u64);
        m.set_txf_last(l as u64);
        m.settle();
        if offer.is_some() && m.txf_ready() == 1 {
            beats.pop_front();
        }
        assert_eq!(m.gmii_tx_er(), 0, "no underrun when beats are waiting");
        if m.gmii_tx_en() == 1 {
            if !in_run {
                in_run = true;
                cur = Vec::new();
            }
            cur.push(m.gmii_txd() as u8);
        } else if in_run {
            in_run = false;
            runs.push((std::mem::take(&mut cur), idle));
            idle = 0;
        } else {
            idle += 1;
        }
        m.tick(1);
    }
    runs
}

#[test]
fn net_mac_transmit_sends_preamble_frame_padding_fcs_and_a_twelve_byte_gap() {
    let mut m = mac();
    let mut r = rng("eth tx");
    let mut frames = Vec::new();
    for k in 0..40 {
        let len = match k {
            0 => 14,
            1 => 59,
            2 => 60,
            3 => 1518,
            _ => r.gen_range(14..=1518),
        };
        frames.push((0..len).map(|_| r.gen::<u8>()).collect::<Vec<u8>>());
    }
    let runs = transmit(&mut m, &mut r, &frames);
    for (k, ((w, idle), f)) in runs.iter().zip(&frames).enumerate() {
        assert_eq!(w, &on_wire(f), "frame {k} of {} bytes on the wire", f.len());
        if k > 0 {
            assert!(
                *idle >= 12,
                "frame {k}: {idle} idle byte times before it, 12 at least"
            );
        }
    }
    assert_eq!(m.tx_frames(), 40);
}

/// Drive `wire` (preamble onwards) on GMII with `er_at` raising RX_ER at that byte, then 12
/// idle cycles; collect the `rxf` beats.
fn receive(m: &mut EthMac, wire: &[u8], er_at: Option<usize>) -> Vec<(u64, usize, bool, bool)> {
    let mut out = Vec::new();
    for k in 0..wire.len() + 20 {
        let on = k < wire.len();
        m.set_gmii_rx_dv(on as u64);
        m.set_gmii_rxd(if on { wire[k] as u64 } else { 0 });
        m.set_gmii_rx_er((er_at == Some(k)) as u64);
        m.settle();
        if m.rxf_valid() == 1 {
            out.push((
                m.rxf_data(),
                m.rxf_bytes() as usize,
                m.rxf_last() == 1,
                m.rxf_err() == 1,
            ));
        }
        m.tick(1);
    }
    out
}

/// The frame the beats carry and whether it was marked bad.
fn frame_of(beats: &[(u64, usize, bool, bool)]) -> (Vec<u8>, bool) {
    let mut f = Vec::new();
    for (k, &(d, n, last, err)) in beats.iter().enumerate() {
        assert_eq!(last, k + 1 == beats.len(), "`last` on the last beat only");
        assert!(last || n == 8, "full beats but the last");
        f.extend_from_slice(&d.to_le_bytes()[..n]);
        if last {
            return (f, err);
        }
    }
    panic!("no last beat");
}

#[test]
fn net_mac_receive_checks_the_fcs_and_hands_over_the_frame_without_it() {
    let mut m = mac();
    let mut r = rng("eth rx");
    let max = NetConfig::default().max_frame() as usize;
    for k in 0..30 {
        let len = match k {
            0 => 60,
            1 => max,
            _ => r.gen_range(60..=max),
        };
        let f: Vec<u8> = (0..len).map(|_| r.gen()).collect();
        let (got, err) = frame_of(&receive(&mut m, &on_wire(&f), None));
        assert_eq!(
            (got, err),
            (f.clone(), false),
            "frame {k}: {len} bytes, FCS stripped"
        );
        // one flipped bit anywhere after the SFD: marked bad
        let mut w = on_wire(&f);
        let at = r.gen_range(8..w.len());
        w[at] ^= 1 << r.gen_range(0..8);
        let (_, err) = frame_of(&receive(&mut m, &w, None));
        assert!(err, "frame {k}: a flipped bit fails the FCS");
    }
    let f: Vec<u8> = (0..100).map(|_| r.gen()).collect();
    let (_, err) = frame_of(&receive(&mut m, &on_wire(&f), Some(40)));
    assert!(err, "RX_ER inside the frame marks it bad");
    // too long and too short (a good FCS all the same)
    let long: Vec<u8> = (0..max + 1).map(|_| r.gen()).collect();
    let (_, err) = frame_of(&receive(&mut m, &on_wire(&long), None));
    assert!(err, "one byte over MTU + 18 marked bad");
    let mut short = vec![0x55; 7];
    short.push(0xd5);
    let d: Vec<u8> = (0..40).map(|_| r.gen()).collect();
    short.extend_from_slice(&d);
    short.extend_from_slice(&fcs(&d));
    let (_, err) = frame_of(&receive(&mut m, &short, None));
    assert!(err, "a runt (40 bytes) marked bad");
    assert_eq!(m.rx_frames(), 30);
    assert_eq!(m.rx_bad(), 33);
}

#[test]
fn net_mac_transmit_looped_into_receive_gives_back_every_frame() {
    let mut m = mac();
    let mut r = rng("eth loop");
    let frames: Vec<Vec<u8>> = (0..20)
        .map(|_| {
            let len = r.gen_range(14..=1518);
            (0..len).map(|_| r.gen()).collect()
        })
        .collect();
    let runs = transmit(&mut m, &mut r, &frames);
    for (k, ((w, _), f)) in runs.iter().zip(&frames).enumerate() {
        let (got, err) = frame_of(&receive(&mut m, w, None));
        let mut want = f.clone();
        want.resize(f.len().max(60), 0);
        assert_eq!(
            (got, err),
            (want, false),
            "frame {k} back (short ones padded)"
        );
    }
}

/// The MAC's MDIO output while it drives the line.
fn drive(m: &mut EthMac) -> Option<bool> {
    (m.mdio_oe() == 1).then(|| m.mdio_o() == 1)
}

fn run_mdio(m: &mut EthMac, phy: &mut Phy, cycles: u64) {
    for _ in 0..cycles {
        m.settle();
        let line = phy.line(drive(m));
        m.set_mdio_i(line as u64);
        m.settle();
        let line = phy.line(drive(m));
        phy.step(m.mdc() == 1, line);
        m.tick(1);
    }
}

#[test]
fn net_mac_mdio_reads_the_phys_link_status() {
    let mut m = mac();
    let mut phy = Phy::new(1, 0x796d); // link up, autonegotiation complete
    run_mdio(&mut m, &mut phy, 2 * (64 * 8 + 64));
    assert!(phy.reads >= 1, "the PHY saw a read of its address");
    assert_eq!(m.bmsr(), 0x796d, "BMSR read back bit for bit");
    assert_eq!(m.link_up(), 1, "link up");
    phy.bmsr = 0x7969; // link down
    run_mdio(&mut m, &mut phy, 2 * (64 * 8 + 64));
    assert_eq!(m.link_up(), 0, "link down follows");
    phy.bmsr = 0x796d;
    run_mdio(&mut m, &mut phy, 2 * (64 * 8 + 64));
    assert_eq!(m.link_up(), 1, "and up again");
    // no PHY at address 1: the line stays at its pull-up, all ones; not a link
    let mut absent = Phy::new(2, 0x796d);
    run_mdio(&mut m, &mut absent, 2 * (64 * 8 + 64));
    assert_eq!(absent.reads, 0);
    assert_eq!(m.bmsr(), 0xffff);
    assert_eq!(m.link_up(), 0, "0xffff is no PHY, not a link");
}

#[test]
fn net_mac_a_late_beat_spoils_the_frame_with_tx_er_and_the_next_goes_out_whole() {
    let mut m = mac();
    let mut r = rng("eth under");
    // the first beat of a 100-byte frame, then nothing for 40 cycles
    let f: Vec<u8> = (0..100).map(|_| r.gen()).collect();
    let mut er = 0;
    let mut word = [0u8; 8];
    word.copy_from_slice(&f[..8]);
    m.set_txf_valid(1);
    m.set_txf_data(u64::from_le_bytes(word));
    m.set_txf_bytes(8);
    m.set_txf_last(0);
    // (after reset the transmitter waits out one inter-frame gap)
    let mut waited = 0;
    loop {
        m.settle();
        if m.txf_ready() == 1 {
            break;
        }
        waited += 1;
        assert!(waited < 20, "the first beat is taken");
        m.tick(1);
    }
    m.tick(1);
    m.set_txf_valid(0);
    for _ in 0..40 {
        m.settle();
        er += m.gmii_tx_er();
        m.tick(1);
    }
    assert_eq!(er, 1, "TX_ER marks the spoilt frame");
    assert_eq!(m.tx_underruns(), 1);
    // the rest of the late frame is dropped, then a whole frame goes out
    let mut rest: Vec<Vec<u8>> = vec![f[8..].to_vec()];
    let g: Vec<u8> = (0..80).map(|_| r.gen()).collect();
    rest.push(g.clone());
    let runs = transmit_raw(&mut m, &rest, 1);
    assert_eq!(runs[0].0, on_wire(&g), "the next frame whole");
    assert_eq!(m.tx_frames(), 1);
}

/// Offer `frames` as beats (the first frame's first beat not marked first: a continuation)
/// and collect `want` TX_EN runs.
fn transmit_raw(m: &mut EthMac, frames: &[Vec<u8>], want: usize) -> Vec<(Vec<u8>, u64)> {
    let mut beats = VecDeque::new();
    for f in frames {
        for (k, c) in f.chunks(8).enumerate() {
            let mut b = [0u8; 8];
            b[..c.len()].copy_from_slice(c);
            beats.push_back((u64::from_le_bytes(b), c.len(), 8 * k + c.len() == f.len()));
        }
    }
    let mut runs = Vec::new();
    let (mut cur, mut in_run) = (Vec::new(), false);
    for _ in 0..20_000 {
        let offer = beats.front().copied();
        let (d, n, l) = offer.unwrap_or((0, 0, false));
        m.set_txf_valid(offer.is_some() as u64);
        m.set_txf_data(d);
        m.set_txf_bytes(n as u64);
        m.set_txf_last(l as u64);
        m.settle();
        if offer.is_some() && m.txf_ready() == 1 {
            beats.pop_front();
        }
        if m.gmii_tx_en() == 1 {
            in_run = true;
            cur.push(m.gmii_txd() as u8);
        } else if in_run {
            in_run = false;
            runs.push((std::mem::take(&mut cur), 0));
            if runs.len() == want {
                break;
            }
        }
        m.tick(1);
    }
    runs
}
