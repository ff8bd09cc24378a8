//! Shared helpers for aether's acceptance tests.
