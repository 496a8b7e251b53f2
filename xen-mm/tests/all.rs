//! The xen-mm integration tests, one module per subject, built as one test binary: each mutant
//! (`./x mutants`) and each change then links one binary instead of one per file. The tests that
//! need a process of their own stay separate targets (see Cargo.toml).

mod common;

mod buddy;
mod claims;
mod claims_model;
mod foreign_refs;
mod p2m;
mod p2m_types;
mod p2m_types_model;
mod pod;
