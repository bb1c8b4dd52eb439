//! The card core at TLP level, through Verilator: configuration requests complete with the
//! right data, IDs and tags; everything unsupported gets UR; posted requests get nothing;
//! malformed TLPs are dropped and flagged, never acted on.

use ferrio_sim::host::{Answer, RootComplex};
use ferrio_sim::models::{Card, CardProxy};
use ferrio_sim::tlp::{bdf, CplStatus, Kind, Tlp};

fn rc() -> RootComplex<Card> {
    RootComplex::new(Card::new())
}

#[test]
fn pci_2_configuration_reads_complete_with_data_ids_and_tag() {
    let mut h = rc();
    assert_eq!(h.cfg_read(0, 0), Ok(0x1041_1af4));
    assert_eq!(h.cfg_read(1, 0), Ok(0x1042_1af4));
    assert_eq!(h.cfg_read(1, 2), Ok(0x0100_0001));
    let c = h.received.last().unwrap().clone();
    match c.kind {
        Kind::Completion {
            completer,
            status,
            byte_count,
            lower_address,
            with_data,
            ..
        } => {
            assert_eq!(
                completer,
                bdf(1, 0, 1),
                "completer = the function addressed"
            );
            assert_eq!(status, CplStatus::Success);
            assert_eq!((byte_count, lower_address, with_data), (4, 0, true));
        }
        _ => panic!("not a completion"),
    }
    assert_eq!(c.requester, h.requester);
    assert_eq!(c.length, 1);
}

#[test]
fn configuration_writes_complete_and_take_effect() {
    let mut h = rc();
    h.cfg_write(0, 1, 0b0011, 0x0006).unwrap();
    assert_eq!(
        h.card.f0_command(),
        0x0006,
        "memory space and bus master enabled"
    );
    assert_eq!(h.cfg_read(0, 1).unwrap() & 0xffff, 0x0006);
    h.cfg_write(1, 4, 0xf, 0xffff_ffff).unwrap();
    h.cfg_write(1, 5, 0xf, 0xffff_ffff).unwrap();
    assert_eq!(
        h.cfg_read(1, 4),
        Ok(0xffff_8004),
        "BAR0 sizing through TLPs"
    );
    h.cfg_write(1, 4, 0xf, 0xfe00_0000).unwrap();
    h.cfg_write(1, 5, 0xf, 0).unwrap();
    assert_eq!(h.card.f1_bar0(), 0xfe00_0004);
}

#[test]
fn capability_list_walk_through_tlps_finds_every_virtio_structure() {
    let mut h = rc();
    let mut at = (h.cfg_read(0, 0x34 / 4).unwrap() & 0xff) as u16;
    let mut types = Vec::new();
    while at != 0 {
        let dw = h.cfg_read(0, at / 4).unwrap();
        if dw & 0xff == 0x09 {
            types.push(dw >> 24);
        }
        at = ((dw >> 8) & 0xff) as u16;
    }
    assert_eq!(types, vec![1, 2, 3, 4, 5]);
}

#[test]
fn unsupported_requests_get_ur_completions() {
    let mut h = rc();
    assert_eq!(
        h.cfg_read(2, 0),
        Err(CplStatus::UnsupportedRequest),
        "function 2 does not exist"
    );
    assert_eq!(h.cfg_read(7, 0), Err(CplStatus::UnsupportedRequest));
    // Capture our bus number first: UR completions for memory requests carry it.
    h.cfg_write(0, 0x3c / 4, 0b0001, 0x0b).unwrap();
    let mrd = Tlp::mem_read(h.requester, 0x42, 0xfe00_0000, 1, 0xf, 0);
    match h.transact(&mrd) {
        Answer::Completion(c) => match c.kind {
            Kind::Completion {
                completer, status, ..
            } => {
                assert_eq!(status, CplStatus::UnsupportedRequest);
                assert_eq!(completer, bdf(1, 0, 0), "captured bus and device");
                assert_eq!(c.tag, 0x42);
            }
            _ => unreachable!(),
        },
        Answer::Nothing => panic!("MRd must be completed"),
    }
    let io = Tlp {
        kind: Kind::IoRead { address: 0x100 },
        ..Tlp::mem_read(h.requester, 0x43, 0, 1, 0xf, 0)
    };
    assert!(matches!(
        h.transact(&io),
        Answer::Completion(Tlp {
            kind: Kind::Completion {
                status: CplStatus::UnsupportedRequest,
                ..
            },
            ..
        })
    ));
    let type1 = Tlp {
        kind: Kind::CfgRead {
            type1: true,
            target: bdf(2, 0, 0),
            register: 0,
        },
        ..Tlp::cfg_read(h.requester, 0x44, 0, 0, 0xf)
    };
    assert!(matches!(
        h.transact(&type1),
        Answer::Completion(Tlp {
            kind: Kind::Completion {
                status: CplStatus::UnsupportedRequest,
                ..
            },
            ..
        })
    ));
}

#[test]
fn posted_requests_get_no_completion() {
    let mut h = rc();
    let mwr = Tlp::mem_write(h.requester, 0xfe00_0000, &[1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert_eq!(h.transact(&mwr), Answer::Nothing);
    assert!(h.received.is_empty());
    assert_eq!(h.malformed, 0);
    // The card still answers afterwards.
    assert_eq!(h.cfg_read(0, 0), Ok(0x1041_1af4));
}

#[test]
fn poisoned_configuration_write_is_not_applied_and_gets_ur() {
    let mut h = rc();
    let mut w = Tlp::cfg_write(h.requester, 9, bdf(1, 0, 0), 1, 0b0011, 0x0006);
    w.poisoned = true;
    match h.transact(&w) {
        Answer::Completion(c) => assert!(matches!(
            c.kind,
            Kind::Completion {
                status: CplStatus::UnsupportedRequest,
                ..
            }
        )),
        Answer::Nothing => panic!("a non-posted request needs a completion"),
    }
    assert_eq!(h.card.f0_command(), 0, "poisoned data not applied");
}

#[test]
fn malformed_tlps_are_dropped_flagged_and_never_acted_on() {
    let mut h = rc();
    // A configuration write whose header promises 1 data DW but that carries 2.
    let mut dws = Tlp::cfg_write(h.requester, 1, bdf(1, 0, 0), 1, 0b0011, 0x0006).encode();
    dws.push(0);
    assert_eq!(h.transact_dws(&dws, 1), Ok(Answer::Nothing));
    // TD set (a digest we do not support).
    let mut dws = Tlp::cfg_write(h.requester, 2, bdf(1, 0, 0), 1, 0b0011, 0x0006).encode();
    dws[0] |= 1 << 15;
    assert_eq!(h.transact_dws(&dws, 2), Ok(Answer::Nothing));
    // A configuration read with length 2.
    let mut dws = Tlp::cfg_read(h.requester, 3, bdf(1, 0, 0), 0, 0xf).encode();
    dws[0] = (dws[0] & !0x3ff) | 2;
    assert_eq!(h.transact_dws(&dws, 3), Ok(Answer::Nothing));
    assert_eq!(h.malformed, 3, "each one flagged");
    assert_eq!(h.card.f0_command(), 0, "no malformed write took effect");
    assert_eq!(h.cfg_read(0, 0), Ok(0x1041_1af4), "the card still works");
}

#[test]
fn proxy_build_answers_the_same_way_with_a_32_bit_bar() {
    let mut h = RootComplex::new(CardProxy::new());
    assert_eq!(h.cfg_read(0, 0), Ok(0x1041_1af4));
    h.cfg_write(0, 4, 0xf, 0xffff_ffff).unwrap();
    assert_eq!(h.cfg_read(0, 4), Ok(0xffff_8000));
    assert_eq!(h.cfg_read(0, 5), Ok(0));
}
