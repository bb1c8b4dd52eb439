//! Typed constants.
//!
//! rust-hdl emits a bare Rust literal such as `x + 1` as the 32-bit Verilog literal `32'h1`,
//! which Verilator flags (WIDTHEXPAND/WIDTHTRUNC) whenever `x` is not 32 bits wide. In ferrio a
//! literal inside `#[hdl_gen]` is therefore always a field of type `Constant<Bits<N>>` built
//! with [`bits`]: it is emitted as a `localparam` of exactly `N` bits, so widths always agree.
//!
//! ```
//! use ferrio_hdl::common::bits;
//! use rust_hdl::prelude::*;
//! let one: Constant<Bits<5>> = bits(1);
//! assert_eq!(one.val(), Bits::<5>::from(1u64));
//! ```

use rust_hdl::prelude::*;

/// A constant of exactly `N` bits holding `value` (which must fit in `N` bits).
pub fn bits<const N: usize>(value: u64) -> Constant<Bits<N>> {
    assert!(
        N >= 64 || value < (1u64 << N),
        "constant {value} does not fit in {N} bits"
    );
    Constant::new(Bits::<N>::from(value))
}

/// Exactly-sized Verilog literal text for any synthesizable value (`N'hX`). rust-hdl's own
/// literal for an enum is 64 bits wide; blocks with custom Verilog use this instead.
pub fn verilog_literal<T: Synth>(value: T) -> String {
    let text = format!("{:x}", value.verilog());
    let hex = text.split("'h").nth(1).unwrap_or("0");
    format!("{}'h{}", T::BITS, hex)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verilog_literal_has_the_type_width() {
        assert_eq!(verilog_literal(Bits::<12>::from(0xabcu64)), "12'habc");
        assert_eq!(verilog_literal(true), "1'h1");
    }

    #[test]
    #[should_panic(expected = "does not fit")]
    fn a_constant_that_does_not_fit_is_refused() {
        let _ = bits::<3>(8);
    }
}
