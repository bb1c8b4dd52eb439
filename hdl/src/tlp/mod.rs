//! The PCIe transaction layer (issue 3). So far: the configuration space of every function,
//! built from one table.
//!
//! | module | job |
//! |---|---|
//! | [`config_table`] | the register table of each function's configuration space |
//! | [`config_space`] | [`ConfigSpace`]: the RTL built from that table |

pub mod config_space;
pub mod config_table;

pub use config_space::ConfigSpace;
