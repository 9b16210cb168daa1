//! TEMPORARY stub of the publish API (replaced by the publish branch).
use std::time::Duration;
pub struct GitHubTarget {
    pub api_url: String,
    pub owner: String,
    pub repo: String,
    pub pull_request: u64,
}
#[derive(Clone, Copy, Debug)]
pub enum Behavior {
    Update,
    New,
    DeleteAndNew,
    HideAndNew,
}
pub struct RetryPolicy {
    pub attempts: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
}
impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }
}
#[derive(Debug)]
pub enum Posted {
    Created { url: String },
    Updated { url: String },
    Unchanged { url: String },
}
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("no permission")]
    NoPermission { message: String },
    #[error("other")]
    Api { status: u16, message: String },
}
pub fn marker(tag: &str) -> String {
    format!("<!-- aicost-policy:comment tag={tag} -->")
}
pub fn post_comment(
    _t: &GitHubTarget,
    _token: &str,
    _tag: &str,
    _body: &str,
    _b: Behavior,
    _r: &RetryPolicy,
) -> Result<Posted, PublishError> {
    Err(PublishError::Api {
        status: 0,
        message: String::new(),
    })
}
