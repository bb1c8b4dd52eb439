//! The virtio-net device (`net_device` top: configuration, queue split, transmit, receive and
//! control engines) through Verilator, with the DMA engine, the queue engine's ports, the
//! driver and the MAC side played by `ferrio_sim::net`. Every DMA access is checked against
//! the buffers the driver posted.

mod common;

use common::rng;
use ferrio_hdl::device::net::{ctrl_cmd as c, NetConfig, S_LINK_UP};
use ferrio_sim::net::{Negotiated, NetBench};
use rand::Rng;

fn bench(test: &str) -> NetBench {
    NetBench::new(rng(test))
}

const PEER: [u8; 6] = [0x02, 0x11, 0x22, 0x33, 0x44, 0x55];

fn eth(dst: [u8; 6], src: [u8; 6], etype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = dst.to_vec();
    f.extend_from_slice(&src);
    f.extend_from_slice(&etype.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// The 16-bit ones' complement sum of `b` (big-endian words, odd tail padded), not folded.
fn sum16(b: &[u8]) -> u32 {
    b.chunks(2)
        .map(|c| u32::from(c[0]) << 8 | u32::from(*c.get(1).unwrap_or(&0)))
        .sum()
}

fn fold(mut s: u32) -> u16 {
    while s > 0xffff {
        s = (s & 0xffff) + (s >> 16);
    }
    s as u16
}

/// A TCP or UDP packet over IPv4 or IPv6 in an Ethernet frame, its checksum field holding the
/// pseudo-header sum as a driver leaves it for NEEDS_CSUM; returns (frame, csum_start,
/// csum_offset, pseudo-header sum).
fn l4_frame(r: &mut impl Rng, v6: bool, tcp: bool, payload: usize) -> (Vec<u8>, u16, u16, u32) {
    let l4_len = if tcp { 20 } else { 8 } + payload;
    let proto = if tcp { 6u8 } else { 17u8 };
    let mut l4 = vec![0u8; l4_len];
    r.fill(&mut l4[..]);
    let off = if tcp { 16 } else { 6 };
    if !tcp {
        l4[4..6].copy_from_slice(&(l4_len as u16).to_be_bytes());
    }
    let (ip, pseudo) = if v6 {
        let mut h = vec![0x60, 0, 0, 0];
        h.extend_from_slice(&(l4_len as u16).to_be_bytes());
        h.push(proto);
        h.push(64);
        let mut a = [0u8; 32];
        r.fill(&mut a);
        h.extend_from_slice(&a);
        let mut ps = a.to_vec();
        ps.extend_from_slice(&(l4_len as u32).to_be_bytes());
        ps.extend_from_slice(&[0, 0, 0, proto]);
        (h, sum16(&ps))
    } else {
        let mut h = vec![0x45, 0];
        h.extend_from_slice(&((20 + l4_len) as u16).to_be_bytes());
        h.extend_from_slice(&[0x12, 0x34, 0x40, 0, 64, proto, 0, 0]);
        let mut a = [0u8; 8];
        r.fill(&mut a);
        h.extend_from_slice(&a);
        let ck = !fold(sum16(&h));
        h[10..12].copy_from_slice(&ck.to_be_bytes());
        let mut ps = a.to_vec();
        ps.extend_from_slice(&[0, proto]);
        ps.extend_from_slice(&(l4_len as u16).to_be_bytes());
        (h, sum16(&ps))
    };
    let pfold = fold(pseudo);
    l4[off..off + 2].copy_from_slice(&pfold.to_be_bytes());
    let start = 14 + ip.len();
    let mut payload_all = ip;
    payload_all.extend_from_slice(&l4);
    let f = eth(PEER, PEER, if v6 { 0x86dd } else { 0x0800 }, &payload_all);
    (f, start as u16, off as u16, pseudo)
}

/// The virtio_net_hdr a driver sends (12 bytes, or 20 with HASH_REPORT).
fn tx_hdr(len: usize, flags: u8, csum_start: u16, csum_offset: u16) -> Vec<u8> {
    let mut h = vec![0u8; len];
    h[0] = flags;
    h[6..8].copy_from_slice(&csum_start.to_le_bytes());
    h[8..10].copy_from_slice(&csum_offset.to_le_bytes());
    h
}

fn frame_of(r: &mut impl Rng, len: usize, dst: [u8; 6]) -> Vec<u8> {
    let mut p = vec![0u8; len - 14];
    r.fill(&mut p[..]);
    eth(dst, PEER, 0x88b5, &p)
}

#[test]
fn net_3_4_9_10_config_structure_reads_the_build_and_link_changes_raise_config_changed() {
    let mut b = bench("net_config");
    let cfg = NetConfig::default();
    let want = cfg.config_bytes(true);
    for dw in 0..6u16 {
        let v = b.devcfg(dw).to_le_bytes();
        let k = 4 * dw as usize;
        assert_eq!(v, want[k..k + 4], "DW {dw}");
    }
    assert_eq!(b.devcfg(6), 0, "past the structure: 0");
    assert_eq!(
        b.devcfg(1) >> 16,
        S_LINK_UP as u32,
        "LINK_UP with the link up"
    );
    assert_eq!(b.devcfg(4) & 0xff, 1, "duplex 0x01 = full (NET-9)");
    let before = b.config_changed;
    b.m.set_link_up(0);
    b.run(3);
    assert_eq!(
        b.config_changed,
        before + 1,
        "link down raises a configuration change"
    );
    assert_eq!(b.devcfg(1) >> 16, 0, "LINK_UP clear");
    assert_eq!(b.devcfg(3), 1000, "speed unchanged (NET-10)");
    b.m.set_link_up(1);
    b.run(3);
    assert_eq!(b.config_changed, before + 2, "link up raises another");
}

#[test]
fn net_6_11_12_14_transmit_sends_every_frame_unchanged_over_any_segment_split() {
    let mut b = bench("net_tx_plain");
    let mut r = rng("net_tx_plain frames");
    let mut want = Vec::new();
    for k in 0..60 {
        let len = match k % 4 {
            0 => 60,
            1 => 1514 + 4, // an 802.1Q-tagged full-size frame (NET-6)
            _ => r.gen_range(14..1400),
        };
        let f = frame_of(&mut r, len, PEER);
        // unknown flag bits set, NEEDS_CSUM clear: csum fields are junk and must not be used
        // (NET-11, NET-12); the frame's own checksums are not checked or fixed (NET-14)
        let h = tx_hdr(12, 0xfc, 3, 7);
        let parts = r.gen_range(1..6);
        b.post_tx(r.gen_range(0..4), &h, &f, parts);
        want.push(f);
    }
    // transmit queues need MQ's map for pairs above 1
    b.run_until(60, 3_000_000);
    b.run_until_sent(60, 100_000);
    assert!(b
        .completions
        .iter()
        .all(|c| c.len == 0 && c.queue % 2 == 1 && !c.more));
    let sent: Vec<_> = b.mac.sent.iter().cloned().collect();
    // one pair's frames keep their order; across pairs any order: compare as multisets
    let mut s = sent.clone();
    let mut w = want.clone();
    s.sort();
    w.sort();
    assert_eq!(s, w, "every frame sent exactly as posted");
    assert_eq!(b.m.tx_frames(), 60);
    assert_eq!(b.m.tx_dropped(), 0);
    assert_eq!(b.needs_reset, 0);
}

#[test]
fn net_tx_checksum_offload_matches_a_software_reference_for_tcp_and_udp_over_ipv4_and_ipv6() {
    let mut b = bench("net_tx_csum");
    let mut r = rng("net_tx_csum frames");
    let mut want = Vec::new();
    for k in 0..40 {
        let (v6, tcp) = (k % 2 == 1, k % 4 >= 2);
        let pay = r.gen_range(0..1400);
        let (f, start, off, pseudo) = l4_frame(&mut r, v6, tcp, pay);
        // the reference: the ones' complement of the sum over the L4 header and data with the
        // field zeroed plus the pseudo-header (what the peer's stack verifies); 0 sent as 0xFFFF
        let mut z = f[start as usize..].to_vec();
        z[off as usize..off as usize + 2].fill(0);
        let mut ck = !fold(sum16(&z) + pseudo);
        if ck == 0 {
            ck = 0xffff;
        }
        let mut done = f.clone();
        let at = (start + off) as usize;
        done[at..at + 2].copy_from_slice(&ck.to_be_bytes());
        // and the receiver's check: the sum over pseudo-header and segment folds to 0xFFFF
        assert_eq!(fold(sum16(&done[start as usize..]) + pseudo), 0xffff);
        let parts = r.gen_range(1..5);
        b.post_tx(0, &tx_hdr(12, 1, start, off), &f, parts);
        want.push(done);
    }
    b.run_until(40, 3_000_000);
    b.run_until_sent(40, 100_000);
    for (k, (s, w)) in b.mac.sent.iter().zip(&want).enumerate() {
        assert_eq!(
            s, w,
            "frame {k}: checksum completed at csum_start + csum_offset"
        );
    }
    // an odd csum_start (checksums need not start on an even byte): a plain sum over the rest
    let mut f = frame_of(&mut r, 301, PEER);
    // (the field sits an even distance from csum_start, as every protocol's does)
    f[99..101].copy_from_slice(&[0, 0]);
    let (start, off) = (41u16, 58u16);
    b.post_tx(0, &tx_hdr(12, 1, start, off), &f, 3);
    b.run_until(41, 100_000);
    b.run_until_sent(41, 100_000);
    let s = b.mac.sent.back().unwrap();
    assert_eq!(
        fold(sum16(&s[41..])),
        0xffff,
        "the sum from an odd csum_start checks"
    );
}

#[test]
fn net_6_malformed_transmit_buffers_are_dropped_and_counted_never_sent() {
    let mut b = bench("net_tx_bad");
    let mut r = rng("net_tx_bad frames");
    let good = frame_of(&mut r, 100, PEER);
    // shorter than the header
    b.post(1, &[0u8; 8], &[8], &[]);
    // a header and 13 bytes: no Ethernet header
    b.post_tx(0, &tx_hdr(12, 0, 0, 0), &good[..13], 1);
    // longer than MTU plus headers
    let big = frame_of(&mut r, 1519, PEER);
    b.post_tx(0, &tx_hdr(12, 0, 0, 0), &big, 2);
    // NEEDS_CSUM with the field outside the frame
    b.post_tx(0, &tx_hdr(12, 1, 90, 16), &good, 2);
    // and a good one after them all
    b.post_tx(0, &tx_hdr(12, 0, 0, 0), &good, 2);
    b.run_until(5, 1_000_000);
    b.run(2000);
    assert_eq!(b.mac.sent.len(), 1, "only the good frame went out");
    assert_eq!(b.mac.sent[0], good);
    assert_eq!(b.m.tx_dropped(), 4);
    assert!(b.completions.iter().all(|c| c.len == 0));
    assert_eq!(
        b.needs_reset, 0,
        "a malformed frame is the driver's to fix, not a device fault"
    );
}

/// Receive header fields (12 bytes).
fn num_buffers(h: &[u8]) -> u16 {
    u16::from_le_bytes([h[10], h[11]])
}

#[test]
fn net_15_16_19_receive_without_mrg_rxbuf_puts_header_and_frame_in_one_buffer() {
    let mut b = bench("net_rx_one");
    let mut n = Negotiated::OFFERED;
    n.mrg_rxbuf = false;
    b.negotiate(n);
    let mut r = rng("net_rx_one frames");
    let mac = NetConfig::default().mac;
    let mut posted = Vec::new();
    for _ in 0..12 {
        // Linux "big packets": chains of several writable segments
        let parts = r.gen_range(1..5);
        let cuts = b.cuts(1526, parts);
        posted.push(b.post_rx(0, &cuts));
    }
    b.run(500);
    let mut frames = Vec::new();
    for k in 0..12 {
        let len = if k == 0 { 1514 } else { r.gen_range(60..1514) };
        let f = frame_of(&mut r, len, mac);
        b.inject(f.clone());
        frames.push(f);
    }
    b.run_until(12, 2_000_000);
    for (k, (p, f)) in posted.iter().zip(&frames).enumerate() {
        let c = b.completions[k];
        assert_eq!(
            (c.queue, c.token, c.more),
            (0, p.token, false),
            "in order, one buffer each"
        );
        assert_eq!(c.len as usize, 12 + f.len(), "len: header and frame");
        let w = p.writable(&b);
        assert_eq!(
            &w[..10],
            &[0u8; 10],
            "flags 0 (NET-19), gso NONE, csum fields 0"
        );
        assert_eq!(num_buffers(&w), 1, "num_buffers 1 (NET-15)");
        assert_eq!(
            &w[12..12 + f.len()],
            &f[..],
            "frame {k} whole in its buffer (NET-16)"
        );
        assert!(
            w[12 + f.len()..].iter().all(|&x| x == 0xee),
            "nothing written past it"
        );
    }
    assert_eq!(b.m.rx_frames(), 12);
}

#[test]
fn net_15_17_18_a_frame_spans_several_mergeable_buffers_all_but_the_last_full() {
    let mut b = bench("net_rx_mrg");
    let mut r = rng("net_rx_mrg frames");
    let mac = NetConfig::default().mac;
    let mut posted = Vec::new();
    for _ in 0..40 {
        let l = r.gen_range(100..400);
        posted.push(b.post_rx(0, &[l]));
    }
    b.run(800);
    let mut frames = Vec::new();
    for _ in 0..4 {
        let len = r.gen_range(700..1514);
        let f = frame_of(&mut r, len, mac);
        b.inject(f.clone());
        frames.push(f);
    }
    // completions come in runs: all but the last of a frame's buffers with `more`
    let mut next = 0usize;
    let mut used = 0;
    for f in &frames {
        let total = 12 + f.len();
        let mut got = Vec::new();
        let mut bufs = 0;
        loop {
            b.run_until(used + 1, 2_000_000);
            let c = b.completions[used];
            used += 1;
            let p = &posted[next];
            next += 1;
            bufs += 1;
            assert_eq!(
                (c.queue, c.token),
                (0, p.token),
                "buffers used in posting order"
            );
            let w = p.writable(&b);
            if c.more {
                assert_eq!(c.len, p.writable_len(), "all but the last filled (NET-17)");
            }
            got.extend_from_slice(&w[..c.len as usize]);
            if !c.more {
                break;
            }
        }
        assert_eq!(got.len(), total);
        assert_eq!(
            num_buffers(&got) as usize,
            bufs,
            "num_buffers counts them (NET-15)"
        );
        assert_eq!(&got[12..], &f[..], "the frame across its buffers");
    }
    assert_eq!(b.m.rx_frames(), 4);
}

#[test]
fn net_receive_with_no_buffers_drops_and_counts_and_serves_the_next_frame() {
    let mut b = bench("net_rx_nobuf");
    let mut r = rng("net_rx_nobuf frames");
    let mac = NetConfig::default().mac;
    for _ in 0..3 {
        b.inject(frame_of(&mut r, 200, mac));
    }
    b.run(20_000);
    assert_eq!(
        b.m.rx_drop_nobuf(),
        3,
        "no buffer: dropped after the wait, counted"
    );
    assert!(
        b.completions.is_empty(),
        "nothing written, nothing completed"
    );
    let p = b.post_rx(0, &[2048]);
    b.run(500);
    let f = frame_of(&mut r, 300, mac);
    b.inject(f.clone());
    b.run_until(1, 200_000);
    assert_eq!(&p.writable(&b)[12..312], &f[..]);
}

#[test]
fn net_30_32_33_34_35_36_receive_filter_follows_the_control_commands() {
    let mut b = bench("net_filter");
    let mut r = rng("net_filter frames");
    let mac = NetConfig::default().mac;
    let other = [0x02, 0, 0, 0, 0, 9];
    let mcast = [0x01, 0, 0x5e, 0, 0, 1];
    let bcast = [0xff; 6];
    for _ in 0..30 {
        b.post_rx(0, &[2048]);
    }
    b.run(500);
    // after reset: promiscuous (see NetCtrl), everything passes
    let mut deliver = |b: &mut NetBench, dst: [u8; 6]| -> bool {
        let before = b.m.rx_frames();
        let f = frame_of(&mut r, 80, dst);
        b.inject(f);
        b.run(1500);
        b.m.rx_frames() > before
    };
    assert!(deliver(&mut b, other), "promiscuous after reset");
    assert_eq!(b.ctrl(c::CLASS_RX, c::RX_PROMISC, &[0]), c::OK);
    assert!(
        !deliver(&mut b, other),
        "another station's unicast dropped (NET-36)"
    );
    assert!(deliver(&mut b, mac), "our address passes");
    assert!(deliver(&mut b, bcast), "broadcast passes");
    assert!(
        !deliver(&mut b, mcast),
        "multicast not in the (empty, NET-33) table dropped"
    );
    assert_eq!(b.ctrl(c::CLASS_RX, c::RX_ALLMULTI, &[1]), c::OK);
    assert!(deliver(&mut b, mcast), "ALLMULTI admits multicast (NET-30)");
    assert_eq!(b.ctrl(c::CLASS_RX, c::RX_ALLMULTI, &[0]), c::OK);
    // MAC_TABLE_SET: one unicast, one multicast; applied before the ack (NET-34)
    let mut t = 1u32.to_le_bytes().to_vec();
    t.extend_from_slice(&other);
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&mcast);
    assert_eq!(b.ctrl(c::CLASS_MAC, c::MAC_TABLE_SET, &t), c::OK);
    assert!(deliver(&mut b, other), "unicast in the table passes");
    assert!(deliver(&mut b, mcast), "multicast in the table passes");
    // a table whose counts do not match its length: ERR, the table unchanged
    let mut bad = 2u32.to_le_bytes().to_vec();
    bad.extend_from_slice(&other);
    bad.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(b.ctrl(c::CLASS_MAC, c::MAC_TABLE_SET, &bad), c::ERR);
    assert!(
        deliver(&mut b, other),
        "the table is unchanged after an ERR"
    );
    // the unicast part fits, but the multicast count claims an entry the command lacks
    let mut short = 0u32.to_le_bytes().to_vec();
    short.extend_from_slice(&1u32.to_le_bytes());
    short.extend_from_slice(&mcast[..2]);
    assert_eq!(b.ctrl(c::CLASS_MAC, c::MAC_TABLE_SET, &short), c::ERR);
    assert!(
        deliver(&mut b, other),
        "the unicast table is unchanged after that ERR too"
    );
    // MAC_ADDR_SET: the config `mac` changes before the ack (NET-35), the filter follows
    let newmac = [0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee];
    assert_eq!(b.ctrl(c::CLASS_MAC, c::MAC_ADDR_SET, &newmac), c::OK);
    let dw0 = b.devcfg(0).to_le_bytes();
    let dw1 = b.devcfg(1).to_le_bytes();
    assert_eq!([dw0[0], dw0[1], dw0[2], dw0[3], dw1[0], dw1[1]], newmac);
    assert!(deliver(&mut b, newmac), "the new address passes");
    assert!(!deliver(&mut b, mac), "the old one no longer does");
    assert!(b.m.rx_drop_filter() >= 3);
}

#[test]
fn net_45_unknown_and_ungated_control_commands_answer_err_and_change_nothing() {
    let mut b = bench("net_ctrl_err");
    assert_eq!(b.ctrl(9, 0, &[]), c::ERR, "unknown class");
    assert_eq!(b.ctrl(c::CLASS_RX, 9, &[1]), c::ERR, "unknown command");
    assert_eq!(
        b.ctrl(c::CLASS_RX, c::RX_PROMISC, &[1, 2]),
        c::ERR,
        "wrong length"
    );
    assert_eq!(
        b.ctrl(c::CLASS_RX, c::RX_NOBCAST, &[1]),
        c::ERR,
        "CTRL_RX_EXTRA not negotiated"
    );
    assert_eq!(
        b.ctrl(c::CLASS_ANNOUNCE, c::ANNOUNCE_ACK, &[]),
        c::ERR,
        "GUEST_ANNOUNCE not negotiated"
    );
    assert_eq!(
        b.ctrl(c::CLASS_MQ, c::MQ_RSS_CONFIG, &[0; 20]),
        c::ERR,
        "RSS not offered"
    );
    assert_eq!(
        b.ctrl(c::CLASS_MQ, c::MQ_VQ_PAIRS_SET, &0u16.to_le_bytes()),
        c::ERR,
        "0 pairs"
    );
    assert_eq!(
        b.ctrl(c::CLASS_MQ, c::MQ_VQ_PAIRS_SET, &5u16.to_le_bytes()),
        c::ERR,
        "above max"
    );
    assert_eq!(
        b.ctrl(c::CLASS_MQ, c::MQ_VQ_PAIRS_SET, &4u16.to_le_bytes()),
        c::OK
    );
    assert_eq!(b.needs_reset, 0);
}

#[test]
fn net_38_39_40_receive_steers_by_flow_over_the_pairs_set_and_never_above() {
    let mut b = bench("net_mq");
    let mut r = rng("net_mq frames");
    let mac = NetConfig::default().mac;
    for q in 0..4 {
        for _ in 0..40 {
            b.post_rx(q, &[2048]);
        }
    }
    b.run(2000);
    let flow = |r: &mut rand_chacha::ChaCha8Rng, port: u16| {
        let (mut f, _, _, _) = l4_frame(r, false, true, 40);
        f[..6].copy_from_slice(&mac);
        f[34..36].copy_from_slice(&port.to_be_bytes());
        f[26..34].copy_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2]);
        f[36..38].copy_from_slice(&80u16.to_be_bytes());
        f
    };
    // before VQ_PAIRS_SET: receiveq1 only (NET-38)
    for p in 0..8 {
        b.inject(flow(&mut r, 1000 + p));
    }
    b.run_until(8, 200_000);
    assert!(
        b.completions.iter().all(|c| c.queue == 0),
        "receiveq1 only after reset"
    );
    b.completions.clear();
    assert_eq!(
        b.ctrl(c::CLASS_MQ, c::MQ_VQ_PAIRS_SET, &3u16.to_le_bytes()),
        c::OK
    );
    let mut seen = std::collections::HashMap::new();
    for round in 0..2 {
        for p in 0..16u16 {
            b.inject(flow(&mut r, 2000 + p));
            b.run_until(1, 200_000);
            let q = b.completions.pop_front().unwrap().queue;
            assert!(q < 6, "never above the 3 pairs set (NET-39)");
            if round == 0 {
                seen.insert(p, q);
            } else {
                assert_eq!(seen[&p], q, "a flow keeps its queue (NET-40)");
            }
        }
    }
    let used: std::collections::HashSet<_> = seen.values().collect();
    assert!(
        used.len() >= 2,
        "16 flows spread over more than one queue: {used:?}"
    );
}

#[test]
fn net_loopback_transmit_into_receive_and_a_device_reset_forgets_cached_buffers() {
    let mut b = bench("net_loop");
    let mut r = rng("net_loop frames");
    let mac = NetConfig::default().mac;
    b.mac.loopback = true;
    let mut rx = Vec::new();
    for _ in 0..10 {
        rx.push(b.post_rx(0, &[1600]));
    }
    b.run(500);
    let mut want = Vec::new();
    for _ in 0..10 {
        let len = r.gen_range(60..1514);
        let f = frame_of(&mut r, len, mac);
        b.post_tx(0, &tx_hdr(12, 0, 0, 0), &f, 2);
        want.push(f);
    }
    b.run_until(20, 2_000_000);
    let rxc: Vec<_> = b
        .completions
        .iter()
        .filter(|c| c.queue == 0)
        .cloned()
        .collect();
    assert_eq!(rxc.len(), 10);
    for (p, f) in rx.iter().zip(&want) {
        assert_eq!(
            &p.writable(&b)[12..12 + f.len()],
            &f[..],
            "sent and received whole"
        );
    }
    // buffers still cached when the driver resets the device: forgotten, and the device idle
    for _ in 0..5 {
        b.post_rx(0, &[1600]);
    }
    b.run(500);
    assert_eq!(b.m.idle(), 0, "cached receive buffers are held");
    b.device_reset();
    b.run(10);
    assert_eq!(b.m.idle(), 1);
}

// ---------------- RSS and hash reporting ----------------

use ferrio_sim::net::{hash_config, ip_frame, rss_config, toeplitz, Posted, MS_KEY};

/// The digest's vectors (section 8.5): IPv4 source, destination, ports; 2-tuple and 4-tuple.
/// A digest vector: source address, port, destination address, port, 2-tuple, 4-tuple hash.
type Vector<const N: usize> = ([u8; N], u16, [u8; N], u16, u32, u32);

const V4: [Vector<4>; 5] = [
    (
        [66, 9, 149, 187],
        2794,
        [161, 142, 100, 80],
        1766,
        0x323e8fc2,
        0x51ccc178,
    ),
    (
        [199, 92, 111, 2],
        14230,
        [65, 69, 140, 83],
        4739,
        0xd718262a,
        0xc626b0ea,
    ),
    (
        [24, 19, 198, 95],
        12898,
        [12, 22, 207, 184],
        38024,
        0xd2d0a5de,
        0x5c2b394a,
    ),
    (
        [38, 27, 205, 30],
        48228,
        [209, 142, 163, 6],
        2217,
        0x82989176,
        0xafc7327f,
    ),
    (
        [153, 39, 163, 191],
        44251,
        [202, 188, 127, 2],
        1303,
        0x5d1809c5,
        0x10e828a2,
    ),
];

fn v6(s: &str) -> [u8; 16] {
    s.parse::<std::net::Ipv6Addr>().unwrap().octets()
}

/// IPv6 vectors: source, port, destination, port, 2-tuple, 4-tuple.
fn v6_vectors() -> Vec<Vector<16>> {
    vec![
        (
            v6("3ffe:2501:200:1fff::7"),
            2794,
            v6("3ffe:2501:200:3::1"),
            1766,
            0x2cc18cd5,
            0x40207d3d,
        ),
        (
            v6("3ffe:501:8::260:97ff:fe40:efab"),
            14230,
            v6("ff02::1"),
            4739,
            0x0f0c461c,
            0xdde51bbf,
        ),
        (
            v6("3ffe:1900:4545:3:200:f8ff:fe21:67cf"),
            44251,
            v6("fe80::200:f8ff:fe21:67cf"),
            38024,
            0x4b61e985,
            0x02d1feef,
        ),
    ]
}

#[test]
fn net_toeplitz_reference_matches_the_digests_vectors() {
    for (s, sp, d, dp, h2, h4) in V4 {
        let mut i = s.to_vec();
        i.extend_from_slice(&d);
        assert_eq!(toeplitz(&MS_KEY, &i), h2, "IPv4 2-tuple");
        i.extend_from_slice(&sp.to_be_bytes());
        i.extend_from_slice(&dp.to_be_bytes());
        assert_eq!(toeplitz(&MS_KEY, &i), h4, "IPv4 4-tuple");
    }
    for (s, sp, d, dp, h2, h4) in v6_vectors() {
        let mut i = s.to_vec();
        i.extend_from_slice(&d);
        assert_eq!(toeplitz(&MS_KEY, &i), h2, "IPv6 2-tuple");
        i.extend_from_slice(&sp.to_be_bytes());
        i.extend_from_slice(&dp.to_be_bytes());
        assert_eq!(toeplitz(&MS_KEY, &i), h4, "IPv6 4-tuple");
    }
}

/// Inject `f`, wait for its one completion, return (queue, the buffer's bytes).
fn receive_one(b: &mut NetBench, posted: &mut Vec<Posted>, f: Vec<u8>) -> (u16, Vec<u8>) {
    b.inject(f);
    b.run_until(1, 200_000);
    let c = b.completions.pop_front().unwrap();
    let k = posted
        .iter()
        .position(|p| p.token == c.token)
        .expect("a posted buffer");
    let p = posted.remove(k);
    (c.queue, p.writable(b)[..c.len as usize].to_vec())
}

fn hash_of(w: &[u8]) -> (u32, u16) {
    (
        u32::from_le_bytes(w[12..16].try_into().unwrap()),
        u16::from_le_bytes([w[16], w[17]]),
    )
}

#[test]
fn net_28_29_hash_report_carries_the_toeplitz_hash_of_the_digests_vectors() {
    let mut b = bench("net_hash");
    b.negotiate(Negotiated::ALL);
    assert_eq!(b.hdr_len(), 20);
    let mac = NetConfig::default().mac;
    let mut posted: Vec<Posted> = (0..80).map(|_| b.post_rx(0, &[2048])).collect();
    b.run(2000);
    // before any configuration every type is off: NONE (NET-43)
    let (s, sp, d, dp, _, _) = V4[0];
    let (_, w) = receive_one(
        &mut b,
        &mut posted,
        ip_frame(mac, false, &s, &d, 6, sp, dp, 40),
    );
    assert_eq!(hash_of(&w), (0, 0), "no hash before RSS_CONFIG");
    let cfg = rss_config(0x3f, &[0; 128], 0, 4, &MS_KEY);
    assert_eq!(b.ctrl(c::CLASS_MQ, c::MQ_RSS_CONFIG, &cfg), c::OK);
    for (s, sp, d, dp, h2, h4) in V4 {
        let f = |p: u8| ip_frame(mac, false, &s, &d, p, sp, dp, 40);
        let (q, w) = receive_one(&mut b, &mut posted, f(6));
        assert_eq!(
            (q, hash_of(&w)),
            (0, (h4, 2)),
            "TCPv4 4-tuple (NET-28, NET-29)"
        );
        assert_eq!(&w[20..], &f(6)[..], "the frame after the 20-byte header");
        let (_, w) = receive_one(&mut b, &mut posted, f(17));
        assert_eq!(hash_of(&w), (h4, 3), "UDPv4 4-tuple");
        let (_, w) = receive_one(&mut b, &mut posted, f(1));
        assert_eq!(hash_of(&w), (h2, 1), "ICMP: IPv4 2-tuple");
    }
    for (s, sp, d, dp, h2, h4) in v6_vectors() {
        let f = |p: u8| ip_frame(mac, true, &s, &d, p, sp, dp, 40);
        let (_, w) = receive_one(&mut b, &mut posted, f(6));
        assert_eq!(hash_of(&w), (h4, 5), "TCPv6 4-tuple");
        let (_, w) = receive_one(&mut b, &mut posted, f(17));
        assert_eq!(hash_of(&w), (h4, 6), "UDPv6 4-tuple");
        let (_, w) = receive_one(&mut b, &mut posted, f(58));
        assert_eq!(hash_of(&w), (h2, 4), "ICMPv6: IPv6 2-tuple");
    }
    // the ladder: TCPv4 off, IPv4 on gives the 2-tuple; IPv4 off too gives NONE
    let (s, sp, d, dp, h2, _) = V4[1];
    let tcp = ip_frame(mac, false, &s, &d, 6, sp, dp, 40);
    let cfg = rss_config(0x3f & !0x2, &[0; 128], 0, 4, &MS_KEY);
    assert_eq!(b.ctrl(c::CLASS_MQ, c::MQ_RSS_CONFIG, &cfg), c::OK);
    let (_, w) = receive_one(&mut b, &mut posted, tcp.clone());
    assert_eq!(hash_of(&w), (h2, 1), "TCPv4 disabled: IPv4 2-tuple");
    let cfg = rss_config(0x38, &[0; 128], 0, 4, &MS_KEY);
    assert_eq!(b.ctrl(c::CLASS_MQ, c::MQ_RSS_CONFIG, &cfg), c::OK);
    let (_, w) = receive_one(&mut b, &mut posted, tcp);
    assert_eq!(hash_of(&w), (0, 0), "no IPv4 type enabled: NONE");
    // a non-IP frame never has a hash
    let (_, w) = receive_one(&mut b, &mut posted, eth(mac, PEER, 0x0806, &[0; 46]));
    assert_eq!(hash_of(&w), (0, 0), "ARP: NONE");
}

#[test]
fn net_41_rss_steers_by_the_indirection_table_and_unclassified_frames_to_their_queue() {
    let mut b = bench("net_rss");
    let mut n = Negotiated::ALL;
    n.hash_report = false;
    b.negotiate(n);
    let mut r = rng("net_rss flows");
    let mac = NetConfig::default().mac;
    let mut posted: Vec<Posted> = Vec::new();
    for q in 0..4 {
        for _ in 0..40 {
            posted.push(b.post_rx(q, &[2048]));
        }
    }
    b.run(3000);
    let table: Vec<u16> = (0..64).map(|_| r.gen_range(0..4)).collect();
    let key: Vec<u8> = (0..40).map(|_| r.gen()).collect();
    let cfg = rss_config(0x3f, &table, 2, 4, &key);
    assert_eq!(b.ctrl(c::CLASS_MQ, c::MQ_RSS_CONFIG, &cfg), c::OK);
    let mut used = [0; 4];
    for k in 0..48 {
        let v6 = k % 3 == 0;
        let (s, d): (Vec<u8>, Vec<u8>) = if v6 {
            (
                (0..16).map(|_| r.gen()).collect(),
                (0..16).map(|_| r.gen()).collect(),
            )
        } else {
            (
                (0..4).map(|_| r.gen()).collect(),
                (0..4).map(|_| r.gen()).collect(),
            )
        };
        let (sp, dp) = (r.gen(), r.gen());
        let f = ip_frame(mac, v6, &s, &d, 6, sp, dp, 20);
        let mut input = s.clone();
        input.extend_from_slice(&d);
        input.extend_from_slice(&u16::to_be_bytes(sp));
        input.extend_from_slice(&u16::to_be_bytes(dp));
        let h = toeplitz(&key, &input);
        let want_q = 2 * table[(h & 63) as usize];
        let (q, w) = receive_one(&mut b, &mut posted, f.clone());
        assert_eq!(
            q, want_q,
            "flow {k}: indirection_table[hash & mask] (NET-41)"
        );
        assert_eq!(&w[12..], &f[..], "12-byte header without HASH_REPORT");
        used[(q / 2) as usize] += 1;
    }
    assert!(
        used.iter().all(|&u| u > 0),
        "48 flows reach all 4 queues: {used:?}"
    );
    let (q, _) = receive_one(&mut b, &mut posted, eth(mac, PEER, 0x0806, &[0; 46]));
    assert_eq!(
        q, 4,
        "a frame without a hash goes to unclassified_queue 2 (receiveq3)"
    );
}

#[test]
fn net_42_45_malformed_rss_configs_answer_err_and_vq_pairs_set_ends_rss() {
    let mut b = bench("net_rss_err");
    b.negotiate(Negotiated::ALL);
    let mac = NetConfig::default().mac;
    let mut posted: Vec<Posted> = Vec::new();
    for q in 0..4 {
        for _ in 0..12 {
            posted.push(b.post_rx(q, &[2048]));
        }
    }
    b.run(3000);
    let good = rss_config(0x3f, &[3; 8], 0, 4, &MS_KEY);
    let mut bad_mask = good.clone();
    bad_mask[4] = 5; // mask 5: 6 entries, not a power of two
    let mut long = good.clone();
    long.push(0);
    let mut big_key = rss_config(0x3f, &[3; 8], 0, 4, &[7; 41]);
    big_key.truncate(big_key.len());
    for (what, cfg) in [
        ("mask + 1 not a power of two", bad_mask),
        (
            "an entry above the pairs",
            rss_config(0x3f, &[0, 1, 2, 4], 0, 4, &MS_KEY),
        ),
        (
            "unclassified_queue above the pairs",
            rss_config(0x3f, &[0; 4], 4, 4, &MS_KEY),
        ),
        ("max_tx_vq 0", rss_config(0x3f, &[0; 4], 0, 0, &MS_KEY)),
        ("a 41-byte key", big_key),
        ("one byte too long", long),
        ("one byte too short", good[..good.len() - 1].to_vec()),
        (
            "a 256-entry table",
            rss_config(0x3f, &[0; 256], 0, 4, &MS_KEY),
        ),
    ] {
        assert_eq!(
            b.ctrl(c::CLASS_MQ, c::MQ_RSS_CONFIG, &cfg),
            c::ERR,
            "{what}"
        );
    }
    let f = ip_frame(mac, false, &[10, 0, 0, 1], &[10, 0, 0, 2], 6, 1, 2, 20);
    let (q, w) = receive_one(&mut b, &mut posted, f.clone());
    assert_eq!(
        (q, hash_of(&w)),
        (0, (0, 0)),
        "nothing changed by the rejected commands"
    );
    assert_eq!(b.ctrl(c::CLASS_MQ, c::MQ_RSS_CONFIG, &good), c::OK);
    let (q, w) = receive_one(&mut b, &mut posted, f.clone());
    assert_eq!(q, 6, "every entry 3: receiveq4");
    assert_eq!(hash_of(&w).1, 2, "TCPv4");
    assert_eq!(
        b.ctrl(c::CLASS_MQ, c::MQ_VQ_PAIRS_SET, &1u16.to_le_bytes()),
        c::OK
    );
    let (q, w) = receive_one(&mut b, &mut posted, f);
    assert_eq!(
        q, 0,
        "VQ_PAIRS_SET after RSS_CONFIG: the latest command decides (NET-42)"
    );
    assert_eq!(hash_of(&w).1, 2, "hash reporting stays on");
}

#[test]
fn net_27_43_hash_config_without_rss_starts_disabled_then_reports() {
    let mut b = bench("net_hash_cfg");
    let mut n = Negotiated::ALL;
    n.rss = false;
    b.negotiate(n);
    let mac = NetConfig::default().mac;
    let mut posted: Vec<Posted> = (0..16).map(|_| b.post_rx(0, &[2048])).collect();
    b.run(2000);
    let (s, sp, d, dp, _, h4) = V4[2];
    let f = ip_frame(mac, false, &s, &d, 17, sp, dp, 30);
    let (_, w) = receive_one(&mut b, &mut posted, f.clone());
    assert_eq!(
        hash_of(&w),
        (0, 0),
        "all types disabled after reset (NET-43)"
    );
    let rss = rss_config(0x3f, &[0; 4], 0, 1, &MS_KEY);
    assert_eq!(
        b.ctrl(c::CLASS_MQ, c::MQ_RSS_CONFIG, &rss),
        c::ERR,
        "RSS not negotiated"
    );
    assert_eq!(
        b.ctrl(c::CLASS_MQ, c::MQ_HASH_CONFIG, &hash_config(0x3f, &MS_KEY)),
        c::OK
    );
    let (q, w) = receive_one(&mut b, &mut posted, f);
    assert_eq!(
        (q, hash_of(&w)),
        (0, (h4, 3)),
        "UDPv4 reported (NET-27, NET-29)"
    );
}

#[test]
fn net_5_frames_above_mtu_plus_the_ethernet_header_are_dropped_and_counted() {
    let mut b = bench("net_5");
    let mut r = rng("net_5 frames");
    let mac = NetConfig::default().mac;
    let max = NetConfig::default().max_frame() as usize;
    let mut posted: Vec<Posted> = (0..4).map(|_| b.post_rx(0, &[2048])).collect();
    b.run(1000);
    b.inject(frame_of(&mut r, max + 1, mac));
    b.run(6000);
    assert!(
        b.completions.is_empty(),
        "one byte over MTU + 18: not delivered (NET-5)"
    );
    assert_eq!(b.m.rx_drop_size(), 1, "counted");
    let f = frame_of(&mut r, max, mac);
    let (_, w) = receive_one(&mut b, &mut posted, f.clone());
    assert_eq!(&w[12..], &f[..], "MTU + 18 (a tagged frame) is delivered");
}

/// `f` (from `l4_frame`) with its TCP/UDP checksum completed.
fn complete_checksum(mut f: Vec<u8>, start: u16, off: u16) -> Vec<u8> {
    let s = start as usize;
    let mut ck = !fold(sum16(&f[s..]));
    if ck == 0 && off == 6 {
        ck = 0xffff; // UDP sends a computed zero as all ones
    }
    f[s + off as usize..s + off as usize + 2].copy_from_slice(&ck.to_be_bytes());
    f
}

#[test]
fn net_19_26_data_valid_only_for_frames_whose_checksum_the_device_verified() {
    let mut b = bench("net_rx_csum");
    b.negotiate(Negotiated::ALL);
    let mut r = rng("net_rx_csum frames");
    let mut posted: Vec<Posted> = (0..120).map(|_| b.post_rx(0, &[2048])).collect();
    b.run(2000);
    let flags = |w: &[u8]| w[0];
    for v6 in [false, true] {
        for tcp in [false, true] {
            for k in 0..8 {
                let n = if k == 0 {
                    1
                } else {
                    r.gen_range(0..1400 - 60 * v6 as usize)
                };
                let (f, start, off, _) = l4_frame(&mut r, v6, tcp, n);
                let good = complete_checksum(f, start, off);
                let (_, w) = receive_one(&mut b, &mut posted, good.clone());
                assert_eq!(
                    flags(&w),
                    2,
                    "v6 {v6} tcp {tcp} len {}: DATA_VALID (NET-26)",
                    good.len()
                );
                assert_eq!(&w[20..], &good[..], "the frame unchanged");
                let mut bad = good.clone();
                let at = r.gen_range(start as usize..bad.len());
                bad[at] ^= 1 << r.gen_range(0..8);
                let (_, w) = receive_one(&mut b, &mut posted, bad);
                assert_eq!(flags(&w), 0, "a corrupted frame is not marked valid");
            }
        }
    }
    // a short UDP packet padded to 60 bytes: the padding is not part of the sum
    let (f, start, off) = {
        let (f, s, o, _) = l4_frame(&mut r, false, false, 2);
        (f, s, o)
    };
    let mut padded = complete_checksum(f, start, off);
    padded.resize(60, 0xa5);
    let (_, w) = receive_one(&mut b, &mut posted, padded);
    assert_eq!(flags(&w), 2, "Ethernet padding ignored");
    // UDP over IPv4 without a checksum (0): nothing to verify
    let (mut f, start, _, _) = l4_frame(&mut r, false, false, 30);
    f[start as usize + 6..start as usize + 8].copy_from_slice(&[0, 0]);
    let (_, w) = receive_one(&mut b, &mut posted, f);
    assert_eq!(flags(&w), 0, "UDPv4 checksum 0: not marked");
    // without GUEST_CSUM the flags stay 0 (NET-19)
    let mut n = Negotiated::ALL;
    n.guest_csum = false;
    b.negotiate(n);
    let (f, start, off, _) = l4_frame(&mut r, false, true, 100);
    let (_, w) = receive_one(&mut b, &mut posted, complete_checksum(f, start, off));
    assert_eq!(flags(&w), 0, "no DATA_VALID without GUEST_CSUM (NET-19)");
}

#[test]
fn net_rx_a_frame_the_mac_marks_bad_is_dropped_whole_and_counted() {
    let mut b = bench("net_rx_err");
    let mut r = rng("net_rx_err frames");
    let mac = NetConfig::default().mac;
    let mut posted: Vec<Posted> = (0..4).map(|_| b.post_rx(0, &[2048])).collect();
    b.run(1000);
    b.mac.inject_bad(frame_of(&mut r, 300, mac));
    b.run(6000);
    assert!(b.completions.is_empty(), "a bad frame is never delivered");
    assert_eq!(b.m.rx_drop_size(), 1, "counted with the size drops");
    let f = frame_of(&mut r, 300, mac);
    let (_, w) = receive_one(&mut b, &mut posted, f.clone());
    assert_eq!(&w[12..], &f[..], "the next frame arrives whole");
}

#[test]
fn net_26_checksums_outside_what_the_device_checks_are_never_marked_valid() {
    let mut b = bench("net_rx_csum_no");
    b.negotiate(Negotiated::ALL);
    let mut r = rng("net_rx_csum_no frames");
    let mut posted: Vec<Posted> = (0..16).map(|_| b.post_rx(0, &[2048])).collect();
    b.run(2000);
    let (f, start, off, _) = l4_frame(&mut r, false, true, 200);
    let good = complete_checksum(f, start, off);
    let (_, w) = receive_one(&mut b, &mut posted, good.clone());
    assert_eq!(w[0], 2, "the reference frame is marked");
    // a fragment (MF set): the L4 checksum covers the whole datagram, not this piece
    let mut frag = good.clone();
    frag[20] |= 0x20;
    let (_, w) = receive_one(&mut b, &mut posted, frag);
    assert_eq!(w[0], 0, "a fragment is not marked");
    // IPv4 with options (IHL 6): not checked, not marked
    let mut opt = good.clone();
    opt[14] = 0x46;
    let (_, w) = receive_one(&mut b, &mut posted, opt);
    assert_eq!(w[0], 0, "IPv4 with options is not marked");
    // truncated: the IP total length says more than the frame holds
    let cut = good[..good.len() - 10].to_vec();
    let (_, w) = receive_one(&mut b, &mut posted, cut);
    assert_eq!(w[0], 0, "a truncated packet is not marked");
    // a flipped bit in the pseudo-header's fields (the source address)
    let mut src = good.clone();
    src[27] ^= 0x10;
    let (_, w) = receive_one(&mut b, &mut posted, src);
    assert_eq!(w[0], 0, "a changed address fails the pseudo-header");
}

#[test]
fn net_41_back_to_back_frames_faster_than_line_rate_with_rss_are_delivered_or_counted() {
    // The hash stage takes one frame at a time; frames closer than the longest hash (only
    // faster than 1 GbE) may be dropped, and each is then counted, never half delivered.
    let mut b = bench("net_rss_b2b");
    b.negotiate(Negotiated::ALL);
    let mac = NetConfig::default().mac;
    let mut posted: Vec<Posted> = (0..64).map(|_| b.post_rx(0, &[2048])).collect();
    b.run(3000);
    let cfg = rss_config(0x3f, &[0; 8], 0, 4, &MS_KEY);
    assert_eq!(b.ctrl(c::CLASS_MQ, c::MQ_RSS_CONFIG, &cfg), c::OK);
    let mut frames = Vec::new();
    for k in 0..40u16 {
        let s: [u8; 16] = [k as u8; 16];
        let f = ip_frame(mac, true, &s, &[9; 16], 6, 1000 + k, 80, 0);
        b.inject(f.clone());
        frames.push(f);
    }
    b.run(200_000);
    let delivered = b.completions.len() as u64;
    let dropped = b.m.rx_drop_size() + b.m.rx_drop_nobuf();
    assert_eq!(delivered + dropped, 40, "every frame delivered or counted");
    assert!(
        dropped > 0,
        "74-byte IPv6 frames back to back outrun the 39-cycle hash"
    );
    for c in b.completions.clone() {
        let k = posted.iter().position(|p| p.token == c.token).unwrap();
        let p = posted.remove(k);
        let w = p.writable(&b)[..c.len as usize].to_vec();
        assert!(
            frames.iter().any(|f| w[20..] == f[..]),
            "a delivered frame is whole"
        );
        assert_eq!(hash_of(&w).1, 5, "TCPv6 hash reported");
    }
}
