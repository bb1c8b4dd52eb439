//! The virtio-pci transport of the card core, through Verilator at TLP level: BAR0 memory
//! requests, the common configuration, device reset and queue reset, ISR and INTx, MSI-X, the
//! notify region and the device-config window. Test names cite the PCI-n rows of
//! `shared/virtio/pci-transport.md` (docs/CONFORMANCE.md maps them).

use ferrio_sim::host::ring::DriverRing;
use ferrio_sim::host::virtio::{common, feature, status, InitError, MSI_ADDRESS};
use ferrio_sim::host::{Interrupt, Link, LinkRate, RootComplex};
use ferrio_sim::models::{Card, CardProxy};
use ferrio_sim::tlp::{bdf, CplStatus, Kind, Tlp};

fn card() -> RootComplex<Card> {
    let mut h = RootComplex::new(Card::new());
    let found = h.enumerate();
    assert_eq!(found.len(), 2);
    h
}

fn proxy() -> RootComplex<CardProxy> {
    let mut h = RootComplex::new(CardProxy::new());
    assert_eq!(h.enumerate().len(), 2);
    h
}

const WANT: u64 = feature::VERSION_1
    | feature::INDIRECT_DESC
    | feature::EVENT_IDX
    | feature::RING_PACKED
    | feature::IN_ORDER
    | feature::ACCESS_PLATFORM
    | feature::ORDER_PLATFORM
    | feature::RING_RESET
    | feature::NOTIFICATION_DATA;

fn golden(name: &str, text: &str) {
    let path = format!("{}/tests/golden/{name}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("FERRIO_BLESS").is_some() {
        std::fs::write(&path, text).unwrap();
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (FERRIO_BLESS=1 writes it)"));
    assert_eq!(
        text, want,
        "the dump differs from {path}; review the change, then FERRIO_BLESS=1"
    );
}

#[test]
fn pci_1_enumeration_of_both_functions_matches_the_reviewed_lspci_dump() {
    let mut h = RootComplex::new(Card::new());
    let found = h.enumerate();
    assert_eq!(
        found.iter().map(|f| f.function).collect::<Vec<_>>(),
        [0, 1],
        "functions 2-7 answer UR and are skipped"
    );
    assert_eq!(found[0].bar0_size, 0x8000);
    assert!(found[0].bar0_64bit);
    let mut dump = String::new();
    for f in &found {
        dump += &h.lspci(f);
    }
    golden("lspci-card.txt", &dump);
}

#[test]
fn pci_1_enumeration_of_the_proxy_build_matches_its_lspci_dump() {
    let mut h = RootComplex::new(CardProxy::new());
    let found = h.enumerate();
    assert_eq!(found.len(), 2);
    assert!(!found[0].bar0_64bit);
    assert_eq!(
        found[0].capability(0x11),
        None,
        "no MSI-X capability in this build"
    );
    let mut dump = String::new();
    for f in &found {
        dump += &h.lspci(f);
    }
    golden("lspci-card-proxy.txt", &dump);
}

#[test]
fn pci_8_pci_9_feature_windows_show_offered_bits_and_keep_only_offered_ones() {
    let mut h = card();
    for f in 0..2 {
        let offered = h.offered_features(f);
        assert_eq!(offered, WANT, "transport features offered");
        h.common_write(f, common::DEVICE_FEATURE_SELECT, 4, 2);
        assert_eq!(
            h.common_read(f, common::DEVICE_FEATURE, 4),
            0,
            "window 2 has no bits"
        );
        h.write_driver_features(f, u64::MAX);
        for w in 0..2u64 {
            h.common_write(f, common::DRIVER_FEATURE_SELECT, 4, w);
            assert_eq!(
                h.common_read(f, common::DRIVER_FEATURE, 4),
                (offered >> (32 * w)) & 0xffff_ffff,
                "driver_feature window {w} keeps offered bits only"
            );
        }
        assert_eq!(h.common_read(f, common::DRIVER_FEATURE_SELECT, 4), 1);
    }
}

#[test]
fn pci_42_features_ok_is_refused_without_version_1_or_ring_packed() {
    let mut h = card();
    for (want, ok) in [
        (WANT, true),
        (WANT & !feature::RING_PACKED, false),
        (WANT & !feature::VERSION_1, false),
        (feature::VERSION_1 | feature::RING_PACKED, true),
    ] {
        let r = h.virtio_init(1, want, false);
        if ok {
            assert!(r.is_ok(), "{want:#x} accepted");
            assert_eq!(h.device_status(1) & status::DRIVER_OK, status::DRIVER_OK);
        } else {
            assert_eq!(r.unwrap_err(), InitError::FeaturesRefused, "{want:#x}");
            assert_eq!(
                h.device_status(1),
                status::ACKNOWLEDGE | status::DRIVER,
                "FEATURES_OK stays clear, the rest is kept"
            );
        }
    }
}

#[test]
fn pci_11_pci_35_pci_44_device_reset_waits_for_idle_then_restores_every_field() {
    let mut h = card();
    let n = h.virtio_init(0, WANT, true).unwrap();
    assert_eq!(n.queues.len(), 9);
    h.sides[0].idle = false;
    h.common_write(0, common::DEVICE_STATUS, 1, 0);
    h.idle(50);
    assert!(h.sides[0].resetting, "the data path is asked to drain");
    assert_ne!(
        h.device_status(0),
        0,
        "device_status reads 0 only when the reset is done"
    );
    let selected = h.common_read(0, common::QUEUE_SELECT, 2);
    h.common_write(0, common::QUEUE_SELECT, 2, selected + 1);
    assert_eq!(
        h.common_read(0, common::QUEUE_SELECT, 2),
        selected,
        "writes are ignored while the reset is pending"
    );
    h.sides[0].idle = true;
    assert!(
        h.run_until(20, |h| !h.sides[0].resetting),
        "the reset completes once the data path is idle"
    );
    assert_eq!(h.device_status(0), 0);
    assert_eq!(h.common_read(0, common::CONFIG_MSIX_VECTOR, 2), 0xffff);
    for q in 0..9 {
        h.common_write(0, common::QUEUE_SELECT, 2, q);
        assert_eq!(h.common_read(0, common::QUEUE_ENABLE, 2), 0, "PCI-12");
        assert_eq!(h.common_read(0, common::QUEUE_SIZE, 2), 256);
        assert_eq!(
            h.common_read(0, common::QUEUE_MSIX_VECTOR, 2),
            0xffff,
            "PCI-35"
        );
        assert_eq!(h.common_read(0, common::QUEUE_DESC, 8), 0);
    }
    h.common_write(0, common::DRIVER_FEATURE_SELECT, 4, 1);
    assert_eq!(h.common_read(0, common::DRIVER_FEATURE, 4), 0);
    // Function 1 was not touched.
    assert_eq!(h.device_status(1), 0);
    assert!(
        h.virtio_init(0, WANT, true).is_ok(),
        "PCI-43: accepted again"
    );
}

#[test]
fn pci_4_pci_12_pci_15_pci_16_queue_registers() {
    let mut h = card();
    assert_eq!(h.common_read(1, common::NUM_QUEUES, 2), 2);
    h.common_write(1, common::QUEUE_SELECT, 2, 1);
    assert_eq!(
        h.common_read(1, common::QUEUE_SIZE, 2),
        256,
        "maximum, a power of two"
    );
    assert_eq!(h.common_read(1, common::QUEUE_NOTIFY_OFF, 2), 1);
    assert_eq!(h.common_read(1, common::QUEUE_NOTIFY_DATA, 2), 1);
    h.common_write(1, common::QUEUE_SIZE, 2, 100);
    assert_eq!(
        h.common_read(1, common::QUEUE_SIZE, 2),
        100,
        "any size up to the maximum (packed)"
    );
    h.common_write(1, common::QUEUE_SIZE, 2, 0);
    h.common_write(1, common::QUEUE_SIZE, 2, 257);
    assert_eq!(
        h.common_read(1, common::QUEUE_SIZE, 2),
        100,
        "0 and sizes above the maximum are ignored"
    );
    h.common_write(1, common::QUEUE_SIZE, 1, 7);
    assert_eq!(
        h.common_read(1, common::QUEUE_SIZE, 2),
        100,
        "a byte write to the 16-bit queue_size is ignored (VIRTIO 4.1.3.1)"
    );
    // 64-bit fields: halves written independently (PCI-4), read back whole.
    h.common_write(1, common::QUEUE_DESC + 4, 4, 0x1234_5678);
    h.common_write(1, common::QUEUE_DESC, 4, 0x9abc_def0);
    h.common_write(1, common::QUEUE_DEVICE, 4, 0x1111_2222);
    assert_eq!(
        h.common_read(1, common::QUEUE_DESC, 8),
        0x1234_5678_9abc_def0
    );
    assert_eq!(h.common_read(1, common::QUEUE_DEVICE, 8), 0x1111_2222);
    assert_eq!(h.common_read(1, common::QUEUE_DRIVER, 8), 0);
    h.common_write(1, common::QUEUE_ENABLE, 2, 1);
    assert_eq!(h.common_read(1, common::QUEUE_ENABLE, 2), 1);
    h.common_write(1, common::QUEUE_DESC, 4, 0);
    h.common_write(1, common::QUEUE_SIZE, 2, 8);
    assert_eq!(
        h.common_read(1, common::QUEUE_DESC, 4),
        0x9abc_def0,
        "an enabled queue's configuration is frozen"
    );
    assert_eq!(h.common_read(1, common::QUEUE_SIZE, 2), 100);
    h.common_write(1, common::QUEUE_ENABLE, 2, 0);
    assert_eq!(
        h.common_read(1, common::QUEUE_ENABLE, 2),
        1,
        "writing 0 does not disable"
    );
    // Queue 0 kept its own values.
    h.common_write(1, common::QUEUE_SELECT, 2, 0);
    assert_eq!(h.common_read(1, common::QUEUE_SIZE, 2), 256);
    assert_eq!(h.common_read(1, common::QUEUE_DESC, 8), 0);
    // A queue that does not exist reads 0 everywhere (PCI-15).
    h.common_write(1, common::QUEUE_SELECT, 2, 2);
    for off in [
        common::QUEUE_SIZE,
        common::QUEUE_MSIX_VECTOR,
        common::QUEUE_ENABLE,
        common::QUEUE_NOTIFY_OFF,
        common::QUEUE_NOTIFY_DATA,
        common::QUEUE_RESET,
    ] {
        assert_eq!(h.common_read(1, off, 2), 0, "field {off:#x} of queue 2");
    }
    h.common_write(1, common::QUEUE_ENABLE, 2, 1);
    h.common_write(1, common::QUEUE_SELECT, 2, 0);
    assert_eq!(h.common_read(1, common::QUEUE_ENABLE, 2), 0);
}

#[test]
fn pci_13_pci_14_pci_50_queue_reset_waits_for_idle_and_restores_the_queue() {
    let mut h = card();
    // Without RING_RESET negotiated, queue_reset does nothing.
    h.virtio_init(0, WANT & !feature::RING_RESET, true).unwrap();
    h.common_write(0, common::QUEUE_SELECT, 2, 2);
    h.common_write(0, common::QUEUE_RESET, 2, 1);
    assert_eq!(h.common_read(0, common::QUEUE_RESET, 2), 0);
    assert_eq!(h.common_read(0, common::QUEUE_ENABLE, 2), 1);

    let n = h.virtio_init(0, WANT, true).unwrap();
    assert_ne!(n.features & feature::RING_RESET, 0);
    h.common_write(0, common::QUEUE_SELECT, 2, 2);
    assert_eq!(h.common_read(0, common::QUEUE_RESET, 2), 0, "PCI-13");
    h.sides[0].idle = false;
    h.common_write(0, common::QUEUE_RESET, 2, 1);
    h.idle(20);
    assert_eq!(h.sides[0].queue_resetting, Some(2));
    assert_eq!(
        h.common_read(0, common::QUEUE_RESET, 2),
        1,
        "reads 1 while in progress"
    );
    assert_eq!(h.common_read(0, common::QUEUE_ENABLE, 2), 1);
    h.common_write(0, common::QUEUE_SELECT, 2, 3);
    assert_eq!(
        h.common_read(0, common::QUEUE_RESET, 2),
        0,
        "only queue 2 is resetting"
    );
    h.sides[0].idle = true;
    h.common_write(0, common::QUEUE_SELECT, 2, 2);
    assert_eq!(h.common_read(0, common::QUEUE_RESET, 2), 0);
    assert_eq!(h.common_read(0, common::QUEUE_ENABLE, 2), 0);
    assert_eq!(h.common_read(0, common::QUEUE_DESC, 8), 0);
    assert_eq!(h.common_read(0, common::QUEUE_MSIX_VECTOR, 2), 0xffff);
    h.common_write(0, common::QUEUE_SELECT, 2, 3);
    assert_eq!(
        h.common_read(0, common::QUEUE_ENABLE, 2),
        1,
        "other queues untouched"
    );
    // PCI-51: re-enable with new values (a new ring of 64; the queue engine scans it).
    h.common_write(0, common::QUEUE_SELECT, 2, 2);
    h.common_write(0, common::QUEUE_SIZE, 2, 64);
    let (desc, driver, device) = (0x2_0000_0000u64, 0x2_0008_0000u64, 0x2_0008_1000u64);
    let ring = DriverRing::new(&mut h.memory, 0, 2, 64, desc, driver, device);
    h.rings[0][2] = ring;
    for (off, v) in [
        (common::QUEUE_DESC, desc),
        (common::QUEUE_DRIVER, driver),
        (common::QUEUE_DEVICE, device),
    ] {
        h.common_write(0, off, 8, v);
    }
    h.common_write(0, common::QUEUE_ENABLE, 2, 1);
    assert_eq!(h.common_read(0, common::QUEUE_DESC, 8), desc);
    assert_eq!(h.common_read(0, common::QUEUE_SIZE, 2), 64);
    assert_eq!(h.device_status(0) & status::DRIVER_OK, status::DRIVER_OK);
}

#[test]
fn pci_33_pci_34_vectors_map_to_valid_entries_or_read_no_vector() {
    let mut h = card();
    h.common_write(0, common::CONFIG_MSIX_VECTOR, 2, 9);
    assert_eq!(h.common_read(0, common::CONFIG_MSIX_VECTOR, 2), 9);
    h.common_write(0, common::CONFIG_MSIX_VECTOR, 2, 10);
    assert_eq!(
        h.common_read(0, common::CONFIG_MSIX_VECTOR, 2),
        0xffff,
        "entry 10 does not exist"
    );
    h.common_write(1, common::QUEUE_SELECT, 2, 1);
    h.common_write(1, common::QUEUE_MSIX_VECTOR, 2, 0);
    assert_eq!(
        h.common_read(1, common::QUEUE_MSIX_VECTOR, 2),
        0,
        "queues may share entries"
    );
    h.common_write(1, common::QUEUE_MSIX_VECTOR, 2, 0xffff);
    assert_eq!(h.common_read(1, common::QUEUE_MSIX_VECTOR, 2), 0xffff);
    let mut p = proxy();
    p.common_write(0, common::CONFIG_MSIX_VECTOR, 2, 0);
    assert_eq!(
        p.common_read(0, common::CONFIG_MSIX_VECTOR, 2),
        0xffff,
        "no MSI-X: no mapping"
    );
}

#[test]
fn byte_enables_and_access_widths_are_honoured() {
    let mut h = card();
    // One byte of queue_select (offset 0x17): only that byte changes.
    h.common_write(0, common::QUEUE_SELECT, 2, 0x0102);
    h.common_write(0, common::QUEUE_SELECT + 1, 1, 0x00);
    assert_eq!(h.common_read(0, common::QUEUE_SELECT, 2), 0x0002);
    // A 32-bit write at 0x14 writes device_status and queue_select together;
    // config_generation (read-only) is untouched.
    h.common_write(0, common::DEVICE_STATUS, 4, 0x0001_ff01);
    assert_eq!(h.common_read(0, common::DEVICE_STATUS, 4), 0x0001_0001);
    // Every width of read returns the right bytes with the right byte count.
    h.common_write(0, common::QUEUE_DESC, 4, 0x4433_2211);
    h.common_write(0, common::QUEUE_DESC + 4, 4, 0x8877_6655);
    let q = h.common_read(0, common::QUEUE_DESC, 8);
    assert_eq!(q, 0x8877_6655_4433_2211, "QW read: two DWs");
    for size in [1u8, 2, 4] {
        for at in (0..8).step_by(size as usize) {
            let want = (q >> (8 * at)) & ((1u64 << (8 * size)) - 1);
            assert_eq!(
                h.common_read(0, common::QUEUE_DESC + at, size),
                want,
                "{size}-byte read at +{at}"
            );
        }
    }
    // Byte writes into the middle of a DW.
    h.common_write(0, common::QUEUE_DESC + 2, 1, 0xaa);
    assert_eq!(h.common_read(0, common::QUEUE_DESC, 4), 0x44aa_2211);
    // A QW write to an MSI-X table entry (address low + high) in one TLP.
    h.mmio_write(0, 0x4010, 8, 0x0000_0001_fee0_1004);
    assert_eq!(h.mmio_read(0, 0x4010, 4), Ok(0xfee0_1004));
    assert_eq!(h.mmio_read(0, 0x4014, 4), Ok(1));
    assert_eq!(
        h.mmio_read(0, 0x4010, 8),
        Ok(0x0000_0001_fee0_1004),
        "QW read of the table"
    );
    // Unused space inside BAR0 reads 0 and ignores writes.
    h.mmio_write(0, 0x6000, 4, 0xffff_ffff);
    assert_eq!(h.mmio_read(0, 0x6000, 4), Ok(0));
    assert_eq!(
        h.mmio_read(0, 0x0040, 4),
        Ok(0),
        "past the common structure"
    );
}

#[test]
fn memory_requests_outside_an_enabled_bar_get_ur_and_set_the_error_bit() {
    let mut h = card();
    let base = h.bar0[0].unwrap();
    // Memory space off: UR.
    h.cfg_write(0, 1, 0b0011, 0x0004).unwrap();
    assert_eq!(
        h.mmio_read(0, 0, 4),
        Err(CplStatus::UnsupportedRequest),
        "memory space disabled"
    );
    h.cfg_write(0, 1, 0b0011, 0x0006).unwrap();
    assert_eq!(
        h.mem_read(base + 0x8000, 4),
        Err(CplStatus::UnsupportedRequest),
        "just past BAR0"
    );
    assert_eq!(
        h.mem_read(0x1_0000_0000 + base, 4),
        Err(CplStatus::UnsupportedRequest),
        "a 64-bit address above the BAR"
    );
    let dev_status = |h: &mut RootComplex<Card>| h.cfg_read(0, (0x54 + 8) / 4).unwrap() >> 16;
    assert_eq!(
        dev_status(&mut h) & 0b1010,
        0b1010,
        "UR detected and non-fatal"
    );
    h.cfg_write(0, (0x54 + 8) / 4, 0b1100, 0xf << 16).unwrap();
    assert_eq!(dev_status(&mut h), 0, "write-one-to-clear");
    // A posted write to nowhere is dropped but logged.
    h.mem_write(base + 0x10_0000 * 4, 4, 1);
    assert_eq!(dev_status(&mut h) & 0b1000, 0b1000);
    // The UR completion names the card as completer and echoes the tag.
    let last = h
        .received
        .iter()
        .rev()
        .find(|t| matches!(t.kind, Kind::Completion { .. }))
        .unwrap()
        .clone();
    assert_eq!(last.requester, h.requester);
}

#[test]
fn malformed_memory_requests_are_dropped_flagged_and_never_applied() {
    let mut h = card();
    let base = h.bar0[0].unwrap();
    h.common_write(0, common::DEVICE_FEATURE_SELECT, 4, 7);
    let cases: Vec<(&str, Tlp)> = vec![
        ("crosses 4 KiB", {
            let mut t = Tlp::mem_write(h.requester, base + 0xffc, &[1, 2, 3, 4, 5, 6, 7, 8]);
            t.tag = 1;
            t
        }),
        ("one DW with a last BE", {
            let mut t = Tlp::mem_write(h.requester, base, &[9, 0, 0, 0]);
            t.last_be = 0xf;
            t
        }),
        ("two DWs with a zero first BE", {
            let mut t = Tlp::mem_write(h.requester, base, &[9, 0, 0, 0, 0, 0, 0, 0]);
            t.first_be = 0;
            t
        }),
    ];
    for (what, t) in cases {
        let before = h.malformed;
        h.post(&t);
        assert_eq!(h.malformed, before + 1, "{what}: flagged");
    }
    assert_eq!(
        h.common_read(0, common::DEVICE_FEATURE_SELECT, 4),
        7,
        "nothing applied"
    );
    let dev_status = h.cfg_read(1, (0x54 + 8) / 4).unwrap() >> 16;
    assert_eq!(dev_status & 0b100, 0b100, "fatal error detected");
    // A malformed read gets no completion.
    let tag = h.tag();
    let t = Tlp::mem_read(h.requester, tag, base + 0xffc, 2, 0xf, 0xf);
    let saved = h.timeout;
    h.timeout = 16;
    assert_eq!(h.transact(&t), ferrio_sim::host::Answer::Nothing);
    h.timeout = saved;
}

#[test]
fn poisoned_writes_are_not_applied_and_long_reads_get_completer_abort() {
    let mut h = card();
    let base = h.bar0[1].unwrap();
    let mut t = Tlp::mem_write(h.requester, base + 0x16, &[5, 0]);
    t.poisoned = true;
    h.post(&t);
    assert_eq!(h.common_read(1, common::QUEUE_SELECT, 2), 0, "not applied");
    let st = h.cfg_read(1, 1).unwrap() >> 16;
    assert_eq!(st & 0x8000, 0x8000, "detected parity error");
    let tag = h.tag();
    let t = Tlp::mem_read(h.requester, tag, base, 4, 0xf, 0xf);
    match h.transact(&t) {
        ferrio_sim::host::Answer::Completion(c) => {
            assert!(matches!(
                c.kind,
                Kind::Completion {
                    status: CplStatus::CompleterAbort,
                    completer,
                    ..
                } if completer == bdf(1, 0, 1)
            ));
        }
        other => panic!("{other:?}"),
    }
    let st = h.cfg_read(1, 1).unwrap() >> 16;
    assert_eq!(st & 0x0800, 0x0800, "signaled target abort");
}

#[test]
fn a_64_bit_bar_above_4_gib_takes_4_dw_requests() {
    let mut h = card();
    h.cfg_write(1, 4, 0xf, 0x0000_0000).unwrap();
    h.cfg_write(1, 5, 0xf, 0x0000_0020).unwrap();
    h.bar0[1] = Some(0x20_0000_0000);
    h.common_write(1, common::QUEUE_SELECT, 2, 1);
    assert_eq!(h.common_read(1, common::QUEUE_SELECT, 2), 1);
    h.common_write(1, common::QUEUE_DESC, 8, 0x0102_0304_0506_0708);
    assert_eq!(
        h.common_read(1, common::QUEUE_DESC, 8),
        0x0102_0304_0506_0708
    );
    assert_eq!(
        h.mem_read(0xfe10_0000, 4),
        Err(CplStatus::UnsupportedRequest),
        "the old address is gone"
    );
}

#[test]
fn pci_25_device_config_window_forwards_to_the_device_with_byte_enables() {
    let mut h = card();
    assert_eq!(h.mmio_read(1, 0x2000, 4), Ok(0x0302_0100));
    assert_eq!(h.mmio_read(1, 0x20fe, 2), Ok(0xfffe));
    h.mmio_write(1, 0x2011, 1, 0xab);
    assert_eq!(h.sides[1].devcfg[0x11], 0xab);
    assert_eq!(h.sides[1].devcfg[0x10], 0x10, "only the enabled byte");
    let last = *h.sides[1].devcfg_log.last().unwrap();
    assert!(last.write && last.dw == 4 && last.be == 0b0010);
    let forwarded = h.sides[1].devcfg_log.len();
    assert_eq!(
        h.mmio_read(1, 0x2100, 4),
        Ok(0),
        "past device_cfg_len reads 0"
    );
    assert_eq!(
        h.sides[1].devcfg_log.len(),
        forwarded,
        "and is not forwarded"
    );
    assert!(h.sides[0].devcfg_log.is_empty(), "function 0 saw nothing");
    // A slow device: the completion waits for it.
    h.sides[1].devcfg_latency = 40;
    assert_eq!(h.mmio_read(1, 0x2004, 4), Ok(0x0706_0504));
}

#[test]
fn pci_10_pci_21_config_change_sets_isr_bit_1_and_the_generation_moves() {
    let mut h = proxy();
    h.virtio_init(1, WANT, false).unwrap();
    let g0 = h.common_read(1, common::CONFIG_GENERATION, 1);
    h.sides[1].config_changed = true;
    h.idle(4);
    assert_eq!(
        h.common_read(1, common::CONFIG_GENERATION, 1),
        g0,
        "the driver has not read the change yet"
    );
    h.mmio_read(1, 0x2000, 4).unwrap();
    let g1 = h.common_read(1, common::CONFIG_GENERATION, 1);
    assert_eq!(
        g1,
        (g0 + 1) & 0xff,
        "a device-config read of the changed config moves the generation"
    );
    h.mmio_read(1, 0x2000, 4).unwrap();
    assert_eq!(h.common_read(1, common::CONFIG_GENERATION, 1), g1);
    assert_eq!(h.mmio_read(1, 0x1000, 1), Ok(0b10), "ISR bit 1 (PCI-21)");
    assert_eq!(h.mmio_read(1, 0x1000, 1), Ok(0), "read clears (PCI-24)");
}

#[test]
fn pci_22_pci_23_pci_24_intx_follows_the_isr_and_interrupt_disable() {
    let mut h = proxy();
    for f in 0..2u8 {
        h.virtio_init(f, WANT, false).unwrap();
    }
    let status_bit3 = |h: &mut RootComplex<CardProxy>, f: u8| h.cfg_read(f, 1).unwrap() >> 19 & 1;
    h.sides[1].queue_irq = Some(1);
    assert!(
        h.run_until(100, |h| h.intx[1]),
        "Assert_INTB from function 1"
    );
    assert_eq!(
        h.interrupts.last(),
        Some(&Interrupt::Intx {
            pin: 1,
            assert: true,
            from: bdf(1, 0, 1)
        })
    );
    assert_eq!(status_bit3(&mut h, 1), 1, "Status.Interrupt Status");
    assert_eq!(status_bit3(&mut h, 0), 0);
    assert_eq!(h.mmio_read(1, 0x1000, 4), Ok(1), "ISR bit 0 (PCI-22)");
    assert!(h.run_until(100, |h| !h.intx[1]), "Deassert after the read");
    assert_eq!(status_bit3(&mut h, 1), 0);
    // Interrupt Disable: no message, Interrupt Status still shows it.
    h.cfg_write(0, 1, 0b0111, 0x0406).unwrap();
    let before = h.interrupts.len();
    h.sides[0].queue_irq = Some(0);
    h.idle(50);
    assert_eq!(h.interrupts.len(), before, "no INTx while disabled");
    assert_eq!(status_bit3(&mut h, 0), 1);
    h.cfg_write(0, 1, 0b0111, 0x0006).unwrap();
    assert!(
        h.run_until(100, |h| h.intx[0]),
        "Assert_INTA once re-enabled"
    );
    h.mmio_read(0, 0x1000, 1).unwrap();
    assert!(h.run_until(100, |h| !h.intx[0]));
    let messages: Vec<_> = h.interrupts[before..].to_vec();
    assert_eq!(
        messages,
        vec![
            Interrupt::Intx {
                pin: 0,
                assert: true,
                from: bdf(1, 0, 0)
            },
            Interrupt::Intx {
                pin: 0,
                assert: false,
                from: bdf(1, 0, 0)
            }
        ]
    );
}

#[test]
fn pci_39_pci_40_no_queue_interrupt_before_driver_ok_and_needs_reset_interrupts() {
    let mut h = proxy();
    h.sides[0].queue_irq = Some(0);
    h.idle(30);
    assert!(h.interrupts.is_empty(), "no DRIVER_OK yet");
    assert_eq!(h.mmio_read(0, 0x1000, 1), Ok(0));
    h.virtio_init(0, WANT, false).unwrap();
    h.sides[0].needs_reset = true;
    assert!(h.run_until(100, |h| h.intx[0]), "config interrupt");
    assert_eq!(
        h.device_status(0) & status::DEVICE_NEEDS_RESET,
        status::DEVICE_NEEDS_RESET
    );
    assert_eq!(h.mmio_read(0, 0x1000, 1), Ok(0b10));
    h.virtio_reset(0, 8).unwrap();
    assert_eq!(h.device_status(0), 0, "a reset clears DEVICE_NEEDS_RESET");
}

#[test]
fn pci_37_pci_38_msix_masking_pending_bits_and_unmapped_events() {
    let mut h = card();
    let n = h.virtio_init(0, WANT, true).unwrap();
    assert!(n.queues.iter().all(|q| q.vector == q.index));
    // Queue 3 fires: message with its entry's address and data.
    h.sides[0].queue_irq = Some(3);
    assert!(h.run_until(100, |h| !h.interrupts.is_empty()));
    assert_eq!(
        h.interrupts[0],
        Interrupt::Msi {
            address: MSI_ADDRESS,
            data: 0x103,
            from: bdf(1, 0, 0)
        }
    );
    assert_eq!(h.mmio_read(0, 0x1000, 1), Ok(0), "no ISR bit with MSI-X");
    // Mask entry 3: the event is held as a pending bit.
    h.mmio_write(0, 0x4000 + 16 * 3 + 12, 4, 1);
    h.sides[0].queue_irq = Some(3);
    h.idle(50);
    assert_eq!(h.interrupts.len(), 1, "masked: nothing sent");
    assert_eq!(h.mmio_read(0, 0x5000, 4), Ok(1 << 3), "pending bit");
    h.mmio_write(0, 0x4000 + 16 * 3 + 12, 4, 0);
    assert!(
        h.run_until(100, |h| h.interrupts.len() == 2),
        "sent on unmask"
    );
    assert_eq!(h.mmio_read(0, 0x5000, 4), Ok(0), "pending cleared");
    // Function mask, then bus master off: held likewise.
    h.cfg_write(0, 0x48 / 4, 0b1100, 0xc000 << 16).unwrap();
    h.sides[0].queue_irq = Some(5);
    h.idle(50);
    assert_eq!(h.interrupts.len(), 2);
    assert_eq!(h.mmio_read(0, 0x5000, 4), Ok(1 << 5));
    h.cfg_write(0, 1, 0b0011, 0x0002).unwrap();
    h.cfg_write(0, 0x48 / 4, 0b1100, 0x8000 << 16).unwrap();
    h.idle(50);
    assert_eq!(h.interrupts.len(), 2, "no MSI-X without bus mastering");
    h.cfg_write(0, 1, 0b0011, 0x0006).unwrap();
    assert!(h.run_until(100, |h| h.interrupts.len() == 3));
    assert!(matches!(
        h.interrupts[2],
        Interrupt::Msi { data: 0x105, .. }
    ));
    // Unmapped queue (PCI-37) and config vector (PCI-38): nothing at all.
    h.common_write(0, common::QUEUE_SELECT, 2, 4);
    h.common_write(0, common::QUEUE_MSIX_VECTOR, 2, 0xffff);
    h.common_write(0, common::CONFIG_MSIX_VECTOR, 2, 0xffff);
    h.sides[0].queue_irq = Some(4);
    h.idle(20);
    h.sides[0].config_changed = true;
    h.idle(50);
    assert_eq!(h.interrupts.len(), 3);
    assert_eq!(h.mmio_read(0, 0x5000, 4), Ok(0));
    // A config change with a mapped vector uses it.
    h.common_write(0, common::CONFIG_MSIX_VECTOR, 2, 9);
    h.sides[0].config_changed = true;
    assert!(h.run_until(100, |h| h.interrupts.len() == 4));
    assert!(matches!(
        h.interrupts[3],
        Interrupt::Msi { data: 0x109, .. }
    ));
}

#[test]
fn msix_writes_above_4_gib_use_a_4_dw_header() {
    let mut h = card();
    h.virtio_init(1, WANT, true).unwrap();
    h.mmio_write(1, 0x4000 + 4, 4, 0x1);
    h.sides[1].queue_irq = Some(0);
    assert!(h.run_until(100, |h| !h.interrupts.is_empty()));
    assert_eq!(
        h.interrupts[0],
        Interrupt::Msi {
            address: 0x1_0000_0000 | MSI_ADDRESS,
            data: 0x100,
            from: bdf(1, 0, 1)
        }
    );
}

#[test]
fn pci_17_pci_19_notifications_carry_the_queue_and_notification_data() {
    let mut h = card();
    h.virtio_init(0, WANT & !feature::NOTIFICATION_DATA, true)
        .unwrap();
    h.mmio_write(0, 0x3000 + 4 * 5, 2, 5);
    h.mmio_write(0, 0x3000 + 4 * 2, 4, 0x8007_0002);
    h.mmio_write(0, 0x3000, 2, 40);
    h.idle(2);
    assert_eq!(
        h.sides[0].notifications,
        vec![(5, 0), (2, 0)],
        "queue 40 does not exist; no data without the feature"
    );
    h.virtio_init(0, WANT, true).unwrap();
    h.sides[0].notifications.clear();
    h.mmio_write(0, 0x3000 + 4 * 2, 4, 0x8007_0002);
    h.idle(2);
    assert_eq!(
        h.sides[0].notifications,
        vec![(2, 0x8007)],
        "next_wrap 1, next_off 7"
    );
    assert!(h.sides[1].notifications.is_empty());
}

#[test]
fn virtio_initialisation_reaches_driver_ok_with_packed_rings_on_both_builds() {
    let mut h = card();
    for f in 0..2 {
        let n = h.virtio_init(f, WANT, true).unwrap();
        assert_ne!(n.features & feature::RING_PACKED, 0);
        assert_eq!(
            h.device_status(f),
            status::ACKNOWLEDGE | status::DRIVER | status::FEATURES_OK | status::DRIVER_OK
        );
    }
    let mut p = proxy();
    for f in 0..2 {
        let n = p.virtio_init(f, WANT, false).unwrap();
        assert!(n.queues.iter().all(|q| q.vector == 0xffff));
        assert_eq!(p.device_status(f) & status::DRIVER_OK, status::DRIVER_OK);
    }
}

#[test]
fn completions_are_not_starved_by_a_burst_of_interrupt_messages() {
    let mut h = card();
    h.virtio_init(0, WANT, true).unwrap();
    // Nine vectors pending behind the function mask, released at once with a read behind.
    h.cfg_write(0, 0x48 / 4, 0b1100, 0xc000 << 16).unwrap();
    for q in 0..9 {
        h.sides[0].queue_irq = Some(q);
        h.idle(2);
    }
    assert_eq!(h.mmio_read(0, 0x5000, 4), Ok(0x1ff));
    let base = h.interrupts.len();
    let tag = h.tag();
    // Unmask (config write), then immediately a read of the common config.
    h.cfg_write(0, 0x48 / 4, 0b1100, 0x8000 << 16).unwrap();
    let req = Tlp::mem_read(h.requester, tag, h.bar0[0].unwrap(), 1, 0xf, 0);
    assert!(matches!(
        h.transact(&req),
        ferrio_sim::host::Answer::Completion(_)
    ));
    let pos = h
        .received
        .iter()
        .rposition(|t| matches!(t.kind, Kind::Completion { .. }) && t.tag == tag)
        .unwrap();
    let msis_before = h.received[..pos]
        .iter()
        .rev()
        .take_while(|t| matches!(t.kind, Kind::MemWrite { .. }))
        .count();
    assert!(
        msis_before <= 2,
        "{msis_before} messages went ahead of the completion"
    );
    assert!(h.run_until(200, |h| h.interrupts.len() == base + 9));
}

#[test]
fn the_link_serialiser_paces_requests_at_the_gen1_rate() {
    let mut h = RootComplex::with_link(Card::new(), Link::new(LinkRate::Gen1));
    h.enumerate();
    let start = h.cycle;
    let reads = 200;
    for _ in 0..reads {
        h.mmio_read(0, 0, 4).unwrap();
    }
    let took = h.cycle - start;
    let per_read = Link::new(LinkRate::Gen1).wire_milli_bytes(3) / 2 / 1000;
    assert!(
        took >= reads * per_read,
        "{took} cycles for {reads} reads, the link alone needs {}",
        reads * per_read
    );
}

#[test]
fn pci_29_pci_30_the_pci_configuration_window_reaches_bar0() {
    let mut h = proxy();
    let cap = 0xd4u16;
    let window = |h: &mut RootComplex<CardProxy>, offset: u32, length: u32| {
        h.cfg_write(1, (cap + 4) / 4, 0b0001, 0).unwrap();
        h.cfg_write(1, (cap + 8) / 4, 0xf, offset).unwrap();
        h.cfg_write(1, (cap + 12) / 4, 0xf, length).unwrap();
    };
    let data = (cap + 16) / 4;
    // A 2-byte write to queue_select (0x16) through the window, read back by MMIO.
    window(&mut h, common::QUEUE_SELECT, 2);
    h.cfg_write(1, data, 0xf, 0x0001).unwrap();
    assert_eq!(h.common_read(1, common::QUEUE_SELECT, 2), 1, "PCI-29");
    // A 1-byte read of device_status (0x14) and a 4-byte read of num_queues/vector.
    h.common_write(1, common::DEVICE_STATUS, 1, status::ACKNOWLEDGE as u64);
    window(&mut h, common::DEVICE_STATUS, 1);
    assert_eq!(
        h.cfg_read(1, data).unwrap() & 0xff,
        status::ACKNOWLEDGE as u32,
        "PCI-30"
    );
    window(&mut h, common::CONFIG_MSIX_VECTOR, 4);
    assert_eq!(h.cfg_read(1, data), Ok(0x0002_ffff));
    // The device-config window works through it as well.
    window(&mut h, 0x2005, 1);
    assert_eq!(h.cfg_read(1, data).unwrap() & 0xff, 0x05);
    h.cfg_write(1, data, 0b0001, 0x77).unwrap();
    assert_eq!(h.sides[1].devcfg[5], 0x77);
    // A window that is not valid (misaligned) leaves pci_cfg_data a plain register.
    window(&mut h, 0x17, 2);
    h.cfg_write(1, data, 0xf, 0xdead_beef).unwrap();
    assert_eq!(h.cfg_read(1, data), Ok(0xdead_beef));
    assert_eq!(
        h.common_read(1, common::QUEUE_SELECT, 2),
        1,
        "BAR untouched"
    );
}

#[test]
fn register_writes_arrive_at_gen2_line_rate_without_back_pressure() {
    // Posted writes back to back at the Gen2 x1 rate: the core must never hold rx.ready low.
    let mut h = RootComplex::with_link(Card::new(), Link::new(LinkRate::Gen2));
    h.enumerate();
    let stalls = h.rx_stall_cycles;
    for k in 0..200u64 {
        let mut t = Tlp::mem_write(
            h.requester,
            h.bar0[0].unwrap() + 0x4000 + 4 * (k % 40),
            &k.to_le_bytes()[..4],
        );
        t.tag = 0;
        h.send_dws(&t.encode()).unwrap();
    }
    h.idle(20);
    assert_eq!(
        h.mmio_read(0, 0x4000 + 4 * 38, 4),
        Ok(198),
        "the writes landed (entry 9's data DW, written last by write 198)"
    );
    assert_eq!(
        h.rx_stall_cycles - stalls,
        0,
        "MWr of one DW at Gen2 x1 line rate: no back-pressure"
    );
}

#[test]
fn a_register_read_completes_within_sixteen_core_cycles() {
    let mut h = card();
    h.idle(4);
    let start = h.cycle;
    h.mmio_read(0, common::NUM_QUEUES, 2).unwrap();
    let read = h.cycle - start;
    let start = h.cycle;
    let mut t = Tlp::mem_write(h.requester, h.bar0[0].unwrap() + 0x16, &[1, 0]);
    t.tag = 0;
    h.send_dws(&t.encode()).unwrap();
    let taken = h.cycle - start;
    println!("register read round trip: {read} cycles; write accepted in {taken}");
    assert!(
        read <= 16,
        "{read} cycles from the first beat to the completion's last"
    );
}
