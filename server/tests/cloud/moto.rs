//! The same contract against the `aws` adapter: the real SDK clients over the wire to moto
//! (`moto[server]`, installed by scripts/tools.sh), started on a free loopback port.
//! CloudWatch goes through cbor_shim.py: the SDK speaks Smithy RPC v2 CBOR, moto JSON 1.0.

use crate::contract::{self, Fixture};
use aws_sdk_ec2::types as ec2;
use greenlight::cloud::aws::AwsClients;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};

/// A moto server and its CBOR shim for one test, both stopped on drop. `url` is the shim's,
/// which forwards everything and translates CloudWatch's CBOR.
pub struct Moto {
    children: Vec<Child>,
    pub url: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port()
}

async fn wait_for(port: u16) -> bool {
    // moto imports a great deal on its first start; give a cold machine 30 seconds.
    for _ in 0..300 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

fn moto_binary() -> String {
    std::env::var("GREENLIGHT_MOTO_SERVER").unwrap_or_else(|_| {
        let home = std::env::var("HOME").unwrap_or_default();
        format!("{home}/.cache/greenlight/tools/moto-venv/bin/moto_server")
    })
}

pub async fn start() -> Moto {
    let (moto_port, shim_port) = (free_port(), free_port());
    let moto = Command::new(moto_binary())
        .args(["-H", "127.0.0.1", "-p", &moto_port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto_server must be installed (scripts/tools.sh installs it)");
    // Owned by `Moto` at once, so that it is killed and reaped whatever happens next.
    let mut server = Moto {
        children: vec![moto],
        url: format!("http://127.0.0.1:{shim_port}"),
    };
    let python = moto_binary().replace("moto_server", "python");
    let shim = Command::new(python)
        .args([
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cloud/cbor_shim.py"),
            &shim_port.to_string(),
            &format!("http://127.0.0.1:{moto_port}"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the CBOR shim needs the moto virtualenv's python with cbor2");
    server.children.push(shim);
    assert!(wait_for(moto_port).await, "moto_server did not start");
    assert!(wait_for(shim_port).await, "the CBOR shim did not start");
    server
}

pub async fn clients(moto: &Moto) -> AwsClients {
    let credentials =
        aws_sdk_ec2::config::Credentials::new("testing", "testing", None, None, "tests");
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("eu-west-1"))
        .endpoint_url(&moto.url)
        .credentials_provider(credentials)
        .load()
        .await;
    AwsClients::from_config(&config)
}

/// VPC, two subnets, blue and green target groups, a load balancer with a listener on blue,
/// an Elastic IP, and a public image to launch from.
pub async fn fixture(aws: &AwsClients) -> Fixture {
    let vpc = aws
        .ec2
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .send()
        .await
        .expect("vpc");
    let vpc_id = vpc
        .vpc()
        .and_then(|v| v.vpc_id())
        .expect("vpc id")
        .to_owned();
    let mut subnets = Vec::new();
    for (cidr, zone) in [("10.0.1.0/24", "eu-west-1a"), ("10.0.2.0/24", "eu-west-1b")] {
        let subnet = aws
            .ec2
            .create_subnet()
            .vpc_id(&vpc_id)
            .cidr_block(cidr)
            .availability_zone(zone)
            .send()
            .await
            .expect("subnet");
        subnets.push(
            subnet
                .subnet()
                .and_then(|s| s.subnet_id())
                .expect("subnet id")
                .to_owned(),
        );
    }
    let mut groups = Vec::new();
    for name in ["blue", "green"] {
        let group = aws
            .elb
            .create_target_group()
            .name(name)
            .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
            .port(80)
            .vpc_id(&vpc_id)
            .send()
            .await
            .expect("target group");
        groups.push(
            group.target_groups()[0]
                .target_group_arn()
                .expect("arn")
                .to_owned(),
        );
    }
    let subnet_id = subnets[0].clone();
    let balancer = aws
        .elb
        .create_load_balancer()
        .name("app")
        .set_subnets(Some(subnets))
        .send()
        .await
        .expect("lb");
    let balancer_arn = balancer.load_balancers()[0]
        .load_balancer_arn()
        .expect("lb arn")
        .to_owned();
    let forward = aws_sdk_elasticloadbalancingv2::types::Action::builder()
        .r#type(aws_sdk_elasticloadbalancingv2::types::ActionTypeEnum::Forward)
        .target_group_arn(&groups[0])
        .build();
    let listener = aws
        .elb
        .create_listener()
        .load_balancer_arn(balancer_arn)
        .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
        .port(80)
        .default_actions(forward)
        .send()
        .await
        .expect("listener");
    let address = aws
        .ec2
        .allocate_address()
        .domain(ec2::DomainType::Vpc)
        .send()
        .await
        .expect("eip");
    let images = aws.ec2.describe_images().send().await.expect("images");
    let image_id = images
        .images()
        .iter()
        .find_map(|i| i.image_id())
        .expect("moto ships images")
        .to_owned();
    Fixture {
        blue: groups[0].clone(),
        green: groups[1].clone(),
        listener: listener.listeners()[0]
            .listener_arn()
            .expect("listener arn")
            .to_owned(),
        allocation_id: address.allocation_id().expect("allocation").to_owned(),
        image_id,
        subnet_id,
    }
}

async fn immediate() {}

async fn setup() -> (Moto, AwsClients, Fixture) {
    let moto = start().await;
    let aws = clients(&moto).await;
    let fixture = fixture(&aws).await;
    (moto, aws, fixture)
}

#[tokio::test]
async fn aws_adapter_against_moto_fulfils_the_contract() {
    let (_moto, aws, fixture) = setup().await;
    // moto does not honour ClientToken, so idempotency rests on the engine's tag lookup; the
    // other checks hold as on AWS.
    contract::instances_boot_and_terminate(&aws, &fixture, immediate).await;
    contract::targets_turn_healthy_and_drain(&aws, &fixture, immediate).await;
    contract::listener_switches(&aws, &fixture).await;
    contract::address_moves(&aws, &fixture, immediate).await;
    contract::images_by_unique_name(&aws, &fixture, immediate).await;
}

#[tokio::test]
async fn aws_adapter_reads_alarm_states_over_cbor() {
    use aws_sdk_cloudwatch::types::StateValue;
    let (_moto, aws, _) = setup().await;
    for name in ["prod-5xx", "prod-latency"] {
        put_5xx_alarm(&aws, name).await;
    }
    for (name, state) in [
        ("prod-5xx", StateValue::Alarm),
        ("prod-latency", StateValue::Ok),
    ] {
        aws.cloudwatch
            .set_alarm_state()
            .alarm_name(name)
            .state_value(state)
            .state_reason("test")
            .send()
            .await
            .expect("set alarm state");
    }
    contract::alarms_report_state(&aws).await;
}

#[tokio::test]
async fn aws_adapter_finds_launched_instances_by_tag() {
    let (_moto, aws, fixture) = setup().await;
    contract::launched_instances_are_found_by_tag(&aws, &fixture).await;
}

/// A launch of one small instance from the fixture's image into its subnet.
pub fn one_instance(
    f: &Fixture,
    tags: greenlight::cloud::Tags,
    client_token: &str,
) -> greenlight::cloud::LaunchSpec {
    greenlight::cloud::LaunchSpec {
        image_id: f.image_id.clone(),
        instance_type: "t3.small".into(),
        count: 1,
        subnet_ids: vec![f.subnet_id.clone()],
        security_group_ids: Vec::new(),
        key_name: None,
        instance_profile: None,
        user_data: None,
        tags,
        client_token: client_token.to_owned(),
    }
}

/// Creates alarm `name` on the load balancer's 5xx count (more than 5 a minute).
pub async fn put_5xx_alarm(aws: &AwsClients, name: &str) {
    use aws_sdk_cloudwatch::types::{ComparisonOperator, Statistic};
    aws.cloudwatch
        .put_metric_alarm()
        .alarm_name(name)
        .metric_name("HTTPCode_Target_5XX_Count")
        .namespace("AWS/ApplicationELB")
        .statistic(Statistic::Sum)
        .period(60)
        .evaluation_periods(1)
        .threshold(5.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .expect("put alarm");
}
