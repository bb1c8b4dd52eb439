//! The checked-in LPF files must be exactly what the Rust board descriptions write.

use std::collections::HashSet;

#[test]
fn checked_in_lpf_matches_the_rust_description() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for board in ferrio_boards::all() {
        let path = root.join(ferrio_boards::lpf_path(board.name));
        let on_disk = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}; run `cargo xtask constraints`", path.display()));
        assert_eq!(
            on_disk,
            board.lpf(),
            "{} differs from boards/src; run `cargo xtask constraints` and review the diff",
            path.display()
        );
    }
}

#[test]
fn versa_has_no_site_or_port_bit_used_twice() {
    let board = ferrio_boards::find("versa-ecp5-5g").unwrap();
    let mut sites = HashSet::new();
    let mut ports = HashSet::new();
    for pin in &board.pins {
        assert!(sites.insert(pin.site), "site {} used twice", pin.site);
        assert!(
            ports.insert(pin.lpf_port()),
            "port {} used twice",
            pin.lpf_port()
        );
    }
}

#[test]
fn versa_pcie_pads_are_on_dcu0_channel0() {
    // nextpnr never checks that SERDES pads match the DCU (shared/notes/ecp5-versa.md).
    let board = ferrio_boards::find("versa-ecp5-5g").unwrap();
    let site = |p: &str| board.port(p)[0].site;
    assert_eq!(
        [
            site("pcie_rx_p"),
            site("pcie_rx_n"),
            site("pcie_tx_p"),
            site("pcie_tx_n")
        ],
        ["Y5", "Y6", "W4", "W5"]
    );
    assert_eq!(
        [site("pcie_refclk_p"), site("pcie_refclk_n")],
        ["Y11", "Y12"]
    );
}

#[test]
fn versa_buses_are_complete() {
    let board = ferrio_boards::find("versa-ecp5-5g").unwrap();
    for (port, width) in [
        ("led", 8),
        ("dip", 8),
        ("seg", 14),
        ("eth0_txd", 4),
        ("eth1_rxd", 4),
    ] {
        let mut bits: Vec<_> = board.port(port).iter().map(|p| p.bit.unwrap()).collect();
        bits.sort();
        assert_eq!(bits, (0..width).collect::<Vec<_>>(), "{port}");
    }
}
