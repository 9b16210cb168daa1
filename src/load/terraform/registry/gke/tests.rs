//! Unit tests of the GKE module adapter, on in-memory roots.
