//! The virtio-net device inside the card (`virtio_card` top, function 0) through Verilator,
//! driven end to end by the host model: enumeration, the virtio-pci driver's initialisation,
//! frames through the packed rings and the DMA engine, the queue engine holding off receive
//! buffers the device cannot cache, control commands, link changes as configuration
//! interrupts, and a round trip through a Linux TAP interface in a network namespace.

use ferrio_hdl::device::net::{ctrl_cmd as c, features as nf, NetConfig};
use ferrio_sim::host::net_driver::NetDriver;
use ferrio_sim::host::virtio::feature;
use ferrio_sim::host::{FileStore, Interrupt, RootComplex, VirtioCardHost};
use ferrio_sim::net::{ip_frame, rss_config, toeplitz};
use ferrio_sim::tap::Tap;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::net::Ipv4Addr;

const TRANSPORT: u64 = feature::VERSION_1
    | feature::RING_PACKED
    | feature::INDIRECT_DESC
    | feature::EVENT_IDX
    | feature::NOTIFICATION_DATA
    | feature::RING_RESET
    | feature::ACCESS_PLATFORM
    | feature::ORDER_PLATFORM;

fn net_features() -> u64 {
    NetConfig::default().device_features()
}

fn card(test: &str) -> RootComplex<VirtioCardHost> {
    let dir = std::env::temp_dir().join(format!("ferrio-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = FileStore::open(&dir.join(format!("{test}.img")), 256).unwrap();
    let mut h = RootComplex::new(VirtioCardHost::new(store));
    assert_eq!(h.enumerate().len(), 2);
    h
}

/// The card bound with `want` (transport bits added), and the driver's state.
fn bound(test: &str, want: u64) -> (RootComplex<VirtioCardHost>, NetDriver) {
    let mut h = card(test);
    let n = h.virtio_init(0, TRANSPORT | want, true).unwrap();
    assert_eq!(n.queues.len(), 9, "4 pairs and the control queue");
    (h, NetDriver::new(n.features))
}

fn eth(dst: [u8; 6], src: [u8; 6], etype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = dst.to_vec();
    f.extend_from_slice(&src);
    f.extend_from_slice(&etype.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

fn random_frame(r: &mut ChaCha8Rng, len: usize) -> Vec<u8> {
    let payload: Vec<u8> = (0..len - 14).map(|_| r.gen()).collect();
    eth(
        [0x02, 0, 0, 0, 0, 9],
        NetConfig::default().mac,
        0x88b5,
        &payload,
    )
}

/// Run until `done`, at most `limit` cycles in steps of 16 (panics with `what` on timeout).
fn run_until(
    h: &mut RootComplex<VirtioCardHost>,
    limit: u64,
    what: &str,
    mut done: impl FnMut(&mut RootComplex<VirtioCardHost>) -> bool,
) {
    let end = h.cycle + limit;
    while !done(h) {
        assert!(
            h.cycle < end,
            "{what}: not within {limit} cycles (device: rx {} frames, dropped {} filter {} nobuf {} size; tx {} frames {} dropped; status {:#x})",
            h.card.m.net_rx_frames(),
            h.card.m.net_rx_drop_filter(),
            h.card.m.net_rx_drop_nobuf(),
            h.card.m.net_rx_drop_size(),
            h.card.m.net_tx_frames(),
            h.card.m.net_tx_dropped(),
            h.device_status(0)
        );
        h.idle(16);
    }
}

fn msi_count(h: &RootComplex<VirtioCardHost>, vector: u32) -> usize {
    h.interrupts
        .iter()
        .filter(|i| matches!(i, Interrupt::Msi { data, .. } if *data == 0x100 + vector))
        .count()
}

#[test]
fn net_2_3_7_8_the_card_offers_the_net_features_with_their_dependencies_and_shows_its_configuration(
) {
    let mut h = card("net_2_3");
    let offered = h.offered_features(0);
    assert_eq!(
        offered & net_features(),
        net_features(),
        "every net feature"
    );
    assert_ne!(
        offered & (1 << nf::SPEED_DUPLEX),
        0,
        "SPEED_DUPLEX (bit 63) is offered"
    );
    // NET-2: every feature that needs the control queue comes with it
    let has = |b: u32| offered & (1 << b) != 0;
    for b in [
        nf::CTRL_RX,
        nf::CTRL_RX_EXTRA,
        nf::GUEST_ANNOUNCE,
        nf::MQ,
        nf::CTRL_MAC_ADDR,
        nf::RSS,
        nf::HASH_REPORT,
    ] {
        assert!(
            !has(b) || has(nf::CTRL_VQ),
            "feature {b} needs CTRL_VQ (NET-2)"
        );
    }
    assert!(
        !has(nf::CTRL_RX_EXTRA) || has(nf::CTRL_RX),
        "CTRL_RX_EXTRA needs CTRL_RX"
    );
    let n = h.virtio_init(0, TRANSPORT | net_features(), true).unwrap();
    assert_eq!(n.features & net_features(), net_features());
    assert_ne!(n.features & feature::RING_PACKED, 0);
    let want = NetConfig::default().config_bytes(true);
    for k in (0..want.len() as u32).step_by(4) {
        let v = h.mmio_read(0, 0x2000 + k, 4).unwrap() as u32;
        assert_eq!(
            v.to_le_bytes(),
            want[k as usize..k as usize + 4],
            "virtio_net_config dword {k:#x} (NET-3; key 40 and table 128, NET-7, NET-8)"
        );
    }
    assert_eq!(
        h.card.m.f0_features() >> 31 & 1,
        1,
        "bit 63 reaches the device"
    );
    let v = h.mmio_read(0, 0x2000 + 0x10, 4).unwrap();
    assert_eq!(v >> 8 & 0xff, 40, "rss_max_key_size 40 (NET-7)");
    assert_eq!(
        v >> 16 & 0xffff,
        128,
        "rss_max_indirection_table_length 128 (NET-8)"
    );
    let v = h.mmio_read(0, 0x2000 + 0x14, 4).unwrap();
    assert_eq!(
        v, 0x3f,
        "supported_hash_types: IPv4, TCPv4, UDPv4, IPv6, TCPv6, UDPv6"
    );
}

#[test]
fn net_11_15_17_frames_loop_through_the_rings_into_mergeable_buffers() {
    let (mut h, mut d) = bound("net_11_15_17", net_features());
    assert!(d.mrg_rxbuf);
    h.card.mac.loopback = true;
    let mut r = ChaCha8Rng::seed_from_u64(11);
    d.fill_rx(&mut h, 0, 96, 512);
    let frames: Vec<Vec<u8>> = (0..24)
        .map(|_| {
            let len = r.gen_range(60..=1514);
            random_frame(&mut r, len)
        })
        .collect();
    for f in &frames {
        let hdr = d.plain_hdr();
        d.send(&mut h, 1, &hdr, f);
    }
    let mut got = Vec::new();
    run_until(&mut h, 2_000_000, "24 frames looped back", |h| {
        while let Some(x) = d.recv(h, 0) {
            got.push(x);
        }
        got.len() == frames.len()
    });
    for (k, (x, f)) in got.iter().zip(&frames).enumerate() {
        assert_eq!(&x.frame, f, "frame {k} arrives whole and unchanged");
        let want_bufs = (d.hdr_len + f.len()).div_ceil(512) as u16;
        assert_eq!(x.buffers, want_bufs, "frame {k}: num_buffers (NET-17)");
        assert_eq!(x.hdr[0] & 1, 0, "no NEEDS_CSUM on receive");
    }
    assert_eq!(
        d.reclaim_tx(&mut h, 1),
        frames.len(),
        "every transmit buffer used"
    );
    assert_eq!(h.card.mac.sent.len(), frames.len());
    assert_eq!(h.card.m.net_rx_frames(), frames.len() as u64);
    // (a DMA outside the buffers given would have panicked in the memory checker)
}

#[test]
fn net_15_receive_buffers_beyond_the_cache_are_held_back_and_transmit_still_flows() {
    // 200 receive buffers: more than the device caches (64 a queue). Without the queue
    // engine's hold the buffer stream would stall on the 65th and transmit behind it.
    let (mut h, mut d) = bound("net_15_hold", net_features());
    let mut r = ChaCha8Rng::seed_from_u64(15);
    d.fill_rx(&mut h, 0, 200, 1526);
    h.idle(20_000);
    for _ in 0..8 {
        let f = random_frame(&mut r, 200);
        let hdr = d.plain_hdr();
        d.send(&mut h, 1, &hdr, &f);
    }
    run_until(
        &mut h,
        400_000,
        "8 frames sent past 200 receive buffers",
        |h| h.card.mac.sent.len() == 8,
    );
    assert_eq!(d.reclaim_tx(&mut h, 1), 8);
    // every one of the 200 buffers is still reachable: 200 frames in batches
    let mut got = 0;
    for batch in 0..5 {
        for _ in 0..40 {
            // (64-byte frames at line rate outrun the device: see docs/PERFORMANCE.md)
            let f = random_frame(&mut r, 300);
            h.card.mac.inject(f);
        }
        run_until(&mut h, 600_000, "a batch of 40 received", |h| {
            while d.recv(h, 0).is_some() {
                got += 1;
            }
            got == 40 * (batch + 1)
        });
    }
    assert_eq!(h.card.m.net_rx_drop_nobuf(), 0, "no frame dropped");
    assert_eq!(h.device_status(0) & 0x40, 0, "no DEVICE_NEEDS_RESET");
}

#[test]
fn net_link_changes_raise_configuration_interrupts_and_status_follows() {
    let (mut h, _d) = bound("net_link", net_features());
    let cfg_vector = 9;
    let before = msi_count(&h, cfg_vector);
    h.card.net_link_up = false;
    run_until(
        &mut h,
        20_000,
        "configuration interrupt on link down",
        |h| msi_count(h, cfg_vector) > before,
    );
    let status = (h.mmio_read(0, 0x2000 + 4, 4).unwrap() >> 16) as u16;
    assert_eq!(status & 1, 0, "LINK_UP clear");
    let gen1 = h.common_read(0, 0x15, 1);
    h.card.net_link_up = true;
    run_until(&mut h, 20_000, "configuration interrupt on link up", |h| {
        msi_count(h, cfg_vector) > before + 1
    });
    let status = (h.mmio_read(0, 0x2000 + 4, 4).unwrap() >> 16) as u16;
    assert_eq!(status & 1, 1, "LINK_UP set again");
    assert_ne!(
        h.common_read(0, 0x15, 1),
        gen1,
        "config_generation moves with the change"
    );
}

#[test]
fn net_38_39_vq_pairs_set_spreads_flows_over_the_receive_queues() {
    let (mut h, mut d) = bound("net_38_39", net_features());
    assert_eq!(
        d.ctrl(&mut h, c::CLASS_MQ, c::MQ_VQ_PAIRS_SET, &4u16.to_le_bytes()),
        c::OK
    );
    for q in [0u16, 2, 4, 6] {
        d.fill_rx(&mut h, q, 32, 1526);
    }
    let mut r = ChaCha8Rng::seed_from_u64(38);
    let mut sent = Vec::new();
    for k in 0..32u16 {
        // IPv4 TCP, one flow each
        let mut ip = vec![0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0];
        ip.extend_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2]);
        ip.extend_from_slice(&(1000 + k).to_be_bytes());
        ip.extend_from_slice(&80u16.to_be_bytes());
        ip.extend((0..256).map(|_| r.gen::<u8>()));
        let f = eth(NetConfig::default().mac, [2, 0, 0, 0, 0, 7], 0x0800, &ip);
        h.card.mac.inject(f.clone());
        sent.push(f);
    }
    let mut got = Vec::new();
    run_until(&mut h, 1_000_000, "32 flows received", |h| {
        for q in [0u16, 2, 4, 6] {
            while let Some(x) = d.recv(h, q) {
                got.push(x);
            }
        }
        got.len() == 32
    });
    let queues: std::collections::BTreeSet<u16> = got.iter().map(|x| x.queue).collect();
    assert!(
        queues.len() >= 3,
        "16+ flows over 4 pairs use several queues: {queues:?}"
    );
    for f in &sent {
        assert!(
            got.iter().any(|x| &x.frame == f),
            "every frame received once"
        );
    }
}

#[test]
fn net_41_29_rss_and_hash_reporting_through_the_card() {
    // RSS (bit 60) and HASH_REPORT (bit 57) reach the device through fN_features[28], [25]
    let (mut h, mut d) = bound("net_41_29", net_features());
    assert_eq!(d.hdr_len, 20, "HASH_REPORT negotiated: 20-byte header");
    let mut r = ChaCha8Rng::seed_from_u64(41);
    let table: Vec<u16> = (0..128).map(|k| k % 4).collect();
    let key: Vec<u8> = (0..40).map(|_| r.gen()).collect();
    let cfg = rss_config(0x3f, &table, 1, 4, &key);
    assert_eq!(d.ctrl(&mut h, c::CLASS_MQ, c::MQ_RSS_CONFIG, &cfg), c::OK);
    for q in [0u16, 2, 4, 6] {
        d.fill_rx(&mut h, q, 24, 1526);
    }
    let mac = NetConfig::default().mac;
    let mut want = Vec::new();
    for _ in 0..24 {
        let (s, dst): ([u8; 4], [u8; 4]) = (r.gen(), r.gen());
        let (sp, dp): (u16, u16) = (r.gen(), r.gen());
        let f = ip_frame(mac, false, &s, &dst, 17, sp, dp, 200);
        let mut input = s.to_vec();
        input.extend_from_slice(&dst);
        input.extend_from_slice(&sp.to_be_bytes());
        input.extend_from_slice(&dp.to_be_bytes());
        let hv = toeplitz(&key, &input);
        want.push((f.clone(), 2 * table[(hv & 127) as usize], hv));
        h.card.mac.inject(f);
    }
    let mut got = Vec::new();
    run_until(&mut h, 1_000_000, "24 RSS frames", |h| {
        for q in [0u16, 2, 4, 6] {
            while let Some(x) = d.recv(h, q) {
                got.push(x);
            }
        }
        got.len() == 24
    });
    for (f, q, hv) in want {
        let x = got
            .iter()
            .find(|x| x.frame == f)
            .expect("every frame received");
        assert_eq!(x.queue, q, "indirection_table[hash & 127] (NET-41)");
        assert_eq!(&x.hdr[12..16], &hv.to_le_bytes(), "hash_value (NET-29)");
        assert_eq!(&x.hdr[16..18], &3u16.to_le_bytes(), "hash_report UDPv4");
    }
}

fn ipv4_sum(b: &[u8]) -> u16 {
    let mut s: u32 = b
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]) as u32)
        .sum();
    while s > 0xffff {
        s = (s & 0xffff) + (s >> 16);
    }
    !(s as u16)
}

#[test]
fn net_tap_the_kernel_answers_arp_and_ping_through_the_simulated_card() {
    if !Tap::available() {
        // CI runs as root; a developer without root cannot make a TAP: say so loudly
        eprintln!("SKIPPED: a TAP needs root and /dev/net/tun");
        return;
    }
    let host_ip = Ipv4Addr::new(10, 77, 0, 1);
    let card_ip = Ipv4Addr::new(10, 77, 0, 2);
    let tap = match Tap::in_new_netns("ferrio0", host_ip, 24) {
        Ok(t) => t,
        // root without CAP_NET_ADMIN or CAP_SYS_ADMIN (some containers): say so loudly
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            eprintln!("SKIPPED: no TAP in a new network namespace here: {e}");
            return;
        }
        Err(e) => panic!("TAP in a new netns: {e}"),
    };
    let (mut h, mut d) = bound("net_tap", net_features());
    h.card.mac.tap = Some(tap);
    d.fill_rx(&mut h, 0, 32, 1526);
    let mac = NetConfig::default().mac;
    // ARP: who has 10.77.0.1, tell 10.77.0.2
    let mut arp = vec![0, 1, 8, 0, 6, 4, 0, 1];
    arp.extend_from_slice(&mac);
    arp.extend_from_slice(&card_ip.octets());
    arp.extend_from_slice(&[0; 6]);
    arp.extend_from_slice(&host_ip.octets());
    arp.resize(46, 0);
    let hdr = d.plain_hdr();
    d.send(&mut h, 1, &hdr, &eth([0xff; 6], mac, 0x0806, &arp));
    let mut frames = Vec::new();
    let mut recv_until = |h: &mut RootComplex<VirtioCardHost>,
                          d: &mut NetDriver,
                          what: &str,
                          pred: &dyn Fn(&[u8]) -> bool|
     -> Vec<u8> {
        let mut found = None;
        run_until(h, 3_000_000, what, |h| {
            while let Some(x) = d.recv(h, 0) {
                frames.push(x.frame.clone());
                if found.is_none() && pred(&x.frame) {
                    found = Some(x.frame);
                }
            }
            found.is_some()
        });
        found.unwrap()
    };
    let reply = recv_until(&mut h, &mut d, "the kernel's ARP reply", &|f| {
        f.len() >= 42 && f[12..14] == [8, 6] && f[20..22] == [0, 2]
    });
    assert_eq!(&reply[0..6], &mac, "the reply is addressed to the card");
    assert_eq!(&reply[28..32], &host_ip.octets(), "10.77.0.1 is at ...");
    let host_mac: [u8; 6] = reply[22..28].try_into().unwrap();
    // ICMP echo request to the kernel
    let payload: Vec<u8> = (0..56u8).collect();
    let mut icmp = vec![8, 0, 0, 0, 0x12, 0x34, 0, 1];
    icmp.extend_from_slice(&payload);
    let s = ipv4_sum(&icmp);
    icmp[2..4].copy_from_slice(&s.to_be_bytes());
    let mut ip = vec![0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 1, 0, 0];
    let total = (20 + icmp.len()) as u16;
    ip[2..4].copy_from_slice(&total.to_be_bytes());
    ip.extend_from_slice(&card_ip.octets());
    ip.extend_from_slice(&host_ip.octets());
    let s = ipv4_sum(&ip);
    ip[10..12].copy_from_slice(&s.to_be_bytes());
    ip.extend_from_slice(&icmp);
    d.send(&mut h, 1, &hdr, &eth(host_mac, mac, 0x0800, &ip));
    let pong = recv_until(&mut h, &mut d, "the kernel's echo reply", &|f| {
        f.len() >= 42 && f[12..14] == [8, 0] && f[23] == 1 && f[34] == 0
    });
    assert_eq!(&pong[26..30], &host_ip.octets(), "from 10.77.0.1");
    assert_eq!(&pong[30..34], &card_ip.octets(), "to the card");
    assert_eq!(&pong[38..42], &[0x12, 0x34, 0, 1], "same id and sequence");
    assert_eq!(&pong[42..42 + 56], &payload[..], "same payload");
    let tap = h.card.mac.tap.as_ref().unwrap();
    assert_eq!(tap.sent, 2, "two frames to the kernel");
    assert!(tap.received >= 2);
}
