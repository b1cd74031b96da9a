//! Simulated parameter store: named values with versions, a put making the next version, and
//! names that may not be read (as when the role lacks `ssm:GetParameter`).

use super::{lock, SandboxCloud};
use crate::cloud::{CloudError, ParameterValue};

/// A simulated parameter.
#[derive(Debug, Clone)]
pub(super) struct SimParameter {
    pub(super) version: i64,
    pub(super) value: String,
    pub(super) readable: bool,
}

impl SandboxCloud {
    /// Puts `value` under `name`: version 1 for a new name, one more for each later put.
    pub fn put_parameter(&self, name: &str, value: &str) -> i64 {
        let mut world = lock(&self.world);
        let parameter = world
            .parameters
            .entry(name.to_owned())
            .or_insert(SimParameter {
                version: 0,
                value: String::new(),
                readable: true,
            });
        parameter.version += 1;
        parameter.value = value.to_owned();
        parameter.version
    }

    /// Makes `name` unreadable (access denied) or readable again.
    pub fn set_parameter_readable(&self, name: &str, readable: bool) {
        if let Some(parameter) = lock(&self.world).parameters.get_mut(name) {
            parameter.readable = readable;
        }
    }

    /// See [`crate::cloud::Cloud::parameter`].
    pub(super) async fn read_parameter(&self, name: &str) -> Result<ParameterValue, CloudError> {
        self.call("GetParameter").await?;
        let world = lock(&self.world);
        match world.parameters.get(name) {
            None => Err(CloudError::NotFound(format!(
                "GetParameter: ParameterNotFound {name}"
            ))),
            Some(p) if !p.readable => Err(CloudError::Rejected(format!(
                "GetParameter: AccessDeniedException not authorized to read {name}"
            ))),
            Some(p) => Ok(ParameterValue {
                version: p.version,
                value: zeroize::Zeroizing::new(p.value.clone()),
            }),
        }
    }
}
