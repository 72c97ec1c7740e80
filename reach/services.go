package reach

import (
	"strings"
)

// This file holds what an interface endpoint's service listens on: the
// semantics of the PrivateLink layer behind an endpoint network interface.

// serviceKind says what is behind an interface endpoint.
type serviceKind int

const (
	// serviceAWSKnown is an AWS service in servicePortTable: its ports are known.
	serviceAWSKnown serviceKind = iota
	// serviceAWSOther is an AWS service not in the table: its API is
	// assumed to listen on HTTPS, other ports are unknown.
	serviceAWSOther
	// serviceProvider is an endpoint service of another provider (a
	// customer's com.amazonaws.vpce.<region>.vpce-svc-… or a partner's):
	// it listens on whatever its provider's Network Load Balancer does.
	serviceProvider
)

// httpsOnly is the port most AWS service APIs listen on.
var httpsOnly = portSet{{From: 443, To: 443}}

// servicePortTable lists, per AWS service name (the part of
// com.amazonaws.<region>.<service> after the Region), the TCP ports its
// interface endpoints answer on. Most AWS APIs are HTTPS on tcp/443
// (AWS PrivateLink guide: the endpoint's security group must admit the
// clients on the service's port; e.g. AWS Network Firewall guide, "Access
// AWS Network Firewall using an interface endpoint": "The security group
// attached to the VPC endpoint must allow incoming connections on port 443");
// the services that differ are listed with their documented ports.
var servicePortTable = map[string]portSet{
	// Amazon SES SMTP interface (SES developer guide, "Connecting to an
	// Amazon SES SMTP endpoint"): STARTTLS on 25, 587 and 2587, TLS
	// Wrapper on 465 and 2465.
	"email-smtp": {{From: 25, To: 25}, {From: 465, To: 465}, {From: 587, To: 587}, {From: 2465, To: 2465}, {From: 2587, To: 2587}},
	// Amazon Keyspaces (developer guide, "Service endpoints for Amazon
	// Keyspaces", Ports and protocols): CQL drivers and cqlsh on 9142
	// (TLS), the AWS CLI and SDKs on 443 (HTTPS).
	"cassandra":      {{From: 443, To: 443}, {From: 9142, To: 9142}},
	"cassandra-fips": {{From: 443, To: 443}, {From: 9142, To: 9142}},
	// HTTPS APIs commonly reached through interface endpoints. (S3 and
	// DynamoDB are left out: their endpoints answer HTTP too, see
	// servicePorts, so ports other than 443 stay unknown for them.)
	"sts": httpsOnly, "ec2": httpsOnly, "ec2messages": httpsOnly, "ssm": httpsOnly, "ssmmessages": httpsOnly,
	"kms": httpsOnly, "secretsmanager": httpsOnly, "logs": httpsOnly, "monitoring": httpsOnly, "events": httpsOnly,
	"ecr.api": httpsOnly, "ecr.dkr": httpsOnly, "ecs": httpsOnly, "ecs-agent": httpsOnly, "ecs-telemetry": httpsOnly,
	"sqs": httpsOnly, "sns": httpsOnly, "lambda": httpsOnly,
	"execute-api": httpsOnly, "elasticloadbalancing": httpsOnly, "autoscaling": httpsOnly, "states": httpsOnly,
	"kinesis-streams": httpsOnly, "kinesis-firehose": httpsOnly, "network-firewall": httpsOnly,
	"cloudformation": httpsOnly, "codebuild": httpsOnly, "elasticfilesystem": httpsOnly, "rds": httpsOnly,
	"glue": httpsOnly, "athena": httpsOnly, "sagemaker.api": httpsOnly, "sagemaker.runtime": httpsOnly,
	"bedrock-runtime": httpsOnly, "eks": httpsOnly, "xray": httpsOnly, "servicecatalog": httpsOnly, "transfer": httpsOnly,
}

// endpointService says what listens behind an interface endpoint for a
// service name, and on which TCP ports when that is known: an AWS service
// in the table (its ports), another AWS service (HTTPS assumed; name is
// its service part), or another provider's endpoint service (any port:
// the provider's load balancer decides, and it is not in the snapshot).
func endpointService(serviceName string) (kind serviceKind, ports portSet, name string) {
	rest, aws := strings.CutPrefix(serviceName, "com.amazonaws.")
	if !aws {
		// Newer AWS services are named aws.api.<region>.<service>.
		rest, aws = strings.CutPrefix(serviceName, "aws.api.")
	}
	if !aws || strings.HasPrefix(rest, "vpce.") {
		return serviceProvider, nil, serviceName
	}
	// rest is <region>.<service>; a few global services have no Region
	// part (com.amazonaws.s3-global.accesspoint): the whole rest names them.
	name = rest
	if region, svc, ok := strings.Cut(rest, "."); ok && strings.Count(region, "-") >= 2 {
		name = svc
	}
	if ps, ok := servicePortTable[name]; ok {
		return serviceAWSKnown, ps, name
	}
	return serviceAWSOther, httpsOnly, name
}
