//! Link classes: the default class and the named ones, resolved and indexed.

use crate::config::NetworkConfig;
use crate::error::ConfigError;
use crate::link::LinkParams;

/// Name of the default class, `[network.link]`.
pub const DEFAULT_CLASS: &str = "link";

/// The resolved link classes of a network; index 0 is the default class.
#[derive(Debug, Clone)]
pub struct LinkClasses {
    params: Vec<LinkParams>,
    names: Vec<String>,
}

impl LinkClasses {
    /// Resolves `[network.link]` and `[network.classes.*]` (named classes inherit).
    pub fn resolve(config: &NetworkConfig) -> Result<Self, ConfigError> {
        let base = config.link.resolve(DEFAULT_CLASS, &LinkParams::default())?;
        let mut params = vec![base.clone()];
        let mut names = vec![DEFAULT_CLASS.to_string()];
        for (name, class) in &config.classes {
            if name == DEFAULT_CLASS {
                return Err(ConfigError::LinkClass {
                    class: name.clone(),
                    reason: "the default class is set in [network.link]".into(),
                });
            }
            params.push(class.resolve(name, &base)?);
            names.push(name.clone());
        }
        if params.len() > usize::from(u16::MAX) {
            return Err(ConfigError::LinkClass {
                class: names[usize::from(u16::MAX)].clone(),
                reason: "too many link classes".into(),
            });
        }
        Ok(Self { params, names })
    }

    /// The index of a class by name (`None` or `link`: the default class).
    pub fn index(&self, name: Option<&str>) -> Result<u16, ConfigError> {
        let Some(name) = name else {
            return Ok(0);
        };
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| i as u16)
            .ok_or_else(|| ConfigError::UnknownClass(name.to_string()))
    }

    /// The parameters of class `index`.
    #[inline]
    /// Every class's parameters.
    pub fn all(&self) -> &[LinkParams] {
        &self.params
    }

    /// The parameters of class `index`.
    pub fn params(&self, index: u16) -> &LinkParams {
        &self.params[usize::from(index)]
    }

    /// The name of class `index`.
    pub fn name(&self, index: u16) -> &str {
        &self.names[usize::from(index)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LinkClassConfig;

    #[test]
    fn default_class_is_index_zero_and_named_ones_follow() {
        let mut config = NetworkConfig::default();
        config
            .classes
            .insert("b".into(), LinkClassConfig::default());
        config
            .classes
            .insert("a".into(), LinkClassConfig::default());
        let classes = LinkClasses::resolve(&config).expect("valid");
        assert_eq!(classes.index(None), Ok(0));
        assert_eq!(classes.index(Some("link")), Ok(0));
        assert_eq!(classes.index(Some("a")), Ok(1));
        assert_eq!(classes.name(2), "b");
        assert!(classes.index(Some("c")).is_err());
    }

    #[test]
    fn a_named_class_cannot_shadow_the_default() {
        let mut config = NetworkConfig::default();
        config
            .classes
            .insert(DEFAULT_CLASS.into(), LinkClassConfig::default());
        assert!(LinkClasses::resolve(&config).is_err());
    }
}
