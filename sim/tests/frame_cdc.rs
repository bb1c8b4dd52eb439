//! FrameCdc through Verilator (`frame_cdc` and `frame_cdc_lossy` tops): the write and read
//! clocks run on one picosecond time line at different periods, so their edges drift against
//! each other. Every beat crosses once and in order whichever clock is faster; the lossy
//! build, overrun by a reader held back, spoils every frame that lost a beat and never passes
//! one with a hole; a read-side reset empties the crossing.

mod common;

use common::rng;
use ferrio_sim::models::{FrameCdc, FrameCdcLossy};
use rand::Rng;
use std::collections::VecDeque;

/// One beat: (data, bytes, last, err).
type Beat = (u64, u64, bool, bool);

trait Cdc {
    fn set_w_clock(&mut self, v: u64);
    fn set_r_clock(&mut self, v: u64);
    fn set_w_reset(&mut self, v: u64);
    fn set_r_reset(&mut self, v: u64);
    fn set_w_valid(&mut self, v: u64);
    fn set_w_data(&mut self, v: u64);
    fn set_w_bytes(&mut self, v: u64);
    fn set_w_last(&mut self, v: u64);
    fn set_w_err(&mut self, v: u64);
    fn set_r_ready(&mut self, v: u64);
    fn r_data(&mut self) -> u64;
    fn r_bytes(&mut self) -> u64;
    fn r_last(&mut self) -> u64;
    fn r_err(&mut self) -> u64;
    fn settle(&mut self);
}

macro_rules! cdc {
    ($t:ty) => {
        impl Cdc for $t {
            fn set_w_clock(&mut self, v: u64) {
                <$t>::set_w_clock(self, v)
            }
            fn set_r_clock(&mut self, v: u64) {
                <$t>::set_r_clock(self, v)
            }
            fn set_w_reset(&mut self, v: u64) {
                <$t>::set_w_reset(self, v)
            }
            fn set_r_reset(&mut self, v: u64) {
                <$t>::set_r_reset(self, v)
            }
            fn set_w_valid(&mut self, v: u64) {
                <$t>::set_w_valid(self, v)
            }
            fn set_w_data(&mut self, v: u64) {
                <$t>::set_w_data(self, v)
            }
            fn set_w_bytes(&mut self, v: u64) {
                <$t>::set_w_bytes(self, v)
            }
            fn set_w_last(&mut self, v: u64) {
                <$t>::set_w_last(self, v)
            }
            fn set_w_err(&mut self, v: u64) {
                <$t>::set_w_err(self, v)
            }
            fn set_r_ready(&mut self, v: u64) {
                <$t>::set_r_ready(self, v)
            }
            fn r_data(&mut self) -> u64 {
                <$t>::r_data(self)
            }
            fn r_bytes(&mut self) -> u64 {
                <$t>::r_bytes(self)
            }
            fn r_last(&mut self) -> u64 {
                <$t>::r_last(self)
            }
            fn r_err(&mut self) -> u64 {
                <$t>::r_err(self)
            }
            fn settle(&mut self) {
                std::ops::DerefMut::deref_mut(self).settle()
            }
        }
    };
}
cdc!(FrameCdc);
cdc!(FrameCdcLossy);

/// Two clocks on one time line; before each rising edge the side's inputs are set by its
/// closure, which returns nothing; `w_edges` and `r_edges` count rising edges.
struct Clocks {
    w_half: u64,
    r_half: u64,
    next_w: u64,
    next_r: u64,
    w_level: bool,
    r_level: bool,
    w_edges: u64,
    r_edges: u64,
}

enum Edge {
    /// The write clock is about to rise.
    W,
    /// The read clock is about to rise.
    R,
}

impl Clocks {
    fn new(w_half: u64, r_half: u64) -> Self {
        Clocks {
            w_half,
            r_half,
            next_w: w_half,
            // out of phase, so the edges drift past each other
            next_r: r_half + r_half / 3,
            w_level: false,
            r_level: false,
            w_edges: 0,
            r_edges: 0,
        }
    }

    /// Advance to the next rising edge of either clock: `before` sets that side's inputs
    /// (and sees its outputs as they stand just before the edge), then the edge happens.
    fn step<D: Cdc>(&mut self, d: &mut D, mut before: impl FnMut(Edge, &mut D)) {
        loop {
            if self.next_w <= self.next_r {
                let t = self.next_w;
                self.next_w = t + self.w_half;
                self.w_level = !self.w_level;
                if self.w_level {
                    before(Edge::W, d);
                    d.settle();
                }
                d.set_w_clock(self.w_level as u64);
                d.settle();
                if self.w_level {
                    self.w_edges += 1;
                    return;
                }
            } else {
                let t = self.next_r;
                self.next_r = t + self.r_half;
                self.r_level = !self.r_level;
                if self.r_level {
                    before(Edge::R, d);
                    d.settle();
                }
                d.set_r_clock(self.r_level as u64);
                d.settle();
                if self.r_level {
                    self.r_edges += 1;
                    return;
                }
            }
        }
    }
}

fn offer<D: Cdc>(d: &mut D, b: Option<Beat>) {
    let (data, bytes, last, err) = b.unwrap_or((0, 0, false, false));
    d.set_w_valid(b.is_some() as u64);
    d.set_w_data(data);
    d.set_w_bytes(bytes);
    d.set_w_last(last as u64);
    d.set_w_err(err as u64);
}

fn beat_out<D: Cdc>(d: &mut D) -> Beat {
    (d.r_data(), d.r_bytes(), d.r_last() == 1, d.r_err() == 1)
}

/// Out of reset on both sides: a few edges of each clock with both resets high.
fn reset<D: Cdc>(d: &mut D, c: &mut Clocks) {
    d.set_w_reset(1);
    d.set_r_reset(1);
    offer(d, None);
    d.set_r_ready(0);
    while c.w_edges < 8 || c.r_edges < 8 {
        c.step(d, |_, _| {});
    }
    d.set_w_reset(0);
    d.set_r_reset(0);
}

#[test]
fn frame_cdc_every_beat_crosses_once_and_in_order_whichever_clock_is_faster() {
    let mut r = rng("frame_cdc_order");
    // (write half period, read half period) in ps: 125 MHz into 100 MHz and back, equal
    // periods out of phase, 125 into 150 MHz, and a writer 2.7 times faster than the reader
    for (w_half, r_half) in [
        (4000u64, 5000u64),
        (5000, 4000),
        (4000, 4000),
        (4000, 3333),
        (3001, 8000),
    ] {
        let mut d = FrameCdc::new();
        let mut c = Clocks::new(w_half, r_half);
        reset(&mut d, &mut c);
        let n = 3000u64;
        let beats: Vec<Beat> = (0..n)
            .map(|i| {
                let data = r.gen::<u64>() ^ i;
                (data, r.gen_range(1..=8), r.gen_bool(0.2), r.gen_bool(0.1))
            })
            .collect();
        let mut next = 0usize;
        let mut got: Vec<Beat> = Vec::new();
        let mut offered: Option<Beat> = None;
        let mut full_seen = false;
        let mut guard = 0u64;
        while got.len() < beats.len() {
            guard += 1;
            assert!(
                guard < 200 * n,
                "{w_half}/{r_half}: stuck at {} beats",
                got.len()
            );
            c.step(&mut d, |e, d| match e {
                Edge::W => {
                    // keep offering a beat until it is taken (valid must not drop while waiting)
                    if offered.is_none() && next < beats.len() && r.gen_bool(0.7) {
                        offered = Some(beats[next]);
                    }
                    offer(d, offered);
                    if offered.is_some() {
                        if d.w_ready() == 1 {
                            offered = None;
                            next += 1;
                        } else {
                            full_seen = true;
                        }
                    }
                }
                Edge::R => {
                    let ready = r.gen_bool(0.6);
                    d.set_r_ready(ready as u64);
                    if ready && d.r_valid() == 1 {
                        got.push(beat_out(d));
                    }
                }
            });
        }
        assert_eq!(got, beats, "{w_half}/{r_half}: every beat once, in order");
        assert_eq!(d.w_drops(), 0, "the waiting build loses nothing");
        assert!(
            full_seen,
            "{w_half}/{r_half}: the writer waited on a full crossing at least once"
        );
    }
}

#[test]
fn frame_cdc_full_rate_when_the_reader_keeps_up() {
    // the reader at 100 MHz always ready, the writer at 125 MHz a beat every cycle: with the
    // reader slower, the writer is held to the reader's rate, which must be about one a cycle
    let mut d = FrameCdc::new();
    let mut c = Clocks::new(4000, 5000);
    reset(&mut d, &mut c);
    let mut sent = 0u64;
    let mut got = 0u64;
    let r0 = c.r_edges;
    while c.r_edges < r0 + 2000 {
        c.step(&mut d, |e, d| match e {
            Edge::W => {
                offer(d, Some((sent, 8, false, false)));
                if d.w_ready() == 1 {
                    sent += 1;
                }
            }
            Edge::R => {
                d.set_r_ready(1);
                if d.r_valid() == 1 {
                    assert_eq!(d.r_data(), got, "in order");
                    got += 1;
                }
            }
        });
    }
    assert!(got >= 1990, "{got} beats in 2000 read cycles");
}

#[test]
fn frame_cdc_lossy_spoils_every_frame_that_lost_a_beat_and_never_passes_one_with_a_hole() {
    let mut r = rng("frame_cdc_lossy");
    // a writer that cannot wait, two beats in three cycles; a reader at a third of its clock,
    // ready half the time: the crossing overflows over and over
    let mut d = FrameCdcLossy::new();
    let mut c = Clocks::new(4000, 11000);
    reset(&mut d, &mut c);
    // frame k's beats: data = k << 16 | beat index, the last one marked
    let frames: Vec<usize> = (0..400).map(|_| r.gen_range(1..12)).collect();
    let mut wq: VecDeque<Beat> = VecDeque::new();
    for (k, &len) in frames.iter().enumerate() {
        for i in 0..len {
            wq.push_back(((k as u64) << 16 | i as u64, 8, i + 1 == len, false));
        }
    }
    let mut out: Vec<Beat> = Vec::new();
    let mut idle_r = 0u64;
    while idle_r < 200 {
        c.step(&mut d, |e, d| match e {
            Edge::W => {
                let b = if r.gen_bool(0.67) {
                    wq.pop_front()
                } else {
                    None
                };
                offer(d, b);
                assert_eq!(d.w_ready(), 1, "the lossy build is always ready");
            }
            Edge::R => {
                let ready = wq.is_empty() || r.gen_bool(0.5);
                d.set_r_ready(ready as u64);
                if ready && d.r_valid() == 1 {
                    out.push(beat_out(d));
                    idle_r = 0;
                } else if wq.is_empty() {
                    idle_r += 1;
                }
            }
        });
    }
    // cut the output into frames at `last`
    let mut good = Vec::new();
    let mut spoilt = 0;
    let mut cur: Vec<Beat> = Vec::new();
    for b in out {
        cur.push(b);
        if b.2 {
            let f = std::mem::take(&mut cur);
            if f.last().unwrap().3 {
                spoilt += 1;
            } else {
                good.push(f);
            }
        }
    }
    assert!(cur.is_empty(), "the output ends with a frame's end");
    let mut prev: Option<u64> = None;
    for f in &good {
        let k = f[0].0 >> 16;
        assert!(prev.is_none_or(|p| k > p), "frames in order, none twice");
        prev = Some(k);
        let want: Vec<Beat> = (0..frames[k as usize])
            .map(|i| (k << 16 | i as u64, 8, i + 1 == frames[k as usize], false))
            .collect();
        assert_eq!(f, &want, "frame {k} passed whole or not at all");
    }
    let drops = d.w_drops();
    assert!(drops > 20, "the crossing overflowed ({drops} beats lost)");
    assert!(
        good.len() > 20,
        "frames still passed whole ({})",
        good.len()
    );
    assert!(spoilt > 0, "a frame partly written was ended with err");
    assert!(
        good.len() + spoilt <= frames.len(),
        "no frame appeared from nowhere"
    );
}

#[test]
fn frame_cdc_a_read_side_reset_empties_it_and_later_beats_cross() {
    let mut d = FrameCdc::new();
    let mut c = Clocks::new(4000, 5000);
    reset(&mut d, &mut c);
    // ten beats in, none read
    let mut n = 0u64;
    while n < 10 {
        c.step(&mut d, |e, d| {
            if let Edge::W = e {
                offer(d, Some((0xdead_0000 + n, 8, n == 9, false)));
                if d.w_ready() == 1 {
                    n += 1;
                }
            }
        });
    }
    // the writer stops before the next edge (a write during the read side's reset could
    // cross after it: FrameCdc's contract has the writer idle or in reset meanwhile)
    offer(&mut d, None);
    // the read side's reset, six of its cycles
    d.set_r_reset(1);
    let r0 = c.r_edges;
    while c.r_edges < r0 + 6 {
        c.step(&mut d, |_, _| {});
    }
    d.set_r_reset(0);
    assert_eq!(d.r_valid(), 0, "nothing offered after the reset");
    // five new beats, read as they come
    let mut got = Vec::new();
    let mut m = 0u64;
    let r1 = c.r_edges;
    while c.r_edges < r1 + 100 {
        c.step(&mut d, |e, d| match e {
            Edge::W => {
                offer(d, (m < 5).then_some((0xbeef_0000 + m, 8, m == 4, false)));
                if m < 5 && d.w_ready() == 1 {
                    m += 1;
                }
            }
            Edge::R => {
                d.set_r_ready(1);
                if d.r_valid() == 1 {
                    got.push(d.r_data());
                }
            }
        });
    }
    assert_eq!(
        got,
        (0..5).map(|i| 0xbeef_0000 + i).collect::<Vec<_>>(),
        "only the beats written after the reset"
    );
}
