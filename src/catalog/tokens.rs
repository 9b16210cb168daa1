//! LLM API token prices per 1M tokens (input, output, cached input), keyed by LiteLLM's model
//! ids (`gpt-4o`, `azure/gpt-4o`, `anthropic.claude-3-5-sonnet-20240620-v1:0`).

use std::collections::HashMap;
use std::sync::OnceLock;

use rust_decimal::Decimal;

use super::table::{load, optional_price, price, Counts, Price, TableInfo, GLOBAL, TOKENS_1M};

const TOKENS_CSV: &str = include_str!("../../catalog/llm_tokens.csv");

/// LLM token prices per 1M tokens.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenPrices {
    /// The catalog's model id that matched.
    pub model: String,
    /// LiteLLM's provider name (`openai`, `azure`, `bedrock`, ...).
    pub provider: String,
    pub input: Price,
    pub output: Price,
    pub cached_input: Option<Price>,
}

struct Row {
    provider: String,
    input: Decimal,
    output: Decimal,
    cached: Option<Decimal>,
}

struct Tokens {
    info: TableInfo,
    /// Model id → (the id as written, prices).
    by_model: HashMap<String, (String, Row)>,
    /// Read by the test that checks every row parses.
    #[cfg_attr(not(test), allow(dead_code))]
    counts: Counts,
}

fn tokens() -> &'static Tokens {
    static T: OnceLock<Tokens> = OnceLock::new();
    T.get_or_init(|| {
        let loaded = load(
            "llm_tokens",
            TOKENS_CSV,
            &[
                "model",
                "provider",
                "usd_per_1m_input",
                "usd_per_1m_output",
                "usd_per_1m_cached_input",
            ],
            |f| match f {
                [model, provider, input, output, cached] if !model.is_empty() => Some((
                    model.to_ascii_lowercase(),
                    (
                        model.clone(),
                        Row {
                            provider: provider.clone(),
                            input: price(input)?,
                            output: price(output)?,
                            cached: optional_price(cached)?,
                        },
                    ),
                )),
                _ => None,
            },
        );
        Tokens {
            counts: loaded.counts(),
            by_model: loaded.items.into_iter().collect(),
            info: loaded.info,
        }
    })
}

/// Token prices of a model: its exact LiteLLM id (case-insensitive), else the id with its
/// routing prefix removed (`openai/gpt-4o` → `gpt-4o`, as a LiteLLM proxy config writes it).
pub fn token_prices(model: &str) -> Option<TokenPrices> {
    let t = tokens();
    let asked = model.trim().to_ascii_lowercase();
    let (id, row) = t.by_model.get(&asked).or_else(|| {
        asked
            .split_once('/')
            .and_then(|(_, rest)| t.by_model.get(rest))
    })?;
    let per_million = |usd: Decimal| Price {
        usd,
        unit: TOKENS_1M,
        region: GLOBAL.to_string(),
        exact_region: true,
        table: &t.info,
        estimate: None,
    };
    Some(TokenPrices {
        model: id.clone(),
        provider: row.provider.clone(),
        input: per_million(row.input),
        output: per_million(row.output),
        cached_input: row.cached.map(per_million),
    })
}

pub(super) fn table() -> &'static TableInfo {
    &tokens().info
}

#[cfg(test)]
pub(super) fn row_count() -> (&'static TableInfo, Counts) {
    let t = tokens();
    (&t.info, t.counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn per_million_prices() {
        let p = token_prices("gpt-4o").unwrap();
        assert_eq!(p.provider, "openai");
        assert_eq!(p.input.usd, d("2.5"));
        assert_eq!(p.output.usd, d("10"));
        assert_eq!(p.cached_input.map(|c| c.usd), Some(d("1.25")));
        assert_eq!(p.input.unit, "1M tokens");
        let p = token_prices("openai/gpt-4o-mini").unwrap();
        assert_eq!((p.model.as_str(), p.input.usd), ("gpt-4o-mini", d("0.15")));
        let p = token_prices("text-embedding-3-small").unwrap();
        assert_eq!(
            (p.input.usd, p.output.usd, p.cached_input),
            (d("0.02"), d("0"), None)
        );
        assert!(token_prices("no-such-model").is_none());
        assert!(token_prices("sample_spec").is_none());
    }
}
