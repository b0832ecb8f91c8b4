//! One payment: what its Durable Object stores ([`record`]), the commands it takes
//! ([`command`]), and how callers see it ([`view`]).

pub mod command;
pub mod record;
pub mod view;
