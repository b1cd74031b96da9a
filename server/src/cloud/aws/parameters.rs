//! Reading one parameter of the parameter store (SSM), decrypted, for hashing at once.

use super::convert::classify;
use super::AwsClients;
use crate::cloud::{CloudError, ParameterValue};

impl AwsClients {
    /// See [`crate::cloud::Cloud::parameter`].
    pub(super) async fn get_parameter(&self, name: &str) -> Result<ParameterValue, CloudError> {
        let output = self
            .ssm
            .get_parameter()
            .name(name)
            .with_decryption(true)
            .send()
            .await
            .map_err(|e| classify("GetParameter", e))?;
        let parameter = output
            .parameter
            .ok_or_else(|| CloudError::NotFound(format!("GetParameter: {name}")))?;
        Ok(ParameterValue {
            version: parameter.version,
            value: zeroize::Zeroizing::new(parameter.value.unwrap_or_default()),
        })
    }
}
