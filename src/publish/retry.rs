//! When to try a GitHub request again, and how long to wait first.
//!
//! Octocrab's own retry layer is off: it cannot see `Retry-After` or GitHub's rate-limit
//! headers. We retry server errors (5xx), 429, secondary rate limits and an exhausted
//! primary rate limit, with exponential backoff bounded by the policy; any other 4xx is an
//! answer, not a hiccup, and is never retried.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How often and how patiently to retry a GitHub request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included (0 counts as 1).
    pub attempts: u32,
    /// The wait before the first retry; each later wait doubles.
    pub first_delay: Duration,
    /// No wait is longer, whatever `Retry-After` or the rate-limit reset asks for.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 5 tries, waiting 1 s, 2 s, 4 s, 8 s between them (60 s at most).
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }
}

/// The response headers that bear on retrying, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RateHeaders {
    pub retry_after: Option<String>,
    pub remaining: Option<String>,
    pub reset: Option<String>,
}

impl RetryPolicy {
    /// Tries in all, at least one.
    pub(crate) fn tries(&self) -> u32 {
        self.attempts.max(1)
    }

    /// The exponential wait before retry number `retry` (0 is the first retry).
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.checked_pow(retry).unwrap_or(u32::MAX);
        self.first_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// The wait before retrying an answer with `status`, or `None` when it must not be
    /// retried. `retry` counts the retries already made; `now` is for the rate-limit reset.
    pub(crate) fn wait(
        &self,
        retry: u32,
        status: u16,
        headers: &RateHeaders,
        body: &str,
        now: SystemTime,
    ) -> Option<Duration> {
        let retry_after = headers
            .retry_after
            .as_deref()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let exhausted = headers.remaining.as_deref().map(str::trim) == Some("0");
        let reset_in = headers
            .reset
            .as_deref()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(|reset| {
                let now = now.duration_since(UNIX_EPOCH).unwrap_or_default();
                Duration::from_secs(reset).saturating_sub(now)
            });
        let secondary = body.to_ascii_lowercase().contains("secondary rate limit");
        let retryable = match status {
            429 | 500..=599 => true,
            403 => secondary || retry_after.is_some() || (exhausted && reset_in.is_some()),
            _ => false,
        };
        if !retryable {
            return None;
        }
        let asked = retry_after.or(if exhausted { reset_in } else { None });
        Some(
            asked
                .unwrap_or_else(|| self.backoff(retry))
                .min(self.max_delay),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy::default()
    }

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn headers(
        retry_after: Option<&str>,
        remaining: Option<&str>,
        reset: Option<&str>,
    ) -> RateHeaders {
        RateHeaders {
            retry_after: retry_after.map(str::to_string),
            remaining: remaining.map(str::to_string),
            reset: reset.map(str::to_string),
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_maximum() {
        let p = policy();
        let waits: Vec<u64> = (0..8).map(|r| p.backoff(r).as_secs()).collect();
        assert_eq!(waits, vec![1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(p.backoff(u32::MAX), Duration::from_secs(60));
    }

    #[test]
    fn server_errors_and_429_are_retried() {
        let p = policy();
        let none = RateHeaders::default();
        assert_eq!(
            p.wait(0, 500, &none, "", at(0)),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            p.wait(2, 502, &none, "", at(0)),
            Some(Duration::from_secs(4))
        );
        assert_eq!(
            p.wait(0, 429, &none, "", at(0)),
            Some(Duration::from_secs(1))
        );
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let p = policy();
        let h = headers(Some("7"), None, None);
        assert_eq!(p.wait(0, 429, &h, "", at(0)), Some(Duration::from_secs(7)));
        let h = headers(Some("3600"), None, None);
        assert_eq!(p.wait(0, 403, &h, "", at(0)), Some(Duration::from_secs(60)));
        // An HTTP-date is not understood: plain backoff.
        let h = headers(Some("Wed, 21 Oct 2015 07:28:00 GMT"), None, None);
        assert_eq!(p.wait(1, 503, &h, "", at(0)), Some(Duration::from_secs(2)));
    }

    #[test]
    fn rate_limits_on_403_are_retried() {
        let p = policy();
        let none = RateHeaders::default();
        let body = r#"{"message":"You have exceeded a secondary rate limit."}"#;
        assert_eq!(
            p.wait(1, 403, &none, body, at(0)),
            Some(Duration::from_secs(2))
        );
        let h = headers(None, Some("0"), Some("1000"));
        assert_eq!(
            p.wait(0, 403, &h, "", at(990)),
            Some(Duration::from_secs(10))
        );
        assert_eq!(p.wait(0, 403, &h, "", at(1)), Some(Duration::from_secs(60)));
        // A reset already past: retry at once.
        assert_eq!(p.wait(0, 403, &h, "", at(2000)), Some(Duration::ZERO));
    }

    #[test]
    fn other_client_errors_are_not_retried() {
        let p = policy();
        let none = RateHeaders::default();
        let body = r#"{"message":"Resource not accessible by integration"}"#;
        assert_eq!(p.wait(0, 403, &none, body, at(0)), None);
        // Remaining requests but no reset: a plain refusal.
        let h = headers(None, Some("4999"), Some("1000"));
        assert_eq!(p.wait(0, 403, &h, body, at(0)), None);
        for status in [400, 401, 404, 409, 410, 422] {
            assert_eq!(p.wait(0, status, &none, "", at(0)), None, "{status}");
        }
    }
}
