// Package tfplan reads a Terraform (or OpenTofu) plan — the output of
// `terraform show -json PLANFILE`, format version 1.x — and turns the
// changes of the AWS provider's network resources into the network the
// plan would leave: applied to a snapshot of the current network (the
// resources matched by the IDs of their before values), or built from
// the plan alone.
//
// Values known only after apply get placeholders named by the Terraform
// address: an ID keeps its AWS prefix around the address
// (i-(aws_instance.web), igw-(aws_internet_gateway.main)) so that what
// the ID names is still clear to the engine; a private address is the
// first free one of its subnet; a public address comes from 198.18.0.0/15
// (RFC 2544), which no internet host has; a firewall's endpoints are
// one per subnet mapping (vpce-(aws_networkfirewall_firewall.edge
// us-east-1a)), and routes naming its firewall_status go to the endpoint
// of their Availability Zone. The snapshot declares its placeholder IDs
// (model.Snapshot.Placeholders). References between resources
// that do not exist yet (security_group_id = aws_security_group.db.id)
// are resolved through the plan's configuration. Every resource ID of the
// planned network maps back to the Terraform addresses that made or
// changed it; resource types that do not shape the network, and
// resources that cannot be placed, are listed as not considered.
//
// The JSON format: https://developer.hashicorp.com/terraform/internals/json-format
package tfplan
