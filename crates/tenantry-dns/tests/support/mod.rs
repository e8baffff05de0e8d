//! What the name server's tests share: asking with `dig`, and the zone they serve.

#![allow(dead_code)] // each test file uses its own part

pub mod bind;
pub mod dig;
pub mod zone;
