//! handbill typesets statements (Markdown) into print-ready leaflets (PDF).
//!
//! The pipeline runs one way, one module per stage:
//! [`statement`] → [`spec`] → `shape` → [`linebreak`] → `flow` → `render`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod error;
pub mod hyphenate;
pub mod linebreak;
pub mod spec;
pub mod statement;

pub use error::{Error, Location, Result, Warning};
