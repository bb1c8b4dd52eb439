//! End-to-end tests of ferrio live in `tests/tests/`. Later issues add the card attached to a
//! host model and to a Linux guest here.
